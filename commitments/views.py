from dataclasses import dataclass, field

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from commitments.models import ExpertGroup, MinisterialMeeting, Participant
from commitments.review import review_standing

Role = Participant.Role
Kind = Participant.Kind


@dataclass
class ParticipantSection:
    title: str
    roles: tuple
    kinds: tuple
    members: list = field(default_factory=list)


def participant_sections() -> list[ParticipantSection]:
    """All participants in one query, grouped as paragraphs 1 and 2 list them."""
    sections = [
        ParticipantSection("Co-chairs", (Role.CO_CHAIR,), (Kind.STATE,)),
        ParticipantSection(
            "Participating states and entities", (Role.PARTICIPANT,), (Kind.STATE, Kind.ENTITY)
        ),
        ParticipantSection(
            "Participating organisations", (Role.PARTICIPANT,), (Kind.ORGANISATION,)
        ),
        ParticipantSection("Observer states", (Role.OBSERVER,), (Kind.STATE, Kind.ENTITY)),
        ParticipantSection("Observer organisations", (Role.OBSERVER,), (Kind.ORGANISATION,)),
    ]
    for participant in Participant.objects.order_by("statement_order", "name"):
        for section in sections:
            if participant.role in section.roles and participant.kind in section.kinds:
                section.members.append(participant)
                break
    return sections


@require_GET
def home(request):
    standing = review_standing(timezone.localdate())
    context = {
        "standing": standing,
        "founding_co_chairs": (
            list(standing.founding.co_chairs.order_by("statement_order")) if standing else []
        ),
        "ministerial_meetings": MinisterialMeeting.objects.order_by("start_date"),
        "expert_groups": ExpertGroup.objects.select_related("coordinator").order_by("short_name"),
        "sections": participant_sections(),
    }
    return render(request, "commitments/home.html", context)
