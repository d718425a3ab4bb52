"""Imports of reports from a file: the preview (the file kept, what each row would do), and
the application of a previewed file, whole, in one transaction, through the report services
(`services.reports.reports_submit_new`: the forms' rules, in one write for the file), or not
at all."""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commitments import caching, notifications
from commitments.imports import FileProblem, RowPlan, plan_rows, read_table
from commitments.models import ProgressReport, ReportImport
from commitments.permissions import import_scope
from commitments.services.reports import (
    correction_draft,
    lock_corrected_reports,
    reports_submit_new,
)

# simple_history's change reason holds 100 characters.
REASON_LENGTH = 100


class ImportAlreadyApplied(ValidationError):
    """The file was applied before (a second click, another tab): nothing more was written."""

    def __init__(self, batch: ReportImport):
        when = timezone.localtime(batch.applied_at)
        super().__init__(
            _("This file was already applied on %(date)s at %(time)s: nothing more was written.")
            % {"date": date_format(when, "DATE_FORMAT"), "time": date_format(when, "H:i")}
        )
        self.batch = batch


class ImportNotApplicable(ValidationError):
    """The file cannot be applied as it stands: a row in error, a problem with the file, or
    nothing to write. Nothing was written."""


class PreviewOutOfDate(ValidationError):
    """The data changed since the preview (a report corrected meanwhile, say), so what the
    file would do now differs: the new preview is stored and nothing was written."""

    def __init__(self, batch: ReportImport):
        super().__init__(
            _(
                "The reports changed since this preview was made, so the file would now do "
                "something else. Nothing was written: look at the new preview below."
            )
        )
        self.batch = batch


def plans_for(name: str, content: bytes, user) -> tuple[list[RowPlan], str]:
    """What each row of the file would do for this user, or the file's problem."""
    try:
        return plan_rows(read_table(name, content), user), ""
    except FileProblem as problem:
        return [], str(problem)


@transaction.atomic
def import_preview(*, user, name: str, content: bytes) -> ReportImport:
    """Keep the uploaded file and what each row would do; write no report."""
    import_scope(user)
    plans, problem = plans_for(name, content, user)
    batch = ReportImport(
        original_name=name[:255],
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
        file_error=problem[:1000],
        rows=[plan.as_json() for plan in plans],
    )
    batch.file.save(name, ContentFile(content), save=False)
    batch.full_clean()
    batch.save()
    return batch


def import_apply(*, batch: ReportImport, user) -> ReportImport:
    """Apply a previewed file: every new report and correction of it, submitted, or nothing.

    The file is read and planned again inside the transaction: when that plan differs from
    the one the user saw, the new one is stored and PreviewOutOfDate raised, with nothing
    written. A second application raises ImportAlreadyApplied."""
    with transaction.atomic():
        batch = ReportImport.objects.select_for_update().get(pk=batch.pk)
        if batch.is_applied:
            raise ImportAlreadyApplied(batch)
        if not batch.can_apply:
            raise ImportNotApplicable(_not_applicable_message(batch))
        # Before the file is planned again: a colleague's correction of one of its reports,
        # submitted from now on, waits for this transaction and then finds the file's; one
        # submitted before now is in the new plan.
        lock_corrected_reports(row["report"] for row in batch.rows if row["action"] == "correction")
        with batch.file.open("rb") as stored:
            plans, problem = plans_for(batch.original_name, stored.read(), user)
        rows = [plan.as_json() for plan in plans]
        if what_rows_do(rows) == what_rows_do(batch.rows) and problem == batch.file_error:
            return _apply(batch, plans, user)
    # Stored in a transaction of its own, so that the user sees the new preview.
    with transaction.atomic():
        batch.rows, batch.file_error = rows, problem[:1000]
        batch.save(update_fields=["rows", "file_error"])
    raise PreviewOutOfDate(batch)


def what_rows_do(rows: list[dict]) -> list[dict]:
    """The rows' plan without its words: the notes and the error messages are in the
    language of the page that made the preview, which need not be the one that applies it
    (and they follow from the rest: the same file, the same actions, the same reports)."""
    return [
        {**row, "note": "", "errors": [column for column, _message in row["errors"]]}
        for row in rows
    ]


def _not_applicable_message(batch: ReportImport) -> str:
    if batch.file_error or batch.error_count:
        return _(
            "The file has errors, so none of it can be applied. Download the rows with "
            "errors, correct them and upload the file again."
        )
    return _("The file has nothing new: every row is unchanged or repeated. Nothing was written.")


def _apply(batch: ReportImport, plans: list[RowPlan], user) -> ReportImport:
    reason = f"Imported from {batch.original_name}"[: REASON_LENGTH - 12] + f" (import {batch.pk})"
    # With the rows a correction's validation reads: one query, not two per correction.
    originals = ProgressReport.objects.select_related("participant", "commitment").in_bulk(
        [plan.report for plan in plans if plan.action == "correction"]
    )
    reports = [_row_report(batch, plan, originals, reason) for plan in plans if plan.writes]
    # One change of the data version for the file, not one per report.
    with caching.one_bump():
        reports_submit_new(reports=reports, user=user)
        batch.corrections = sum(report.corrects_id is not None for report in reports)
        batch.created_reports = len(reports) - batch.corrections
        batch.state = ReportImport.State.APPLIED
        batch.applied_at = timezone.now()
        batch.full_clean()
        batch.save()
    # One email for the file, not one per report.
    notifications.reports_imported(batch)
    return batch


def _row_report(batch, plan: RowPlan, originals: dict, reason: str) -> ProgressReport:
    """The row's new report, or its correction of a report, not saved yet."""
    if plan.action == "correction":
        report = correction_draft(originals[plan.report])
    else:
        report = ProgressReport()
    for name, value in plan.values.items():
        setattr(report, name, value)
    report.imported_from = batch
    report._change_reason = reason  # read by django-simple-history for its rows
    return report
