"""Taking part in the follow-up of paragraph 23: an official volunteers his or her own
participant for an experts' group, and records who attended a meeting for it."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from commitments.history import record_as
from commitments.models import Attendance, Confidence, ExpertMeeting, Volunteer

NAMES_MAX_LENGTH = 2000


def names_one_per_line(text: str) -> str:
    """Names typed one per line, without blank lines or stray spaces."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def self_recorded_source(participant) -> str:
    """The record's source: stored with it and published (the open data), so in English
    whatever the language of the page that made it."""
    return f"Recorded on this site by an official of {participant.short_name}."


def already_volunteered_message(group, participant) -> str:
    return _("%(participant)s has already volunteered for %(group)s.") % {
        "participant": participant.short_name,
        "group": group.short_name,
    }


def volunteer(*, group, participant, expert_names: str, user) -> Volunteer:
    """Put `participant` on the group's register of volunteers, once."""
    if Volunteer.objects.filter(group=group, participant=participant).exists():
        raise ValidationError(already_volunteered_message(group, participant))
    volunteer = Volunteer(
        group=group,
        participant=participant,
        expert_names=names_one_per_line(expert_names),
        volunteered_on=timezone.localdate(),
        source=self_recorded_source(participant),
        confidence=Confidence.HIGH,
    )
    volunteer.full_clean()
    try:
        with transaction.atomic():
            record_as(volunteer, user)
            volunteer.save()
    except IntegrityError:
        # A colleague volunteered the participant a moment ago (the unique constraint).
        raise ValidationError(already_volunteered_message(group, participant)) from None
    return volunteer


def may_record_attendance(meeting) -> bool:
    return meeting.status in (ExpertMeeting.Status.HELD, ExpertMeeting.Status.PLANNED)


@transaction.atomic
def record_attendance(*, meeting, participant, delegates: str, user) -> bool:
    """Create or update the participant's attendance row; False when nothing changed. An
    update keeps the earlier text in the row's history."""
    if not may_record_attendance(meeting):
        raise ValidationError(
            # Translators: %(status)s is the meeting's status, e.g. "cancelled".
            _("%(meeting)s was %(status)s: no attendance can be recorded for it.")
            % {"meeting": meeting, "status": meeting.get_status_display().lower()}
        )
    delegates = names_one_per_line(delegates)
    try:
        # A savepoint: on PostgreSQL a failed insert aborts the whole transaction.
        with transaction.atomic():
            return _record_attendance(meeting, participant, delegates, user)
    except IntegrityError:
        # A colleague made the row a moment ago (the unique constraint; a lock cannot hold a
        # row that does not exist yet): it is there now, so this becomes an update of it.
        return _record_attendance(meeting, participant, delegates, user)


def _locked_attendance(meeting, participant) -> Attendance | None:
    return (
        Attendance.objects.select_for_update()
        .filter(meeting=meeting, participant=participant)
        .first()
    )


def _record_attendance(meeting, participant, delegates, user) -> bool:
    attendance = _locked_attendance(meeting, participant)
    if attendance is None:
        attendance = Attendance(
            meeting=meeting,
            participant=participant,
            source=self_recorded_source(participant),
            confidence=Confidence.HIGH,
        )
    elif attendance.delegates == delegates:
        return False
    attendance.delegates = delegates
    # Its one constraint, a row per meeting and participant, is left to the database: a row
    # made meanwhile then turns this into an update (above), not into a refusal.
    attendance.full_clean(validate_constraints=False)
    record_as(attendance, user)
    attendance.save()
    return True
