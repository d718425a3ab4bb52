"""Meetings of the follow-up: ministerial and expert meetings. Public reference data."""

from pathlib import PurePath

from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from commitments.models import ExpertMeeting, MeetingDocument, MinisterialMeeting
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


@require_GET
def meeting_detail(request, slug):
    meeting = get_meeting(slug)
    if isinstance(meeting, ExpertMeeting):
        context = {"meeting": meeting, **groups.expert_meeting_context(request, meeting)}
        return render(request, "commitments/expert_meeting_detail.html", context)
    return render(request, "commitments/ministerial_meeting_detail.html", {"meeting": meeting})


@require_GET
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
