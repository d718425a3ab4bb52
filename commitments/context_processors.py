from django.conf import settings
from django.utils.functional import SimpleLazyObject

from commitments.access import can_view_progress
from commitments.caching import TIMEOUT as FRAGMENT_TIMEOUT
from commitments.caching import cached, data_version
from commitments.demo import demo_data_present
from commitments.navigation import navigation


def site(request):
    version = SimpleLazyObject(data_version)
    return {
        "tracker_name": settings.SITE_NAME,
        "can_view_progress": can_view_progress(request.user),
        # Built when the header renders, once per request.
        "nav_groups": SimpleLazyObject(lambda: navigation(request, version)),
        # Kept with the data version: after the first page, it costs a cache lookup.
        "demo_data_present": SimpleLazyObject(
            lambda: cached("demo-data-present", str(version), build=demo_data_present)
        ),
        # The key of every cached fragment ({% cache %}): read once, before the data.
        "data_version": version,
        "fragment_timeout": FRAGMENT_TIMEOUT,
    }
