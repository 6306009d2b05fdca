from . import articles, images, people, security, tags  # noqa: F401  (registers the admin classes)
