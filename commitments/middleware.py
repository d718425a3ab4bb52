"""Requests the app refuses before any view reads them, and what every response says about
caching."""

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

NUL = "\x00"


def has_nul(query_dict) -> bool:
    return any(NUL in key or any(NUL in value for value in values)
               for key, values in query_dict.lists())  # fmt: skip


class RefuseNulBytesMiddleware:
    """A NUL byte in a query parameter or a form field is never meant: no text in the app can
    hold one, and PostgreSQL refuses it with an error. Refused here, for every page, the
    admin's filters, search and autocomplete and the login included, with a 400 that says
    why, so that no view has to guard against it and nothing is written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request.GET) or (request.method == "POST" and has_nul(request.POST)):
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
