"""The handover register of paragraph 25: after the 12-month period, what is still open and
whether it has been passed on to an existing mechanism. Read-only: handovers are recorded by
commitments.services.handovers.

What the register holds:

- every recommendation not closed as implemented. A recommendation handed over stays on
  the register with its handover(s): the register is where handovers are read, so an item
  does not vanish from it at the moment it is passed on;
- every tracked commitment on which at least one tracked participant is not done: its
  current status (commitments.status, the counted reports as of today) is not started,
  limited or substantial, or it has no report at all. `complete` and `not_applicable` need
  no handover: the participant has finished, or has said the commitment does not apply to
  it. A commitment that was passed on stays on the register even if all are done since.

The 12-month period is the founding meeting's (`review_due_date`, computed, never stored);
paragraph 25 passes on follow-up "after this 12 month period", so the register offers to
record handovers only once the period is over.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from commitments.models import (
    Commitment,
    Handover,
    Mechanism,
    MinisterialMeeting,
    ProgressReport,
    Recommendation,
)
from commitments.services import recommendations
from commitments.status import NO_REPORT, NO_REPORT_LABEL, STATUS_ORDER, not_done, status_matrix

Status = ProgressReport.Status


def _handovers():
    # For the prefetches: everything a handover line shows, in one query.
    return Handover.objects.select_related("mechanism", "recorded_by").order_by("passed_on", "pk")


@dataclass
class RegisterItem:
    """A recommendation or a commitment on the register, with its handovers (oldest first)."""

    recommendation: Recommendation | None = None
    commitment: Commitment | None = None
    handovers: list = field(default_factory=list)
    # Commitments only: how many tracked participants stand at each status that is not done
    # (NO_REPORT for none), and how many tracked participants there are.
    not_done: Counter = field(default_factory=Counter)
    participant_count: int = 0

    @property
    def key(self) -> str:
        """What the record form posts as `item`."""
        if self.recommendation is not None:
            return f"recommendation:{self.recommendation.pk}"
        return f"commitment:{self.commitment.code}"

    @property
    def anchor(self) -> str:
        return self.key.replace(":", "-")

    @property
    def is_passed_on(self) -> bool:
        return bool(self.handovers)

    @property
    def may_be_handed_over(self) -> bool:
        """Whether the record form applies: a commitment while someone is not done on it; a
        recommendation once it reached Ministers, and only once (handing over closes it)."""
        if self.recommendation is None:
            return self.not_complete > 0
        return recommendations.HAND_OVER in recommendations.next_moves(self.recommendation.status)

    @property
    def not_complete(self) -> int:
        return sum(self.not_done.values())

    @property
    def breakdown(self) -> list[tuple[str, str, int]]:
        """(css status, label, count) for each status not done, in the usual order."""
        labels = {**dict(Status.choices), NO_REPORT: NO_REPORT_LABEL}
        order = [*STATUS_ORDER, NO_REPORT]
        return [(s, labels[s], self.not_done[s]) for s in order if self.not_done[s]]


@dataclass
class Register:
    today: datetime.date
    founding: MinisterialMeeting | None
    recommendations: list
    commitments: list
    mechanisms: list
    participant_count: int

    @property
    def due_date(self) -> datetime.date | None:
        return self.founding.review_due_date if self.founding else None

    @property
    def period_over(self) -> bool:
        return self.due_date is not None and self.today > self.due_date

    @property
    def earliest_handover_date(self) -> datetime.date | None:
        return earliest_handover_date(self.founding)

    @property
    def items(self) -> list[RegisterItem]:
        return [*self.recommendations, *self.commitments]

    @property
    def passed_on_count(self) -> int:
        return sum(item.is_passed_on for item in self.items)

    @property
    def not_passed_on_count(self) -> int:
        return len(self.items) - self.passed_on_count


def earliest_handover_date(founding) -> datetime.date | None:
    """The first day after the 12-month period (paragraph 25: "after this 12 month period")."""
    if founding is None or founding.review_due_date is None:
        return None
    return founding.review_due_date + datetime.timedelta(days=1)


def register_recommendations():
    """Recommendations on the register: not closed as implemented (those handed over stay,
    with their handovers), in the order of their meetings."""
    has_handover = Exists(Handover.objects.filter(recommendation=OuterRef("pk")))
    return (
        Recommendation.objects.filter(~Q(status=Recommendation.Status.IMPLEMENTED) | has_handover)
        .select_related("meeting", "submitted_to")
        .prefetch_related(
            Prefetch("handovers", queryset=_handovers()),
            Prefetch("commitments", queryset=Commitment.objects.order_by("display_order", "code")),
        )
        .order_by("meeting__start_date", "meeting__pk", "reference", "pk")
    )


def handover_register(today: datetime.date) -> Register:
    """The register as it stands on `today`, in a fixed number of queries: the founding
    meeting; the recommendations with their handovers and commitments (three); the tracked
    commitments with their handovers (two); the participants' current statuses (two, see
    status_matrix); the mechanisms."""
    founding = MinisterialMeeting.objects.founding()
    recommendation_items = [
        RegisterItem(recommendation=r, handovers=list(r.handovers.all()))
        for r in register_recommendations()
    ]
    tracked = list(
        Commitment.objects.tracked()
        .select_related("paragraph")
        .prefetch_related(Prefetch("handovers", queryset=_handovers()))
    )
    matrix = status_matrix(as_of=today, commitments=tracked)
    commitments = []
    for commitment, counts in matrix.counts_by_commitment():
        item = RegisterItem(
            commitment=commitment,
            handovers=list(commitment.handovers.all()),
            not_done=not_done(counts),
            participant_count=len(matrix.rows),
        )
        if item.not_complete or item.is_passed_on:
            commitments.append(item)
    return Register(
        today=today,
        founding=founding,
        recommendations=recommendation_items,
        commitments=commitments,
        mechanisms=list(Mechanism.objects.order_by("short_name")),
        participant_count=len(matrix.rows),
    )


def commitment_not_done_count(commitment: Commitment, today: datetime.date) -> int:
    """On how many tracked participants `commitment` is not done on `today`."""
    [(_commitment, counts)] = status_matrix(
        as_of=today, commitments=[commitment]
    ).counts_by_commitment()
    return sum(not_done(counts).values())


# Naming an item in a form -----------------------------------------------------------------------

# Marked for translation, kept as the English text (tests and forms compare with it): translate
# it where it is used, with gettext(BAD_ITEM_MESSAGE) or gettext_lazy(BAD_ITEM_MESSAGE).
BAD_ITEM_MESSAGE = gettext_noop("Choose a recommendation or a commitment from the register.")


def find_item(value: str) -> Recommendation | Commitment | None:
    """The item a form names as `recommendation:<id>` or `commitment:<code>`, or None."""
    kind, _colon, ident = (value or "").partition(":")
    # ASCII digits only: "²" is a digit to isdigit(), not to int().
    if kind == "recommendation" and ident.isascii() and ident.isdigit():
        return Recommendation.objects.filter(pk=int(ident)).first()
    if kind == "commitment" and ident:
        return Commitment.objects.tracked().filter(code=ident).first()
    return None


def item_label(item) -> str:
    """The item as a message names it ("Recommendation 1 of ...", "Commitment 17a (...)")."""
    if isinstance(item, Recommendation):
        # Translators: a recommendation ("Recommendation 1") and the expert meeting that made it.
        return _("%(recommendation)s of %(meeting)s") % {
            "recommendation": item.label,
            "meeting": item.meeting,
        }
    return _("Commitment %(code)s (%(title)s)") % {"code": item.code, "title": item.title}
