"""Rate limits of the API, counted in the default cache (shared by every process when
REDIS_URL is set): per token (or per logged-in user) and per address for anonymous callers.
The rates are settings (API_THROTTLE_USER, API_THROTTLE_ANON); past them, 429 with
Retry-After."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class SettingsRate:
    """DRF reads the rates once, at import; read them on each request instead, so that a
    changed setting (a test's override) applies."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class PerTokenThrottle(SettingsRate, throttling.UserRateThrottle):
    """Each token counts on its own, so that one busy program does not stop its user's other
    tokens; a session counts per user."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None  # PerAddressThrottle's
        token = request.auth
        ident = f"token-{token.pk}" if token is not None else f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PerAddressThrottle(SettingsRate, throttling.AnonRateThrottle):
    scope = "anon"
