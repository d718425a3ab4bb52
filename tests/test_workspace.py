"""The focal-point official's workspace: the country's standing, the report form, drafts,
submission, edits with their version check, deletion, corrections, evidence files and their
download, and the history each change leaves on the report's page."""

import datetime
import io
import re
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from commitments.evidence import validate_evidence_file
from commitments.models import Commitment, EvidenceFile, ProgressReport
from commitments.services.reports import report_delete_draft, report_submit
from tests.conftest import count_queries, make_correction, make_report, page_text

pytestmark = pytest.mark.django_db

TRACKED_CODES = ["17a", "17b", "17c", "17d", "17e", "17f", "18"]
CONFLICT_MESSAGE = "Someone else saved this draft while you were editing it"

# Files -------------------------------------------------------------------------------------------

PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)


def png_bytes() -> bytes:
    """A real 1 x 1 PNG: signature, IHDR, IDAT and IEND chunks with their CRCs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def docx_bytes() -> bytes:
    """A minimal Word document: a zip holding [Content_Types].xml and word/document.xml."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.'
            'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Law No. 21'
            "</w:t></w:r></w:p></w:body></w:document>",
        )
    return buffer.getvalue()


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def pdf_upload(name="law.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def png_upload(name="photo.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def docx_upload(name="minutes.docx"):
    return SimpleUploadedFile(name, docx_bytes(), content_type=DOCX_TYPE)


def exe_renamed_upload():
    return SimpleUploadedFile(
        "law.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, content_type="application/pdf"
    )


def text_renamed_upload():
    return SimpleUploadedFile(
        "law.pdf",
        b"This is only text pretending to be a PDF.\n" * 10,
        content_type="application/pdf",
    )


def png_named_pdf_upload():
    return SimpleUploadedFile("scan.pdf", png_bytes(), content_type="application/pdf")


def oversized_upload():
    size = 11 * 1024 * 1024
    return SimpleUploadedFile(
        "huge.pdf", PDF_BYTES + b"0" * (size - len(PDF_BYTES)), content_type="application/pdf"
    )


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def download(response) -> bytes:
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()


# Helpers -----------------------------------------------------------------------------------------


def new_report_url(code="17a") -> str:
    return reverse("report_create") + f"?commitment={code}"


def edit_url(report) -> str:
    return reverse("report_edit", args=[report.pk])


def delete_url(report) -> str:
    return reverse("report_delete", args=[report.pk])


def correct_url(report) -> str:
    return reverse("report_correct", args=[report.pk])


def detail_url(report) -> str:
    return reverse("report_detail", args=[report.pk])


def report_data(**changes) -> dict:
    data = {
        "status": "limited",
        "as_of": "2003-01-15",
        "narrative": "An inter-agency task force on people smuggling was set up in January.",
        "evidence_links": "https://example.org/task-force-decree.pdf",
        "source": "Ministry of Foreign Affairs",
        "confidence": "high",
        "participant": "IDN",
        "save": "draft",
    }
    data.update(changes)
    return data


def submit_data(**changes) -> dict:
    data = report_data(**changes)
    data.pop("save", None)
    data["submit"] = "submit"
    return data


def written() -> tuple:
    """Everything a report form could write: reports, files, and their history rows."""
    return (
        ProgressReport.objects.count(),
        EvidenceFile.objects.count(),
        ProgressReport.history.count(),
        EvidenceFile.history.count(),
    )


def hidden_version(response) -> str:
    match = re.search(r'<input[^>]*name="version"[^>]*>', response.content.decode())
    assert match, "the form has no hidden version field"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def workspace_rows(response) -> list:
    return response.context["todo"].rows


@pytest.fixture
def draft(indonesia, official_of_indonesia):
    return make_report(indonesia, "17a", submitted=False, user=official_of_indonesia)


# The workspace ----------------------------------------------------------------------------------


def test_the_workspace_has_a_row_for_each_of_the_seven_tracked_commitments(siti):
    response = siti.get("/my/")
    assert response.status_code == 200
    codes = [row.commitment.code for row in workspace_rows(response)]
    assert sorted(codes) == sorted(TRACKED_CODES)
    assert "15" not in codes


def test_the_commitments_never_reported_on_come_first_then_the_statements_order(siti, indonesia):
    make_report(indonesia, "17b")
    make_report(indonesia, "17a")
    codes = [row.commitment.code for row in workspace_rows(siti.get("/my/"))]
    assert codes == ["17c", "17d", "17e", "17f", "18", "17a", "17b"]


def test_every_row_offers_a_report_on_link_for_its_commitment(siti):
    response = siti.get("/my/")
    text, content = page_text(response), response.content.decode()
    for code in TRACKED_CODES:
        assert f"Report on {code}" in text
        assert f'href="{reverse("report_create")}?commitment={code}"' in content


def test_a_row_shows_the_current_status_and_its_date(client, indonesia):
    with time_machine.travel(datetime.datetime(2003, 3, 1, 12, tzinfo=datetime.UTC), tick=False):
        from django.contrib.auth.models import User

        from commitments.models import Official

        user = User.objects.create_user("dewi", "dewi@example.org", "correct horse battery")
        Official.objects.create(user=user, participant=indonesia)
        report = make_report(
            indonesia, "17a", status="substantial", as_of=datetime.date(2003, 1, 15)
        )
        client.force_login(user)
        response = client.get("/my/")
    row = next(r for r in workspace_rows(response) if r.commitment.code == "17a")
    assert row.current == report
    assert row.update_due is None
    text = page_text(response)
    assert "Substantial" in text
    assert date_format(datetime.date(2003, 1, 15)) in text
    assert "Due for an update" not in text


def test_the_stale_limit_counts_back_from_the_newest_report_not_from_today(
    siti, indonesia, thailand, settings
):
    """Today is decades after the reports: counting from today would flag every one."""
    settings.FOLLOWUP_STALE_AFTER_DAYS = 365
    make_report(indonesia, "17a", as_of=datetime.date(2003, 5, 1))  # 397 days before the newest
    make_report(indonesia, "17b", as_of=datetime.date(2004, 1, 15))  # 139 days before
    make_report(thailand, "17a", as_of=datetime.date(2004, 6, 1))  # the newest in the tracker
    response = siti.get("/my/")
    rows = {row.commitment.code: row for row in workspace_rows(response)}
    assert "more than 365 days before the newest report" in rows["17a"].update_due
    assert rows["17b"].update_due is None
    text = page_text(response)
    assert text.count("Due for an update") == 1
    assert "Reports due for an update (1)" in text

    settings.FOLLOWUP_STALE_AFTER_DAYS = 30
    rows = {row.commitment.code: row for row in workspace_rows(siti.get("/my/"))}
    assert rows["17a"].update_due
    assert rows["17b"].update_due


def test_a_report_from_before_the_last_ministerial_meeting_is_due_for_an_update(
    siti, indonesia, settings
):
    settings.FOLLOWUP_STALE_AFTER_DAYS = 3650  # only the round counts here
    make_report(indonesia, "17a", as_of=datetime.date(2003, 4, 1))  # before Bali 2003 (28 April)
    make_report(indonesia, "17b", as_of=datetime.date(2003, 6, 1))
    rows = {row.commitment.code: row for row in workspace_rows(siti.get("/my/"))}
    assert rows["17a"].update_due == (
        "Speaks for a date before the last ministerial meeting (Bali 2003, 28 April 2003)."
    )
    assert rows["17b"].update_due is None


def test_the_countrys_drafts_are_listed_with_a_link_to_edit_them(
    siti, indonesia, second_official_of_indonesia
):
    mine = make_report(indonesia, "17a", submitted=False)
    colleagues = make_report(indonesia, "17a", submitted=False, user=second_official_of_indonesia)
    response = siti.get("/my/")
    row = next(r for r in workspace_rows(response) if r.commitment.code == "17a")
    assert {d.pk for d in row.drafts} == {mine.pk, colleagues.pk}
    content = response.content.decode()
    assert f'href="{edit_url(mine)}"' in content
    assert f'href="{edit_url(colleagues)}"' in content
    # A draft is not a status: the row still says it was never reported.
    assert row.current is None


def test_an_official_of_another_participant_sees_only_his_own_countrys_reports_and_drafts(
    client, indonesia, thailand, official_of_thailand
):
    indonesian = make_report(indonesia, "17a")
    indonesian_draft = make_report(indonesia, "17b", submitted=False)
    thai = make_report(thailand, "17c")
    client.force_login(official_of_thailand)
    response = client.get("/my/")
    assert response.context["participant"] == thailand
    rows = {row.commitment.code: row for row in workspace_rows(response)}
    assert rows["17c"].current == thai
    assert rows["17a"].current is None
    assert all(not row.drafts for row in rows.values())
    content = response.content.decode()
    assert detail_url(indonesian) not in content
    assert edit_url(indonesian_draft) not in content
    assert "Thailand" in content


def test_a_user_with_no_official_record_gets_a_clear_not_linked_message(
    client, user_without_participant
):
    client.force_login(user_without_participant)
    response = client.get("/my/")
    assert response.status_code == 200
    assert "not linked" in page_text(response)


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get("/my/")
    assert response.status_code == 302
    assert response.url.startswith(django_settings.LOGIN_URL)
    assert "next=/my/" in response.url


def test_the_workspaces_query_count_does_not_grow_with_the_reports_and_drafts(
    siti, indonesia, official_of_indonesia
):
    def add(scale):
        for code in TRACKED_CODES:
            for n in range(scale):
                make_report(
                    indonesia, code, as_of=datetime.date(2002, 4, 1) + datetime.timedelta(days=n)
                )
                make_report(indonesia, code, submitted=False, user=official_of_indonesia)
            deleted = make_report(indonesia, code, submitted=False)
            report_delete_draft(report=deleted, user=official_of_indonesia)

    add(1)
    once = count_queries(siti, "/my/")
    add(9)
    assert count_queries(siti, "/my/") == once


# The report form: creating ---------------------------------------------------------------------


def test_the_new_report_form_is_shown_for_a_tracked_commitment(siti):
    response = siti.get(new_report_url("17a"))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.fields) >= {"status", "as_of", "narrative", "evidence_links"}
    assert form.initial["as_of"] == timezone.localdate()
    text = page_text(response)
    assert "Save draft" in text
    assert "Submit" in text
    assert Commitment.objects.get(code="17a").title in text
    assert 'name="save"' in response.content.decode()
    assert 'name="submit"' in response.content.decode()


@pytest.mark.parametrize("query", ["?commitment=99z", "?commitment=15", "?commitment=", ""])
def test_the_form_for_an_unknown_or_untracked_commitment_is_not_found(siti, query):
    assert siti.get(reverse("report_create") + query).status_code == 404


def test_an_account_with_no_participant_cannot_open_the_report_form(
    client, user_without_participant
):
    client.force_login(user_without_participant)
    assert client.get(new_report_url()).status_code == 403
    before = written()
    assert client.post(new_report_url(), report_data(participant="")).status_code == 403
    assert written() == before


def test_saving_a_draft_creates_it_with_its_author_and_a_history_row(
    siti, official_of_indonesia, indonesia, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = siti.post(new_report_url(), report_data())
    report = ProgressReport.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(report)
    assert report.state == ProgressReport.State.DRAFT
    assert (report.participant, report.commitment.code) == (indonesia, "17a")
    assert report.created_by == official_of_indonesia
    assert report.submitted_at is None
    assert report.as_of == datetime.date(2003, 1, 15)
    assert report.confidence == "high"
    history = list(report.history.all())
    assert [(h.history_type, h.history_user) for h in history] == [("+", official_of_indonesia)]
    assert mailoutbox == []  # a draft notifies no one


def test_submitting_creates_a_submitted_report_and_emails_the_secretariat(
    siti,
    official_of_indonesia,
    secretariat_user,
    superuser,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = siti.post(new_report_url(), submit_data())
    report = ProgressReport.objects.get()
    assert response.status_code == 302
    assert report.state == ProgressReport.State.SUBMITTED
    assert report.submitted_by == official_of_indonesia
    assert report.submitted_at is not None
    assert report.created_by == official_of_indonesia
    # Made submitted in one step: one row, one history row (no draft in between).
    history = report.history.order_by("history_date", "history_id")
    assert [(h.history_type, h.state, h.history_user) for h in history] == [
        ("+", "submitted", official_of_indonesia)
    ]

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [secretariat_user.email]
    assert "17a" in email.subject
    assert "Indonesia" in email.subject
    assert detail_url(report) in email.body

    text = page_text(siti.get(detail_url(report)))
    assert "Submitted the report" in text
    assert "Created the draft" not in text


def test_the_participant_cannot_be_swapped_in_the_posted_data(siti, mailoutbox):
    before = written()
    response = siti.post(new_report_url(), submit_data(participant="THA"))
    assert response.status_code == 403
    assert written() == before


BAD_INPUTS = {
    "missing narrative": ({"narrative": ""}, None, "narrative", "the narrative is required"),
    "narrative too long": (
        {"narrative": "x" * 10_001},
        None,
        "narrative",
        "at most 10000 characters",
    ),
    "as of in the future": (
        {"as_of": "FUTURE"},
        None,
        "as_of",
        "cannot be in the future",
    ),
    "as of before the conference": (
        {"as_of": "2002-02-25"},
        None,
        "as_of",
        "before the Bali conference opened",
    ),
    "as of not a date": ({"as_of": "2003-02-31"}, None, "as_of", "YYYY-MM-DD"),
    "javascript link": (
        {"evidence_links": "javascript:alert(1)"},
        None,
        "evidence_links",
        "Not a valid web address",
    ),
    "non-http link": (
        {"evidence_links": "https://example.org/ok\nftp://example.org/law.pdf"},
        None,
        "evidence_links",
        "Not a valid web address: ftp://example.org/law.pdf",
    ),
    "bad status": ({"status": "excellent"}, None, "status", "Select a valid choice"),
    "executable named .pdf": (
        {},
        exe_renamed_upload,
        "evidence_files",
        "is not a PDF, an Office document or an image",
    ),
    "text named .pdf": (
        {},
        text_renamed_upload,
        "evidence_files",
        "is not a PDF, an Office document or an image",
    ),
    "PNG named .pdf": ({}, png_named_pdf_upload, "evidence_files", "holds a PNG file"),
    "file over 10 MB": ({}, oversized_upload, "evidence_files", "at most 10.0"),
}


@pytest.mark.parametrize("button", ["save", "submit"])
@pytest.mark.parametrize("case", list(BAD_INPUTS), ids=list(BAD_INPUTS))
def test_bad_input_re_renders_the_form_with_a_message_at_the_field_and_writes_nothing(
    siti, media_root, mailoutbox, django_capture_on_commit_callbacks, case, button
):
    changes, make_file, field, message = BAD_INPUTS[case]
    if changes.get("as_of") == "FUTURE":
        changes = {"as_of": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}
    data = report_data(**changes) if button == "save" else submit_data(**changes)
    if make_file is not None:
        data["evidence_files"] = make_file()
    before = written()
    with django_capture_on_commit_callbacks(execute=True):
        response = siti.post(new_report_url(), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    # The message is shown on the page, next to its field.
    text = page_text(response)
    field_group = re.search(
        rf'<[^>]*id="id_{field}_error"[^>]*>(.*?)</', response.content.decode(), re.S
    )
    assert field_group is not None, f"no error element for {field}"
    assert message.split(":")[0] in " ".join(field_group.group(1).split())
    assert "Nothing was saved" in text or 'role="alert"' in response.content.decode()
    assert written() == before
    assert stored_files(media_root) == []
    assert mailoutbox == []


def test_the_rejected_text_is_kept_in_the_re_rendered_form(siti):
    narrative = "Our draft narrative, which must not be lost."
    response = siti.post(new_report_url(), report_data(narrative=narrative, as_of="2003-02-31"))
    assert response.status_code == 200
    assert narrative in response.content.decode()


def test_the_sample_files_are_accepted_by_the_content_check():
    assert validate_evidence_file(pdf_upload()) == "application/pdf"
    assert validate_evidence_file(png_upload()) == "image/png"
    assert validate_evidence_file(docx_upload()) == DOCX_TYPE
    for bad in (exe_renamed_upload, text_renamed_upload, png_named_pdf_upload, oversized_upload):
        with pytest.raises(ValidationError):
            validate_evidence_file(bad())


def test_a_valid_file_is_stored_under_media_root_not_static_and_listed_on_the_report_page(
    siti, media_root, official_of_indonesia
):
    response = siti.post(new_report_url(), report_data(evidence_files=pdf_upload("decree.pdf")))
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    path = Path(evidence.file.path).resolve()
    assert path.is_relative_to(media_root.resolve())
    assert not path.is_relative_to(Path(django_settings.STATIC_ROOT).resolve())
    for static_dir in [Path(d) for d in getattr(django_settings, "STATICFILES_DIRS", [])]:
        assert not path.is_relative_to(static_dir.resolve())
    assert path.read_bytes() == PDF_BYTES
    assert (evidence.original_name, evidence.content_type) == ("decree.pdf", "application/pdf")
    assert evidence.size == len(PDF_BYTES)
    assert evidence.uploaded_by == official_of_indonesia
    # The stored name is not guessable from the original one alone.
    assert re.fullmatch(r"evidence/[0-9a-f]{32}/decree\.pdf", evidence.file.name)

    content = siti.get(detail_url(evidence.report)).content.decode()
    assert f'href="{reverse("evidence_download", args=[evidence.pk])}"' in content
    assert "decree.pdf" in content
    assert "/media/" not in content


def test_several_files_of_each_accepted_kind_can_be_attached_at_once(siti, media_root):
    response = siti.post(
        new_report_url(),
        report_data(evidence_files=[pdf_upload(), png_upload(), docx_upload()]),
    )
    assert response.status_code == 302
    kinds = dict(EvidenceFile.objects.values_list("original_name", "content_type"))
    assert kinds == {
        "law.pdf": "application/pdf",
        "photo.png": "image/png",
        "minutes.docx": DOCX_TYPE,
    }
    assert len(stored_files(media_root)) == 3


def test_one_bad_file_among_good_ones_writes_nothing(siti, media_root):
    before = written()
    response = siti.post(
        new_report_url(), report_data(evidence_files=[pdf_upload(), png_named_pdf_upload()])
    )
    assert response.status_code == 200
    assert "holds a PNG file" in " ".join(response.context["form"].errors["evidence_files"])
    assert written() == before
    assert stored_files(media_root) == []


# Editing a draft --------------------------------------------------------------------------------


def test_the_edit_form_is_prefilled_with_the_draft(siti, indonesia):
    draft = make_report(
        indonesia, "17b", submitted=False, status="substantial", narrative="Prefilled text."
    )
    response = siti.get(edit_url(draft))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.instance == draft
    assert form["narrative"].value() == "Prefilled text."
    assert form["status"].value() == "substantial"
    assert hidden_version(response) == "1"
    assert "Prefilled text." in response.content.decode()


def test_saving_an_edit_stores_it_bumps_the_version_and_records_who(
    siti, draft, official_of_indonesia
):
    response = siti.post(
        edit_url(draft), report_data(narrative="Revised narrative.", version=draft.version)
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.narrative == "Revised narrative."
    assert draft.version == 2
    assert draft.state == ProgressReport.State.DRAFT
    latest = draft.history.order_by("-history_date", "-history_id").first()
    assert (latest.history_type, latest.history_user) == ("~", official_of_indonesia)


def test_a_draft_can_be_submitted_from_the_edit_form(
    siti, draft, official_of_indonesia, secretariat_user, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = siti.post(edit_url(draft), submit_data(version=draft.version))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == ProgressReport.State.SUBMITTED
    assert draft.submitted_by == official_of_indonesia
    assert [m.to for m in mailoutbox] == [[secretariat_user.email]]


def test_an_official_of_the_same_participant_may_edit_a_colleagues_draft(
    client, draft, second_official_of_indonesia
):
    client.force_login(second_official_of_indonesia)
    assert client.get(edit_url(draft)).status_code == 200
    response = client.post(edit_url(draft), report_data(narrative="Budi's version.", version=1))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.narrative == "Budi's version."


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_what_was_typed(
    client, draft, official_of_indonesia, second_official_of_indonesia
):
    from django.test import Client

    siti, budi = client, Client()
    siti.force_login(official_of_indonesia)
    budi.force_login(second_official_of_indonesia)
    # Both open the draft at the same version.
    assert hidden_version(siti.get(edit_url(draft))) == "1"
    assert hidden_version(budi.get(edit_url(draft))) == "1"

    first = siti.post(edit_url(draft), report_data(narrative="Siti's narrative.", version=1))
    assert first.status_code == 302

    before = written()
    budi_text = "Budi's narrative, typed at the same time."
    second = budi.post(
        edit_url(draft), report_data(narrative=budi_text, status="substantial", version=1)
    )
    assert second.status_code == 409
    text = page_text(second)
    assert CONFLICT_MESSAGE in text
    assert second.context["form"]["narrative"].value() == budi_text  # his text is kept
    assert budi_text in text  # in the form
    assert "Siti's narrative." in text  # and the saved one is shown beside it
    assert written() == before
    draft.refresh_from_db()
    assert (draft.narrative, draft.version, draft.status) == ("Siti's narrative.", 2, "limited")
    # The re-rendered form carries the version now stored, so saving again replaces it.
    assert hidden_version(second) == "2"

    third = budi.post(
        edit_url(draft), report_data(narrative=budi_text, status="substantial", version=2)
    )
    assert third.status_code == 302
    draft.refresh_from_db()
    assert (draft.narrative, draft.version, draft.status) == (budi_text, 3, "substantial")


def test_a_save_after_a_colleague_submitted_the_draft_is_refused_and_keeps_what_was_typed(
    client, draft, official_of_indonesia, second_official_of_indonesia
):
    """The first of two officials editing one draft submits it: the second one's save is a
    conflict like any other, refused with a clear message and his text still in the form,
    not a bare error page that loses what he typed."""
    from django.test import Client

    siti, budi = client, Client()
    siti.force_login(official_of_indonesia)
    budi.force_login(second_official_of_indonesia)
    assert hidden_version(budi.get(edit_url(draft))) == "1"
    assert siti.post(
        edit_url(draft), submit_data(narrative="Siti's text.", version=1)
    ).status_code == (302)

    before = written()
    budi_text = "Budi typed this while Siti was submitting."
    response = budi.post(edit_url(draft), report_data(narrative=budi_text, version=1))
    assert response.status_code == 409
    text = page_text(response)
    assert "submitted" in text.lower()
    assert budi_text in text
    assert written() == before
    draft.refresh_from_db()
    assert (draft.state, draft.narrative) == ("submitted", "Siti's text.")


def test_a_submitted_report_cannot_be_edited(siti, indonesia):
    report = make_report(indonesia, "17a", narrative="As submitted.")
    before = written()
    assert siti.get(edit_url(report)).status_code == 403
    # A save posted to it (say, from a page opened while it was a draft) is refused with the
    # typed text kept and the way on: a correction.
    response = siti.post(edit_url(report), report_data(narrative="Rewritten."))
    assert response.status_code == 409
    assert "save it as a correction" in response.content.decode()
    assert "Rewritten." in response.content.decode()
    report.refresh_from_db()
    assert report.narrative == "As submitted."
    assert written() == before


def test_an_official_of_another_participant_cannot_reach_the_draft(
    client, draft, official_of_thailand
):
    client.force_login(official_of_thailand)
    before = written()
    assert client.get(edit_url(draft)).status_code == 404
    assert client.get(detail_url(draft)).status_code == 404
    assert client.post(edit_url(draft), report_data(participant="THA")).status_code == 404
    assert client.post(delete_url(draft)).status_code == 404
    assert written() == before
    draft.refresh_from_db()


def test_an_official_of_another_participant_gets_403_writing_to_a_submitted_report(
    client, indonesia, official_of_thailand
):
    report = make_report(indonesia)
    client.force_login(official_of_thailand)
    before = written()
    assert client.post(edit_url(report), report_data()).status_code == 403
    assert client.post(delete_url(report)).status_code == 403
    assert client.post(correct_url(report), submit_data(participant="THA")).status_code == 403
    assert written() == before


# Deleting a draft -------------------------------------------------------------------------------


def test_deleting_a_draft_removes_it_and_leaves_a_history_row_saying_who(
    siti, draft, official_of_indonesia
):
    pk = draft.pk
    response = siti.post(delete_url(draft), {"version": draft.version})
    assert response.status_code == 302
    assert response.url == reverse("workspace")
    assert not ProgressReport.objects.filter(pk=pk).exists()
    row = ProgressReport.history.get(id=pk, history_type="-")
    assert row.history_user == official_of_indonesia
    text = page_text(siti.get("/my/"))
    assert "Recently deleted drafts" in text
    assert "by siti" in text


def test_deleting_a_draft_removes_its_files_too(siti, media_root, official_of_indonesia):
    siti.post(new_report_url(), report_data(evidence_files=pdf_upload()))
    report = ProgressReport.objects.get()
    assert siti.post(delete_url(report), {"version": report.version}).status_code == 302
    assert not EvidenceFile.objects.exists()
    assert EvidenceFile.history.filter(history_type="-").get().history_user == (
        official_of_indonesia
    )


def test_delete_is_post_only(siti, draft):
    assert siti.get(delete_url(draft)).status_code == 405
    assert ProgressReport.objects.filter(pk=draft.pk).exists()


def test_a_submitted_report_cannot_be_deleted(siti, indonesia):
    report = make_report(indonesia)
    assert siti.post(delete_url(report)).status_code == 403
    assert ProgressReport.objects.filter(pk=report.pk).exists()


# Corrections ------------------------------------------------------------------------------------


@pytest.fixture
def original(siti, media_root, indonesia):
    """A submitted report with a file, made through the form as an official would."""
    response = siti.post(
        new_report_url(),
        submit_data(
            status="limited", narrative="The original narrative.",
            evidence_files=pdf_upload("decree.pdf"),
        ),
    )  # fmt: skip
    assert response.status_code == 302
    return ProgressReport.objects.get()


def test_the_correction_form_is_prefilled_from_the_original(siti, original):
    response = siti.get(correct_url(original))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["narrative"].value() == "The original narrative."
    assert form["status"].value() == "limited"
    assert str(form["as_of"].value()) == "2003-01-15"
    text = page_text(response)
    assert f"Correct report #{original.pk}" in text
    assert "decree.pdf" in text  # the files that will be carried over


def test_submitting_a_correction_supersedes_the_original_which_stays_unchanged(
    siti, original, official_of_indonesia, indonesia, secretariat_user, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = siti.post(
            correct_url(original),
            submit_data(status="substantial", narrative="Corrected: the law was passed."),
        )
    assert response.status_code == 302
    correction = ProgressReport.objects.exclude(pk=original.pk).get()
    assert response.url == detail_url(correction)
    assert correction.corrects == original
    assert correction.state == ProgressReport.State.SUBMITTED
    assert correction.status == "substantial"

    original.refresh_from_db()
    assert (original.status, original.narrative) == ("limited", "The original narrative.")
    assert original.state == ProgressReport.State.SUBMITTED
    assert [h.history_type for h in original.history.all()] == ["~", "+"]  # untouched since

    # The correction is what the matrix and the country page show.
    matrix = siti.get("/matrix/").context["matrix"]
    row = next(r for r in matrix.rows if r.participant == indonesia)
    column = [c.code for c in matrix.commitments].index("17a")
    assert row.cells[column] == correction
    current = dict(siti.get("/countries/IDN/").context["current"])
    assert current[correction.commitment] == correction

    # The original's page says it was replaced; the correction's says what it corrects.
    assert f"report #{correction.pk}" in page_text(siti.get(detail_url(original)))
    correction_page = page_text(siti.get(detail_url(correction)))
    assert f"corrects report #{original.pk}" in correction_page
    assert "Created the correction as a draft" in correction_page
    assert len(mailoutbox) == 1
    assert "correction" in mailoutbox[0].subject.lower()


def test_a_correction_carries_over_the_files_of_the_original(siti, original):
    siti.post(correct_url(original), submit_data(status="complete"))
    correction = ProgressReport.objects.exclude(pk=original.pk).get()
    copied = correction.files.get()
    source = original.files.get()
    assert copied.pk != source.pk
    assert (copied.original_name, copied.content_type, copied.size) == (
        "decree.pdf", "application/pdf", len(PDF_BYTES),
    )  # fmt: skip
    assert download(siti.get(reverse("evidence_download", args=[copied.pk]))) == PDF_BYTES
    assert original.files.count() == 1


def test_a_correction_can_be_saved_as_a_draft_first(siti, original):
    response = siti.post(correct_url(original), report_data(status="complete"))
    assert response.status_code == 302
    correction = ProgressReport.objects.exclude(pk=original.pk).get()
    assert (correction.state, correction.corrects) == ("draft", original)
    matrix = siti.get("/matrix/").context["matrix"]
    assert original in [cell for row in matrix.rows for cell in row.cells]


def test_correcting_an_already_corrected_report_leads_to_the_newest_with_a_message(siti, original):
    siti.post(correct_url(original), submit_data(status="substantial"))
    correction = ProgressReport.objects.exclude(pk=original.pk).get()
    before = written()
    response = siti.get(correct_url(original))
    assert response.status_code == 302
    assert response.url == detail_url(correction)
    followed = siti.get(correct_url(original), follow=True)
    assert "already been corrected" in page_text(followed)
    # A correction posted meanwhile keeps its text, and points at the newest report.
    response = siti.post(correct_url(original), submit_data(status="complete", narrative="Mine."))
    assert response.status_code == 409
    assert "Mine." in page_text(response)
    assert f'action="{correct_url(correction)}"' in response.content.decode()
    assert written() == before


def test_submitting_a_draft_correction_after_another_correction_is_refused(
    siti, original, second_official_of_indonesia
):
    siti.post(correct_url(original), report_data(status="complete"))
    draft_correction = ProgressReport.objects.exclude(pk=original.pk).get()
    other = make_correction(
        original=original, user=second_official_of_indonesia, status="substantial"
    )
    report_submit(report=other, user=second_official_of_indonesia)
    before = written()
    response = siti.post(edit_url(draft_correction), submit_data(status="complete", version=1))
    # As when the colleague's correction came first by a moment: the text is kept, offered
    # as a correction of the newest report (tests/test_races.py).
    assert response.status_code == 409
    assert "A colleague corrected this report while you were writing" in page_text(response)
    assert f'action="{correct_url(other)}"' in response.content.decode()
    assert written() == before
    draft_correction.refresh_from_db()
    assert draft_correction.state == ProgressReport.State.DRAFT


def test_an_official_of_another_participant_cannot_correct_the_report(
    client, indonesia, official_of_thailand
):
    report = make_report(indonesia)
    client.force_login(official_of_thailand)
    assert client.get(correct_url(report)).status_code == 403


def test_a_draft_is_edited_not_corrected(siti, draft):
    assert siti.get(correct_url(draft)).status_code == 403


# Evidence download ------------------------------------------------------------------------------


@pytest.fixture
def draft_with_file(siti, media_root):
    siti.post(new_report_url(), report_data(evidence_files=pdf_upload("decree.pdf")))
    return EvidenceFile.objects.get()


def test_the_owners_official_downloads_the_file_as_an_attachment(siti, draft_with_file):
    response = siti.get(reverse("evidence_download", args=[draft_with_file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="decree.pdf"' in response["Content-Disposition"]
    assert download(response) == PDF_BYTES


def test_a_colleague_of_the_same_participant_downloads_a_drafts_file(
    client, draft_with_file, second_official_of_indonesia
):
    client.force_login(second_official_of_indonesia)
    response = client.get(reverse("evidence_download", args=[draft_with_file.pk]))
    assert response.status_code == 200
    assert download(response) == PDF_BYTES


@pytest.mark.parametrize("who", ["official_of_thailand", "secretariat_user", "superuser"])
def test_no_one_outside_the_participant_gets_a_drafts_file(client, draft_with_file, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("evidence_download", args=[draft_with_file.pk])).status_code == 404


def test_anyone_logged_in_may_download_a_submitted_reports_file(
    client, original, official_of_thailand
):
    evidence = original.files.get()
    client.force_login(official_of_thailand)
    response = client.get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert download(response) == PDF_BYTES


@pytest.mark.parametrize("public", [False, True])
def test_an_anonymous_visitor_is_sent_to_log_in_for_a_file_even_when_progress_is_public(
    original, settings, public
):
    from django.test import Client

    settings.FOLLOWUP_PUBLIC_PROGRESS = public
    evidence = original.files.get()
    url = reverse("evidence_download", args=[evidence.pk])
    response = Client().get(url)
    assert response.status_code == 302
    assert response.url.startswith(django_settings.LOGIN_URL)


def test_an_unknown_file_is_not_found(siti):
    assert siti.get(reverse("evidence_download", args=[999_999])).status_code == 404


def test_a_file_missing_from_storage_is_not_found(siti, draft_with_file):
    Path(draft_with_file.file.path).unlink()
    assert siti.get(reverse("evidence_download", args=[draft_with_file.pk])).status_code == 404


def test_the_media_url_does_not_serve_evidence_files(siti, draft_with_file):
    response = siti.get("/" + django_settings.MEDIA_URL.lstrip("/") + draft_with_file.file.name)
    assert response.status_code == 404


# History on the report's page -------------------------------------------------------------------


def test_the_report_page_tells_who_created_edited_attached_and_submitted_and_when(siti, media_root):
    siti.post(new_report_url(), report_data(status="limited"))
    report = ProgressReport.objects.get()
    siti.post(edit_url(report), report_data(status="substantial", version=1))
    siti.post(edit_url(report), report_data(
        status="substantial", version=2, evidence_files=pdf_upload("decree.pdf"),
    ))  # fmt: skip
    siti.post(edit_url(report), submit_data(status="substantial", version=3))

    response = siti.get(detail_url(report))
    actions = [entry.action for entry in response.context["history"]]
    assert actions[0] == "Created the draft"
    assert "Edited the draft" in actions
    assert "Attached the file decree.pdf" in actions
    assert actions[-1] == "Submitted the report"
    assert all(entry.who.username == "siti" for entry in response.context["history"])
    assert all(entry.when is not None for entry in response.context["history"])

    text = page_text(response)
    assert "Status changed" in text  # a draft's earlier values are not shown
    assert "Limited" not in text
    for action in ("Created the draft", "Edited the draft", "Attached the file decree.pdf"):
        assert action in text
    assert text.count("by siti") >= 4
    history_entry = response.context["history"][0]
    assert date_format(timezone.localtime(history_entry.when), "DATETIME_FORMAT") in text


# Logins, methods and CSRF -----------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_visitor_is_sent_to_log_in_for_every_workspace_page(client, draft, method):
    urls = [
        new_report_url(),
        edit_url(draft),
        correct_url(draft),
        reverse("evidence_download", args=[1]),
    ]
    if method == "post":
        urls = [*urls[:3], delete_url(draft)]
    before = written()
    for url in urls:
        response = getattr(client, method)(url, report_data() if method == "post" else None)
        assert response.status_code == 302, url
        assert response.url.startswith(django_settings.LOGIN_URL), url
    assert written() == before


def test_a_report_posted_without_the_csrf_token_is_refused(official_of_indonesia, draft):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(official_of_indonesia)
    before = written()
    assert client.post(new_report_url(), report_data()).status_code == 403
    assert client.post(edit_url(draft), report_data(version=1)).status_code == 403
    assert client.post(delete_url(draft)).status_code == 403
    assert written() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed_on_the_report_form(siti, draft, method):
    for url in (new_report_url(), edit_url(draft), correct_url(draft)):
        assert getattr(siti, method)(url).status_code == 405


def test_a_save_after_a_colleague_deleted_the_draft_keeps_the_text(siti, indonesia):
    draft = make_report(indonesia, "17b", submitted=False)
    report_delete_draft(report=draft, user=None)
    before = written()
    response = siti.post(edit_url(draft), report_data(narrative="My careful words."))
    page = response.content.decode()
    assert response.status_code == 409
    assert "A colleague deleted this draft" in page
    assert "My careful words." in page
    assert 'action="/my/reports/new/?commitment=17b"' in page
    assert written() == before


def test_an_edit_without_its_version_is_refused(siti, indonesia):
    draft = make_report(indonesia, "17b", submitted=False, narrative="Stored.")
    data = report_data(narrative="Overwrite?")
    data.pop("version", None)
    response = siti.post(edit_url(draft), data)
    assert response.status_code == 200
    assert "The page was out of date" in response.content.decode()
    draft.refresh_from_db()
    assert draft.narrative == "Stored."


def test_a_refusal_explains_itself_on_the_sites_own_page(client, user_without_participant):
    client.force_login(user_without_participant)
    response = client.get("/my/reports/new/?commitment=17a")
    assert response.status_code == 403
    page = page_text(response)
    assert "Your account is not linked to a participant" in page
    assert "Bali follow-up tracker" in page


@pytest.mark.parametrize("version", ["", "abc", "-1", "1.0"])
def test_a_delete_that_does_not_say_its_version_deletes_nothing(siti, draft, version):
    response = siti.post(delete_url(draft), {"version": version} if version else {})
    assert response.status_code == 302
    assert response.url == detail_url(draft)
    assert ProgressReport.objects.filter(pk=draft.pk).exists()
