"""Which language a page is in, and a user's own.

For each request, in order: a logged-in user's preference (put in the session at login and
whenever it changes, so that no page asks the database for it), then Django's own choice
(the language menu's cookie, then the browser's Accept-Language), then English. URLs are
the same in every language. Emails are written in the recipient's preference (`language_of`).
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ObjectDoesNotExist
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

# The session's copy of the logged-in user's preference.
SESSION_KEY = "followup_language"


def is_offered(language: str) -> bool:
    return language in dict(settings.LANGUAGES)


def stored_language(user) -> str:
    """The user's own choice as stored now, or "" for none: one query (at login, on the
    account page)."""
    from commitments.models import AccountPreference

    if not user.is_authenticated:
        return ""
    found = AccountPreference.objects.filter(user=user).values_list("language", flat=True)
    return found.first() or ""


def language_of(user) -> str:
    """The language to write to the user in (emails): their preference, else the site's
    default. Read from the preference that came with the user (`select_related
    ("preference")`: a list of recipients costs no query each), else in one query."""
    try:
        language = user.preference.language
    except ObjectDoesNotExist:
        language = ""
    return language if is_offered(language) else settings.LANGUAGE_CODE


def remember_in_session(request, language: str) -> None:
    if language:
        request.session[SESSION_KEY] = language
    else:
        request.session.pop(SESSION_KEY, None)


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with a logged-in user's preference first."""

    def process_request(self, request):
        chosen = request.session.get(SESSION_KEY, "") if hasattr(request, "session") else ""
        if is_offered(chosen):
            translation.activate(chosen)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)


def _remember_at_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        remember_in_session(request, stored_language(user))


def connect_signals() -> None:
    user_logged_in.connect(_remember_at_login, dispatch_uid="followup-language-at-login")
