"""The whole-page cache for anonymous readers: the middleware and what invalidates it.

Imports point one way: ``dependencies``, ``keys`` and ``lease`` (how long a process may trust
the epoch it read, and the writers' wait that keeps that exact) at the bottom, ``tokens``
(where version tokens live) above them, then ``pages`` (the middleware) and ``invalidation``
(model signals, and ``invalidate_all_pages()`` for bulk writes), which never import each
other, and ``front`` (hits answered before Django's handler, with ``pages``' functions) on top.
``backends`` is the Redis cache backend that degrades instead of failing.
"""
