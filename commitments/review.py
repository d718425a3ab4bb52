"""The 12-month ministerial review of paragraph 24: when it is due and how it stands.

One source of truth: the home page (and later the review page and the report for Ministers)
all ask `review_standing()` rather than working the dates out themselves.
"""

import datetime
from dataclasses import dataclass
from enum import StrEnum

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
