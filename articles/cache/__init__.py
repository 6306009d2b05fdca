"""The whole-page cache for anonymous readers: the middleware and what invalidates it."""
