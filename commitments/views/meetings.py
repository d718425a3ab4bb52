"""Meetings of the follow-up: ministerial and expert meetings. Public reference data; on an
expert meeting's page, the secretariat's forms to move its recommendations on, and an
official's form to record his or her participant's attendance."""

from pathlib import PurePath

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from commitments.forms import MOVE_FORMS, AttendanceForm, MoveOptions
from commitments.models import (
    ExpertMeeting,
    Handover,
    MeetingDocument,
    MinisterialMeeting,
    Recommendation,
    RecommendationEvent,
)
from commitments.permissions import is_secretariat, official_participant
from commitments.services import participation
from commitments.services import recommendations as moves


@require_safe
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
        .prefetch_related(
            "attendance_set__participant", "assistance_set__organisation", "documents"
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


@require_safe
def meeting_detail(request, slug):
    meeting = get_meeting(slug)
    if isinstance(meeting, ExpertMeeting):
        context = {"meeting": meeting, **expert_meeting_context(request, meeting)}
        return render(request, "commitments/expert_meeting_detail.html", context)
    return render(request, "commitments/ministerial_meeting_detail.html", {"meeting": meeting})


@require_safe
def meeting_document_download(request, pk):
    """A meeting's document file: public like the meeting, always as a download (an uploaded
    file is never trusted to render in the browser)."""
    document = MeetingDocument.objects.filter(pk=pk).exclude(file="").first()
    if document is None:
        raise Http404("No document file has that number.")
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing from the server's storage.") from None
    name = PurePath(document.file.name).name
    return FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=document.content_type or "application/octet-stream",
    )


def meeting_recommendations(meeting):
    """The meeting's recommendations with everything their status needs: where they were
    submitted, their moves with who recorded each, their handovers."""
    return (
        Recommendation.objects.filter(meeting=meeting)
        .select_related("meeting", "submitted_to")
        .prefetch_related(
            "commitments",
            Prefetch("events", RecommendationEvent.objects.select_related("recorded_by")),
            Prefetch("handovers", queryset=Handover.objects.select_related("mechanism")),
        )
        .order_by("reference", "pk")
    )


def expert_meeting_context(request, meeting) -> dict:
    """What the expert meeting page shows besides the meeting: the recommendations with their
    status and moves; for the secretariat the forms of the moves each can make next; for an
    official the form to record the attendance of his or her own participant."""
    user = request.user
    rows = list(meeting_recommendations(meeting))
    context = {"recommendations": rows}
    if is_secretariat(user):
        options = MoveOptions.for_meeting(meeting)
        for row in rows:
            row.move_forms = [
                MOVE_FORMS[move](recommendation=row, options=options)
                for move in moves.next_moves(row.status)
            ]
    participant = official_participant(user)
    if (
        participant is not None
        and participant.is_tracked
        and participation.may_record_attendance(meeting)
    ):
        own = next(
            (a for a in meeting.attendance_set.all() if a.participant_id == participant.pk), None
        )
        context["attendance_for"] = participant
        context["attendance_form"] = AttendanceForm(participant=participant, attendance=own)
    return context
