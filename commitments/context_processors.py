from django.conf import settings
from django.utils.functional import SimpleLazyObject

from commitments.access import can_view_progress
from commitments.models import ProgressReport


def site(request):
    return {
        "tracker_name": settings.SITE_NAME,
        "can_view_progress": can_view_progress(request.user),
        # Asked only by pages that render the banner, once per request.
        "demo_data_present": SimpleLazyObject(
            lambda: ProgressReport.objects.filter(is_demo=True).exists()
        ),
    }
