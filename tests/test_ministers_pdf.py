"""The report for Ministers: /ministerial-review/print/ and /ministerial-review/report.pdf,
rendered by WeasyPrint from one template without any network access. The PDF's text is read back
with pdftotext (poppler-utils); the PDF is saved under test-artifacts/ to be looked at
(pdftoppm)."""

import datetime
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from commitments.documents import render_pdf, static_files_only_fetcher
from commitments.models import (
    Commitment,
    ExpertMeeting,
    MinisterialMeeting,
    Participant,
    ProgressReport,
    Recommendation,
)
from tests.conftest import count_queries, make_report

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TITLE = "Results of the meetings of experts for Ministers"
RECOMMENDATION = "Criminalise people smuggling and trafficking in persons in national law."
Status = ProgressReport.Status


def frozen(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(day + "T12:00Z"), tick=False)


def pdf_pages(pdf: bytes, tmp_path) -> list[str]:
    """The text of each page (pdftotext separates pages with form feeds), whitespace squeezed."""
    if shutil.which("pdftotext") is None:
        reason = "pdftotext is not installed (apt-get install poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: CI must check the PDF's text")
        pytest.skip(reason)
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [" ".join(page.split()) for page in pages]


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection or resolve a name fails the test."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.fixture
def history(indonesia, thailand):
    """A recommendation that reached Ministers late, one never submitted, and reports before
    and after the deadline."""
    recommendation = Recommendation.objects.create(
        meeting=ExpertMeeting.objects.get(slug="aheg-2-tokyo-2003"),
        reference="1",
        text=RECOMMENDATION,
        status=Recommendation.Status.SUBMITTED,
        submitted_to=MinisterialMeeting.objects.get(slug="bali-2003"),
        submitted_on=datetime.date(2003, 4, 28),
    )
    recommendation.commitments.set(Commitment.objects.filter(code="18"))
    Recommendation.objects.create(
        meeting=ExpertMeeting.objects.get(slug="aheg-1-colombo-2003"),
        reference="2",
        text="Hold a workshop on victim identification.",
    )
    make_report(indonesia, "17a", status=Status.LIMITED, as_of=datetime.date(2003, 1, 15))
    make_report(indonesia, "17a", status=Status.COMPLETE, as_of=datetime.date(2003, 3, 15))
    make_report(thailand, "18", status=Status.SUBSTANTIAL, as_of=datetime.date(2002, 11, 1))


@pytest.mark.usefixtures("history")
def test_the_pdf_for_ministers_holds_the_report(client, official_of_thailand, no_network, tmp_path):
    client.force_login(official_of_thailand)
    with frozen("2003-06-01"):
        response = client.get("/ministerial-review/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'inline; filename="bali-followup-report-for-ministers-2003-02-28.pdf"'
    )
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-for-ministers.pdf").write_bytes(pdf)

    pages = pdf_pages(pdf, tmp_path)
    text = " ".join(pages)
    assert len(pages) >= 5, "cover, contents, results, recommendations, matrix"
    cover = pages[0]
    assert TITLE in cover
    assert "Bali Ministerial Conference on People Smuggling" in cover
    assert "Review due by 28 February 2003" in cover
    assert "Compiled on 1 June 2003" in cover
    assert "59 days after the deadline" in cover
    assert "Demonstration data" not in text
    assert "Contents" in pages[1]
    assert "Recommendations to Ministers" in pages[1]
    # The results per group and meeting, the recommendations, the matrix.
    assert "Ad Hoc Experts' Group II (AHEG II)" in text
    assert "Port Dickson, Malaysia" in text
    assert "Legislative development workshop." in text
    assert RECOMMENDATION in text
    assert "59 days late" in text
    assert "Not submitted" in text
    assert "Progress as of 28 February 2003" in text
    assert "Vanuatu" in text  # a participant named only in the matrix
    # pdftotext reads a table's cells in an order of its own: look for each piece.
    assert "Substantial" in text
    assert "as of 1 November 2002" in text  # Thailand on 18
    assert "15 March 2003" not in text  # after the due date
    # Page numbers in the footer, from the second page on.
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert "Page 1 of" not in cover
    assert no_network == []


def test_the_pdf_says_demonstration_data_on_its_cover(
    client, official_of_thailand, indonesia, tmp_path
):
    make_report(indonesia, "17a", as_of=datetime.date(2003, 1, 15), is_demo=True)
    client.force_login(official_of_thailand)
    with frozen("2003-06-01"):
        response = client.get("/ministerial-review/report.pdf")
    pages = pdf_pages(response.content, tmp_path)
    assert "Demonstration data" in pages[0]
    assert "DEMONSTRATION DATA" in pages[-1]  # and in the header of every later page


@pytest.mark.usefixtures("history")
def test_the_pdf_follows_a_chosen_date(client, official_of_thailand, tmp_path):
    client.force_login(official_of_thailand)
    with frozen("2003-06-01"):
        response = client.get("/ministerial-review/report.pdf?as_of=2003-04-01")
    assert response["Content-Disposition"] == (
        'inline; filename="bali-followup-report-for-ministers-2003-04-01.pdf"'
    )
    text = " ".join(pdf_pages(response.content, tmp_path))
    assert "Progress as of 1 April 2003" in text
    assert "Complete" in text
    assert "as of 15 March 2003" in text  # Indonesia on 17a


@pytest.mark.usefixtures("history")
def test_the_print_view_is_the_same_document(client, official_of_thailand):
    client.force_login(official_of_thailand)
    with frozen("2003-06-01"):
        response = client.get("/ministerial-review/print/")
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert f"<h1>{TITLE}</h1>" in page
    assert '<link rel="stylesheet" href="/static/commitments/report.css">' in page
    assert "pico" not in page  # a document of its own, not a page of the site
    assert '<a href="#recommendations">Recommendations to Ministers</a>' in page
    assert RECOMMENDATION in page
    assert 'href="/ministerial-review/report.pdf"' in page
    assert "Vanuatu" in page


@pytest.mark.parametrize("url", ["/ministerial-review/print/", "/ministerial-review/report.pdf"])
def test_a_bad_date_is_refused_with_a_clear_message(client, official_of_thailand, url):
    client.force_login(official_of_thailand)
    response = client.get(f"{url}?as_of=2003-02-30")
    assert response.status_code == 400
    page = " ".join(response.content.decode().split())
    assert "The report cannot be compiled for that date." in page
    assert "Enter a date as YYYY-MM-DD, for example 2003-02-28." in page


@pytest.mark.parametrize("url", ["/ministerial-review/print/", "/ministerial-review/report.pdf"])
def test_the_report_needs_the_right_to_view_progress(client, settings, url, quick_pdf):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert client.post(url).status_code == 405
    settings.FOLLOWUP_PUBLIC_PROGRESS = True
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ["/ministerial-review/print/", "/ministerial-review/report.pdf"])
def test_the_report_is_get_only(client, official_of_thailand, url):
    client.force_login(official_of_thailand)
    assert client.post(url).status_code == 405


def test_the_report_is_not_cached_by_shared_caches(client, official_of_thailand):
    client.force_login(official_of_thailand)
    assert "private" in client.get("/ministerial-review/print/")["Cache-Control"]


# No network -----------------------------------------------------------------------------------


def test_the_fetcher_serves_the_apps_static_files_and_refuses_everything_else():
    fetcher = static_files_only_fetcher("http://testserver/")
    css = fetcher("http://testserver/static/commitments/report.css")
    assert b"@page" in css.read()
    assert css.content_type == "text/css"
    for url in [
        "http://example.org/static/commitments/report.css",
        "https://testserver/static/commitments/report.css",
        "http://testserver/static/commitments/missing.css",
        "http://testserver/static/../../bali_followup/settings.py",
        "http://testserver/static/commitments/report.css?v=2",
        "http://testserver/media/evidence/secret.pdf",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ]:
        with pytest.raises(ValueError, match="Refused"):
            fetcher(url)


def test_rendering_never_touches_the_network(no_network):
    html = """<!doctype html><html><head>
      <link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">
      <link rel="stylesheet" href="/static/commitments/report.css">
      <style>@import url("http://example.org/x.css"); body { background: url(/secret.png) }</style>
      </head><body><h1>Title</h1><img src="http://example.org/tracker.png">
      <img src="file:///etc/hostname"></body></html>"""
    pdf = render_pdf(html, base_url="http://testserver/")
    assert pdf.startswith(b"%PDF-")
    assert no_network == []


# A constant number of queries -----------------------------------------------------------------

# The session and user (2), the standing (2), the co-chairs, the meetings with attendance and
# assistance (3), the recommendations with their commitments (2), the groups, the matrix (3),
# the demo flag.
PRINT_VIEW_QUERIES = 15


@pytest.mark.parametrize("count", [1, 10])
def test_the_print_view_makes_a_constant_number_of_queries(somchai, count):
    meetings = list(ExpertMeeting.objects.all())
    participants = list(Participant.objects.tracked()[:count])
    for i in range(count):
        Recommendation.objects.create(meeting=meetings[i % len(meetings)], text=f"R{i}")
        make_report(participants[i], "17b")
    with frozen("2003-06-01"):
        assert count_queries(somchai, "/ministerial-review/print/") == PRINT_VIEW_QUERIES


# Who may see what: the rows for the project's permission matrix -------------------------------

LOGIN = "/accounts/login/?next="
ROLE_EXPECTATIONS = {
    # URL: (GET for anonymous, official of A, official of B, secretariat, superuser); POST: 405
    "/ministerial-review/": (200, 200, 200, 200, 200),
    "/ministerial-review/print/": (LOGIN, 200, 200, 200, 200),
    "/ministerial-review/report.pdf": (LOGIN, 200, 200, 200, 200),
}


@pytest.mark.parametrize("url", ROLE_EXPECTATIONS)
def test_each_role_gets_the_review_and_the_report_as_declared(
    url, monkeypatch, official_of_indonesia, official_of_thailand, secretariat_user, superuser
):
    monkeypatch.setattr("commitments.documents.render_pdf", lambda html, base_url: b"%PDF-1.7 stub")
    roles = [None, official_of_indonesia, official_of_thailand, secretariat_user, superuser]
    for user, expected in zip(roles, ROLE_EXPECTATIONS[url], strict=True):
        client = Client()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        if expected == LOGIN:
            assert response.status_code == 302, user
            assert response["Location"].startswith(LOGIN), user
        else:
            assert response.status_code == expected, user
        assert client.post(url).status_code == 405, user
