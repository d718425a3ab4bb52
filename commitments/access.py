"""Who may see what. Reference data is public; progress data needs a login unless the
deployment opts in with FOLLOWUP_PUBLIC_PROGRESS."""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login


def progress_is_public() -> bool:
    """Whether progress is published to everyone: the open data then includes the reports."""
    return settings.FOLLOWUP_PUBLIC_PROGRESS


def can_view_progress(user) -> bool:
    return progress_is_public() or user.is_authenticated


def progress_view(view):
    """Send anonymous users to the login page, unless progress is public."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_view_progress(request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


USERNAME_MAX_LENGTH = 150  # django.contrib.auth's


def login_username(request, credentials=None) -> str:
    """The username a login attempt names, as django-axes records and locks it."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username)[:USERNAME_MAX_LENGTH]


def client_address(request) -> str:
    """The client's address as django-axes reads it (behind AXES_PROXY_COUNT proxies)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or "unknown"
