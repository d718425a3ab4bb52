"""Meetings, experts' groups, volunteers, attendance, assistance and meeting documents."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from commitments.admin.base import SOURCE_FIELDSET, HistoryAdmin
from commitments.evidence import validate_evidence_file
from commitments.models import (
    Assistance,
    Attendance,
    ExpertGroup,
    ExpertMeeting,
    MeetingDocument,
    MinisterialMeeting,
    Participant,
    Recommendation,
    Volunteer,
)
from commitments.templatetags.followup import date_range


@admin.display(description=_("Dates"), ordering="start_date")
def meeting_dates(meeting):
    return date_range(meeting)


@admin.register(MinisterialMeeting)
class MinisterialMeetingAdmin(HistoryAdmin):
    list_display = ["short_name", "level", "place", meeting_dates, "is_founding", "confidence"]
    list_filter = ["level", "is_founding", "confidence"]
    search_fields = ["name", "short_name", "place"]
    autocomplete_fields = ["co_chairs"]
    readonly_fields = ["review_due_date"]
    prepopulated_fields = {"slug": ["short_name"]}
    fieldsets = [
        (None, {"fields": ["name", "short_name", "slug", "level", "place"]}),
        (_("Dates"), {"fields": ["start_date", "end_date", "date_precision", "date_note"]}),
        (
            _("Chairs and attendance"),
            {"fields": ["co_chairs", "co_chair_persons", "attendance_summary"]},
        ),
        (
            _("Review (paragraph 24)"),
            {"fields": ["is_founding", "review_period_months", "review_due_date"]},
        ),
        (None, {"fields": ["outcome"]}),
        SOURCE_FIELDSET,
    ]

    @admin.display(description=_("Review due date"))
    def review_due_date(self, meeting):
        """The meeting's due date, or none while the form holds no date it can count from:
        an end date that is not a date, or a period that runs past the calendar (the page
        shows the form again with its errors)."""
        try:
            return meeting.review_due_date
        except (TypeError, ValueError, OverflowError):
            return None


class VolunteerInline(admin.TabularInline):
    model = Volunteer
    extra = 0
    autocomplete_fields = ["participant"]
    fields = ["participant", "expert_names", "volunteered_on", "source", "confidence"]


class GroupMeetingInline(admin.TabularInline):
    model = ExpertMeeting
    extra = 0
    show_change_link = True
    fields = ["title", "place", "start_date", "end_date", "status"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ExpertGroup)
class ExpertGroupAdmin(HistoryAdmin):
    list_display = ["short_name", "name", "theme", "coordinator", "confidence"]
    list_select_related = ["coordinator"]
    search_fields = ["name", "short_name", "theme", "coordinator_person"]
    autocomplete_fields = ["coordinator", "established_at"]
    filter_horizontal = ["commitments"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [VolunteerInline, GroupMeetingInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    autocomplete_fields = ["participant"]
    fields = ["participant", "delegates", "source", "confidence"]


class OrganisationChoicesMixin:
    """Offer only organisations as the assisting organisation (there are a dozen or so)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = Participant.objects.organisations()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class AssistanceInline(OrganisationChoicesMixin, admin.TabularInline):
    model = Assistance
    extra = 0
    fields = ["organisation", "role", "source", "confidence"]


class MeetingDocumentForm(forms.ModelForm):
    """A meeting's document: a file is checked by its content, like evidence files."""

    class Meta:
        model = MeetingDocument
        fields = ["title", "url", "file", "source", "confidence"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            self.instance.content_type = validate_evidence_file(upload)
        return upload


class MeetingDocumentInline(admin.TabularInline):
    model = MeetingDocument
    form = MeetingDocumentForm
    extra = 0


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = ["reference", "text", "commitments", "source", "confidence"]
    filter_horizontal = ["commitments"]


@admin.register(ExpertMeeting)
class ExpertMeetingAdmin(HistoryAdmin):
    list_display = ["title", "group", "place", meeting_dates, "status", "confidence"]
    list_filter = ["status", "group", "confidence"]
    list_select_related = ["group"]
    search_fields = ["title", "place", "outcome"]
    autocomplete_fields = ["group", "host"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "start_date"
    inlines = [AttendanceInline, AssistanceInline, MeetingDocumentInline, RecommendationInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is MeetingDocument:
            for document in formset.save(commit=False):
                if document.added_by_id is None:
                    document.added_by = request.user
                document.save()
            for document in formset.deleted_objects:
                document.delete()
            return
        super().save_formset(request, form, formset, change)

    fieldsets = [
        (None, {"fields": ["title", "slug", "group", "status", "place", "host"]}),
        (_("Dates"), {"fields": ["start_date", "end_date", "date_precision", "date_note"]}),
        (None, {"fields": ["outcome"]}),
        SOURCE_FIELDSET,
    ]


@admin.register(Volunteer)
class VolunteerAdmin(HistoryAdmin):
    list_display = ["participant", "group", "volunteered_on", "confidence"]
    list_filter = ["group"]
    list_select_related = ["participant", "group"]
    search_fields = ["participant__name", "expert_names"]
    autocomplete_fields = ["group", "participant"]


@admin.register(Attendance)
class AttendanceAdmin(HistoryAdmin):
    list_display = ["participant", "meeting", "confidence"]
    list_filter = ["meeting__group"]
    list_select_related = ["participant", "meeting"]
    search_fields = ["participant__name", "meeting__title", "delegates"]
    autocomplete_fields = ["meeting", "participant"]


@admin.register(Assistance)
class AssistanceAdmin(OrganisationChoicesMixin, HistoryAdmin):
    list_display = ["organisation", "meeting", "role", "confidence"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "meeting"]
    search_fields = ["organisation__name", "meeting__title", "role"]
    autocomplete_fields = ["meeting"]


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(HistoryAdmin):
    form = MeetingDocumentForm
    list_display = ["title", "meeting", "url", "added_at"]
    list_select_related = ["meeting"]
    search_fields = ["title", "meeting__title", "url"]
    autocomplete_fields = ["meeting"]

    def get_fields(self, request, obj=None):
        return ["meeting", *MeetingDocumentForm.Meta.fields]

    def save_model(self, request, obj, form, change):
        if obj.added_by_id is None:
            obj.added_by = request.user
        super().save_model(request, obj, form, change)
