"""Meetings of the follow-up: ministerial and expert meetings. Public reference data."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from commitments.models import ExpertMeeting, MinisterialMeeting
from commitments.views import groups


@require_GET
def meeting_list(request):
    context = {
        "ministerial_meetings": MinisterialMeeting.objects.prefetch_related("co_chairs").order_by(
            "start_date"
        ),
        "expert_meetings": ExpertMeeting.objects.select_related("group", "host").order_by(
            "start_date"
        ),
    }
    return render(request, "commitments/meeting_list.html", context)


def get_meeting(slug):
    """Expert and ministerial meetings share one URL space; their slugs never collide (each
    model's clean() checks the other)."""
    expert = (
        ExpertMeeting.objects.select_related("group", "group__coordinator", "host")
        # The recommendations come with the page's other follow-up data, from
        # groups.expert_meeting_context.
        .prefetch_related("attendance_set__participant", "assistance_set__organisation")
        .filter(slug=slug)
        .first()
    )
    if expert is not None:
        return expert
    ministerial = (
        MinisterialMeeting.objects.prefetch_related("co_chairs", "expert_groups")
        .filter(slug=slug)
        .first()
    )
    if ministerial is None:
        raise Http404("No meeting has that address.")
    return ministerial


@require_GET
def meeting_detail(request, slug):
    meeting = get_meeting(slug)
    if isinstance(meeting, ExpertMeeting):
        context = {"meeting": meeting, **groups.expert_meeting_context(request, meeting)}
        return render(request, "commitments/expert_meeting_detail.html", context)
    return render(request, "commitments/ministerial_meeting_detail.html", {"meeting": meeting})
