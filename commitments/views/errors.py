"""The page for a server error. When the error is the database being unreachable (a
restart, a failover, maintenance), it is a 503 in the site's words, not a bare error page:
the request failed before anything could be saved, and the user only needs to wait."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

# Connection refused, the server closed the connection, a restart in progress ("the
# database system is starting up"), SQLite's file locked for longer than its timeout.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def server_error(request):
    """handler500: Django calls it while handling the exception, so sys.exception() is it."""
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    return defaults.server_error(request)


def database_unavailable(request):
    # Rendered without the request: its context processors (the user, the demonstration
    # flag) would ask the database that just failed.
    context = {
        "tracker_name": settings.SITE_NAME,
        "sent_something": request.method not in ("GET", "HEAD", "OPTIONS"),
        "retry_after": RETRY_AFTER_SECONDS,
    }
    response = HttpResponse(render_to_string("503.html", context), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
