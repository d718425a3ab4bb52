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
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
# A closed recommendation's refusal of any further move, by how it was closed.
CLOSED_MESSAGES = {
    Status.IMPLEMENTED: gettext_lazy(
        "This recommendation is already closed: implemented on %(date)s. Nothing more can "
        "happen to it."
    ),
    Status.HANDED_OVER: gettext_lazy(
        "This recommendation is already closed: handed over on %(date)s. Nothing more can "
        "happen to it."
    ),
}

ENDED_BEFORE_MESSAGE = gettext_lazy(
    "Cannot submit to %(meeting)s: submitting to a meeting that ended before the "
    "recommendation was made (%(meeting)s ended on %(ended)s; the recommendation was made at "
    "%(made_at)s, from %(made)s)."
)
NOT_SUBMITTED_HANDOVER_MESSAGE = gettext_lazy(
    "This recommendation was never submitted to Ministers, so it cannot be handed over: "
    "paragraph 25 passes on follow-up only after the results have gone to Ministers. "
    "Submit it to a ministerial meeting first."
)

# What check_date says of each move's date, by the date it checks (`what`): whole sentences,
# so that each language words them its own way.
OF_HANDOVER, OF_SUBMISSION, OF_CONSIDERATION, OF_IMPLEMENTATION = (
    "handover",
    "submission",
    "consideration",
    "implementation",
)
DATE_MISSING_MESSAGES = {
    OF_HANDOVER: gettext_lazy("Give the date of the handover."),
    OF_SUBMISSION: gettext_lazy("Give the date of the submission."),
    OF_CONSIDERATION: gettext_lazy("Give the date of Ministers' consideration."),
    OF_IMPLEMENTATION: gettext_lazy("Give the date of implementation."),
}
DATE_IN_FUTURE_MESSAGES = {
    OF_HANDOVER: gettext_lazy("The date of the handover cannot be in the future."),
    OF_SUBMISSION: gettext_lazy("The date of the submission cannot be in the future."),
    OF_CONSIDERATION: gettext_lazy("The date of Ministers' consideration cannot be in the future."),
    OF_IMPLEMENTATION: gettext_lazy("The date of implementation cannot be in the future."),
}
DATE_TOO_EARLY_MESSAGES = {
    # Translators: %(since)s is what the date cannot precede: "Ministers considered it", "its
    # submission to <meeting>", "the meeting that made it, <meeting>". The same in the three
    # messages below.
    OF_HANDOVER: gettext_lazy(
        "The date of the handover (%(date)s) cannot be before %(since)s (%(not_before)s)."
    ),
    OF_SUBMISSION: gettext_lazy(
        "The date of the submission (%(date)s) cannot be before %(since)s (%(not_before)s)."
    ),
    OF_CONSIDERATION: gettext_lazy(
        "The date of Ministers' consideration (%(date)s) cannot be before %(since)s "
        "(%(not_before)s)."
    ),
    OF_IMPLEMENTATION: gettext_lazy(
        "The date of implementation (%(date)s) cannot be before %(since)s (%(not_before)s)."
    ),
}


def since_considered() -> str:
    # Translators: what a date cannot precede, in "cannot be before %(since)s (<date>)".
    return _("Ministers considered it")


def since_submitted_to(meeting) -> str:
    # Translators: what a date cannot precede, in "cannot be before %(since)s (<date>)".
    return _("its submission to %(meeting)s") % {"meeting": meeting}


def next_moves(status: str) -> list[str]:
    """The moves a recommendation in `status` can make, in the order the page shows them."""
    return [move for move, sources in MOVES_FROM.items() if status in sources]


def day_in_words(date: datetime.date) -> str:
    """The date as the active language writes it ("28 February 2003" in English)."""
    return date_format(date, "DATE_FORMAT")


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
    if status in CLOSED_MESSAGES:
        raise ValidationError(
            CLOSED_MESSAGES[status] % {"date": day_in_words(recommendation.closed_on)}
        )
    if move == SUBMIT:
        raise ValidationError(
            _("This recommendation was already submitted to %(meeting)s on %(date)s.")
            % {
                "meeting": recommendation.submitted_to,
                "date": day_in_words(recommendation.submitted_on),
            }
        )
    if move == HAND_OVER:  # from proposed, the only other status it does not start from
        raise ValidationError(NOT_SUBMITTED_HANDOVER_MESSAGE)
    if status == Status.PROPOSED:
        if move == CONSIDER:
            raise ValidationError(
                _(
                    "This recommendation has not been submitted to Ministers yet, so they "
                    "cannot have considered it: submit it to a ministerial meeting first."
                )
            )
        raise ValidationError(
            _(
                "This recommendation has not been submitted to Ministers yet, so it cannot be "
                "closed: submit it to a ministerial meeting first."
            )
        )
    if move == CONSIDER:  # from considered
        raise ValidationError(
            # Translators: %(outcome)s is what Ministers did: "endorsed", "noted", "not adopted".
            _("Ministers' consideration is already recorded: %(outcome)s on %(date)s.")
            % {
                "outcome": recommendation.get_outcome_display().lower(),
                "date": day_in_words(recommendation.considered_on),
            }
        )
    # CLOSE from submitted
    raise ValidationError(
        _(
            "Only a recommendation that Ministers have considered can be closed as "
            "implemented: record what Ministers did with it first."
        )
    )


def check_date(on, *, not_before: datetime.date, since: str, what: str) -> None:
    """Refuse a move's date that is missing, in the future, or before `not_before` (the
    event `since` names, in words). `what`: the date checked, OF_HANDOVER, OF_SUBMISSION,
    OF_CONSIDERATION or OF_IMPLEMENTATION."""
    if not isinstance(on, datetime.date):
        raise ValidationError(DATE_MISSING_MESSAGES[what])
    if on > timezone.localdate():
        raise ValidationError(DATE_IN_FUTURE_MESSAGES[what])
    if on < not_before:
        raise ValidationError(
            DATE_TOO_EARLY_MESSAGES[what]
            % {"date": day_in_words(on), "since": since, "not_before": day_in_words(not_before)}
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
            # Translators: %(level)s is the meeting's level in lower case, e.g. "senior officials".
            _(
                "%(meeting)s was a %(level)s meeting: recommendations go to Ministers, at a "
                "ministerial meeting."
            )
            % {"meeting": meeting, "level": meeting.get_level_display().lower()}
        )
    made_at = recommendation.meeting
    if meeting.end_date < made_at.start_date:
        raise ValidationError(
            ENDED_BEFORE_MESSAGE
            % {
                "meeting": meeting,
                "ended": day_in_words(meeting.end_date),
                "made_at": made_at,
                "made": day_in_words(made_at.start_date),
            }
        )
    on = meeting.start_date if on is None else on
    check_date(
        on,
        not_before=made_at.start_date,
        # Translators: what a date cannot precede, in "cannot be before %(since)s (<date>)".
        since=_("the meeting that made it, %(meeting)s") % {"meeting": made_at},
        what=OF_SUBMISSION,
    )
    if on > meeting.end_date:
        raise ValidationError(
            _(
                "The date of the submission (%(date)s) is after %(meeting)s ended "
                "(%(ended)s): Ministers could not consider it there."
            )
            % {
                "date": day_in_words(on),
                "meeting": meeting,
                "ended": day_in_words(meeting.end_date),
            }
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
        raise ValidationError(_("Choose what Ministers did: endorsed, noted or not adopted."))
    check_date(
        on,
        not_before=recommendation.submitted_on,
        since=since_submitted_to(recommendation.submitted_to),
        what=OF_CONSIDERATION,
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
        since=since_considered(),
        what=OF_IMPLEMENTATION,
    )
    recommendation.closed_on = on
    return record_move(recommendation, to=Status.IMPLEMENTED, on=on, user=user, note=note)
