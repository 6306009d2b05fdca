"""The whole-page cache for anonymous readers: the middleware and what invalidates it.

Imports point one way: ``dependencies`` and ``keys`` at the bottom, ``tokens`` (where version
tokens live) above them, then ``pages`` (the middleware) and ``invalidation`` (model
signals, and ``invalidate_all_pages()`` for bulk writes), which never import each other.
``backends`` is the Redis cache backend that degrades instead of failing.
"""
