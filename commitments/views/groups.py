"""The ad hoc experts' groups of paragraph 23: each with its register of volunteers, its
meetings and its recommendations (public); officials volunteer their own participant."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from commitments.forms import VolunteerForm
from commitments.models import ExpertGroup, Recommendation, Volunteer
from commitments.permissions import check_participant_field, official_participant, own_participant
from commitments.services import participation


@require_safe
def group_list(request):
    groups = (
        ExpertGroup.objects.select_related("coordinator")
        .prefetch_related("commitments")
        # distinct: the two joins multiply each other's rows.
        .annotate(
            volunteer_count=Count("volunteer", distinct=True),
            meeting_count=Count("meetings", distinct=True),
        )
        .order_by("short_name")
    )
    return render(request, "commitments/groups/group_list.html", {"groups": groups})


def _get_group(pk) -> ExpertGroup:
    return get_object_or_404(
        ExpertGroup.objects.select_related("coordinator", "established_at").prefetch_related(
            "commitments"
        ),
        pk=pk,
    )


def _group_page(request, group, form=None):
    volunteers = list(
        Volunteer.objects.filter(group=group)
        .select_related("participant")
        .order_by("participant__short_name")
    )
    context = {
        "group": group,
        "volunteers": volunteers,
        "meetings": group.meetings.select_related("host").order_by("start_date"),
        "recommendations": Recommendation.objects.filter(meeting__group=group)
        .select_related("meeting", "submitted_to")
        .order_by("meeting__start_date", "reference", "pk"),
    }
    participant = official_participant(request.user)
    if (
        participant is not None
        and participant.is_tracked
        and all(v.participant_id != participant.pk for v in volunteers)
    ):
        context["volunteer_as"] = participant
        context["volunteer_form"] = form or VolunteerForm()
    return render(request, "commitments/groups/group_detail.html", context)


@require_safe
def group_detail(request, pk):
    return _group_page(request, _get_group(pk))


@require_POST
@login_required
def volunteer(request, pk):
    group = _get_group(pk)
    participant = own_participant(request.user)
    check_participant_field(request.user, request.POST.get("participant"))
    form = VolunteerForm(request.POST)
    if not form.is_valid():
        return _group_page(request, group, form)
    try:
        participation.volunteer(
            group=group,
            participant=participant,
            expert_names=form.cleaned_data["expert_names"],
            user=request.user,
        )
    except ValidationError as error:
        messages.error(
            request, _("%(errors)s Nothing was changed.") % {"errors": " ".join(error.messages)}
        )
        return redirect("group_detail", pk=group.pk)
    messages.success(
        request,
        _("%(participant)s volunteered for %(group)s. Thank you.")
        % {"participant": participant.short_name, "group": group.short_name},
    )
    return redirect("group_detail", pk=group.pk)
