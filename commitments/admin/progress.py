"""Progress reports (read-only once stored; new ones and corrections go through the reports
service), their evidence files, and the focal-point officials."""

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from commitments.admin.base import (
    HistoryAdmin,
    ReadOnlyAdmin,
    is_lookup_value,
)
from commitments.models import (
    EvidenceFile,
    Official,
    ProgressReport,
)
from commitments.services.reports import CORRECTION_COPIED_FIELDS, report_save, report_submit


class SuperuserWritesMixin:
    """Who writes for a country is a superuser's decision: an Official record is shown to the
    secretariat but added, changed or removed only by a superuser. Otherwise the secretariat
    could link an account it controls to a participant and report in that country's name."""

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


class OfficialInline(SuperuserWritesMixin, admin.TabularInline):
    model = Official
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

    def has_change_permission(self, request, obj=None):
        # View-only: the admin then neither validates nor saves these rows when the
        # participant is saved (validating a submitted report refuses it as immutable).
        return False

    def get_queryset(self, request):
        reports = super().get_queryset(request).select_related("commitment")
        # Drafts are their officials' work in progress, as on the reports' own admin page.
        return reports if request.user.is_superuser else reports.submitted()


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
    # (No date_hierarchy: it scans every date. The count is capped: BoundedListMixin.)
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["participant", "commitment", "status", "as_of", "corrects"]}),
        (_("Report"), {"fields": ["narrative", "evidence_links"]}),
        (_("Source"), {"fields": ["source", "confidence"]}),
        (
            _("Submission"),
            {
                "fields": ["state", "created_by", "created_at", "submitted_by", "submitted_at"],
                "description": _(
                    "Saving as “Submitted” makes the report final: it can then only be "
                    "corrected by a new report."
                ),
            },
        ),
    ]
    readonly_fields = ["created_by", "created_at", "submitted_by", "submitted_at"]

    @admin.display(description=_("Commitment"), ordering="commitment__display_order")
    def commitment_code(self, report):
        return report.commitment.code

    @admin.display(description=pgettext_lazy("column of reports", "Corrects"), ordering="corrects")
    def corrects_link(self, report):
        if report.corrects_id is None:
            return "–"
        url = reverse("admin:commitments_progressreport_change", args=[report.corrects_id])
        text = gettext("report #%(number)s") % {"number": report.corrects_id}
        return format_html('<a href="{}">{}</a>', url, text)

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
        if not pk or not is_lookup_value(ProgressReport._meta.pk, pk):  # "abc", "²", 30 digits
            return None
        return ProgressReport.objects.submitted().filter(pk=pk).first()

    def save_model(self, request, obj, form, change):
        # Only new reports are saved here (existing ones are read-only), through the services.
        submitting = obj.state == ProgressReport.State.SUBMITTED
        obj.state = ProgressReport.State.DRAFT
        report_save(report=obj, user=request.user)
        if submitting:
            try:
                report_submit(report=obj, user=request.user)
            except ValidationError as error:
                # Saved, but not submitted (say, someone submitted another correction of the
                # same report meanwhile): say so rather than fail.
                self.message_user(
                    request,
                    gettext("Saved as a draft but not submitted: %(errors)s")
                    % {"errors": " ".join(error.messages)},
                    level=messages.ERROR,
                )
            obj.refresh_from_db()

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.is_submitted:
            context["correct_url"] = (
                reverse("admin:commitments_progressreport_add") + f"?corrects={obj.pk}"
            )
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "report", "content_type", "size", "uploaded_at"]
    # No link into the storage: files are served only by the view that checks permission.
    fields = ["report", "original_name", "download", "content_type", "size", "uploaded_by"]
    readonly_fields = fields

    @admin.display(description=_("File"))
    def download(self, evidence):
        url = reverse("evidence_download", args=[evidence.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download"))

    list_select_related = ["report__participant", "report__commitment"]
    search_fields = ["original_name", "report__participant__name"]

    def has_delete_permission(self, request, obj=None):
        return False  # a file of a submitted report is part of it; a draft's goes with it

    def get_queryset(self, request):
        # A draft's files are its officials' work in progress, like the draft itself.
        files = super().get_queryset(request)
        return files if request.user.is_superuser else files.filter(report__state="submitted")


@admin.register(Official)
class OfficialAdmin(SuperuserWritesMixin, HistoryAdmin):
    list_display = ["user", "participant", "title"]
    list_select_related = ["user", "participant"]
    list_filter = ["participant"]
    search_fields = ["user__username", "user__email", "participant__name", "title"]
    autocomplete_fields = ["user", "participant"]
