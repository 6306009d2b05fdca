"""Error pages that need no database: a fault there must not turn into a second fault here.

Django calls ``server_error`` (``handler500``) for any exception a view or middleware did not
handle, with the exception still current. When the database is unreachable, refuses
connections, or cancelled a statement that ran past its timeout, the reader gets a styled
"503 Service Unavailable" with ``Retry-After`` instead of a bare 500: the fault is
temporary, and the site answers normally again as soon as the database does, because every
request opens its connection afresh once the previous one failed. Pages in the page cache
are served before any of this runs (articles/cache/pages.py), so they stay up throughout.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (OperationalError, InterfaceError)


def _database_unavailable(error):
    """Whether ``error``, or an exception it was raised from, is the database being down."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, UNAVAILABLE):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    if not _database_unavailable(sys.exc_info()[1]):
        return defaults.server_error(request, template_name)
    return service_unavailable(request)


def service_unavailable(request):
    """The styled 503 page; rendered without a query, a session or the request context."""
    body = loader.render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
