"""The ad hoc experts' groups of paragraph 23 and what comes out of their meetings.

Public: the groups, each with its register of volunteers, its meetings and its recommendations.
Officials volunteer their own participant for a group and record who attended a meeting for
it; the secretariat moves recommendations on to Ministers and beyond (commitments.recommendations
makes and checks every move). Every write is a POST that redirects with a message; a refused
one writes nothing.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from commitments import recommendations as moves
from commitments.models import (
    Attendance,
    Confidence,
    ExpertGroup,
    ExpertMeeting,
    Handover,
    Mechanism,
    MinisterialMeeting,
    Participant,
    Recommendation,
    RecommendationEvent,
    Volunteer,
)
from commitments.permissions import (
    check_participant_field,
    is_secretariat,
    official_participant,
    require_secretariat,
)
from commitments.services import record_as

NAMES_MAX_LENGTH = 2000


def _names(text: str) -> str:
    """Names typed one per line, without blank lines or stray spaces."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _own_participant_or_refuse(user) -> Participant:
    participant = official_participant(user)
    if participant is None:
        raise PermissionDenied("Only the officials of a participating state or entity can do this.")
    if not participant.is_tracked:
        raise PermissionDenied(f"{participant.short_name} does not take part in the groups.")
    return participant


def _self_recorded_source(participant) -> str:
    return f"Recorded on this site by an official of {participant.short_name}."


# The groups -------------------------------------------------------------------------------------


@require_GET
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


class VolunteerForm(forms.Form):
    expert_names = forms.CharField(
        label="Named expert officials (optional)",
        required=False,
        max_length=NAMES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NAMES_MAX_LENGTH}),
        help_text="One per line, with their positions if you wish.",
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


def _get_group(pk) -> ExpertGroup:
    return get_object_or_404(
        ExpertGroup.objects.select_related("coordinator", "established_at").prefetch_related(
            "commitments"
        ),
        pk=pk,
    )


@require_GET
def group_detail(request, pk):
    return _group_page(request, _get_group(pk))


@transaction.atomic
def _volunteer(*, group, participant, expert_names, user) -> Volunteer:
    volunteer = Volunteer(
        group=group,
        participant=participant,
        expert_names=expert_names,
        volunteered_on=timezone.localdate(),
        source=_self_recorded_source(participant),
        confidence=Confidence.HIGH,
    )
    volunteer.full_clean()
    record_as(volunteer, user)
    volunteer.save()
    return volunteer


@require_POST
@login_required
def volunteer(request, pk):
    group = _get_group(pk)
    participant = _own_participant_or_refuse(request.user)
    check_participant_field(request.user, request.POST.get("participant"))
    already = f"{participant.short_name} has already volunteered for {group.short_name}."
    if Volunteer.objects.filter(group=group, participant=participant).exists():
        messages.error(request, f"{already} Nothing was changed.")
        return redirect("group_detail", pk=group.pk)
    form = VolunteerForm(request.POST)
    if not form.is_valid():
        return _group_page(request, group, form)
    try:
        _volunteer(
            group=group,
            participant=participant,
            expert_names=_names(form.cleaned_data["expert_names"]),
            user=request.user,
        )
    except (ValidationError, IntegrityError):
        # A colleague volunteered the participant a moment ago (the unique constraint).
        messages.error(request, f"{already} Nothing was changed.")
        return redirect("group_detail", pk=group.pk)
    messages.success(
        request, f"{participant.short_name} volunteered for {group.short_name}. Thank you."
    )
    return redirect("group_detail", pk=group.pk)


# Attendance at an expert meeting ----------------------------------------------------------------


class AttendanceForm(forms.Form):
    delegates = forms.CharField(
        label="Delegates, one per line",
        required=False,
        max_length=NAMES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": NAMES_MAX_LENGTH}),
        help_text="Leave empty if your delegation attended but you cannot name it.",
    )


@transaction.atomic
def _record_attendance(*, meeting, participant, delegates, user) -> bool:
    """Create or update the participant's attendance row; False when nothing changed. An
    update keeps the earlier text in the row's history."""
    attendance = (
        Attendance.objects.select_for_update()
        .filter(meeting=meeting, participant=participant)
        .first()
    )
    if attendance is None:
        attendance = Attendance(
            meeting=meeting,
            participant=participant,
            source=_self_recorded_source(participant),
            confidence=Confidence.HIGH,
        )
    elif attendance.delegates == delegates:
        return False
    attendance.delegates = delegates
    attendance.full_clean()
    record_as(attendance, user)
    attendance.save()
    return True


def can_record_attendance(meeting) -> bool:
    return meeting.status in (ExpertMeeting.Status.HELD, ExpertMeeting.Status.PLANNED)


@require_POST
@login_required
def record_attendance(request, slug):
    meeting = get_object_or_404(ExpertMeeting, slug=slug)
    participant = _own_participant_or_refuse(request.user)
    check_participant_field(request.user, request.POST.get("participant"))
    back = reverse("meeting_detail", args=[meeting.slug]) + "#attendance"
    if not can_record_attendance(meeting):
        messages.error(
            request,
            f"{meeting} was {meeting.get_status_display().lower()}: no attendance can be "
            "recorded for it. Nothing was changed.",
        )
        return redirect(back)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Nothing was changed. {_errors(form)}")
        return redirect(back)
    changed = _record_attendance(
        meeting=meeting,
        participant=participant,
        delegates=_names(form.cleaned_data["delegates"]),
        user=request.user,
    )
    if changed:
        messages.success(request, f"The attendance of {participant.short_name} was recorded.")
    else:
        messages.info(request, f"The attendance of {participant.short_name} was already so.")
    return redirect(back)


# Recommendations: the secretariat's moves -------------------------------------------------------


def _date_field(required=True):
    return forms.DateField(
        required=required,
        error_messages={
            "required": "Give the date.",
            "invalid": "Enter the date as YYYY-MM-DD, for example 2003-04-30.",
        },
    )


class MoveForm(forms.Form):
    """A move's fields; `move()` makes it through commitments.recommendations and says what
    was done, for the success message."""

    note = forms.CharField(required=False, max_length=NAMES_MAX_LENGTH)


class SubmitForm(MoveForm):
    # Any ministerial meeting: the service says why a senior officials' one will not do.
    meeting = forms.ModelChoiceField(
        queryset=MinisterialMeeting.objects.all(),
        error_messages={
            "required": "Choose the ministerial meeting.",
            "invalid_choice": "Choose a ministerial meeting from the list.",
        },
    )
    on = _date_field(required=False)

    def move(self, recommendation, user):
        data = self.cleaned_data
        moves.submit_to_ministers(
            recommendation=recommendation,
            meeting=data["meeting"],
            on=data["on"],
            user=user,
            note=data["note"],
        )
        return f"submitted to {data['meeting']}"


class ConsiderForm(MoveForm):
    outcome = forms.ChoiceField(
        choices=Recommendation.Outcome.choices,
        error_messages={
            "required": "Choose what Ministers did: endorsed, noted or not adopted.",
            "invalid_choice": "Choose what Ministers did: endorsed, noted or not adopted.",
        },
    )
    on = _date_field()

    def move(self, recommendation, user):
        data = self.cleaned_data
        moves.record_consideration(
            recommendation=recommendation,
            outcome=data["outcome"],
            on=data["on"],
            user=user,
            note=data["note"],
        )
        return f"recorded as {Recommendation.Outcome(data['outcome']).label.lower()} by Ministers"


class CloseForm(MoveForm):
    on = _date_field()

    def move(self, recommendation, user):
        data = self.cleaned_data
        moves.close_as_implemented(
            recommendation=recommendation, on=data["on"], user=user, note=data["note"]
        )
        return "closed as implemented"


class HandOverForm(MoveForm):
    mechanism = forms.ModelChoiceField(
        queryset=Mechanism.objects.all(),
        error_messages={
            "required": "Choose the mechanism it is passed to.",
            "invalid_choice": "Choose a mechanism from the list.",
        },
    )
    on = _date_field()

    def move(self, recommendation, user):
        data = self.cleaned_data
        moves.hand_over(
            recommendation=recommendation,
            mechanism=data["mechanism"],
            on=data["on"],
            user=user,
            note=data["note"],
        )
        return f"handed over to {data['mechanism']}"


MOVE_FORMS = {
    moves.SUBMIT: SubmitForm,
    moves.CONSIDER: ConsiderForm,
    moves.CLOSE: CloseForm,
    moves.HAND_OVER: HandOverForm,
}


def _errors(form) -> str:
    return " ".join(message for errors in form.errors.values() for message in errors)


def _label(recommendation) -> str:
    return f"Recommendation {recommendation.reference or f'#{recommendation.pk}'}"


@require_POST
@login_required
def recommendation_action(request, pk, action):
    form_class = MOVE_FORMS.get(action)
    if form_class is None:
        raise Http404("There is no such move for a recommendation.")
    recommendation = get_object_or_404(Recommendation.objects.select_related("meeting"), pk=pk)
    require_secretariat(request.user)
    back = reverse("meeting_detail", args=[recommendation.meeting.slug])
    back += f"#recommendation-{recommendation.pk}"
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, f"{_label(recommendation)} was not changed. {_errors(form)}")
        return redirect(back)
    try:
        done = form.move(recommendation, request.user)
    except ValidationError as error:
        messages.error(
            request, f"{_label(recommendation)} was not changed. {' '.join(error.messages)}"
        )
        return redirect(back)
    messages.success(request, f"{_label(recommendation)} was {done}.")
    return redirect(back)


# The expert meeting page ------------------------------------------------------------------------


def meeting_recommendations(meeting):
    """The meeting's recommendations with everything their status needs: where they were
    submitted, their moves with who recorded each, their handovers."""
    return (
        Recommendation.objects.filter(meeting=meeting)
        .select_related("submitted_to")
        .prefetch_related(
            "commitments",
            Prefetch("events", RecommendationEvent.objects.select_related("recorded_by")),
            Prefetch("handovers", queryset=Handover.objects.select_related("mechanism")),
        )
        .order_by("reference", "pk")
    )


def expert_meeting_context(request, meeting) -> dict:
    """What the expert meeting page (commitments.views.meetings.meeting_detail) shows besides
    the meeting: the recommendations with their status and moves; for the secretariat the
    moves it can make; for an official the form to record the attendance of his or her own
    participant."""
    user = request.user
    rows = list(meeting_recommendations(meeting))
    context = {"recommendations": rows, "can_move_recommendations": is_secretariat(user)}
    if context["can_move_recommendations"]:
        for row in rows:
            row.moves = moves.next_moves(row.status)
        context.update(
            # Those the recommendations can go to: not over before this meeting began.
            ministerial_meetings=list(
                MinisterialMeeting.objects.ministerial()
                .filter(end_date__gte=meeting.start_date)
                .order_by("start_date")
            ),
            mechanisms=list(Mechanism.objects.order_by("short_name")),
            outcomes=Recommendation.Outcome.choices,
            today=timezone.localdate(),
        )
    participant = official_participant(user)
    if participant is not None and participant.is_tracked and can_record_attendance(meeting):
        context["attendance_for"] = participant
        context["own_attendance"] = next(
            (a for a in meeting.attendance_set.all() if a.participant_id == participant.pk), None
        )
    return context
