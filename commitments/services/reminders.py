"""Reminder emails, sent by `manage.py send_reminders` (safe to run from cron every hour):

- to each focal point (an active Official user with an email) whose participant has tracked
  commitments with no report that counts within the last `stale_days` days: one email per
  official, listing those commitments. "Stale" is the workspace's rule
  (commitments.status.is_stale): the current status speaks for a date more than `stale_days`
  ago; or there is no report at all;
- to everyone concerned (the secretariat and all officials, active and with an email) once,
  when the founding meeting's review deadline is `deadline_days` days away or less, and no
  ministerial meeting has met it yet (commitments.ministerial_review).

Each reminder has a key that names it, its recipient and its period; a reminder whose key is
in SentReminder is never sent again:

- stale:<user id>:<participant ISO code>:<YYYY-MM>: at most one a month per official while
  anything stays stale. The commitments are listed in the body, not the key, so that
  reporting one of them does not trigger a second email in the same month;
- deadline:<founding meeting id>:<due date>:<user id>: once per deadline and person; a
  corrected due date is a new deadline.

Recorded and queued at once: the SentReminder row and the outgoing email are written in one
transaction, and the background worker delivers the email, trying again if the mail server
fails (services.mail). The unique key makes a second, overlapping run skip it, so a reminder
is never queued twice.

Each reminder is written in its recipient's language (commitments.languages.language_of).
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from commitments.languages import language_of
from commitments.links import absolute_url
from commitments.ministerial_review import Standing, review_standing
from commitments.models import Official, OutgoingEmail, Participant, SentReminder
from commitments.roles import SECRETARIAT
from commitments.services.mail import queue_email
from commitments.status import is_stale, status_matrix

logger = logging.getLogger(__name__)

DEFAULT_DEADLINE_DAYS = 30


@dataclass(frozen=True)
class Reminder:
    key: str
    recipient: str
    subject: str
    body: str


@dataclass
class Outcome:
    sent: list = field(default_factory=list)  # or, in a dry run, those that would be sent
    skipped: list = field(default_factory=list)  # already sent


def site_link(name: str) -> str:
    return absolute_url(name)


def _greeting(user) -> str:
    return _("Dear %(name)s,") % {"name": user.get_full_name() or user.get_username()}


# Stale progress -----------------------------------------------------------------------------------


def stale_reminders(today: datetime.date, stale_days: int) -> list[Reminder]:
    """One reminder per focal point whose participant has stale tracked commitments, in at
    most four queries whatever the number of officials: the officials (with their language),
    and status_matrix's three (the commitments, the participants with their current reports'
    ids, the reports)."""
    officials = list(
        Official.objects.filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "user__preference", "participant")
        .order_by("participant__short_name", "user__pk")
    )
    if not officials:
        return []
    participant_ids = {official.participant_id for official in officials}
    matrix = status_matrix(
        as_of=today, participants=Participant.objects.tracked().filter(pk__in=participant_ids)
    )
    stale_by_participant = {}
    for row in matrix.rows:
        stale_by_participant[row.participant.pk] = [
            (commitment, current)
            for commitment, current in zip(matrix.commitments, row.cells, strict=True)
            if current is None or is_stale(current, today, stale_days)
        ]
    reminders = []
    for official in officials:
        stale = stale_by_participant.get(official.participant_id)
        if stale:
            with translation.override(language_of(official.user)):
                reminders.append(_stale_reminder(official, stale, today, stale_days))
    return reminders


def _stale_reminder(official, stale, today, stale_days) -> Reminder:
    """The reminder to one official, in the active language."""
    participant = official.participant
    lines = []
    for commitment, current in stale:
        if current is None:
            state = _("no report yet")
        else:
            # Translators: %(status)s is the status in lower case, e.g. "limited".
            state = _("last reported as of %(date)s (%(status)s)") % {
                "date": date_format(current.as_of),
                "status": current.get_status_display().lower(),
            }
        lines.append(f"- {commitment.code} {commitment.title}: {state}")
    count = len(stale)
    values = {
        "count": count,
        "participant": participant.short_name,
        "name": participant.name,
        "days": stale_days,
    }
    subject = (
        ngettext(
            "Reminder: progress on %(count)d commitment for %(participant)s",
            "Reminder: progress on %(count)d commitments for %(participant)s",
            count,
        )
        % values
    )
    body = "\n".join(
        [
            _greeting(official.user),
            "",
            ngettext(
                "For %(name)s, the following commitment has no progress report for the last "
                "%(days)d days:",
                "For %(name)s, the following commitments have no progress report for the "
                "last %(days)d days:",
                count,
            )
            % values,
            "",
            *lines,
            "",
            _(
                "Reporting is voluntary (paragraph 19 of the statement). If there is progress "
                "to report, or to confirm, you can do so in your workspace:"
            ),
            site_link("workspace"),
            "",
            _(
                "This reminder is sent at most once a month while a commitment has no recent "
                "report."
            ),
        ]
    )
    return Reminder(
        key=f"stale:{official.user.pk}:{participant.iso3}:{today:%Y-%m}",
        recipient=official.user.email,
        subject=subject,
        body=body + "\n",
    )


# The review deadline ------------------------------------------------------------------------------


def deadline_recipients():
    """The secretariat and all officials, active and with an email: one user per address."""
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(groups__name=SECRETARIAT) | Q(official__isnull=False))
        .distinct()
        .select_related("preference")
        .order_by("pk")
    )
    seen, recipients = set(), []
    for user in users:
        if user.email.lower() not in seen:
            seen.add(user.email.lower())
            recipients.append(user)
    return recipients


def deadline_reminders(today: datetime.date, deadline_days: int) -> list[Reminder]:
    """One reminder per person when the review deadline is at most `deadline_days` days
    away (on the day itself included) and no ministerial meeting has met it yet."""
    standing = review_standing(today)
    if standing is None or standing.standing not in (Standing.DUE, Standing.DUE_TODAY):
        return []
    if standing.days > deadline_days:
        return []
    reminders = []
    for user in deadline_recipients():
        with translation.override(language_of(user)):
            subject, body = _deadline_email(standing, user)
        reminders.append(
            Reminder(
                key=f"deadline:{standing.founding.pk}:{standing.due_date.isoformat()}:{user.pk}",
                recipient=user.email,
                subject=subject,
                body=body,
            )
        )
    return reminders


def _deadline_email(standing, user) -> tuple[str, str]:
    """The subject and the body of the deadline reminder to `user`, in the active language."""
    days = standing.days
    values = {"days": days, "date": date_format(standing.due_date), "name": standing.founding.name}
    if days == 0:
        subject = _("The 12-month review is due today, on %(date)s") % values
        due = _("The 12-month review of the follow-up to %(name)s is due today, on %(date)s.")
    else:
        subject = (
            ngettext(
                "The 12-month review is due in %(days)d day, on %(date)s",
                "The 12-month review is due in %(days)d days, on %(date)s",
                days,
            )
            % values
        )
        due = ngettext(
            "The 12-month review of the follow-up to %(name)s is due in %(days)d day, on %(date)s.",
            "The 12-month review of the follow-up to %(name)s is due in %(days)d days, on "
            "%(date)s.",
            days,
        )
    paragraph = " ".join(
        [
            due % values,
            _(
                "Under paragraph 24 of the statement, the results of the meetings of experts "
                "are submitted for consideration by Ministers at a meeting to be convened "
                "within one year; under paragraph 25, further follow-up after this period is "
                "passed on to existing regional and international mechanisms."
            ),
        ]
    )
    links = [
        _("How the review stands:"),
        site_link("ministerial_review"),
        "",
        _("Officials can update their participant's progress reports in their workspace:"),
        site_link("workspace"),
    ]
    return subject, "\n".join([_greeting(user), "", paragraph, "", *links]) + "\n"


# Sending ------------------------------------------------------------------------------------------


def due_reminders(today: datetime.date, *, stale_days: int, deadline_days: int) -> list[Reminder]:
    return [*stale_reminders(today, stale_days), *deadline_reminders(today, deadline_days)]


def send_reminders(
    today: datetime.date, *, stale_days: int, deadline_days: int, dry_run: bool = False
) -> Outcome:
    """Send each due reminder not sent before, one email per recipient (no one sees another's
    address). A dry run sends nothing and writes nothing: `sent` lists what would go."""
    reminders = due_reminders(today, stale_days=stale_days, deadline_days=deadline_days)
    already = set(
        SentReminder.objects.filter(key__in=[r.key for r in reminders]).values_list(
            "key", flat=True
        )
    )
    outcome = Outcome()
    for reminder in reminders:
        if reminder.key in already:
            outcome.skipped.append(reminder)
        elif dry_run or _record_and_queue(reminder):
            outcome.sent.append(reminder)
        else:
            outcome.skipped.append(reminder)  # an overlapping run recorded it first
    return outcome


def _record_and_queue(reminder: Reminder) -> bool:
    """Record the reminder and queue its email; False if another run already did (the
    unique key)."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                key=reminder.key, recipient=reminder.recipient, subject=reminder.subject[:255]
            )
            queue_email(kind=OutgoingEmail.Kind.REMINDER, to=reminder.recipient,
                        subject=reminder.subject, body=reminder.body)  # fmt: skip
    except IntegrityError:
        return False
    return True
