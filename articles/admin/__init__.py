from . import articles, images, people, tags  # noqa: F401  (registers the admin classes)
