"""The CSV and Excel downloads of the reports page: its filtered rows, its order, its columns."""

import csv
import datetime
import io
import re
import zipfile

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from openpyxl import load_workbook

from commitments import exports
from commitments.exports import neutralise
from commitments.models import Commitment, Participant, ProgressReport
from tests.conftest import make_report, messages_of

pytestmark = pytest.mark.django_db

Status = ProgressReport.Status
EXTRA_HEADINGS = [
    "Report number", "Participant code", "Commitment code", "Narrative", "Source",
    "Evidence links", "Narrative language",
]  # fmt: skip


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.streaming
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:])))


def xlsx_sheet(response):
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return workbook.worksheets[0]  # "Reports", or "Matrix"


def xlsx_rows(response) -> list[list[str]]:
    """The workbook's cells as the CSV writes them, to compare the two: an empty cell reads
    back as None (the CSV has an empty string), a date as a datetime, a number as an int
    (test_the_excel_cells_are_typed checks the types themselves)."""
    return [
        [as_csv_text(value) for value in row]
        for row in xlsx_sheet(response).iter_rows(values_only=True)
    ]


def as_csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return str(value)


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
        report.participant.short_name,
        f"{report.commitment.code}: {report.commitment.title}",
        report.get_status_display(),
        report.as_of.isoformat(),
        timezone.localdate(report.submitted_at).isoformat(),
        report.get_confidence_display(),
        str(report.corrects_id or ""),
        replaced_by(report),
        f"{django_settings.SITE_URL}/reports/{report.pk}/",  # absolute
        str(report.pk),
        report.participant.iso3,
        report.commitment.code,
        report.narrative,
        report.source,
        "\n".join(report.evidence_lines),
        report.narrative_language,
    ]


def test_its_header_is_the_tables_headings_then_narrative_and_source(siti, reports):
    page = siti.get("/reports/")
    headings = table_headings(page)
    assert headings == [
        "Participant", "Commitment", "Status", "As of", "Submitted", "Confidence", "Corrects",
        "Replaced by", "Report",
    ]  # fmt: skip
    assert csv_rows(siti.get("/reports/?export=csv"))[0] == headings + EXTRA_HEADINGS
    assert xlsx_rows(siti.get("/reports/?export=xlsx"))[0] == headings + EXTRA_HEADINGS


def test_the_csv_has_every_submitted_report_as_plain_text_newest_first(siti, reports):
    original, correction, other = reports
    response = siti.get("/reports/?export=csv")
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


def test_each_download_says_which_correction_replaced_a_report(siti, reports):
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
        rows = (csv_rows if export == "csv" else xlsx_rows)(siti.get(f"/reports/?export={export}"))
        assert [[row[7], row[6]] for row in rows] == expected, export
    # Only the reports that no correction replaced: the rows to add up.
    rows = csv_rows(siti.get("/reports/?current=on&export=csv"))[1:]
    assert rows == [expected_row(other), expected_row(correction)]
    assert xlsx_rows(siti.get("/reports/?current=on&export=xlsx"))[1:] == rows


def test_the_commitment_reads_as_on_the_page(siti, reports):
    on_page = [
        row.get_cell("commitment") for row in siti.get("/reports/").context["table"].paginated_rows
    ]
    title = Commitment.objects.get(code="17a").title
    assert on_page[1:] == [f"17a: {title}", f"17a: {title}"]
    assert [row[1] for row in csv_rows(siti.get("/reports/?export=csv"))[1:]] == on_page
    assert [row[1] for row in xlsx_rows(siti.get("/reports/?export=xlsx"))[1:]] == on_page


def test_the_csv_has_the_filtered_rows_of_every_page_sorted_like_the_page(siti, indonesia):
    for n in range(30):
        make_report(indonesia, as_of=datetime.date(2002, 3, 1) + datetime.timedelta(days=n))
    make_report(Participant.objects.get(iso3="THA"))
    query = f"participant={indonesia.iso3}&sort=as_of&page=2"
    on_page_2 = [row.record for row in siti.get(f"/reports/?{query}").context["table"].page]
    rows = csv_rows(siti.get(f"/reports/?{query}&export=csv"))[1:]
    assert len(rows) == 30  # not just the page's 5, and not Thailand's
    expected = ProgressReport.objects.filter(participant=indonesia).order_by("as_of", "pk")
    assert rows == [expected_row(report) for report in expected]
    assert rows[25:] == [expected_row(report) for report in on_page_2]


QUERIES = ["status=complete", "confidence=high", "q=brunei", "as_of_before=2002-12-31"]
QUERIES += ["sort=status", "current=on", "sort=replaced_by", "sort=-replaced_by"]


@pytest.mark.parametrize("query", QUERIES)
def test_each_download_follows_the_filters_and_sort(siti, reports, query):
    on_page = [
        expected_row(row.record)
        for row in siti.get(f"/reports/?{query}").context["table"].paginated_rows
    ]
    assert on_page
    assert csv_rows(siti.get(f"/reports/?{query}&export=csv"))[1:] == on_page
    assert xlsx_rows(siti.get(f"/reports/?{query}&export=xlsx"))[1:] == on_page


def test_a_download_with_bad_filters_shows_the_page_with_their_errors(siti, reports):
    response = siti.get("/reports/?as_of_after=2003-13-45&export=csv")
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


def test_the_csv_neutralises_formulas(siti, formula_reports):
    rows = csv_rows(siti.get("/reports/?export=csv"))[1:]
    assert [row[-4:-2] for row in rows] == [  # the narrative and the source
        ["'=1+1", "'@SUM(A1:A9)"],
        ["'-", "'-42"],
        ["'+1", "'=HYPERLINK(x)"],
    ]


def test_the_excel_file_holds_formula_like_text_as_text_exactly(siti, formula_reports):
    """Every text is a string cell, which Excel shows and never evaluates: the text needs no
    apostrophe, and has none."""
    sheet = xlsx_sheet(siti.get("/reports/?export=xlsx"))
    cells = [row[-4:-2] for row in sheet.iter_rows(min_row=2)]  # the narrative and the source
    assert [[cell.value for cell in row] for row in cells] == [
        ["=1+1", "@SUM(A1:A9)"],
        ["-", "-42"],
        ["+1", "=HYPERLINK(x)"],
    ]
    every_cell = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    # Text, numbers (the report numbers) and dates: none is "f", a formula.
    assert {cell.data_type for cell in every_cell} == {"s", "n", "d"}
    assert len(every_cell) > 6


def test_the_excel_file_has_no_formula_cells(siti, reports, formula_reports):
    content = b"".join(siti.get("/reports/?export=xlsx").streaming_content)
    sheet = load_workbook(io.BytesIO(content))["Reports"]
    assert not [
        cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"
    ]
    # Nor any formula element in the file itself: every cell is an inline string.
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        xml = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    assert "<f " not in xml
    # Every typed cell is an inline string or a number (no t attribute): no formula string.
    assert set(re.findall(r'<c [^>]*?t="(\w+)"', xml)) == {"inlineStr"}
    assert xml.count('t="inlineStr"') >= 7 * 8  # the header and six reports' text columns


def test_the_excel_file_has_the_same_rows_as_the_csv(siti, reports):
    response = siti.get("/reports/?export=xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="bali-followup-reports-{today}.xlsx"'
    )
    assert xlsx_rows(response) == csv_rows(siti.get("/reports/?export=csv"))


def test_the_excel_file_drops_characters_excel_cannot_hold(siti, indonesia):
    make_report(indonesia, narrative="\x01=1+1 after a control character")
    sheet = xlsx_sheet(siti.get("/reports/?export=xlsx"))
    cell = sheet.cell(row=2, column=sheet.max_column - 3)  # the narrative
    assert (cell.value, cell.data_type) == ("=1+1 after a control character", "s")


def test_an_empty_download_has_the_header_only(siti, indonesia):
    make_report(indonesia, submitted=False)
    assert len(csv_rows(siti.get("/reports/?export=csv"))) == 1
    assert len(xlsx_rows(siti.get("/reports/?export=xlsx"))) == 1


def test_the_csv_download_streams_its_rows_in_chunks(siti, indonesia, monkeypatch):
    """The CSV is sent as it is read, not built whole first: the memory this saves is
    measured by bench/csv_memory.py on 10,000 and 100,000 reports."""
    monkeypatch.setattr(exports, "LINES_PER_CHUNK", 5)
    for day in range(1, 29):
        make_report(indonesia, as_of=datetime.date(2003, 2, day))
    response = siti.get("/reports/?export=csv")
    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) == 6  # 29 lines, 5 a chunk
    assert sum(chunk.count(b"\n") for chunk in chunks) == 29  # the header and 28 rows


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_a_download_over_the_limit_is_refused_with_a_message(siti, reports, settings, export):
    settings.EXPORT_MAX_ROWS = 2
    assert ProgressReport.objects.submitted().count() == 3
    response = siti.get(f"/reports/?sort=as_of&export={export}", follow=True)
    assert not response.streaming
    assert response.redirect_chain == [("/reports/?sort=as_of", 302)]
    [message] = messages_of(response)
    assert "A download holds at most 2 reports" in message
    assert "Nothing was downloaded" in message


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_a_download_at_the_limit_is_whole(siti, reports, settings, export):
    settings.EXPORT_MAX_ROWS = ProgressReport.objects.submitted().count()
    response = siti.get(f"/reports/?export={export}")
    assert response.streaming
    rows = (csv_rows if export == "csv" else xlsx_rows)(response)
    assert len(rows) == 1 + settings.EXPORT_MAX_ROWS


# Issue 11: a workbook people can use, evidence links, codes, the matrix -------------------------


def test_the_excel_cells_are_typed(siti, reports):
    original, correction, _other = reports
    sheet = xlsx_sheet(siti.get("/reports/?export=xlsx"))
    headings = [cell.value for cell in sheet[1]]
    row = dict(zip(headings, sheet[4], strict=True))  # the original
    assert row["As of"].is_date
    assert row["As of"].value.date() == original.as_of
    assert row["As of"].number_format == "yyyy-mm-dd"
    assert row["Submitted"].is_date
    assert (row["Report number"].data_type, row["Report number"].value) == ("n", original.pk)
    assert (row["Replaced by"].data_type, row["Replaced by"].value) == ("n", correction.pk)
    assert row["Corrects"].value is None  # empty, not "—" or ""
    assert row["Report"].value == f"{django_settings.SITE_URL}/reports/{original.pk}/"
    assert (row["Participant code"].value, row["Commitment code"].value) == ("IDN", "17a")


def test_the_workbook_has_a_frozen_bold_header_a_filter_and_column_widths(siti, reports):
    sheet = xlsx_sheet(siti.get("/reports/?export=xlsx"))
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}4"
    assert all(cell.font.b for cell in sheet[1])
    widths = {
        sheet.cell(1, n).value: sheet.column_dimensions[sheet.cell(1, n).column_letter].width
        for n in range(1, sheet.max_column + 1)
    }
    assert widths["Narrative"] > widths["Commitment"] > widths["As of"] >= 12


def test_both_downloads_hold_the_evidence_links(siti, indonesia):
    links = "https://example.org/law-2003\nhttps://example.org/gazette"
    make_report(indonesia, evidence_links=links + "\n\n")
    assert csv_rows(siti.get("/reports/?export=csv"))[1][-2] == links
    assert xlsx_rows(siti.get("/reports/?export=xlsx"))[1][-2] == links


def test_the_downloads_follow_filters_given_as_codes(siti, reports):
    rows = csv_rows(siti.get("/reports/?participant=THA&commitment=18&export=csv"))
    assert [row[0] for row in rows[1:]] == ["Thailand"]
    assert xlsx_rows(siti.get("/reports/?participant=tha&export=xlsx"))[1][0] == "Thailand"


def test_an_unknown_code_is_a_clear_error_and_no_download(siti, reports):
    response = siti.get("/reports/?participant=XXX&export=csv")
    assert not response.streaming
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_the_matrix_downloads_as_of_a_date_one_row_per_cell(siti, reports, export):
    _original, correction, _other = reports
    response = siti.get(f"/matrix/?as_of=2002-12-31&export={export}")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="bali-followup-matrix-2002-12-31-'
    )
    rows = (csv_rows if export == "csv" else xlsx_rows)(response)
    assert rows[0] == [
        "Participant", "Participant code", "Commitment code", "Commitment", "Status", "As of",
        "Report number", "Report",
    ]  # fmt: skip
    cells = {(row[1], row[2]): row for row in rows[1:]}
    from commitments.models import Commitment, Participant

    assert (
        len(cells) == Participant.objects.tracked().count() * Commitment.objects.tracked().count()
    )
    # The correction counts (it replaced the original); Thailand's 18 was after that date.
    assert cells["IDN", "17a"][4:7] == ["Substantial", "2002-09-16", str(correction.pk)]
    assert cells["THA", "18"][4:7] == ["No report", "", ""]
