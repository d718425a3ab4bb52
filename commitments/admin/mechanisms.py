"""Recommendations, their moves, the existing mechanisms, handovers and sent reminders."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from commitments.admin.base import HistoryAdmin, LogAdmin, ReadOnlyAdmin
from commitments.models import (
    Handover,
    Mechanism,
    Recommendation,
    RecommendationEvent,
    SentReminder,
)


@admin.register(Recommendation)
class RecommendationAdmin(HistoryAdmin):
    list_display = ["__str__", "meeting", "reference"]
    list_filter = ["meeting__group", "commitments"]
    list_select_related = ["meeting"]
    search_fields = ["text", "reference", "meeting__title"]
    autocomplete_fields = ["meeting"]
    filter_horizontal = ["commitments"]


@admin.register(Mechanism)
class MechanismAdmin(HistoryAdmin):
    list_display = ["short_name", "name", "scope"]
    list_filter = ["scope"]
    search_fields = ["name", "short_name", "description"]
    prepopulated_fields = {"slug": ["short_name"]}


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    """Handovers are recorded on the handover register (/handover/), where the rules of
    paragraph 25 are checked (after the 12-month period; a recommendation only once it
    reached Ministers, and it is then closed as handed over). Shown here, with history."""

    list_display = ["item", "mechanism", "passed_on", "recorded_by"]
    list_filter = ["mechanism", "commitment"]
    list_select_related = ["recommendation__meeting", "commitment", "mechanism", "recorded_by"]
    search_fields = ["note", "recommendation__text", "mechanism__name"]

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        self.message_user(
            request,
            format_html(
                gettext('Record a handover on the <a href="{url}">handover register</a>.'),
                url=reverse("handover"),
            ),
        )
        return super().changelist_view(request, extra_context)


@admin.register(RecommendationEvent)
class RecommendationEventAdmin(LogAdmin):
    list_display = ["recommendation", "from_status", "to_status", "happened_on", "recorded_by"]
    list_select_related = ["recommendation__meeting", "recorded_by"]
    list_filter = ["to_status"]


@admin.register(SentReminder)
class SentReminderAdmin(LogAdmin):
    list_display = ["key", "recipient", "subject", "sent_at"]
    search_fields = ["key", "recipient"]
