"""The CSV and Excel downloads of the reports page: its filtered rows, its order, its columns."""

import csv
import datetime
import io
import itertools
import time
import tracemalloc
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from commitments.exports import neutralise
from commitments.models import Commitment, Participant, ProgressReport
from tests.conftest import make_report

pytestmark = pytest.mark.django_db

Status = ProgressReport.Status
EXTRA_HEADINGS = ["Narrative", "Source"]


@pytest.fixture
def viewer(client, official_of_indonesia):
    client.force_login(official_of_indonesia)
    return client


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.streaming
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def xlsx_sheet(response):
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook["Reports"]


def xlsx_rows(response) -> list[list[str]]:
    # An empty cell reads back as None; the CSV has an empty string.
    return [
        ["" if value is None else value for value in row]
        for row in xlsx_sheet(response).iter_rows(values_only=True)
    ]


def table_headings(response) -> list[str]:
    return [str(column.header) for column in response.context["table"].columns]


@pytest.fixture
def reports(indonesia, thailand):
    """Two reports, one correcting another, and a draft that no download may show."""
    original = make_report(
        indonesia, "17a", status=Status.LIMITED, as_of=datetime.date(2002, 9, 16),
        confidence="medium_high", narrative="Joined the Brunei plan of action.",
        source="AHEG I report",
    )  # fmt: skip
    correction = make_report(
        indonesia, "17a", status=Status.SUBSTANTIAL, as_of=datetime.date(2002, 9, 16),
        confidence="high", corrects=original, narrative="Corrected: a task force was set up.",
    )  # fmt: skip
    other = make_report(thailand, "18", status=Status.COMPLETE, as_of=datetime.date(2003, 3, 10))
    make_report(thailand, "17b", submitted=False, narrative="A draft")
    return original, correction, other


def replaced_by(report) -> str:
    """The id of the submitted correction that replaces the report, or empty."""
    correction = report.corrections.filter(state=ProgressReport.State.SUBMITTED).first()
    return str(correction.pk) if correction else ""


def expected_row(report) -> list[str]:
    return [
        report.participant.name,
        f"{report.commitment.code}: {report.commitment.title}",
        report.get_status_display(),
        report.as_of.isoformat(),
        timezone.localdate(report.submitted_at).isoformat(),
        report.get_confidence_display(),
        str(report.corrects_id or ""),
        replaced_by(report),
        f"/reports/{report.pk}/",
        report.narrative,
        report.source,
    ]


def test_its_header_is_the_tables_headings_then_narrative_and_source(viewer, reports):
    page = viewer.get("/reports/")
    headings = table_headings(page)
    assert headings == [
        "Participant", "Commitment", "Status", "As of", "Submitted", "Confidence", "Corrects",
        "Replaced by", "Report",
    ]  # fmt: skip
    assert csv_rows(viewer.get("/reports/?export=csv"))[0] == headings + EXTRA_HEADINGS
    assert xlsx_rows(viewer.get("/reports/?export=xlsx"))[0] == headings + EXTRA_HEADINGS


def test_the_csv_has_every_submitted_report_as_plain_text_newest_first(viewer, reports):
    original, correction, other = reports
    response = viewer.get("/reports/?export=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="bali-followup-reports-{today}.csv"'
    )
    # Newest date first, as on the page; the draft is not there.
    assert csv_rows(response)[1:] == [
        expected_row(other), expected_row(correction), expected_row(original),
    ]  # fmt: skip
    assert expected_row(correction)[6] == str(original.pk)
    assert expected_row(original)[7] == str(correction.pk)


def test_each_download_says_which_correction_replaced_a_report(viewer, reports):
    original, correction, other = reports
    # A draft correction replaces nothing until it is submitted.
    make_report(other.participant, "18", submitted=False, corrects=other)
    expected = [
        ["Replaced by", "Corrects"],
        ["", ""],  # other
        ["", str(original.pk)],  # correction
        [str(correction.pk), ""],  # original
    ]
    for export in ("csv", "xlsx"):
        rows = (csv_rows if export == "csv" else xlsx_rows)(
            viewer.get(f"/reports/?export={export}")
        )
        assert [[row[7], row[6]] for row in rows] == expected, export
    # Only the reports that no correction replaced: the rows to add up.
    rows = csv_rows(viewer.get("/reports/?current=on&export=csv"))[1:]
    assert rows == [expected_row(other), expected_row(correction)]
    assert xlsx_rows(viewer.get("/reports/?current=on&export=xlsx"))[1:] == rows


def test_the_commitment_reads_as_on_the_page(viewer, reports):
    on_page = [
        row.get_cell("commitment")
        for row in viewer.get("/reports/").context["table"].paginated_rows
    ]
    title = Commitment.objects.get(code="17a").title
    assert on_page[1:] == [f"17a: {title}", f"17a: {title}"]
    assert [row[1] for row in csv_rows(viewer.get("/reports/?export=csv"))[1:]] == on_page
    assert [row[1] for row in xlsx_rows(viewer.get("/reports/?export=xlsx"))[1:]] == on_page


def test_the_csv_has_the_filtered_rows_of_every_page_sorted_like_the_page(viewer, indonesia):
    for n in range(30):
        make_report(indonesia, as_of=datetime.date(2002, 3, 1) + datetime.timedelta(days=n))
    make_report(Participant.objects.get(iso3="THA"))
    query = f"participant={indonesia.pk}&sort=as_of&page=2"
    on_page_2 = [row.record for row in viewer.get(f"/reports/?{query}").context["table"].page]
    rows = csv_rows(viewer.get(f"/reports/?{query}&export=csv"))[1:]
    assert len(rows) == 30  # not just the page's 5, and not Thailand's
    expected = ProgressReport.objects.filter(participant=indonesia).order_by("as_of", "pk")
    assert rows == [expected_row(report) for report in expected]
    assert rows[25:] == [expected_row(report) for report in on_page_2]


QUERIES = ["status=complete", "confidence=high", "q=brunei", "as_of_before=2002-12-31"]
QUERIES += ["sort=status", "current=on", "sort=replaced_by", "sort=-replaced_by"]


@pytest.mark.parametrize("query", QUERIES)
def test_each_download_follows_the_filters_and_sort(viewer, reports, query):
    on_page = [
        expected_row(row.record)
        for row in viewer.get(f"/reports/?{query}").context["table"].paginated_rows
    ]
    assert on_page
    assert csv_rows(viewer.get(f"/reports/?{query}&export=csv"))[1:] == on_page
    assert xlsx_rows(viewer.get(f"/reports/?{query}&export=xlsx"))[1:] == on_page


def test_a_download_with_bad_filters_shows_the_page_with_their_errors(viewer, reports):
    response = viewer.get("/reports/?as_of_after=2003-13-45&export=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Enter a valid date." in response.content.decode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-", "'-"),
        ("-2", "'-2"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("1-2", "1-2"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_it_neutralises_text_that_a_spreadsheet_would_read_as_a_formula(text, expected):
    assert neutralise(text) == expected


@pytest.fixture
def formula_reports(indonesia):
    make_report(indonesia, narrative="=1+1", source="@SUM(A1:A9)", as_of=datetime.date(2003, 1, 3))
    make_report(indonesia, narrative="-", source="-42", as_of=datetime.date(2003, 1, 2))
    make_report(indonesia, narrative="+1", source="=HYPERLINK(x)", as_of=datetime.date(2003, 1, 1))


def test_the_csv_neutralises_formulas(viewer, formula_reports):
    rows = csv_rows(viewer.get("/reports/?export=csv"))[1:]
    assert [row[-2:] for row in rows] == [
        ["'=1+1", "'@SUM(A1:A9)"],
        ["'-", "'-42"],
        ["'+1", "'=HYPERLINK(x)"],
    ]


def test_the_excel_file_holds_formula_like_text_as_text_exactly(viewer, formula_reports):
    """Every cell is a string cell, which Excel shows and never evaluates: the text needs no
    apostrophe, and has none."""
    sheet = xlsx_sheet(viewer.get("/reports/?export=xlsx"))
    cells = [row[-2:] for row in sheet.iter_rows(min_row=2)]
    assert [[cell.value for cell in row] for row in cells] == [
        ["=1+1", "@SUM(A1:A9)"],
        ["-", "-42"],
        ["+1", "=HYPERLINK(x)"],
    ]
    every_cell = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert {cell.data_type for cell in every_cell} == {"s"}  # none is "f", a formula
    assert len(every_cell) > 6


def test_the_excel_file_has_no_formula_cells(viewer, reports, formula_reports):
    content = b"".join(viewer.get("/reports/?export=xlsx").streaming_content)
    sheet = load_workbook(io.BytesIO(content))["Reports"]
    assert not [
        cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]
    # Nor any formula element in the file itself: every cell is an inline string.
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert "<f " not in xml
    # The header and six reports, eleven columns.
    assert xml.count("<c ") == xml.count('t="inlineStr"') == 7 * 11


def test_the_excel_file_has_the_same_rows_as_the_csv(viewer, reports):
    response = viewer.get("/reports/?export=xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="bali-followup-reports-{today}.xlsx"'
    )
    assert xlsx_rows(response) == csv_rows(viewer.get("/reports/?export=csv"))


def test_the_excel_file_drops_characters_excel_cannot_hold(viewer, indonesia):
    make_report(indonesia, narrative="\x01=1+1 after a control character")
    sheet = xlsx_sheet(viewer.get("/reports/?export=xlsx"))
    cell = sheet.cell(row=2, column=sheet.max_column - 1)
    assert (cell.value, cell.data_type) == ("=1+1 after a control character", "s")


def test_an_empty_download_has_the_header_only(viewer, indonesia):
    make_report(indonesia, submitted=False)
    assert len(csv_rows(viewer.get("/reports/?export=csv"))) == 1
    assert len(xlsx_rows(viewer.get("/reports/?export=xlsx"))) == 1


def add_submitted_reports(count: int, start: int = 0) -> None:
    """Many submitted reports, fast: bulk_create skips save(), which only guards against
    rewriting a report that is already submitted."""
    participants = list(Participant.objects.tracked())
    commitments = list(Commitment.objects.tracked())
    submitted_at = timezone.now()
    first_day = datetime.date(2002, 3, 1)
    reports = (
        ProgressReport(
            participant=participants[n % len(participants)],
            commitment=commitments[n % len(commitments)],
            status=Status.LIMITED,
            as_of=first_day + datetime.timedelta(days=n % 3000),
            narrative=f"Report number {n}: an inter-agency working group met.",
            source="Generated for a memory test",
            state=ProgressReport.State.SUBMITTED,
            submitted_at=submitted_at,
            is_demo=False,
        )
        for n in range(start, start + count)
    )
    while batch := list(itertools.islice(reports, 5000)):
        ProgressReport.objects.bulk_create(batch)


def peak_memory_of_csv_download(client) -> tuple[int, int, float]:
    """Download the CSV a chunk at a time, as a server sends it; the peak memory allocated
    meanwhile, the number of lines, and the seconds it took."""
    started = time.perf_counter()
    tracemalloc.start()
    try:
        response = client.get("/reports/?export=csv")
        assert response.streaming
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, lines, time.perf_counter() - started


def test_the_csv_download_streams_in_flat_memory(viewer):
    add_submitted_reports(10_000)
    # A first download warms the caches (URL resolver, compiled queries) that the
    # measured ones would otherwise count once.
    peak_memory_of_csv_download(viewer)
    peak_10k, lines, seconds_10k = peak_memory_of_csv_download(viewer)
    assert lines == 10_001
    add_submitted_reports(90_000, start=10_000)
    peak_100k, lines, seconds_100k = peak_memory_of_csv_download(viewer)
    assert lines == 100_001
    print(
        f"CSV peak memory: {peak_10k / 1e6:.2f} MB for 10,000 reports ({seconds_10k:.1f} s), "
        f"{peak_100k / 1e6:.2f} MB for 100,000 ({seconds_100k:.1f} s)"
    )
    # The file of 100,000 rows is about 10 MB: held whole, the peak would be ten times the
    # first one.
    assert peak_100k < 2 * peak_10k
