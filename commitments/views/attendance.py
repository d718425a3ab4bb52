"""Attendance at an expert meeting: an official records who attended for his or her own
participant (commitments.services.participation makes the record)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commitments.forms import AttendanceForm, error_sentences
from commitments.permissions import check_participant_field, meeting_for_attendance
from commitments.services import participation


@require_POST
@login_required
def record_attendance(request, slug):
    meeting, participant = meeting_for_attendance(request.user, slug)
    check_participant_field(request.user, request.POST.get("participant"))
    back = reverse("meeting_detail", args=[meeting.slug]) + "#attendance"
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Nothing was changed. %(errors)s") % {"errors": error_sentences(form)}
        )
        return redirect(back)
    try:
        changed = participation.record_attendance(
            meeting=meeting,
            participant=participant,
            delegates=form.cleaned_data["delegates"],
            user=request.user,
        )
    except ValidationError as error:
        messages.error(
            request, _("%(errors)s Nothing was changed.") % {"errors": " ".join(error.messages)}
        )
        return redirect(back)
    if changed:
        messages.success(
            request,
            _("The attendance of %(participant)s was recorded.")
            % {"participant": participant.short_name},
        )
    else:
        messages.info(
            request,
            _("The attendance of %(participant)s was already so.")
            % {"participant": participant.short_name},
        )
    return redirect(back)
