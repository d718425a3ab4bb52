"""What each role has to do next: an official's to-dos (on the workspace) and the secretariat's
to-do page, with the count the navigation shows.

Each list is bounded (TODO_LIMIT items, with a link to the full list) and each count stops at
paging.COUNT_CAP, so the pages cost the same at any length of history. The navigation's count
is kept in the cache under the data version: after a write, the next page recounts once."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef

from commitments.caching import cached
from commitments.handover_register import handover_register
from commitments.ministerial_review import review_standing
from commitments.models import (
    Comment,
    ExpertMeeting,
    MinisterialMeeting,
    Participant,
    ProgressReport,
    Recommendation,
)
from commitments.paging import COUNT_CAP
from commitments.permissions import is_secretariat, official_participant
from commitments.services.recommendations import MOVES_FROM
from commitments.status import status_matrix
from commitments.workspace import workspace_rows

TODO_LIMIT = 10
UPCOMING_MEETINGS = 5
# A recommendation in one of these has a move to make (to Ministers, their decision, closure).
WAITING_STATUSES = sorted({status for sources in MOVES_FROM.values() for status in sources})


def capped_count(queryset) -> int:
    """The number of rows, counted up to COUNT_CAP + 1 (a page says "more than 10,000")."""
    return queryset[: COUNT_CAP + 1].count()


def last_comments(kind: str):
    """Comments of `kind` that nothing has followed on their report: a question with no
    reply yet, or a reply the secretariat has not answered. Read from the comments (far
    fewer than the reports), newest first."""
    later = Comment.objects.filter(report=OuterRef("report"), created_at__gt=OuterRef("created_at"))
    return (
        Comment.objects.filter(kind=kind)
        .filter(~Exists(later))
        .select_related("report__participant", "report__commitment", "author")
        .order_by("-created_at", "-pk")
    )


def unacknowledged_reports():
    """Submitted reports the secretariat has not acknowledged, leaving out those a submitted
    correction replaced (the correction is acknowledged instead); oldest first."""
    acknowledged = Comment.objects.filter(report=OuterRef("pk"), kind=Comment.Kind.ACKNOWLEDGEMENT)
    return (
        ProgressReport.objects.submitted()
        .not_replaced()
        .filter(~Exists(acknowledged))
        .select_related("participant", "commitment")
        .order_by("submitted_at", "pk")
    )


@dataclass
class OfficialTodo:
    participant: Participant
    rows: list
    deleted_drafts: list
    reporting_round: object
    questions: list
    questions_count: int

    @property
    def never_reported(self) -> list:
        return [row for row in self.rows if row.current is None]

    @property
    def update_due(self) -> list:
        return [row for row in self.rows if row.update_due]

    @property
    def drafts(self) -> list:
        return [draft for row in self.rows for draft in row.drafts]

    @property
    def count(self) -> int:
        return (
            len(self.never_reported)
            + len(self.update_due)
            + len(self.drafts)
            + self.questions_count
        )


def official_todo(participant: Participant, today: datetime.date) -> OfficialTodo:
    questions = last_comments(Comment.Kind.QUESTION).filter(report__participant=participant)
    return OfficialTodo(
        participant=participant,
        **workspace_rows(participant, today),
        questions=list(questions[:TODO_LIMIT]),
        questions_count=capped_count(questions),
    )


@dataclass
class Missing:
    """A participant with no report on some commitments."""

    participant: Participant
    commitments: list = field(default_factory=list)


@dataclass
class SecretariatTodo:
    unacknowledged: list
    unacknowledged_count: int
    replies: list
    replies_count: int
    missing: list
    recommendations: list
    recommendations_count: int
    meetings: list
    not_passed_on: list
    review: object

    @property
    def missing_count(self) -> int:
        return sum(len(item.commitments) for item in self.missing)

    @property
    def count(self) -> int:
        """What the navigation counts (secretariat_queues)."""
        return self.unacknowledged_count + self.replies_count + self.recommendations_count


def missing_reports() -> list[Missing]:
    """Each tracked participant with no report on one or more tracked commitments."""
    matrix = status_matrix()
    missing = []
    for row in matrix.rows:
        absent = [c for c, cell in zip(matrix.commitments, row.cells, strict=True) if not cell]
        if absent:
            missing.append(Missing(row.participant, absent))
    return missing


def upcoming_meetings(today: datetime.date) -> list:
    meetings = []
    for model in (ExpertMeeting, MinisterialMeeting):
        meetings += model.objects.filter(start_date__gte=today).order_by("start_date")[
            :UPCOMING_MEETINGS
        ]
    return sorted(meetings, key=lambda meeting: meeting.start_date)[:UPCOMING_MEETINGS]


def secretariat_queues() -> dict:
    """The three lists whose items only the secretariat can act on here; the navigation
    counts them."""
    return {
        "unacknowledged": unacknowledged_reports(),
        "replies": last_comments(Comment.Kind.REPLY),
        "recommendations": Recommendation.objects.filter(status__in=WAITING_STATUSES)
        .select_related("meeting")
        .order_by("meeting__start_date", "pk"),
    }


def secretariat_todo(today: datetime.date) -> SecretariatTodo:
    lists = {}
    for name, queryset in secretariat_queues().items():
        lists[name] = list(queryset[:TODO_LIMIT])
        lists[f"{name}_count"] = capped_count(queryset)
    return SecretariatTodo(
        **lists,
        missing=missing_reports(),
        meetings=upcoming_meetings(today),
        not_passed_on=[item for item in handover_register(today).items if not item.is_passed_on],
        review=review_standing(today),
    )


def todo_count(user, today: datetime.date, version: str) -> int | None:
    """The count the navigation shows beside "To do", or None for a user with no to-do
    page. Kept in the cache per participant (or for the secretariat) and data version."""
    if is_secretariat(user):
        return cached(
            "todo-count-secretariat",
            str(version),
            build=_secretariat_count,
        )
    participant = official_participant(user)
    if participant is None:
        return None
    return cached(
        "todo-count-official",
        str(version),
        participant.pk,
        today,
        build=lambda: official_todo(participant, today).count,
    )


def _secretariat_count() -> int:
    return sum(capped_count(queryset) for queryset in secretariat_queues().values())
