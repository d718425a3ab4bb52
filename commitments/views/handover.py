"""The handover register of paragraph 25, and the secretariat's form to record a handover.

What is open and what was passed on comes from commitments.handovers; these views only show
it and hand the posted form to its record service.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from commitments import handovers
from commitments.access import progress_view
from commitments.models import Mechanism
from commitments.permissions import is_secretariat, require_secretariat


class HandoverForm(forms.Form):
    """One handover as the register's small per-item form posts it. The rules that need the
    database (the period, the item's status) are the record service's."""

    item = forms.CharField(max_length=100, error_messages={"required": handovers.BAD_ITEM_MESSAGE})
    mechanism = forms.ModelChoiceField(
        queryset=Mechanism.objects.all(),
        to_field_name="slug",
        error_messages={
            "required": "Choose the mechanism the item was passed on to.",
            "invalid_choice": "Choose one of the existing mechanisms in the list.",
        },
    )
    passed_on = forms.DateField(
        label="Date passed on",
        error_messages={
            "required": "Enter the date the item was passed on.",
            "invalid": "Enter the date as YYYY-MM-DD, for example 2003-05-15.",
        },
    )
    note = forms.CharField(required=False, max_length=2000, strip=True)

    def clean_item(self):
        item = handovers.find_item(self.cleaned_data["item"])
        if item is None:
            raise forms.ValidationError(handovers.BAD_ITEM_MESSAGE)
        return item


@require_GET
@progress_view
def register(request):
    today = timezone.localdate()
    register = handovers.handover_register(today)
    context = {
        "register": register,
        "today": today,
        # The forms appear only once there is something to record: after the period.
        "may_record": register.period_over and is_secretariat(request.user),
    }
    return render(request, "commitments/handover/register.html", context)


@require_POST
@login_required
def record(request):
    require_secretariat(request.user)
    form = HandoverForm(request.POST)
    if not form.is_valid():
        # The register holds one small form per item: the error goes back to it as a
        # message rather than a re-rendered page of forms.
        problems = [error for errors in form.errors.values() for error in errors]
        messages.error(request, "The handover was not recorded. " + " ".join(problems))
        return redirect("handover")
    item = form.cleaned_data["item"]
    try:
        handover = handovers.handover_record(
            item=item,
            mechanism=form.cleaned_data["mechanism"],
            passed_on=form.cleaned_data["passed_on"],
            note=form.cleaned_data["note"],
            user=request.user,
            today=timezone.localdate(),
        )
    except ValidationError as error:
        messages.error(
            request,
            f"{handovers.item_label(item)} was not handed over. " + " ".join(error.messages),
        )
        return redirect("handover")
    messages.success(
        request,
        f"{handovers.item_label(item)} is recorded as passed on to {handover.mechanism.short_name} "
        f"on {date_format(handover.passed_on)}.",
    )
    return redirect("handover")
