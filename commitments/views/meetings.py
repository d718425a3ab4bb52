"""Meetings of the follow-up: ministerial and expert meetings. Public reference data."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from commitments.models import ExpertMeeting, MinisterialMeeting


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
        .prefetch_related(
            "attendance_set__participant",
            "assistance_set__organisation",
            "recommendations__commitments",
        )
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
    template = (
        "commitments/expert_meeting_detail.html"
        if isinstance(meeting, ExpertMeeting)
        else "commitments/ministerial_meeting_detail.html"
    )
    return render(request, template, {"meeting": meeting})
