"""The 12-month ministerial review of paragraph 24: when it is due and how it stands.

One source of truth: the home page, the review page, the report for Ministers and the
reminders all ask `review_standing()` rather than working the dates out themselves, and show
its `summary` (`standing_summary()`, the one sentence that says how it stands); the review page
and the report also share `submission_timeliness()` (whether a recommendation reached
Ministers in time).
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from commitments.models import MinisterialMeeting


class Standing(StrEnum):
    DUE = "due"  # the deadline is ahead and no ministerial meeting has been held yet
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"  # the deadline has passed and no ministerial meeting has been held
    MET = "met"  # a later ministerial meeting was held, before or after the deadline


@dataclass(frozen=True)
class ReviewStanding:
    founding: MinisterialMeeting
    due_date: datetime.date
    standing: Standing
    # Days until the deadline (DUE), or past it (OVERDUE); for MET, the review meeting's
    # start minus the deadline: negative when held early, positive when held late.
    days: int
    review_meeting: MinisterialMeeting | None = None

    @property
    def abs_days(self) -> int:
        return abs(self.days)

    @property
    def summary(self) -> str:
        """How the review stands, in one sentence: see standing_summary."""
        return standing_summary(self)


def review_standing(today: datetime.date) -> ReviewStanding | None:
    """How the founding meeting's review stands on `today` (None without a founding meeting).

    The review is met by the first ministerial-level meeting after the founding one that has
    started by `today`: results go "for consideration by Ministers at a subsequent meeting".
    """
    founding = MinisterialMeeting.objects.founding()
    if founding is None:
        return None
    due = founding.review_due_date
    review_meeting = (
        MinisterialMeeting.objects.ministerial()
        .filter(start_date__gt=founding.end_date, start_date__lte=today)
        .order_by("start_date")
        .first()
    )
    if review_meeting is not None:
        days = (review_meeting.start_date - due).days
        return ReviewStanding(founding, due, Standing.MET, days, review_meeting)
    days = (due - today).days
    if days > 0:
        return ReviewStanding(founding, due, Standing.DUE, days)
    if days == 0:
        return ReviewStanding(founding, due, Standing.DUE_TODAY, 0)
    return ReviewStanding(founding, due, Standing.OVERDUE, -days)


def standing_summary(standing: ReviewStanding) -> str:
    """How the review stands, in one sentence, as every page shows it ("Due in 58 days.",
    "Overdue by 10 days: ...", "Held at the ... 59 days after the deadline."), in the active
    language."""
    days = standing.days
    if standing.standing == Standing.DUE:
        return ngettext("Due in %(days)d day.", "Due in %(days)d days.", days) % {"days": days}
    if standing.standing == Standing.DUE_TODAY:
        return _("Due today.")
    if standing.standing == Standing.OVERDUE:
        return ngettext(
            "Overdue by %(days)d day: no ministerial meeting has been held since the conference.",
            "Overdue by %(days)d days: no ministerial meeting has been held since the conference.",
            days,
        ) % {"days": days}
    meeting = standing.review_meeting
    values = {
        "meeting": meeting.name,
        "date": date_format(meeting.start_date),
        "days": standing.abs_days,
    }
    if days == 0:
        return (
            _("Held at the %(meeting)s, which opened on %(date)s, on the day of the deadline.")
            % values
        )
    if days > 0:
        held = ngettext(
            "Held at the %(meeting)s, which opened on %(date)s, %(days)d day after the deadline.",
            "Held at the %(meeting)s, which opened on %(date)s, %(days)d days after the deadline.",
            standing.abs_days,
        )
    else:
        held = ngettext(
            "Held at the %(meeting)s, which opened on %(date)s, %(days)d day before the deadline.",
            "Held at the %(meeting)s, which opened on %(date)s, %(days)d days before the deadline.",
            standing.abs_days,
        )
    return held % values


class Timeliness(StrEnum):
    IN_TIME = "in_time"
    LATE = "late"
    NOT_SUBMITTED = "not_submitted"


@dataclass(frozen=True)
class Submission:
    """Whether a recommendation reached Ministers by the review's due date."""

    timeliness: Timeliness
    days_late: int = 0

    @property
    def label(self) -> str:
        if self.timeliness == Timeliness.IN_TIME:
            return pgettext("a recommendation's submission to Ministers", "in time")
        if self.timeliness == Timeliness.LATE:
            return ngettext("%(days)d day late", "%(days)d days late", self.days_late) % {
                "days": self.days_late
            }
        return pgettext("a recommendation's submission to Ministers", "not submitted")


def submission_timeliness(submitted_on: datetime.date | None, due: datetime.date) -> Submission:
    """On or before the due date: in time; after it: N days late; never: not submitted."""
    if submitted_on is None:
        return Submission(Timeliness.NOT_SUBMITTED)
    if submitted_on <= due:
        return Submission(Timeliness.IN_TIME)
    return Submission(Timeliness.LATE, (submitted_on - due).days)
