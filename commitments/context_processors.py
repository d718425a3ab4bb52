from django.conf import settings
from django.utils.functional import SimpleLazyObject

from commitments.access import can_view_progress
from commitments.demo import demo_data_present
from commitments.permissions import is_secretariat, official_participant


def site(request):
    return {
        "tracker_name": settings.SITE_NAME,
        "can_view_progress": can_view_progress(request.user),
        # Asked only by pages that render the banner, once per request.
        "nav_roles": SimpleLazyObject(lambda: _roles(request.user)),
        "demo_data_present": SimpleLazyObject(demo_data_present),
    }


def _roles(user) -> dict:
    """Which of the role-specific links the navigation shows (asked once per page)."""
    return {
        "official": official_participant(user) is not None,
        "secretariat": is_secretariat(user),
    }
