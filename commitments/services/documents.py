"""Documents prepared in the background (the PDF for Ministers, large downloads, the open
data when it holds the reports): asked for
by a page, made by the worker, reused while the data version is unchanged.

`request_document` is called by the page: it finds the document made from this version of
the data with these parameters, or records one and queues the task that makes it (in the
same transaction, as emails are queued). `prepare` is that task's work: it builds the file
(commitments.documents), and once it is ready removes the copies made from older versions.
"""

import hashlib
import json
import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from commitments import documents
from commitments.caching import data_version
from commitments.models import PreparedDocument

logger = logging.getLogger(__name__)
Kind, State = PreparedDocument.Kind, PreparedDocument.State
OPEN_DATA_KINDS = {Kind.OPEN_DATA_ZIP, Kind.OPEN_DATA_REPORTS}
ERROR_CHARS = 500


def canonical(parameters: dict) -> tuple[str, str]:
    text = json.dumps(parameters, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text, hashlib.sha256(text.encode()).hexdigest()


def request_document(*, kind: str, parameters: dict, user) -> PreparedDocument:
    """The document for these parameters and the current data, ready or on its way. One that
    failed is queued again: asking again is how a user tries again."""
    version = data_version()
    text, key = canonical(parameters)
    with transaction.atomic():
        document, created = PreparedDocument.objects.get_or_create(
            kind=kind,
            key=key,
            data_version=version,
            defaults={"parameters": text, "requested_by": user if user.is_authenticated else None},
        )
        if not created and document.state == State.FAILED:
            PreparedDocument.objects.filter(pk=document.pk).update(state=State.QUEUED, error="")
            created = True
        if created:
            _enqueue(document.pk)
    document.refresh_from_db()  # a task run at once (the tests' backend) has finished it
    return document


def _enqueue(document_id: int) -> None:
    from commitments.tasks import prepare_document  # the task module imports this one

    prepare_document.enqueue(document_id)


def prepare(*, document_id: int) -> str:
    """Make one queued document; return what happened, for the task's result."""
    document = PreparedDocument.objects.filter(pk=document_id, state=State.QUEUED).first()
    if document is None:
        return "nothing to prepare"  # made already: a repeated task does nothing
    parameters = json.loads(document.parameters)
    try:
        with tempfile.TemporaryFile() as file:
            document.rows, document.filename = _build(document.kind, parameters, file)
            file.seek(0)
            document.file.save(document.filename, File(file), save=False)
    except documents.NothingToPrepare as error:
        return _failed(document, str(error))
    except Exception as error:
        logger.exception("Could not prepare document %s", document.pk)
        return _failed(document, f"{type(error).__name__}: {error}")
    document.state = State.READY
    document.finished_at = timezone.now()
    document.save()
    _remove_older_copies(document)
    return f"ready: {document.file.name}"


def _build(kind: str, parameters: dict, file) -> tuple[int | None, str]:
    if kind == Kind.MINISTERS_PDF:
        pdf, filename = documents.ministers_pdf(parameters)
        file.write(pdf)
        return None, filename
    if kind in OPEN_DATA_KINDS:
        return documents.open_data_file(kind, parameters, file)
    export_format = {Kind.REPORTS_CSV: "csv", Kind.REPORTS_XLSX: "xlsx"}[kind]
    return documents.reports_export(export_format, parameters, file)


def _failed(document: PreparedDocument, error: str) -> str:
    document.state = State.FAILED
    document.error = error[:ERROR_CHARS]
    document.finished_at = timezone.now()
    document.save()
    return f"failed: {document.error}"


def _remove_older_copies(document: PreparedDocument) -> None:
    """The same document made from older data is never asked for again: its key is out of
    date. Its row and file go."""
    older = PreparedDocument.objects.filter(kind=document.kind, key=document.key).exclude(
        pk=document.pk
    )
    for old in older.exclude(state=State.QUEUED):
        if old.file:
            old.file.delete(save=False)
        old.delete()
