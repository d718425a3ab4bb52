"""Passing follow-up on to an existing mechanism (paragraph 25): a recommendation that went to
Ministers, or a tracked commitment on which work continues.

Every handover, from the register or from an expert meeting's page, goes through
`hand_over_recommendation` or `hand_over_commitment`, and both apply the paragraph-25 rule
first: follow-up is passed on "after this 12 month period", so a handover is dated after the
founding meeting's review due date (computed, never stored), and not in the future.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments.handover_register import (
    BAD_ITEM_MESSAGE,
    commitment_not_done_count,
    earliest_handover_date,
)
from commitments.history import record_as
from commitments.models import Commitment, Handover, Mechanism, MinisterialMeeting, Recommendation
from commitments.services import recommendations as moves

NO_FOUNDING_MESSAGE = gettext_lazy(
    "No founding meeting is recorded, so the 12-month period is not known and no handover "
    "can be recorded yet."
)
FUTURE_MESSAGE = gettext_lazy("The date passed on cannot be in the future.")


def refuse_within_the_period(passed_on) -> None:
    """Paragraph 25: a handover is dated after the 12-month period, and not in the future."""
    if not isinstance(passed_on, datetime.date):
        raise ValidationError(moves.DATE_MISSING_MESSAGES[moves.OF_HANDOVER])
    founding = MinisterialMeeting.objects.founding()
    earliest = earliest_handover_date(founding)
    if earliest is None:
        raise ValidationError(NO_FOUNDING_MESSAGE)
    if passed_on > timezone.localdate():
        raise ValidationError(FUTURE_MESSAGE)
    if passed_on < earliest:
        raise ValidationError(
            _(
                "Follow-up is passed on after the 12-month period (paragraph 25), which ended "
                "on %(ended)s: choose a date on or after %(earliest)s."
            )
            % {"ended": date_format(founding.review_due_date), "earliest": date_format(earliest)}
        )


@transaction.atomic
def hand_over_recommendation(
    *, recommendation: Recommendation, mechanism: Mechanism, on, user, note: str = ""
) -> Handover:
    """Pass a recommendation that went to Ministers on to an existing mechanism: a Handover
    row for the register (returned), and the recommendation closed as handed over."""
    recommendation = moves.locked(recommendation)
    moves.refuse_unless_from(recommendation, moves.HAND_OVER)
    if recommendation.considered_on:
        not_before, since = recommendation.considered_on, moves.since_considered()
    else:
        not_before = recommendation.submitted_on
        since = moves.since_submitted_to(recommendation.submitted_to)
    moves.check_date(on, not_before=not_before, since=since, what=moves.OF_HANDOVER)
    refuse_within_the_period(on)
    handover = Handover(
        recommendation=recommendation,
        mechanism=mechanism,
        passed_on=on,
        note=note.strip(),
        recorded_by=user,
    )
    handover.full_clean()
    recommendation.closed_on = on
    moves.record_move(recommendation, to=Recommendation.Status.HANDED_OVER, on=on, user=user,
                      note=note)  # fmt: skip
    record_as(handover, user)
    handover.save()
    return handover


@transaction.atomic
def hand_over_commitment(
    *, commitment: Commitment, mechanism: Mechanism, on, user, note: str = ""
) -> Handover:
    """Pass a tracked commitment on which work continues to `mechanism`. A commitment may go
    to several mechanisms, but to each only once."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    if not commitment.is_tracked:
        raise ValidationError(_(BAD_ITEM_MESSAGE))
    refuse_within_the_period(on)
    earlier = commitment.handovers.filter(mechanism=mechanism).first()
    if earlier is not None:
        raise ValidationError(
            _("Commitment %(code)s was already passed on to %(mechanism)s on %(date)s.")
            % {
                "code": commitment.code,
                "mechanism": mechanism,
                "date": date_format(earlier.passed_on),
            }
        )
    if not commitment_not_done_count(commitment, timezone.localdate()):
        raise ValidationError(
            _(
                "Every participant is complete on commitment %(code)s, or has said it does "
                "not apply: there is no further follow-up to pass on."
            )
            % {"code": commitment.code}
        )
    handover = Handover(
        commitment=commitment, mechanism=mechanism, passed_on=on, note=note.strip(),
        recorded_by=user,
    )  # fmt: skip
    handover.full_clean()
    record_as(handover, user)
    handover.save()
    return handover


def hand_over(*, item, mechanism: Mechanism, on, user, note: str = "") -> Handover:
    """Hand over a register item, a recommendation or a commitment. Raises ValidationError,
    writing nothing, when the date or the item does not allow it."""
    if isinstance(item, Recommendation):
        return hand_over_recommendation(
            recommendation=item, mechanism=mechanism, on=on, user=user, note=note
        )
    if isinstance(item, Commitment):
        return hand_over_commitment(commitment=item, mechanism=mechanism, on=on, user=user,
                                    note=note)  # fmt: skip
    raise ValidationError(_(BAD_ITEM_MESSAGE))
