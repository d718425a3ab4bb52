"""The open data (/data/): the page, the CSV files, datapackage.json and the zip, which
validates as a Frictionless Data Package."""

import csv
import io
import json
import re
import zipfile

import frictionless
import pytest

from commitments import open_data
from commitments.models import (
    Assistance,
    Attendance,
    Commitment,
    ExpertGroup,
    ExpertMeeting,
    Handover,
    Mechanism,
    MinisterialMeeting,
    Paragraph,
    Participant,
    PreparedDocument,
    ProgressReport,
    Recommendation,
    Volunteer,
)
from commitments.services.reports import report_submit
from tests.conftest import count_queries, make_correction, make_report

pytestmark = pytest.mark.django_db

ZIP_URL = "/data/bali-followup-data.zip"
URLS = ["/data/", "/data/datapackage.json", ZIP_URL, "/data/participants.csv"]
FORMULA = '=HYPERLINK("http://evil.example","click")'
DRAFT_TEXT = "UNSUBMITTED-OPEN-DATA-DRAFT"


@pytest.fixture
def public_progress(settings):
    settings.FOLLOWUP_PUBLIC_PROGRESS = True


@pytest.fixture
def history(indonesia, thailand, official_of_indonesia):
    """Reports (one corrected, one whose narrative is a formula, a draft) and a
    recommendation handed over, on top of the reference data."""
    original = make_report(indonesia, "17a", user=official_of_indonesia)
    correction = make_correction(original=original, user=official_of_indonesia, status="complete")
    report_submit(report=correction, user=official_of_indonesia)
    formula = make_report(thailand, "18", narrative=FORMULA)
    draft = make_report(indonesia, "17b", submitted=False, narrative=DRAFT_TEXT)
    meeting = ExpertMeeting.objects.get(slug="aheg-1-colombo-2003")
    recommendation = Recommendation.objects.create(meeting=meeting, reference="1", text=FORMULA)
    recommendation.commitments.set(Commitment.objects.filter(code__in=["17a", "18"]))
    Handover.objects.create(
        recommendation=recommendation, mechanism=Mechanism.objects.get(slug="apc"),
        passed_on=meeting.end_date,
    )  # fmt: skip
    Volunteer.objects.create(group=ExpertGroup.objects.get(slug="aheg-1"), participant=thailand)
    return {"original": original, "correction": correction, "formula": formula, "draft": draft}


def unzip(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(content_of(response)))


def content_of(response) -> bytes:
    """The body, streamed or not; the response closed (a file it sends is closed with it)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return content


def rows_of(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8"))))


def validate(archive: zipfile.ZipFile, folder) -> frictionless.Report:
    archive.extractall(folder)
    report = frictionless.validate(str(folder / "datapackage.json"))
    for task in report.tasks:
        for error in task.errors:
            print(task.name, error.type, error.message)
    return report


# The package ------------------------------------------------------------------------------------


def test_the_package_with_the_reports_validates_with_frictionless(
    client, public_progress, history, tmp_path
):
    archive = unzip(client.get(ZIP_URL))
    report = validate(archive, tmp_path)
    assert report.valid
    assert {task.name for task in report.tasks} == {r.name for r in open_data.RESOURCES}


def test_an_empty_database_still_yields_a_valid_package(client, public_progress, tmp_path):
    for model in (Handover, Recommendation, Volunteer, Attendance, Assistance, ExpertMeeting,
                  ExpertGroup, MinisterialMeeting, Mechanism, ProgressReport, Commitment,
                  Paragraph, Participant):  # fmt: skip
        model.objects.all().delete()
    archive = unzip(client.get(ZIP_URL))
    assert rows_of(archive, "participants.csv") == [open_data.PARTICIPANTS.header]
    assert validate(archive, tmp_path).valid


def test_the_package_holds_a_readme_a_licence_and_a_schema_per_file(client, history):
    archive = unzip(client.get(ZIP_URL))
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["licenses"] == [open_data.LICENSE]
    assert "CC BY 4.0" in archive.read("LICENSE.txt").decode()
    readme = archive.read("README.md").decode()
    assert "Creative Commons Attribution 4.0" in readme
    assert "apostrophe" in readme  # the neutralisation is explained
    for resource in descriptor["resources"]:
        header = rows_of(archive, resource["path"])[0]
        assert header == [column["name"] for column in resource["schema"]["fields"]]
        assert f"`{header[0]}`" in readme  # the README's dictionary names the columns


def test_the_reports_are_published_only_when_progress_is_public(client, history):
    archive = unzip(client.get(ZIP_URL))
    assert "reports.csv" not in archive.namelist()
    descriptor = json.loads(client.get("/data/datapackage.json").content)
    assert "reports" not in [resource["name"] for resource in descriptor["resources"]]
    assert client.get("/data/reports.csv").status_code == 404
    page = client.get("/data/").content.decode()
    assert "Progress reports are not published here" in page
    assert "/data/reports.csv" not in page


def test_the_reports_file_has_submitted_reports_only_with_their_corrections(
    client, public_progress, history
):
    text = content_of(client.get("/data/reports.csv")).decode("utf-8")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
    assert str(history["draft"].pk) not in rows
    assert DRAFT_TEXT not in text
    original, correction = str(history["original"].pk), str(history["correction"].pk)
    assert rows[original]["replaced_by"] == correction
    assert rows[correction]["corrects"] == original
    assert rows[correction]["replaced_by"] == ""
    assert rows[correction]["participant_iso3"] == "IDN"


def test_a_handover_of_a_commitment_is_published_only_with_the_progress(client, settings):
    handover = Handover.objects.create(
        commitment=Commitment.objects.get(code="17a"),
        mechanism=Mechanism.objects.get(slug="apc"),
        passed_on="2003-06-01",
    )
    ids = lambda: [row[0] for row in csv.reader(io.StringIO(csv_text(client, "handovers")))][1:]  # noqa: E731
    assert ids() == []
    settings.FOLLOWUP_PUBLIC_PROGRESS = True
    assert ids() == [str(handover.pk)]


def csv_text(client, name) -> str:
    response = client.get(f"/data/{name}.csv")
    assert response.status_code == 200
    return content_of(response).decode("utf-8")


def test_text_that_starts_like_a_formula_is_neutralised(client, public_progress, history):
    assert f"'{FORMULA}".replace('"', '""') in csv_text(client, "recommendations")
    assert f"'{FORMULA}".replace('"', '""') in csv_text(client, "reports")
    # Dates and numbers are never prefixed: the types stay valid.
    assert "'" not in csv_text(client, "commitments").split("\r\n")[1].split(",")[1]


def test_a_large_reports_file_is_prepared_by_the_worker(client, public_progress, history, settings):
    settings.EXPORT_DIRECT_ROWS = 1
    response = client.get("/data/reports.csv")
    assert response.status_code == 200  # the tests' tasks run at once: ready already
    assert response["Content-Disposition"].startswith('attachment; filename="reports.csv"')
    assert content_of(response).startswith(b"id,participant_iso3,")
    document = PreparedDocument.objects.get()
    assert (document.kind, document.rows) == (PreparedDocument.Kind.OPEN_DATA_REPORTS, 3)


# The page and the addresses ---------------------------------------------------------------------


def test_an_anonymous_visitor_can_get_every_file_the_page_lists(client, public_progress, history):
    page = client.get("/data/").content.decode()
    links = sorted(set(re.findall(r'href="(/data/[^"#]+)"', page)))
    expected = [f"/data/{r.filename}" for r in open_data.RESOURCES]
    assert {*expected, "/data/datapackage.json", ZIP_URL} == set(links)
    for link in links:
        response = client.get(link)
        assert response.status_code == 200, link
        assert content_of(response), link


def test_the_page_shows_the_data_dictionary_counts_and_licence(client, history):
    page = client.get("/data/").content.decode()
    for resource in open_data.published(False):
        assert f'id="columns-{resource.name}"' in page
        for column in resource.columns:
            assert f"<code>{column.name}</code>" in page
    assert "Creative Commons Attribution 4.0 International" in page
    assert 'href="/status-scale/"' in page
    participants = Participant.objects.count()
    row = re.search(r"participants\.csv</a></th>.*?<td class=\"numeric\">(\d+)</td>", page, re.S)
    assert int(row[1]) == participants


def test_the_navigation_and_the_footer_link_to_the_page(client):
    page = client.get("/status-scale/").content.decode()
    assert page.count('href="/data/"') >= 3  # the wide header, the phone menu, the footer


@pytest.mark.parametrize("url", URLS)
def test_it_rejects_post(client, url):
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("name", ["nothing", "datapackage", "reports", "participants.txt"])
def test_an_unknown_file_is_not_found(client, name):
    assert client.get(f"/data/{name}.csv").status_code == 404


def test_the_page_runs_a_fixed_number_of_queries(client, public_progress, indonesia):
    # The data version; one count per file (13, the reports included); the time of the last
    # change; whether demonstration data exists (the header's notice).
    expected = 1 + len(open_data.RESOURCES) + 1 + 1
    assert count_queries(client, "/data/") == expected
    for code in ("17a", "17b", "17c"):
        make_report(indonesia, code)
    # As many with more data: the reports changed the data version, so all is counted again.
    assert count_queries(client, "/data/") == expected
    # Until the data changes again, the table and the notice come from the cache: the data
    # version only.
    assert count_queries(client, "/data/") == 1
