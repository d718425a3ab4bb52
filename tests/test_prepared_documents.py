"""Heavy documents are made by the background worker: the PDF for Ministers and the large
downloads. The page says the document is being prepared, offers it when it is ready, and
an unchanged data version reuses it."""

import csv
import datetime
import io

import pytest
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from commitments.models import PreparedDocument
from commitments.services import documents
from tests.conftest import make_report, page_text, run_worker

PDF = "/ministerial-review/report.pdf"
STUB_PDF = b"%PDF-1.7 a stub for the tests"


@pytest.fixture
def stub_pdf(monkeypatch):
    """WeasyPrint takes seconds; these tests are about who makes the file and when."""
    rendered = []

    def render(html, base_url):
        rendered.append(html)
        return STUB_PDF

    monkeypatch.setattr("commitments.documents.render_pdf", render)
    return rendered


def download(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def test_the_pdf_is_prepared_by_the_worker_and_offered_when_ready(
    database_tasks, stub_pdf, somchai
):
    waiting = somchai.get(PDF)
    assert waiting.status_code == 202
    text = page_text(waiting)
    assert "The document is being prepared" in text
    assert '<meta http-equiv="refresh" content="5">' in waiting.content.decode()
    assert stub_pdf == []  # nothing rendered while the request waited
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "commitments.tasks.prepare_document"

    run_worker()
    ready = somchai.get(PDF)
    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/pdf"
    assert ready["Content-Disposition"].startswith('inline; filename="bali-followup-report-')
    assert download(ready) == STUB_PDF
    assert len(stub_pdf) == 1


def test_an_unchanged_data_version_reuses_the_document(stub_pdf, somchai, indonesia):
    assert download(somchai.get(PDF)) == STUB_PDF
    assert download(somchai.get(PDF)) == STUB_PDF
    assert len(stub_pdf) == 1  # made once
    make_report(indonesia)  # new data: a new document, and the old one goes
    assert download(somchai.get(PDF)) == STUB_PDF
    assert len(stub_pdf) == 2
    assert PreparedDocument.objects.count() == 1


def test_two_people_asking_at_once_share_one_document(database_tasks, stub_pdf, somchai, siti):
    assert somchai.get(PDF).status_code == 202
    assert siti.get(PDF).status_code == 202
    assert PreparedDocument.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_each_date_is_a_document_of_its_own(stub_pdf, somchai):
    download(somchai.get(PDF))
    download(somchai.get(PDF + "?as_of=2003-01-01"))
    assert PreparedDocument.objects.count() == 2


def test_a_document_that_failed_says_so_and_is_tried_again(monkeypatch, somchai):
    def broken(html, base_url):
        raise RuntimeError("the renderer ran out of memory")

    monkeypatch.setattr("commitments.documents.render_pdf", broken)
    failed = somchai.get(PDF)
    assert failed.status_code == 500
    assert "could not be prepared" in page_text(failed)
    assert "RuntimeError: the renderer ran out of memory" in page_text(failed)
    monkeypatch.setattr("commitments.documents.render_pdf", lambda html, base_url: STUB_PDF)
    assert download(somchai.get(PDF)) == STUB_PDF  # asking again tried again


def test_a_bad_date_or_no_founding_meeting_queues_nothing(stub_pdf, somchai):
    assert somchai.get(PDF + "?as_of=not-a-date").status_code == 400
    from commitments.models import MinisterialMeeting

    MinisterialMeeting.objects.filter(is_founding=True).update(is_founding=False)
    assert somchai.get(PDF).status_code == 404
    assert not PreparedDocument.objects.exists()


def test_the_pdf_needs_the_right_to_view_progress(db, client, stub_pdf):
    response = client.get(PDF)
    assert response.status_code == 302
    assert not PreparedDocument.objects.exists()


def test_a_repeated_task_does_nothing(database_tasks, stub_pdf, somchai):
    somchai.get(PDF)
    document = PreparedDocument.objects.get()
    run_worker()
    assert documents.prepare(document_id=document.pk) == "nothing to prepare"
    assert len(stub_pdf) == 1


# Large downloads --------------------------------------------------------------------------------


@pytest.fixture
def five_reports(indonesia):
    return [
        make_report(indonesia, code, as_of=datetime.date(2003, 1, n + 1))
        for n, code in enumerate(["17a", "17b", "17c", "17d", "17e"])
    ]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_a_large_download_is_prepared_in_the_background(
    database_tasks, settings, siti, five_reports, export
):
    settings.EXPORT_DIRECT_ROWS = 3
    url = f"/reports/?commitment=&sort=as_of&export={export}"
    waiting = siti.get(url)
    assert waiting.status_code == 202
    assert "The document is being prepared" in page_text(waiting)
    run_worker()
    ready = siti.get(url)
    assert ready.status_code == 200
    assert ready["Content-Disposition"].startswith("attachment; filename=")
    content = download(ready)
    if export == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(content))["Reports"]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == 1 + 5
    # In the page's order (?sort=as_of): the oldest first.
    # The CSV's ISO dates, the workbook's dates.
    as_of = [row[3] if export == "csv" else row[3].date().isoformat() for row in rows[1:]]
    assert as_of == [f"2003-01-0{n}" for n in range(1, 6)]
    assert PreparedDocument.objects.get().rows == 5


def test_the_page_of_the_table_does_not_make_another_download(settings, siti, five_reports):
    settings.EXPORT_DIRECT_ROWS = 3
    download(siti.get("/reports/?export=csv&page=1"))
    download(siti.get("/reports/?export=csv&page=2&per_page=10"))
    assert PreparedDocument.objects.count() == 1


def test_different_filters_are_different_downloads(settings, siti, five_reports):
    settings.EXPORT_DIRECT_ROWS = 3
    download(siti.get("/reports/?export=csv"))
    download(siti.get("/reports/?export=csv&sort=-as_of"))
    assert PreparedDocument.objects.count() == 2


def test_a_small_download_is_made_at_once(settings, siti, five_reports):
    settings.EXPORT_DIRECT_ROWS = 10
    response = siti.get("/reports/?export=csv")
    assert response.status_code == 200
    assert not PreparedDocument.objects.exists()
