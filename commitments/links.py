"""Absolute addresses of the site's pages, for what is read away from it: emails, downloads."""

from django.conf import settings
from django.urls import reverse


def absolute_url(name: str, *args) -> str:
    """The page's address under SITE_URL (the address the deployment is reached at)."""
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)
