"""Uploads judged by size as they arrive: a request larger than the form can carry is refused
from its Content-Length before it is read; an evidence file over the limit is dropped chunk
by chunk and the form says how large it was; the form states the limits."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from commitments.models import EvidenceFile, ProgressReport
from commitments.uploads import EvidenceSizeLimitHandler, TooLargeUpload
from tests.conftest import page_text
from tests.test_submitting_twice import NEW_REPORT, report_form_data

pytestmark = pytest.mark.django_db


def pdf_of(size: int) -> SimpleUploadedFile:
    return SimpleUploadedFile("law.pdf", b"%PDF-1.4\n" + b"0" * (size - 9), "application/pdf")


def test_the_form_states_the_limits_the_settings_enforce(siti, settings):
    settings.EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
    text = page_text(siti.get(NEW_REPORT))
    assert "at most 5.0 MB each and 10 files at a time" in text


def test_a_file_over_the_limit_is_refused_by_the_form_and_nothing_is_saved(siti, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    data = report_form_data(siti.get(NEW_REPORT).content.decode())
    response = siti.post(NEW_REPORT, {**data, "evidence_files": [pdf_of(5000)]})
    assert response.status_code == 200
    assert "law.pdf is 4.9 KB; files may be at most 1000 bytes." in page_text(response)
    assert not ProgressReport.objects.exists()
    assert not EvidenceFile.objects.exists()


def parse_upload(rf, fields: dict):
    """Parse a multipart body of `fields` as the site does (the evidence limit first, then
    Django's own handlers): the files, and the handlers used."""
    body = encode_multipart(BOUNDARY, fields)
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    request = rf.post("/")
    handlers = [EvidenceSizeLimitHandler(request)]
    handlers += [cls(request) for cls in _standard_handlers()]
    request.upload_handlers = handlers
    _, files = MultiPartParser(meta, io.BytesIO(body), handlers).parse()
    return files, handlers


def test_a_file_over_the_limit_is_not_kept_in_memory_or_on_disk(settings, rf):
    settings.EVIDENCE_MAX_BYTES = 64 * 1024
    files, handlers = parse_upload(rf, {"evidence_files": pdf_of(3 * 1024 * 1024)})
    upload = files["evidence_files"]
    temporary = handlers[-1].file
    assert temporary.closed  # the start it had on disk is gone
    assert isinstance(upload, TooLargeUpload)
    assert upload.size == 3 * 1024 * 1024
    assert upload.read() == b""  # dropped as it came: nothing stored anywhere


def test_a_file_within_the_limit_and_other_fields_pass_untouched(settings, rf):
    settings.EVIDENCE_MAX_BYTES = 64 * 1024
    files, _ = parse_upload(rf, {"evidence_files": pdf_of(1000), "file": pdf_of(100_000)})
    assert files["evidence_files"].read().startswith(b"%PDF")
    # The admin's meeting documents are not evidence: only the request cap applies to them.
    assert files["file"].size == 100_000


def test_a_request_larger_than_the_form_can_carry_is_refused_before_it_is_read(siti, settings):
    # The test client's body holds a few bytes: reading it as the announced length would
    # fail, so a 413 here means the body was never read.
    response = siti.post(
        NEW_REPORT,
        data=b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.REQUEST_MAX_BYTES + 1),
    )
    assert response.status_code == 413
    text = page_text(response)
    assert "What you sent is too large" in text
    assert "at most 10.0 MB each, and 10 at a time" in text
    assert not ProgressReport.objects.exists()


def _standard_handlers():
    from django.core.files.uploadhandler import (
        MemoryFileUploadHandler,
        TemporaryFileUploadHandler,
    )

    return [MemoryFileUploadHandler, TemporaryFileUploadHandler]
