"""The API's read-only views: list and retrieve for each resource (GET, HEAD and OPTIONS;
every other method 405), and the matrix as of a date. Each queryset fetches everything its
serializer reads, so that every endpoint is a fixed number of queries whatever the data.

Resources are addressed by their stable codes: a participant by its ISO 3166 code (any case)
or, for organisations, which have none, by id (the two cannot be confused: codes are
letters); a paragraph by its number; a commitment by its code; meetings, groups and
mechanisms by slug. Those codes can be digits (commitment 18), so they are not mixed with
ids; every representation carries both. Recommendations, handovers and reports have only
their ids."""

import re

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from commitments import status as standing
from commitments.api import serializers
from commitments.api.pagination import ReferencePagination, ReportCursorPagination
from commitments.api.permissions import ProgressData, ReferenceData
from commitments.exports import submitted_reports
from commitments.filters import ReportFilter
from commitments.forms import AsOfForm
from commitments.models import (
    Commitment,
    ExpertGroup,
    ExpertMeeting,
    Handover,
    Mechanism,
    MinisterialMeeting,
    Paragraph,
    Participant,
    RecommendationEvent,
    Volunteer,
)
from commitments.models import Recommendation as RecommendationModel

READ_ONLY = ["get", "head", "options"]


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    http_method_names = READ_ONLY
    permission_classes = [ReferenceData]
    lookup_value_converter = "str"  # no slashes in a code
    pagination_class = ReferencePagination
    not_found_message = "No such record."

    def get_object(self):
        queryset = self.filter_queryset(self.get_queryset())
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        obj = queryset.filter(**self.lookup_filter(lookup)).first()
        if obj is None:
            raise Http404(self.not_found_message)
        self.check_object_permissions(self.request, obj)
        return obj

    def lookup_filter(self, value: str) -> dict:
        return {self.lookup_field: value}


NOTHING = {"pk__in": []}
# ASCII digits only (str.isdigit() takes "²", which int() refuses), no more than a bigint holds.
NUMBER = re.compile(r"[0-9]{1,18}")
ISO3 = re.compile(r"[A-Za-z]{3}")


def by_id(value: str) -> dict:
    """An id lookup; a value that is no id matches nothing (rather than raising)."""
    return {"pk": int(value)} if NUMBER.fullmatch(value) else NOTHING


@extend_schema_view(
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "iso3",
                str,
                OpenApiParameter.PATH,
                description="The ISO 3166 alpha-3 code (any case), or the id of an "
                "organisation, which has no code.",
            )
        ]
    )
)
class ParticipantViewSet(ReadOnlyViewSet):
    """The states, entities and organisations named in paragraphs 1 and 2 of the statement."""

    queryset = Participant.objects.order_by("statement_order", "short_name")
    serializer_class = serializers.ParticipantSerializer
    lookup_field = "iso3"
    not_found_message = "No participant has that ISO 3166 code or id."

    def lookup_filter(self, value):
        if ISO3.fullmatch(value):
            return {"iso3": value.upper()}
        return by_id(value)


class ParagraphViewSet(ReadOnlyViewSet):
    """The 28 numbered paragraphs of the Co-Chairs' Statement, addressed by number."""

    queryset = Paragraph.objects.order_by("number")
    serializer_class = serializers.ParagraphSerializer
    lookup_field = "number"
    not_found_message = "The statement has no paragraph with that number."

    def lookup_filter(self, value):
        return {"number": int(value)} if NUMBER.fullmatch(value) and len(value) < 6 else NOTHING


class CommitmentViewSet(ReadOnlyViewSet):
    """What the statement asks participants to work towards, addressed by code (17a)."""

    queryset = Commitment.objects.select_related("paragraph").order_by("display_order", "code")
    serializer_class = serializers.CommitmentSerializer
    lookup_field = "code"
    not_found_message = "No commitment has that code."


class MinisterialMeetingViewSet(ReadOnlyViewSet):
    queryset = MinisterialMeeting.objects.prefetch_related(
        Prefetch("co_chairs", Participant.objects.order_by("short_name"))
    ).order_by("start_date", "pk")
    serializer_class = serializers.MinisterialMeetingSerializer
    lookup_field = "slug"
    not_found_message = "No ministerial meeting has that slug."


class ExpertMeetingViewSet(ReadOnlyViewSet):
    """Meetings of experts (paragraph 23), with who attended and which organisations
    assisted, as the meeting's page shows them to everyone."""

    queryset = (
        ExpertMeeting.objects.select_related("group", "host")
        .prefetch_related(
            "attendance_set__participant", "assistance_set__organisation", "documents"
        )
        .order_by("start_date", "pk")
    )
    serializer_class = serializers.ExpertMeetingSerializer
    lookup_field = "slug"
    not_found_message = "No expert meeting has that slug."


class ExpertGroupViewSet(ReadOnlyViewSet):
    """The ad hoc experts' groups, with the participants that volunteered, as the group's
    page shows them to everyone."""

    queryset = (
        ExpertGroup.objects.select_related("established_at", "coordinator")
        .prefetch_related(
            "commitments",
            Prefetch(
                "volunteer_set",
                Volunteer.objects.select_related("participant").order_by("participant__short_name"),
            ),
            Prefetch("meetings", ExpertMeeting.objects.order_by("start_date", "pk")),
        )
        .order_by("short_name")
    )
    serializer_class = serializers.ExpertGroupSerializer
    lookup_field = "slug"
    not_found_message = "No experts' group has that slug."


class RecommendationViewSet(ReadOnlyViewSet):
    """Recommendations of the expert meetings, with their moves towards Ministers and closure
    and their handovers, as the meeting's page shows them to everyone."""

    queryset = (
        RecommendationModel.objects.select_related("meeting", "submitted_to")
        .prefetch_related(
            "commitments",
            Prefetch(
                "events",
                RecommendationEvent.objects.select_related("recorded_by").order_by(
                    "recorded_at", "pk"
                ),
            ),
            Prefetch(
                "handovers",
                Handover.objects.select_related("mechanism").order_by("passed_on", "pk"),
            ),
        )
        .order_by("meeting__start_date", "reference", "pk")
    )
    serializer_class = serializers.RecommendationSerializer
    lookup_field = "pk"
    not_found_message = "No recommendation has that id."

    def lookup_filter(self, value):
        return by_id(value)


class MechanismViewSet(ReadOnlyViewSet):
    """Existing mechanisms follow-up can be passed to (paragraph 25)."""

    queryset = Mechanism.objects.order_by("short_name")
    serializer_class = serializers.MechanismSerializer
    lookup_field = "slug"
    not_found_message = "No mechanism has that slug."


class HandoverViewSet(ReadOnlyViewSet):
    """What was passed to an existing mechanism. As the handover register (/handover/), these
    need a login unless progress is public: a commitment is passed on because participants
    are not done with it."""

    permission_classes = [ProgressData]
    queryset = Handover.objects.select_related(
        "recommendation", "commitment", "mechanism"
    ).order_by("-passed_on", "pk")
    serializer_class = serializers.HandoverSerializer
    lookup_field = "pk"
    not_found_message = "No handover has that id."

    def lookup_filter(self, value):
        return by_id(value)


class ApiReportFilter(ReportFilter):
    """The filters of /reports/, and the one date a report speaks for (`as_of`)."""

    as_of = filters.DateFilter(field_name="as_of", label="As of")

    class Meta(ReportFilter.Meta):
        fields = [*ReportFilter.Meta.fields, "as_of"]


class ReportViewSet(ReadOnlyViewSet):
    """Submitted progress reports: each participant's own account of its progress on a
    commitment, as of a date (voluntary self-reporting: paragraph 19). Drafts never appear."""

    permission_classes = [ProgressData]
    serializer_class = serializers.ReportSerializer
    pagination_class = ReportCursorPagination
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ApiReportFilter
    lookup_field = "pk"
    not_found_message = "No report has that number."

    def get_queryset(self):
        return submitted_reports()

    def lookup_filter(self, value):
        return by_id(value)

    def filter_queryset(self, queryset):
        # The filters apply to the list; a report is found by its number alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset


AS_OF_PARAMETER = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description="The date the matrix stands on (YYYY-MM-DD), from 26 February 2002 to "
    "today; today when left out.",
)


class MatrixView(APIView):
    """Where each tracked participant stands on each tracked commitment on a date: in each
    cell the submitted report that counts then (the latest it speaks for, not replaced by a
    correction), or no_report. Each participant's own account, never a score or a ranking."""

    http_method_names = READ_ONLY
    permission_classes = [ProgressData]
    serializer_class = serializers.MatrixSerializer  # for the schema

    @extend_schema(parameters=[AS_OF_PARAMETER], operation_id="matrix_retrieve")
    def get(self, request):
        form = AsOfForm(request.query_params)
        if not form.is_valid():
            raise ValidationError(form.errors)
        as_of = form.cleaned_data["as_of"] or timezone.localdate()
        matrix = standing.status_matrix(as_of=as_of)
        return Response(serializers.MatrixSerializer(serializers.matrix_data(matrix)).data)
