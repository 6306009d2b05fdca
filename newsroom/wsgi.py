"""The WSGI application: Django, with page-cache hits answered in front of its request
handler (articles/cache/front.py)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()  # sets Django up: the front imports models

from articles.cache.front import PageCacheFront  # noqa: E402

application = PageCacheFront(django_application)
