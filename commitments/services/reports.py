"""Progress reports and their evidence files: drafts, submission, deletion of drafts, and
corrections of submitted reports (new reports that supersede them)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from commitments import caching, notifications
from commitments.history import record_as
from commitments.models import EvidenceFile, ProgressReport
from commitments.models.progress import SUBMITTED_IMMUTABLE_MESSAGE

# The fields a correction copies from the report it corrects, as a starting point to edit.
CORRECTION_COPIED_FIELDS = [
    "participant",
    "commitment",
    "status",
    "as_of",
    "narrative",
    "narrative_language",
    "evidence_links",
    "source",
    "confidence",
]


class AlreadyReceived(Exception):
    """The form that would create this report was posted before: `report` is what it made."""

    def __init__(self, report: ProgressReport):
        super().__init__(_("This form was already received."))
        self.report = report


FORM_USED_MESSAGE = gettext_lazy("This form was already used. Reload the page and try again.")


def _refuse_a_second_post(report: ProgressReport, form_token) -> None:
    """Raise AlreadyReceived if the participant's report from this form exists already."""
    earlier = ProgressReport.objects.filter(
        form_token=form_token, participant_id=report.participant_id
    ).first()
    if earlier is not None:
        raise AlreadyReceived(earlier)


class EditConflict(Exception):
    """Someone saved the draft after this user opened it; `current` is what is stored now."""

    def __init__(self, current: ProgressReport):
        super().__init__(_("The draft was changed by someone else."))
        self.current = current


DRAFT_DELETED_MESSAGE = gettext_lazy("This draft was deleted meanwhile, so nothing was saved.")


class DraftGone(ValidationError):
    """The draft is no longer one since this user read it: deleted (`submitted` is None), or
    submitted (`submitted` is the report as stored). Nothing was written. A ValidationError,
    so that the admin and scripts show its message."""

    def __init__(self, pk, submitted: ProgressReport | None = None):
        super().__init__(SUBMITTED_IMMUTABLE_MESSAGE if submitted else DRAFT_DELETED_MESSAGE)
        self.pk, self.submitted = pk, submitted

    def __reduce__(self):  # copied or pickled with its own arguments, not ValidationError's
        return type(self), (self.pk, self.submitted)


class AlreadyCorrected(ValidationError):
    """The report this correction corrects has a submitted correction already (`newer`),
    made meanwhile; nothing was written."""

    def __init__(self, newer: ProgressReport):
        super().__init__(_("This report has already been corrected."))
        self.newer = newer

    def __reduce__(self):
        return type(self), (self.newer,)


def _lock_draft(pk) -> ProgressReport:
    """The stored draft, locked until the transaction ends; DraftGone if it is not one now."""
    # The rows its validation reads come along (its keys, the report it corrects): one
    # query rather than one each. Only the report's own row is locked.
    stored = (
        ProgressReport.objects.select_related(
            "participant", "commitment", "corrects", "created_by", "imported_from"
        )
        .defer("imported_from__rows")  # an import's plan: large, and not needed here
        .select_for_update(of=("self",))
        .filter(pk=pk)
        .first()
    )
    if stored is None or stored.is_submitted:
        raise DraftGone(pk, submitted=stored)
    return stored


def lock_corrected_reports(pks) -> None:
    """Queue this transaction's corrections of the reports `pks` behind any other one's.
    SQLite has no row locks and needs none: its transactions take the write lock when they
    begin (transaction_mode IMMEDIATE), one at a time."""
    if not connection.features.has_select_for_update:
        return
    # NO KEY: the lock queues submissions of corrections without blocking the rows that
    # merely refer to the report (a comment, a new draft correction). In the order of the
    # keys, so that two files correcting the same reports queue rather than deadlock.
    for chunk in _chunks(sorted(pks)):
        rows = ProgressReport.objects.select_for_update(no_key=True).filter(pk__in=chunk)
        list(rows.order_by("pk").values_list("pk", flat=True))


def _first_submitted_correction(reports) -> ProgressReport | None:
    """A submitted correction, other than these reports, of a report one of them corrects:
    the one that makes it AlreadyCorrected. Ask under lock_corrected_reports's lock."""
    corrected = [report.corrects_id for report in reports if report.corrects_id is not None]
    own = [report.pk for report in reports if report.pk is not None]
    for chunk in _chunks(corrected):
        submitted = ProgressReport.objects.submitted().filter(corrects_id__in=chunk)
        if newer := submitted.exclude(pk__in=own).order_by("pk").first():
            return newer
    return None


def _chunks(keys, size=900):
    """The keys a few hundred at a time, whatever the parameters a database takes per
    query (SQLite's limit is set when it is built: 999 in older builds)."""
    keys = list(keys)
    return [keys[start : start + size] for start in range(0, len(keys), size)]


def _stamp_submitted(report: ProgressReport, user) -> None:
    """What submitting does to a report, then its validation as a submitted report, so that
    the constraints on submitted reports apply; but for the one submitted correction of a
    report, which its caller checks under the lock (_first_submitted_correction)."""
    report.state = ProgressReport.State.SUBMITTED
    report.submitted_by = user
    report.submitted_at = timezone.now()
    report.full_clean(exclude={"corrects"}, validate_unique=False)
    record_as(report, user)


@transaction.atomic
def report_submit(*, report: ProgressReport, user, notify: bool = True) -> ProgressReport:
    """Submit a draft. From then on it is immutable; a submitted correction supersedes the
    report it corrects (the old one stays). Two corrections of one report submitted at the
    same moment queue on a lock of that report: the second finds the first and raises
    AlreadyCorrected (and the unique constraint on `corrects` backs this up)."""
    return _submit_locked(_lock_draft(report.pk), user, notify)


def _submit_locked(report: ProgressReport, user, notify: bool) -> ProgressReport:
    """Submit a draft that this transaction has locked, or made (nobody else sees it yet), or
    a new report not saved yet."""
    if report.corrects_id is not None:
        lock_corrected_reports([report.corrects_id])
        if newer := _first_submitted_correction([report]):
            raise AlreadyCorrected(newer)
    _stamp_submitted(report, user)
    try:
        # A new report's form posted twice meanwhile: "already received", as for a draft.
        _save_once(report)
    except IntegrityError:
        newer = report.corrects_id and _first_submitted_correction([report])
        if not newer:
            raise
        raise AlreadyCorrected(newer) from None
    # Queued with the submission, delivered by the worker: a mail server that fails or hangs
    # neither delays nor undoes it. An import tells of its file in one email instead.
    if notify:
        notifications.report_submitted(report)
    return report


# Rows per INSERT: a report has 20 columns to write, its history row 25.
BULK_BATCH = 500


@transaction.atomic
def reports_submit_new(*, reports: list[ProgressReport], user) -> list[ProgressReport]:
    """Make new reports, submitted, as report_save(report=..., submit=True) makes a report
    that has no files of its own and no form token: created and submitted by `user`,
    validated the same way (_stamp_submitted), a correction refused with AlreadyCorrected
    when its report has a submitted correction already, and keeping that report's evidence
    files as the correction form does; one history row each (with each report's
    `_change_reason`), no email. Nothing is written unless all are (the reports given are
    stamped even so). In a handful of queries for them all rather than a few per report: a
    file of 10,000 reports is written in seconds (bench/import_rows.py)."""
    if not reports:
        return []
    corrected = [report.corrects_id for report in reports if report.corrects_id is not None]
    if len(set(corrected)) < len(corrected):
        raise ValueError("A report can have one submitted correction: two were given.")
    if any(report.pk is not None or report.form_token is not None for report in reports):
        raise ValueError("Only new reports, not from a form: report_save makes the others.")
    lock_corrected_reports(corrected)
    if newer := _first_submitted_correction(reports):
        raise AlreadyCorrected(newer)
    for report in reports:
        report.created_by = user
        _stamp_submitted(report, user)
    ProgressReport.objects.bulk_create(reports, batch_size=BULK_BATCH)
    # The rows django-simple-history's signal writes for one save, written together: with
    # the user record_as named and the report's own _change_reason.
    ProgressReport.history.bulk_history_create(reports, batch_size=BULK_BATCH)
    _copy_corrected_evidence(reports, user)
    caching.bulk_written()
    return reports


@transaction.atomic
def report_save(
    *,
    report: ProgressReport,
    user,
    expected_version: int | None = None,
    files=(),
    file_types=(),
    copy_files_from: ProgressReport | None = None,
    submit: bool = False,
    form_token=None,
    notify: bool = True,
) -> ProgressReport:
    """Save a new or existing draft with its new evidence files, and submit it if asked.

    An existing draft is locked and its version compared with the one the user started
    from: if someone saved it since, EditConflict is raised, and if someone deleted or
    submitted it, DraftGone; nothing is written. A new report made from a form with
    `form_token` is made once: the same form posted again raises AlreadyReceived with the
    report it made, and nothing more is written. A correction submitted after another one
    of the same report raises AlreadyCorrected (see report_submit).
    """
    if report.pk is not None:
        stored = _lock_draft(report.pk)
        if expected_version is not None and stored.version != expected_version:
            raise EditConflict(stored)
        report.version = stored.version + 1
    else:
        report.created_by = user
        if form_token is not None:
            _refuse_a_second_post(report, form_token)
            report.form_token = form_token
    if submit and report.corrects_id is not None:
        # Before this transaction's first write, which locks the data version's one row
        # until commit: an import locks the reports it corrects, then that row, and both
        # take them in that order, so one waits for the other rather than deadlock.
        lock_corrected_reports([report.corrects_id])
    if submit and report.pk is None and not files and copy_files_from is None:
        # Nothing to attach to a saved draft first: the report is made submitted, one row
        # and one history row (an import of 10,000 rows writes half as much).
        return _submit_locked(report, user, notify)
    # The token's uniqueness is _refuse_a_second_post's and _save_once's to answer: as
    # "already received", not as a field error.
    report.full_clean(validate_unique=False)
    record_as(report, user)
    _save_once(report)
    if copy_files_from is not None:
        for evidence in copy_files_from.files.all():
            _add_file(report, user, evidence.file, evidence.original_name, evidence.content_type,
                      evidence.size)  # fmt: skip
    for upload, content_type in zip(files, file_types, strict=True):
        _add_file(report, user, upload, upload.name, content_type, upload.size)
    if submit:
        # The draft is this transaction's: locked above, or made just now.
        report = _submit_locked(report, user, notify)
    return report


def _save_once(report: ProgressReport) -> None:
    """Save; when a post of the same form made its report meanwhile (the unique form token),
    say so rather than fail. In a savepoint only where a refusal is answered (the form
    token's here, a second correction's in _submit_locked): on PostgreSQL a failed statement
    aborts the whole transaction, and a savepoint costs two round trips."""
    if report.form_token is None and report.corrects_id is None:
        report.save()
        return
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        if report.form_token is None:
            raise
        report.pk, report._state.adding = None, True
        _refuse_a_second_post(report, report.form_token)
        raise ValidationError(FORM_USED_MESSAGE) from None


def _add_file(report, user, file, name, content_type, size):
    _evidence(report, user, file, name, content_type, size).save()


def _evidence(report, user, file, name, content_type, size) -> EvidenceFile:
    """An evidence file of `report`, unsaved, its history row to name `user`."""
    evidence = EvidenceFile(
        report=report,
        file=file,
        original_name=name[:255],
        content_type=content_type,
        size=size,
        uploaded_by=user,
    )
    record_as(evidence, user)
    evidence._change_reason = getattr(report, "_change_reason", None)
    return evidence


def _copy_corrected_evidence(reports, user) -> None:
    """Each correction keeps the evidence files of the report it corrects, as the correction
    form copies them: new rows that share the stored files (which stay until no row uses
    them), a query and an INSERT per few hundred."""
    corrections = {report.corrects_id: report for report in reports if report.corrects_id}
    copies = []
    for chunk in _chunks(corrections):
        for evidence in EvidenceFile.objects.filter(report_id__in=chunk).order_by("pk"):
            copies.append(_evidence(corrections[evidence.report_id], user, evidence.file,
                                    evidence.original_name, evidence.content_type,
                                    evidence.size))  # fmt: skip
    EvidenceFile.objects.bulk_create(copies, batch_size=BULK_BATCH)
    EvidenceFile.history.bulk_history_create(copies, batch_size=BULK_BATCH)


@transaction.atomic
def report_delete_draft(*, report: ProgressReport, user, expected_version=None) -> None:
    """Delete a draft (refused if someone saved it since `expected_version`); its history
    rows, with who deleted it, stay. Its stored files go once no other row uses them.
    DraftGone if it was deleted or submitted meanwhile."""
    stored = _lock_draft(report.pk)
    if expected_version is not None and stored.version != expected_version:
        raise EditConflict(stored)
    for evidence in stored.files.all():
        record_as(evidence, user)
        evidence.delete()
        transaction.on_commit(lambda f=evidence.file: _delete_stored_file_if_unused(f))
    record_as(stored, user)
    stored.delete()


def _delete_stored_file_if_unused(stored_file) -> None:
    # A correction's evidence rows share the stored file of the report it corrects.
    if not EvidenceFile.objects.filter(file=stored_file.name).exists():
        stored_file.storage.delete(stored_file.name)


def correction_draft(original: ProgressReport) -> ProgressReport:
    """An unsaved correction of `original`, prefilled from it, for a form to start from."""
    fields = {name: getattr(original, name) for name in CORRECTION_COPIED_FIELDS}
    return ProgressReport(corrects=original, **fields)
