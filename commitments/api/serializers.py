"""What each resource reads as. Related records are named by their stable codes (a
participant's ISO 3166 code, a commitment's code, a meeting's or group's or mechanism's slug)
beside their ids; the querysets in views.py fetch everything a serializer reads, so that no
serializer runs a query of its own."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from commitments.models import (
    Assistance,
    Attendance,
    Commitment,
    Confidence,
    ExpertGroup,
    ExpertMeeting,
    Handover,
    Mechanism,
    MeetingDocument,
    MinisterialMeeting,
    Paragraph,
    Participant,
    ProgressReport,
    Recommendation,
    RecommendationEvent,
    Volunteer,
)
from commitments.status import NO_REPORT, STATUS_ORDER

SOURCED_FIELDS = ["source", "source_url", "confidence"]
NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}


class BlankAsNullCharField(serializers.CharField):
    """A text column that is blank when it does not apply (an organisation's ISO code, a
    recommendation's outcome before Ministers considered it): null in the API."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


class BlankAsNullURLField(serializers.URLField):
    """A web address that may be missing: null in the API rather than ""."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    """Every field read-only: the API never writes, and the schema then marks every field of
    a response as present (required), which it always is."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields


class SourcedSerializer(ReadOnlyModelSerializer):
    """A historical record: where it comes from and how sure we are (SOURCED_FIELDS)."""

    source_url = BlankAsNullURLField(help_text="The source's web address, if any.")


class ParticipantRefSerializer(ReadOnlyModelSerializer):
    iso3 = BlankAsNullCharField(help_text="ISO 3166 alpha-3; null for an organisation.")

    class Meta:
        model = Participant
        fields = ["id", "iso3", "short_name"]


class ParticipantSerializer(ParticipantRefSerializer):
    is_tracked = serializers.BooleanField(
        read_only=True, help_text="Whether it reports progress: the co-chairs and participants."
    )

    class Meta:
        model = Participant
        fields = [
            "id",
            "iso3",
            "name",
            "short_name",
            "kind",
            "role",
            "is_tracked",
            "statement_order",
            "notes",
        ]


class ParagraphSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Paragraph
        fields = ["id", "number", "text"]


class CommitmentRefSerializer(ReadOnlyModelSerializer):
    class Meta:
        model = Commitment
        fields = ["id", "code", "title"]


class CommitmentSerializer(ReadOnlyModelSerializer):
    paragraph = serializers.IntegerField(
        source="paragraph.number", read_only=True, help_text="The statement's paragraph number."
    )

    class Meta:
        model = Commitment
        fields = ["id", "code", "paragraph", "title", "text", "is_tracked", "display_order"]


def slug_of(help_text: str, **kwargs):
    return serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text=help_text, **kwargs
    )


def codes_of(help_text: str):
    return serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text=help_text
    )


MEETING_FIELDS = [
    "id",
    "slug",
    "place",
    "start_date",
    "end_date",
    "date_precision",
    "date_note",
    "outcome",
]


class MinisterialMeetingSerializer(SourcedSerializer):
    co_chairs = ParticipantRefSerializer(many=True, read_only=True)
    review_due_date = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="For the founding meeting: its end date plus the review period (paragraph 24).",
    )

    class Meta:
        model = MinisterialMeeting
        fields = [
            *MEETING_FIELDS[:2],
            "name",
            "short_name",
            "level",
            *MEETING_FIELDS[2:],
            "co_chairs",
            "co_chair_persons",
            "is_founding",
            "review_period_months",
            "review_due_date",
            "attendance_summary",
            *SOURCED_FIELDS,
        ]


class AttendanceSerializer(SourcedSerializer):
    participant = ParticipantRefSerializer(read_only=True)

    class Meta:
        model = Attendance
        fields = ["participant", "delegates", *SOURCED_FIELDS]


class AssistanceSerializer(SourcedSerializer):
    organisation = ParticipantRefSerializer(read_only=True)

    class Meta:
        model = Assistance
        fields = ["organisation", "role", *SOURCED_FIELDS]


class MeetingDocumentSerializer(ReadOnlyModelSerializer):
    url = BlankAsNullURLField(help_text="The document's web address, if recorded.")
    file = serializers.SerializerMethodField(help_text="Where to download the file, if any.")

    class Meta:
        model = MeetingDocument
        fields = ["id", "title", "url", "file"]

    @extend_schema_field(NULLABLE_URI)
    def get_file(self, document):
        if not document.file:
            return None
        return self.context["request"].build_absolute_uri(
            reverse("meeting_document", args=[document.pk])
        )


class ExpertMeetingSerializer(SourcedSerializer):
    group = slug_of("The experts' group's slug; null across groups.", allow_null=True)
    host = ParticipantRefSerializer(read_only=True, allow_null=True)
    attendance = AttendanceSerializer(source="attendance_set", many=True, read_only=True)
    assistance = AssistanceSerializer(source="assistance_set", many=True, read_only=True)
    documents = MeetingDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = ExpertMeeting
        fields = [
            *MEETING_FIELDS[:2],
            "title",
            "group",
            "status",
            "host",
            *MEETING_FIELDS[2:],
            "attendance",
            "assistance",
            "documents",
            *SOURCED_FIELDS,
        ]


class VolunteerSerializer(SourcedSerializer):
    participant = ParticipantRefSerializer(read_only=True)

    class Meta:
        model = Volunteer
        fields = ["participant", "expert_names", "volunteered_on", *SOURCED_FIELDS]


class ExpertGroupSerializer(SourcedSerializer):
    established_at = slug_of("The ministerial meeting that set it up.", allow_null=True)
    coordinator = ParticipantRefSerializer(read_only=True, allow_null=True)
    commitments = codes_of("The commitments it covers, by code.")
    volunteers = VolunteerSerializer(source="volunteer_set", many=True, read_only=True)
    meetings = slug_of("Its meetings, by slug, in date order.", many=True)

    class Meta:
        model = ExpertGroup
        fields = [
            "id",
            "slug",
            "name",
            "short_name",
            "theme",
            "established_at",
            "coordinator",
            "coordinator_person",
            "commitments",
            "volunteers",
            "meetings",
            *SOURCED_FIELDS,
        ]


class RecommendationMoveSerializer(ReadOnlyModelSerializer):
    recorded_by = serializers.SerializerMethodField(
        help_text="Who recorded the move, as the meeting's page names them."
    )

    class Meta:
        model = RecommendationEvent
        fields = ["from_status", "to_status", "happened_on", "note", "recorded_by", "recorded_at"]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_recorded_by(self, event):
        user = event.recorded_by
        return (user.get_full_name() or user.get_username()) if user else None


class RecommendationHandoverSerializer(ReadOnlyModelSerializer):
    mechanism = slug_of("The mechanism it was passed to.")

    class Meta:
        model = Handover
        fields = ["mechanism", "passed_on"]


class RecommendationSerializer(SourcedSerializer):
    meeting = slug_of("The expert meeting that made it.")
    number = serializers.CharField(
        read_only=True, help_text="Its reference in the meeting's report, else #id."
    )
    commitments = codes_of("The commitments it is about, by code.")
    submitted_to = slug_of("The ministerial meeting.", allow_null=True)
    outcome = serializers.SerializerMethodField(help_text="What Ministers made of it, if known.")
    moves = RecommendationMoveSerializer(source="events", many=True, read_only=True)
    handovers = RecommendationHandoverSerializer(many=True, read_only=True)

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "meeting",
            "reference",
            "number",
            "text",
            "commitments",
            "status",
            "submitted_to",
            "submitted_on",
            "outcome",
            "considered_on",
            "closed_on",
            "moves",
            "handovers",
            *SOURCED_FIELDS,
        ]

    @extend_schema_field(
        {"type": "string", "enum": [*Recommendation.Outcome.values, None], "nullable": True}
    )
    def get_outcome(self, recommendation):
        return recommendation.outcome or None


class MechanismSerializer(SourcedSerializer):
    url = BlankAsNullURLField(help_text="Its web site, if recorded.")

    class Meta:
        model = Mechanism
        fields = [
            "id",
            "slug",
            "name",
            "short_name",
            "scope",
            "description",
            "url",
            *SOURCED_FIELDS,
        ]


class HandoverSerializer(SourcedSerializer):
    recommendation = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The recommendation passed on, if it is one."
    )
    commitment = serializers.SlugRelatedField(
        slug_field="code",
        read_only=True,
        allow_null=True,
        help_text="The commitment passed on, if it is one.",
    )
    mechanism = slug_of("The mechanism it was passed to.")

    class Meta:
        model = Handover
        fields = [
            "id",
            "recommendation",
            "commitment",
            "mechanism",
            "passed_on",
            "note",
            "recorded_at",
            *SOURCED_FIELDS,
        ]


class ReportSerializer(ReadOnlyModelSerializer):
    participant = ParticipantRefSerializer(read_only=True)
    commitment = CommitmentRefSerializer(read_only=True)
    evidence_links = serializers.ListField(
        source="evidence_lines",
        child=serializers.CharField(),
        read_only=True,
        help_text="Links to evidence, one per line as entered.",
    )
    corrects = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The report this one corrects, if any."
    )
    # The annotation of exports.submitted_reports(), named as the tables name it.
    replaced_by = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="The submitted correction that replaced this report, if any.",
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "participant",
            "commitment",
            "status",
            "as_of",
            "confidence",
            "narrative",
            "evidence_links",
            "source",
            "submitted_at",
            "corrects",
            "replaced_by",
        ]


# The matrix ------------------------------------------------------------------------------------

CELL_STATUSES = [*(status.value for status in STATUS_ORDER), NO_REPORT]


class MatrixCellSerializer(serializers.Serializer):
    commitment = serializers.CharField(help_text="The commitment's code.")
    status = serializers.ChoiceField(
        choices=CELL_STATUSES, help_text="The counted report's status, or no_report."
    )
    report = serializers.IntegerField(allow_null=True, help_text="The report that counts.")
    as_of = serializers.DateField(allow_null=True, help_text="The date that report speaks for.")
    confidence = serializers.ChoiceField(choices=Confidence.choices, allow_null=True)


class MatrixRowSerializer(serializers.Serializer):
    participant = ParticipantRefSerializer()
    cells = MatrixCellSerializer(many=True, help_text="One per commitment, in their order.")


class MatrixSerializer(serializers.Serializer):
    as_of = serializers.DateField(help_text="The date the matrix stands on.")
    commitments = CommitmentRefSerializer(many=True)
    rows = MatrixRowSerializer(many=True, help_text="One per tracked participant.")


def matrix_data(matrix) -> dict:
    """The status.Matrix as MatrixSerializer reads it."""
    return {
        "as_of": matrix.as_of,
        "commitments": matrix.commitments,
        "rows": [
            {
                "participant": row.participant,
                "cells": [
                    matrix_cell(commitment, report)
                    for commitment, report in zip(matrix.commitments, row.cells, strict=True)
                ],
            }
            for row in matrix.rows
        ],
    }


def matrix_cell(commitment, report) -> dict:
    if report is None:
        return {
            "commitment": commitment.code,
            "status": NO_REPORT,
            "report": None,
            "as_of": None,
            "confidence": None,
        }
    return {
        "commitment": commitment.code,
        "status": report.status,
        "report": report.pk,
        "as_of": report.as_of,
        "confidence": report.confidence,
    }


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in words.")
