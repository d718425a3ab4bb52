"""What goes to Ministers (paragraph 24): compiled once, shown by the review page, the print
view and the PDF alike.

"The results of these meetings of experts would be submitted for consideration by Ministers
at a subsequent meeting to be convened within one year." The compilation holds the founding
meeting and how its review stands, the results of each expert meeting (by group), the
recommendations and whether each reached Ministers in time, and, for those who may view
progress, the status matrix as it stood on the due date (or another date).

A fixed number of queries, whatever the number of meetings, recommendations or reports. No
ranking and no score: participants are listed by name, statuses are their own accounts
(paragraph 19).
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from commitments.demo import demo_data_present
from commitments.ministerial_review import (
    ReviewStanding,
    Standing,
    Submission,
    review_standing,
    submission_timeliness,
)
from commitments.models import (
    Assistance,
    Attendance,
    ExpertGroup,
    ExpertMeeting,
    Recommendation,
)
from commitments.status import Matrix, status_matrix

ACROSS_GROUPS_TITLE = gettext_lazy("Meetings across the experts' groups")


@dataclass
class RecommendationLine:
    recommendation: Recommendation
    submission: Submission


@dataclass
class MeetingResults:
    meeting: ExpertMeeting
    attendance: list[Attendance]
    assistance: list[Assistance]
    recommendations: list[RecommendationLine] = field(default_factory=list)


@dataclass
class GroupResults:
    """One experts' group and its meetings; `group` is None for the meetings across groups."""

    group: ExpertGroup | None
    anchor: str
    meetings: list[MeetingResults] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.group.name if self.group else ACROSS_GROUPS_TITLE


@dataclass
class ForMinisters:
    compiled_on: datetime.date
    standing: ReviewStanding
    co_chairs: list
    groups: list[GroupResults]
    recommendations: list[RecommendationLine]
    # The matrix and its date: None for those who may not view progress.
    matrix: Matrix | None = None
    matrix_as_of: datetime.date | None = None

    @cached_property
    def is_demo(self) -> bool:
        """Whether demonstration reports exist: the report then says so on its cover. Asked
        only by the report (the site's pages have their own banner)."""
        return demo_data_present()

    @property
    def founding(self):
        return self.standing.founding

    @property
    def due_date(self) -> datetime.date:
        return self.standing.due_date

    @property
    def summary(self) -> str:
        return self.standing.summary

    @property
    def meetings(self) -> list[MeetingResults]:
        return [m for g in self.groups for m in g.meetings]

    @property
    def matrix_on_due_date(self) -> bool:
        return self.matrix_as_of == self.due_date


def default_as_of(standing: ReviewStanding, today: datetime.date) -> datetime.date:
    """The matrix as it stood on the due date; before the deadline, as it stands today."""
    return min(standing.due_date, today)


def expert_meetings_for(standing: ReviewStanding):
    """The expert meetings whose results were due for Ministers: all of them up to the review
    meeting once one has been held, all of them until then."""
    meetings = ExpertMeeting.objects.all()
    if standing.standing == Standing.MET:
        meetings = meetings.filter(start_date__lte=standing.review_meeting.start_date)
    return meetings


def compile_for_ministers(
    today: datetime.date,
    *,
    as_of: datetime.date | None = None,
    with_progress: bool = False,
) -> ForMinisters | None:
    """Everything due for Ministers on `today` (None without a founding meeting). The matrix
    only `with_progress`, as of `as_of` (by default the due date, or today before it)."""
    standing = review_standing(today)
    if standing is None:
        return None
    due = standing.due_date
    window = expert_meetings_for(standing)
    meetings = list(
        window.select_related("group", "host")
        .prefetch_related(
            Prefetch(
                "attendance_set",
                queryset=Attendance.objects.select_related("participant").order_by(
                    "participant__short_name"
                ),
            ),
            Prefetch(
                "assistance_set",
                queryset=Assistance.objects.select_related("organisation").order_by(
                    "organisation__short_name"
                ),
            ),
        )
        .order_by("start_date", "pk")
    )
    by_meeting = {
        m.pk: MeetingResults(m, list(m.attendance_set.all()), list(m.assistance_set.all()))
        for m in meetings
    }
    recommendations = [
        RecommendationLine(r, submission_timeliness(r.submitted_on, due))
        for r in Recommendation.objects.filter(meeting__in=window.values("pk"))
        .select_related("meeting", "meeting__group", "submitted_to")
        .prefetch_related("commitments")
        # Not a meeting added since the meetings were read: the report holds what it lists.
        if r.meeting_id in by_meeting
    ]
    for line in recommendations:
        by_meeting[line.recommendation.meeting_id].recommendations.append(line)

    groups = [
        GroupResults(group, f"group-{group.slug}")
        for group in ExpertGroup.objects.select_related("coordinator")
    ]
    index = {g.group.pk: g for g in groups}
    across = GroupResults(None, "across-groups")
    for meeting in meetings:
        index.get(meeting.group_id, across).meetings.append(by_meeting[meeting.pk])
    if across.meetings:
        groups.append(across)

    report = ForMinisters(
        compiled_on=today,
        standing=standing,
        co_chairs=list(standing.founding.co_chairs.order_by("statement_order", "short_name")),
        groups=groups,
        recommendations=recommendations,
    )
    if with_progress:
        report.matrix_as_of = as_of or default_as_of(standing, today)
        report.matrix = status_matrix(as_of=report.matrix_as_of)
    return report
