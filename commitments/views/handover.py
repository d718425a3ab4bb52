"""The handover register of paragraph 25, and the secretariat's form to record a handover.

What is open and what was passed on comes from commitments.handover_register; a posted
handover goes to commitments.services.handovers, which holds the rules.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from commitments import handover_register
from commitments.access import progress_view
from commitments.forms import HandoverForm, error_sentences
from commitments.permissions import is_secretariat, require_secretariat
from commitments.services import handovers


@require_safe
@progress_view
def register(request):
    today = timezone.localdate()
    register = handover_register.handover_register(today)
    # The forms appear only once there is something to record: after the period.
    may_record = register.period_over and is_secretariat(request.user)
    if may_record:
        for item in register.items:
            if item.may_be_handed_over:
                item.form = HandoverForm(
                    item=item,
                    earliest=register.earliest_handover_date,
                    mechanisms=register.mechanisms,
                )
    context = {"register": register, "today": today, "may_record": may_record}
    return render(request, "commitments/handover/register.html", context)


@require_POST
@login_required
def record(request):
    require_secretariat(request.user)
    form = HandoverForm(request.POST)
    if not form.is_valid():
        # The register holds one small form per item: the error goes back to it as a
        # message rather than a re-rendered page of forms.
        messages.error(
            request,
            _("The handover was not recorded. %(errors)s") % {"errors": error_sentences(form)},
        )
        return redirect("handover")
    item = form.cleaned_data["item"]
    label = handover_register.item_label(item)
    try:
        handover = handovers.hand_over(
            item=item,
            mechanism=form.cleaned_data["mechanism"],
            on=form.cleaned_data["passed_on"],
            note=form.cleaned_data["note"],
            user=request.user,
        )
    except ValidationError as error:
        messages.error(
            request,
            _("%(item)s was not handed over. %(errors)s")
            % {"item": label, "errors": " ".join(error.messages)},
        )
        return redirect("handover")
    messages.success(
        request,
        _("%(item)s is recorded as passed on to %(mechanism)s on %(date)s.")
        % {
            "item": label,
            "mechanism": handover.mechanism.short_name,
            "date": date_format(handover.passed_on),
        },
    )
    return redirect("handover")
