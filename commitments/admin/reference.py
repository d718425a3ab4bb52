"""The statement's reference data: participants, paragraphs, commitments."""

from django.contrib import admin

from commitments.admin.base import HistoryAdmin
from commitments.admin.progress import OfficialInline, ReportInline
from commitments.models import (
    Commitment,
    Paragraph,
    Participant,
)


@admin.register(Participant)
class ParticipantAdmin(HistoryAdmin):
    list_display = ["name", "short_name", "iso3", "kind", "role"]
    list_filter = ["role", "kind"]
    search_fields = ["name", "short_name", "iso3"]
    ordering = ["statement_order", "name"]

    # Models whose participant must be tracked: their autocomplete offers only those.
    TRACKED_ONLY_FIELDS = {("progressreport", "participant"), ("official", "participant")}

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        asking_for = (request.GET.get("model_name"), request.GET.get("field_name"))
        if asking_for in self.TRACKED_ONLY_FIELDS:
            queryset = queryset.tracked()
        return queryset, may_have_duplicates

    def get_inlines(self, request, obj):
        # Only the co-chairs and participating states and entities have officials and reports.
        return [OfficialInline, ReportInline] if obj is not None and obj.is_tracked else []


@admin.register(Paragraph)
class ParagraphAdmin(HistoryAdmin):
    list_display = ["number", "excerpt"]
    search_fields = ["text"]


@admin.register(Commitment)
class CommitmentAdmin(HistoryAdmin):
    list_display = ["code", "title", "paragraph", "is_tracked"]
    list_filter = ["is_tracked"]
    list_select_related = ["paragraph"]
    search_fields = ["code", "title", "text"]
    autocomplete_fields = ["paragraph"]
