"""The secretariat's moves of a recommendation, from its expert meeting's page: to Ministers,
their consideration, closure, or a handover to an existing mechanism. Each form's cleaned data
go to its service, which holds the rules (the handover's are the register's too)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from commitments.forms import MOVE_FORMS, error_sentences
from commitments.permissions import recommendation_for_move
from commitments.services import handovers
from commitments.services import recommendations as moves

MOVE_SERVICES = {
    moves.SUBMIT: moves.submit_to_ministers,
    moves.CONSIDER: moves.record_consideration,
    moves.CLOSE: moves.close_as_implemented,
    moves.HAND_OVER: handovers.hand_over_recommendation,
}


@require_POST
@login_required
def recommendation_move(request, pk, move):
    if move not in MOVE_FORMS:
        raise Http404("There is no such move for a recommendation.")
    recommendation = recommendation_for_move(request.user, pk)
    back = reverse("meeting_detail", args=[recommendation.meeting.slug])
    back += f"#recommendation-{recommendation.pk}"
    form = MOVE_FORMS[move](request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("%(recommendation)s was not changed. %(errors)s")
            % {"recommendation": recommendation.label, "errors": error_sentences(form)},
        )
        return redirect(back)
    try:
        MOVE_SERVICES[move](recommendation=recommendation, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(
            request,
            _("%(recommendation)s was not changed. %(errors)s")
            % {"recommendation": recommendation.label, "errors": " ".join(error.messages)},
        )
        return redirect(back)
    messages.success(
        request,
        # Translators: %(done)s is what the form did, from commitments.forms ("submitted to
        # the 2003 Ministerial Conference", "closed as implemented").
        _("%(recommendation)s was %(done)s.")
        % {"recommendation": recommendation.label, "done": form.done()},
    )
    return redirect(back)
