"""The secretariat's data entry: every model, searchable and filterable, with its history."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from commitments import services
from commitments.evidence import validate_evidence_file
from commitments.models import (
    Assistance,
    Attendance,
    Commitment,
    EvidenceFile,
    ExpertGroup,
    ExpertMeeting,
    Handover,
    Mechanism,
    MeetingDocument,
    MinisterialMeeting,
    Official,
    Paragraph,
    Participant,
    ProgressReport,
    Recommendation,
    RecommendationEvent,
    ReviewComment,
    SentReminder,
    Volunteer,
)
from commitments.services import CORRECTION_COPIED_FIELDS
from commitments.templatetags.followup import date_range

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = "Data entry"

SOURCE_FIELDSET = ("Source", {"fields": ["source", "source_url", "confidence"]})


class HistoryAdmin(SimpleHistoryAdmin):
    """Every admin page links to the record's history: who changed what, and when.

    A past version is shown, never restored: restoring would overwrite later changes (and
    could rewrite a submitted report or a comment). SIMPLE_HISTORY_REVERT_DISABLED only hides
    the button, so the version page refuses POST here."""

    save_on_top = True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("Past versions are shown, never restored.")
        if not self._in_queryset(request, object_id):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history's history pages look the object up without get_queryset():
        # an object this user may not see in the admin has no history to show either.
        if not self._in_queryset(request, object_id):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def _in_queryset(self, request, object_id) -> bool:
        return self.get_queryset(request).filter(pk=unquote(object_id)).exists()


# Participants and the statement ------------------------------------------------------------


STAFF_OFFICIAL_MESSAGE = (
    "Only a superuser can make a staff account a focal-point official: an official writes "
    "for a country, and the secretariat should not be able to give itself that power."
)


class OfficialForm(forms.ModelForm):
    """Refuses, for anyone but a superuser, to link a staff account to a participant."""

    request_user = None  # set by OfficialFormMixin for each request

    def clean(self):
        cleaned = super().clean()
        user = cleaned.get("user") or getattr(self.instance, "user", None)
        if user is not None and user.is_staff and not self.request_user.is_superuser:
            raise ValidationError(STAFF_OFFICIAL_MESSAGE)
        return cleaned


class OfficialFormMixin:
    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.request_user = request.user
        return form

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.request_user = request.user
        return formset


class OfficialInline(OfficialFormMixin, admin.TabularInline):
    model = Official
    form = OfficialForm
    extra = 0
    autocomplete_fields = ["user"]


class ReportInline(admin.TabularInline):
    """A participant's reports, read-only: reports are entered and corrected on their own page,
    where the rules for drafts and corrections apply."""

    model = ProgressReport
    fk_name = "participant"
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["commitment", "status", "as_of", "state", "submitted_at", "corrects_id"]
    readonly_fields = fields
    ordering = ["commitment__display_order", "-as_of", "-pk"]

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commitment")


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


# Meetings --------------------------------------------------------------------------------------


@admin.display(description="Dates", ordering="start_date")
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
        ("Dates", {"fields": ["start_date", "end_date", "date_precision", "date_note"]}),
        (
            "Chairs and attendance",
            {"fields": ["co_chairs", "co_chair_persons", "attendance_summary"]},
        ),
        (
            "Review (paragraph 24)",
            {"fields": ["is_founding", "review_period_months", "review_due_date"]},
        ),
        (None, {"fields": ["outcome"]}),
        SOURCE_FIELDSET,
    ]


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
        ("Dates", {"fields": ["start_date", "end_date", "date_precision", "date_note"]}),
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


# Progress ----------------------------------------------------------------------------------------


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows (SELECT COUNT(*) FROM (... LIMIT CAP+1)), so a page load never
    counts the whole reports table; past the cap the last pages are reached by filtering."""

    CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list[: self.CAP + 1].count()


@admin.register(ProgressReport)
class ProgressReportAdmin(HistoryAdmin):
    list_display = [
        "participant",
        "commitment_code",
        "status",
        "as_of",
        "state",
        "submitted_at",
        "corrects_link",
    ]
    list_filter = ["state", "status", "commitment", "confidence", "participant__role", "is_demo"]
    # Joined in the changelist's one query; `corrects` shows only its id, so it needs no join.
    list_select_related = ["participant", "commitment"]
    search_fields = ["participant__name", "participant__short_name", "narrative"]
    autocomplete_fields = ["participant", "commitment"]
    raw_id_fields = ["corrects"]
    # No COUNT(*) over the whole table on a page load: the full count is not shown and the
    # paginator's count is capped. (No date_hierarchy either: it scans every date.)
    show_full_result_count = False
    paginator = CappedCountPaginator
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["participant", "commitment", "status", "as_of", "corrects"]}),
        ("Report", {"fields": ["narrative", "evidence_links"]}),
        ("Source", {"fields": ["source", "confidence"]}),
        (
            "Submission",
            {
                "fields": ["state", "created_by", "created_at", "submitted_by", "submitted_at"],
                "description": "Saving as “Submitted” makes the report final: it can then only "
                "be corrected by a new report.",
            },
        ),
    ]
    readonly_fields = ["created_by", "created_at", "submitted_by", "submitted_at"]

    @admin.display(description="Commitment", ordering="commitment__display_order")
    def commitment_code(self, report):
        return report.commitment.code

    @admin.display(description="Corrects", ordering="corrects")
    def corrects_link(self, report):
        if report.corrects_id is None:
            return "–"
        url = reverse("admin:commitments_progressreport_change", args=[report.corrects_id])
        return format_html('<a href="{}">report #{}</a>', url, report.corrects_id)

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # Bulk deletion would bypass the per-report rule that submitted reports stay.
        actions = super().get_actions(request, action_location)
        actions.pop("delete_selected", None)
        return actions

    def get_queryset(self, request):
        # Drafts are their country's officials' work in progress: a superuser sees them
        # (read-only), the secretariat does not.
        reports = super().get_queryset(request)
        return reports if request.user.is_superuser else reports.submitted()

    def has_change_permission(self, request, obj=None):
        # Shown read-only: a submitted report is corrected, never edited; a draft is its
        # officials' to edit on the site, where the version check guards their work.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None:
            return False
        return super().has_delete_permission(request, obj)

    def get_changeform_initial_data(self, request):
        """`?corrects=<id>` starts a correction prefilled from the submitted report."""
        initial = super().get_changeform_initial_data(request)
        original = self._report_to_correct(request)
        if original is not None:
            initial.update({name: getattr(original, name) for name in CORRECTION_COPIED_FIELDS})
            initial["participant"] = original.participant_id
            initial["commitment"] = original.commitment_id
            initial["corrects"] = original.pk
        return initial

    def _report_to_correct(self, request):
        pk = request.GET.get("corrects", "")
        if not pk.isdigit():
            return None
        return ProgressReport.objects.submitted().filter(pk=pk).first()

    def save_model(self, request, obj, form, change):
        # Only new reports are saved here (existing ones are read-only), through the services.
        submitting = obj.state == ProgressReport.State.SUBMITTED
        obj.state = ProgressReport.State.DRAFT
        services.report_save(report=obj, user=request.user)
        if submitting:
            try:
                services.report_submit(report=obj, user=request.user)
            except ValidationError as error:
                # Saved, but not submitted (say, someone submitted another correction of the
                # same report meanwhile): say so rather than fail.
                self.message_user(
                    request,
                    "Saved as a draft but not submitted: " + " ".join(error.messages),
                    level=messages.ERROR,
                )
            obj.refresh_from_db()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.is_submitted:
            context["correct_url"] = (
                reverse("admin:commitments_progressreport_add") + f"?corrects={obj.pk}"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


class ReadOnlyAdmin(HistoryAdmin):
    """Records written only by the site's own workflow: shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "report", "content_type", "size", "uploaded_at"]
    # No link into the storage: files are served only by the view that checks permission.
    fields = ["report", "original_name", "download", "content_type", "size", "uploaded_by"]
    readonly_fields = fields

    @admin.display(description="File")
    def download(self, evidence):
        url = reverse("evidence_download", args=[evidence.pk])
        return format_html('<a href="{}">Download</a>', url)

    list_select_related = ["report__participant", "report__commitment"]
    search_fields = ["original_name", "report__participant__name"]

    def has_delete_permission(self, request, obj=None):
        return False  # a file of a submitted report is part of it; a draft's goes with it


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnlyAdmin):
    list_display = ["report", "kind", "author", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["report__participant", "report__commitment", "author"]
    search_fields = ["body", "report__participant__name", "author__username"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Official)
class OfficialAdmin(OfficialFormMixin, HistoryAdmin):
    form = OfficialForm
    list_display = ["user", "participant", "title"]
    list_select_related = ["user", "participant"]
    list_filter = ["participant"]
    search_fields = ["user__username", "user__email", "participant__name", "title"]
    autocomplete_fields = ["user", "participant"]


class OfficialUserInline(OfficialFormMixin, admin.StackedInline):
    model = Official
    form = OfficialForm
    can_delete = True
    autocomplete_fields = ["participant"]
    verbose_name = "focal-point official for"


admin.site.unregister(User)


@admin.register(User)
class FollowupUserAdmin(UserAdmin):
    """Django's user admin, with the participant an official reports for."""

    inlines = [OfficialUserInline]
    list_display = [*UserAdmin.list_display, "reports_for"]
    list_select_related = ["official__participant"]
    # Only a superuser grants powers: the secretariat creates and edits officials' accounts
    # but cannot make anyone (itself included) staff, superuser or a member of a group.
    PRIVILEGE_FIELDS = ["is_staff", "is_superuser", "groups", "user_permissions"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += self.PRIVILEGE_FIELDS
        return readonly

    def has_change_permission(self, request, obj=None):
        # Staff accounts (the secretariat's own included) are changed by a superuser only;
        # one's own password is changed at /accounts/password_change/.
        if obj is not None and self._is_privileged(obj) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._is_privileged(obj) and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    @staticmethod
    def _is_privileged(user) -> bool:
        return user.is_staff or user.is_superuser

    def user_change_password(self, request, id, form_url=""):
        # Setting someone's password would let the secretariat sign in as that official and
        # write for that country: an official who forgot it resets it by email.
        if not request.user.is_superuser:
            raise PermissionDenied("Officials reset their own passwords by email.")
        return super().user_change_password(request, id, form_url)

    @admin.display(description="Reports for", ordering="official__participant__short_name")
    def reports_for(self, user):
        official = getattr(user, "official", None)
        return official.participant if official else "–"


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
                'Record a handover on the <a href="{}">handover register</a>.',
                reverse("handover"),
            ),
        )
        return super().changelist_view(request, extra_context)


class LogAdmin(admin.ModelAdmin):
    """Logs written by the app itself (they are their own history): shown, never changed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecommendationEvent)
class RecommendationEventAdmin(LogAdmin):
    list_display = ["recommendation", "from_status", "to_status", "happened_on", "recorded_by"]
    list_select_related = ["recommendation__meeting", "recorded_by"]
    list_filter = ["to_status"]


@admin.register(SentReminder)
class SentReminderAdmin(LogAdmin):
    list_display = ["key", "recipient", "subject", "sent_at"]
    search_fields = ["key", "recipient"]


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
