"""Typed readers for environment variables.

Each one fails loudly with ImproperlyConfigured on a value it cannot read, so that a typo in
production ("DEBUG=ture") stops the app at start-up instead of being read as a default.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no/on/off, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


RATE_PERIODS = ("second", "minute", "hour", "day")


def env_rate(name: str, default: str) -> str:
    """A rate limit as Django REST Framework reads it: a number of requests per period
    ("100/hour"; the period's first letter is enough)."""
    raw = os.environ.get(name, "").strip() or default
    count, _, period = raw.partition("/")
    if not (count.isdigit() and period and any(p.startswith(period) for p in RATE_PERIODS)):
        raise ImproperlyConfigured(
            f"{name} must be a number of requests per second, minute, hour or day, such as "
            f"100/hour, not {raw!r}"
        )
    return raw


# Django's own deployment check asks this much of a key (security.W009).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


def require_secret_key() -> None:
    """Refuse to serve without a strong SECRET_KEY when DEBUG is off, as production runs: a
    short or guessable key lets anyone forge sessions and password-reset links."""
    from django.conf import settings

    if settings.DEBUG:
        return  # a developer's machine: `make run` uses the development key
    try:
        key = settings.SECRET_KEY  # Django raises on an empty key only when it is read
    except ImproperlyConfigured:
        key = ""
    if not key:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    if (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith("django-insecure")
    ):
        raise ImproperlyConfigured(
            f"SECRET_KEY is too weak: use at least {SECRET_KEY_MIN_LENGTH} random characters, "
            "for example from: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
