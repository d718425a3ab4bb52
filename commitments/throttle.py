"""Limits on how often one address or one client may ask for something that sends an email
or tries a password, counted in the cache (per process with the default cache; shared when
a shared cache is configured)."""

from django.core.cache import cache

from commitments.access import client_address


def allow(key: str, limit: int, seconds: int) -> bool:
    """Count one more request under `key`; False once `limit` were counted within `seconds`."""
    key = f"throttle:{key}"
    if cache.add(key, 1, seconds):
        return True
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, seconds)
        return True


def allow_request(request, name: str, limit: int, seconds: int) -> bool:
    return allow(f"{name}:{client_address(request)}", limit, seconds)
