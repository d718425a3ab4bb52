"""The dashboard: the review deadline, the participants, and (for those who may see progress)
the status matrix, the counts per commitment, the latest reports and the meetings."""

from dataclasses import dataclass, field

from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from commitments.access import can_view_progress
from commitments.charts import status_chart
from commitments.ministerial_review import review_standing
from commitments.models import ExpertGroup, ExpertMeeting, MinisterialMeeting, Participant
from commitments.status import counted_reports, status_matrix

Role = Participant.Role
Kind = Participant.Kind
LATEST_REPORTS = 8
MEETINGS_EACH_WAY = 5


@dataclass
class ParticipantSection:
    title: str
    roles: tuple
    kinds: tuple
    members: list = field(default_factory=list)


def participant_sections() -> list[ParticipantSection]:
    """All participants in one query, grouped as paragraphs 1 and 2 list them."""
    sections = [
        ParticipantSection(_("Co-chairs"), (Role.CO_CHAIR,), (Kind.STATE,)),
        ParticipantSection(
            _("Participating states and entities"),
            (Role.PARTICIPANT,),
            (Kind.STATE, Kind.ENTITY),
        ),
        ParticipantSection(
            _("Participating organisations"), (Role.PARTICIPANT,), (Kind.ORGANISATION,)
        ),
        ParticipantSection(_("Observer states"), (Role.OBSERVER,), (Kind.STATE, Kind.ENTITY)),
        ParticipantSection(_("Observer organisations"), (Role.OBSERVER,), (Kind.ORGANISATION,)),
    ]
    for participant in Participant.objects.order_by("statement_order", "name"):
        for section in sections:
            if participant.role in section.roles and participant.kind in section.kinds:
                section.members.append(participant)
                break
    return sections


def meetings_around(today):
    """Expert and ministerial meetings: the next few and the last few, two queries each way."""
    upcoming, recent = [], []
    for model in (ExpertMeeting, MinisterialMeeting):
        upcoming += model.objects.filter(start_date__gte=today).order_by("start_date")[
            :MEETINGS_EACH_WAY
        ]
        recent += model.objects.filter(start_date__lt=today).order_by("-start_date")[
            :MEETINGS_EACH_WAY
        ]
    upcoming.sort(key=lambda m: m.start_date)
    recent.sort(key=lambda m: m.start_date, reverse=True)
    return upcoming[:MEETINGS_EACH_WAY], recent[:MEETINGS_EACH_WAY]


def latest_reports():
    """The newest submissions, read in the order of the `progressreport_latest` index."""
    return (
        counted_reports()
        .select_related("participant", "commitment")
        .order_by("-submitted_at", "-pk")[:LATEST_REPORTS]
    )


def progress_context():
    """Lazy: computed only when the cached fragment (keyed on the data version) is missing."""
    matrix = SimpleLazyObject(status_matrix)
    return {
        "matrix": matrix,
        "latest_reports": latest_reports(),  # a queryset: read only if rendered
        "status_chart": SimpleLazyObject(lambda: status_chart(matrix)),
    }


@require_safe
def dashboard(request):
    today = timezone.localdate()
    standing = review_standing(today)
    upcoming, recent = meetings_around(today)
    context = {
        "standing": standing,
        "founding_co_chairs": (
            list(standing.founding.co_chairs.order_by("statement_order")) if standing else []
        ),
        "ministerial_meetings": MinisterialMeeting.objects.order_by("start_date"),
        "expert_groups": ExpertGroup.objects.select_related("coordinator").order_by("short_name"),
        "sections": participant_sections(),
        "upcoming_meetings": upcoming,
        "recent_meetings": recent,
    }
    if can_view_progress(request.user):
        context.update(progress_context())
    return render(request, "commitments/home.html", context)


@require_safe
def favicon(request):
    """Browsers ask /favicon.ico on pages that name no icon (the admin's)."""
    return redirect(static("commitments/favicon.ico"), permanent=True)
