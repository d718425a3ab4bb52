"""The moves of a recommendation (paragraphs 24 and 25), the only code that makes them.

proposed (at an expert meeting) -> submitted to a ministerial meeting -> considered by Ministers
(endorsed, noted or not adopted) -> closed as implemented; or, once submitted, handed over to an
existing mechanism. Each move is one keyword-only function that checks it against the stored
recommendation (locked, so that two people moving it at once cannot both succeed), refuses an
impossible move with a ValidationError that says why, and otherwise logs a RecommendationEvent
and saves the recommendation, with its history row's user, in one transaction.

The handover (paragraph 25) is commitments.services.handovers.hand_over_recommendation: it
makes a Handover too and follows the register's rules, whichever page it is started from.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateformat import format as format_date

from commitments.history import record_as
from commitments.models import MinisterialMeeting, Recommendation, RecommendationEvent

Status = Recommendation.Status

# The moves, by the name the meeting page posts, and the statuses each one starts from. The
# page offers a move only where the service would accept it.
SUBMIT, CONSIDER, CLOSE, HAND_OVER = "submit", "consider", "close", "hand-over"
MOVES_FROM = {
    SUBMIT: (Status.PROPOSED,),
    CONSIDER: (Status.SUBMITTED,),
    CLOSE: (Status.CONSIDERED,),
    HAND_OVER: (Status.SUBMITTED, Status.CONSIDERED),
}
CLOSED_AS = {Status.IMPLEMENTED: "implemented", Status.HANDED_OVER: "handed over"}

ENDED_BEFORE_MESSAGE = (
    "Cannot submit to {meeting}: submitting to a meeting that ended before the recommendation "
    "was made ({meeting} ended on {ended}; the recommendation was made at {made_at}, from {made})."
)
NOT_SUBMITTED_HANDOVER_MESSAGE = (
    "This recommendation was never submitted to Ministers, so it cannot be handed over: "
    "paragraph 25 passes on follow-up only after the results have gone to Ministers. "
    "Submit it to a ministerial meeting first."
)


def next_moves(status: str) -> list[str]:
    """The moves a recommendation in `status` can make, in the order the page shows them."""
    return [move for move, sources in MOVES_FROM.items() if status in sources]


def day_in_words(date: datetime.date) -> str:
    return format_date(date, "j F Y")


def locked(recommendation: Recommendation) -> Recommendation:
    """The stored recommendation, locked until the transaction ends: the checks below are
    made against what is stored, not against a copy the caller may have read earlier."""
    return (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("meeting", "submitted_to")
        .get(pk=recommendation.pk)
    )


def refuse_unless_from(recommendation: Recommendation, move: str) -> None:
    """Refuse a move the recommendation's stored status does not allow, saying why."""
    status = recommendation.status
    if status in MOVES_FROM[move]:
        return
    if status in CLOSED_AS:
        raise ValidationError(
            f"This recommendation is already closed: {CLOSED_AS[status]} on "
            f"{day_in_words(recommendation.closed_on)}. Nothing more can happen to it."
        )
    if move == SUBMIT:
        raise ValidationError(
            f"This recommendation was already submitted to {recommendation.submitted_to} on "
            f"{day_in_words(recommendation.submitted_on)}."
        )
    if move == HAND_OVER:  # from proposed, the only other status it does not start from
        raise ValidationError(NOT_SUBMITTED_HANDOVER_MESSAGE)
    if status == Status.PROPOSED:
        raise ValidationError(
            "This recommendation has not been submitted to Ministers yet, so "
            + ("they cannot have considered it" if move == CONSIDER else "it cannot be closed")
            + ": submit it to a ministerial meeting first."
        )
    if move == CONSIDER:  # from considered
        raise ValidationError(
            f"Ministers' consideration is already recorded: "
            f"{recommendation.get_outcome_display().lower()} on "
            f"{day_in_words(recommendation.considered_on)}."
        )
    # CLOSE from submitted
    raise ValidationError(
        "Only a recommendation that Ministers have considered can be closed as implemented: "
        "record what Ministers did with it first."
    )


def check_date(on, *, not_before: datetime.date, since: str, what: str) -> None:
    if not isinstance(on, datetime.date):
        raise ValidationError(f"Give the date {what}.")
    if on > timezone.localdate():
        raise ValidationError(f"The date {what} cannot be in the future.")
    if on < not_before:
        raise ValidationError(
            f"The date {what} ({day_in_words(on)}) cannot be before {since} "
            f"({day_in_words(not_before)})."
        )


def record_move(recommendation, *, to: str, on: datetime.date, user, note: str) -> Recommendation:
    event = RecommendationEvent(
        recommendation=recommendation,
        from_status=recommendation.status,
        to_status=to,
        happened_on=on,
        recorded_by=user,
        note=note.strip(),
    )
    recommendation.status = to
    recommendation.full_clean()
    event.full_clean()
    record_as(recommendation, user)
    recommendation.save()
    event.save()
    return recommendation


@transaction.atomic
def submit_to_ministers(
    *,
    recommendation: Recommendation,
    meeting: MinisterialMeeting,
    on: datetime.date | None = None,
    user,
    note: str = "",
) -> Recommendation:
    """Submit a proposed recommendation to a ministerial meeting, on `on` (by default the
    meeting's first day): the results "for consideration by Ministers" of paragraph 24."""
    recommendation = locked(recommendation)
    refuse_unless_from(recommendation, SUBMIT)
    if meeting.level != MinisterialMeeting.Level.MINISTERIAL:
        raise ValidationError(
            f"{meeting} was a {meeting.get_level_display().lower()} meeting: recommendations "
            "go to Ministers, at a ministerial meeting."
        )
    made_at = recommendation.meeting
    if meeting.end_date < made_at.start_date:
        raise ValidationError(
            ENDED_BEFORE_MESSAGE.format(
                meeting=meeting,
                ended=day_in_words(meeting.end_date),
                made_at=made_at,
                made=day_in_words(made_at.start_date),
            )
        )
    on = meeting.start_date if on is None else on
    check_date(
        on,
        not_before=made_at.start_date,
        since=f"the meeting that made it, {made_at}",
        what="of the submission",
    )
    if on > meeting.end_date:
        raise ValidationError(
            f"The date of the submission ({day_in_words(on)}) is after {meeting} ended "
            f"({day_in_words(meeting.end_date)}): Ministers could not consider it there."
        )
    recommendation.submitted_to = meeting
    recommendation.submitted_on = on
    return record_move(recommendation, to=Status.SUBMITTED, on=on, user=user, note=note)


@transaction.atomic
def record_consideration(
    *, recommendation: Recommendation, outcome: str, on: datetime.date, user, note: str = ""
) -> Recommendation:
    """Record what Ministers did with a submitted recommendation: endorsed, noted or not
    adopted, on `on`."""
    recommendation = locked(recommendation)
    refuse_unless_from(recommendation, CONSIDER)
    if outcome not in Recommendation.Outcome.values:
        raise ValidationError("Choose what Ministers did: endorsed, noted or not adopted.")
    check_date(
        on,
        not_before=recommendation.submitted_on,
        since=f"its submission to {recommendation.submitted_to}",
        what="of Ministers' consideration",
    )
    recommendation.outcome = outcome
    recommendation.considered_on = on
    return record_move(recommendation, to=Status.CONSIDERED, on=on, user=user, note=note)


@transaction.atomic
def close_as_implemented(
    *, recommendation: Recommendation, on: datetime.date, user, note: str = ""
) -> Recommendation:
    """Close a recommendation Ministers have considered, as implemented on `on`."""
    recommendation = locked(recommendation)
    refuse_unless_from(recommendation, CLOSE)
    check_date(
        on,
        not_before=recommendation.considered_on,
        since="Ministers considered it",
        what="of implementation",
    )
    recommendation.closed_on = on
    return record_move(recommendation, to=Status.IMPLEMENTED, on=on, user=user, note=note)
