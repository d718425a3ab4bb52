"""Requests the app refuses before any view reads them, and what every response says about
caching."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

NUL = "\x00"


def has_nul(query_dict) -> bool:
    return any(NUL in key or any(NUL in value for value in values)
               for key, values in query_dict.lists())  # fmt: skip


class RefuseOversizedRequestsMiddleware:
    """A request body larger than REQUEST_MAX_BYTES (every file a form may carry at its
    largest, and the text) is refused from its Content-Length, before a byte of it is read,
    with a 413 that says the limit. Each file's own limit is checked as it arrives
    (commitments.uploads)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django's own parsing refuses a malformed length
        if length > settings.REQUEST_MAX_BYTES:
            context = {
                "file_limit": settings.EVIDENCE_MAX_BYTES,
                "file_count": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            }
            return HttpResponse(render_to_string("413.html", context, request=request), status=413)
        return self.get_response(request)


class RefuseNulBytesMiddleware:
    """A NUL byte in the path (%00), a query parameter or a form field is never meant: no
    text in the app can hold one, and PostgreSQL refuses it with an error. Refused here, for
    every page, the admin's addresses, filters, search and autocomplete and the login
    included, with a 400 that says why, so that no view has to guard against it and nothing
    is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            NUL in request.path_info
            or has_nul(request.GET)
            or (request.method == "POST" and has_nul(request.POST))
        ):
            return HttpResponseBadRequest(
                render_to_string("400.html", {"reason": "nul"}, request=request)
            )
        return self.get_response(request)


class PrivateWhenLoggedInMiddleware:
    """What a logged-in user sees (drafts, progress behind the login, downloads) is for that
    user alone: `Cache-Control: private`, so that no shared cache (a proxy, a CDN) keeps a
    copy for the next visitor. Anonymous pages are left to the usual rules."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True)
        return response
