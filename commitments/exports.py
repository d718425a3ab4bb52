"""CSV and Excel downloads of the reports table: the page's rows (all pages), in the page's
order, with the table's columns and headings; and the matrix as of a date.

The columns are ReportTable's, in its order; this module only says how each one reads in a
download, from fields read with `values_list`, so that a download of any size streams from
the database without building model instances. Columns the page leaves out follow them: the
codes of the participant and the commitment, the report's number, the narrative, the source
and the evidence links, which is what readers (and the import) of a download want.

Each value keeps its type: dates and numbers are real dates and numbers in the Excel file
(ISO dates and digits in the CSV); links are absolute (SITE_URL), so that they work away from
the site. Text that a spreadsheet would run as a formula: the CSV prefixes it with an
apostrophe (a CSV has no other way to say "text"); the Excel file (XlsxWriter) writes text as
string cells, which Excel never evaluates, so it holds the text exactly as it is.
"""

import csv
import datetime
import functools
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from commitments.filters import ReportFilter
from commitments.links import absolute_url
from commitments.models import Confidence, ProgressReport
from commitments.tables import REPLACED_BY, ReportTable, commitment_text

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows fetched from the database at a time: memory stays flat whatever the number of reports.
CHUNK_SIZE = 2000
LINES_PER_CHUNK = 100
# What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Prefix text that a spreadsheet would run as a formula with an apostrophe, so that it
    is shown as the text it is."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


@dataclass(frozen=True)
class ExportColumn:
    heading: str
    fields: tuple[str, ...]  # read with values_list, and given to value in this order
    value: Callable  # gives the cell's value: str, int, datetime.date or None
    width: int = 14  # in characters, for the Excel file


def _same(value):
    return value


@functools.cache
def english_labels(choices) -> dict[str, str]:
    """A choice field's labels in English, whatever the page's language: the files are a
    format (the import reads them back), like their column headings."""
    with translation.override("en"):
        return {value: str(label) for value, label in choices.choices}


def _status_label(value) -> str:
    return english_labels(ProgressReport.Status).get(value, value)


def _confidence_label(value) -> str:
    return english_labels(Confidence).get(value, value)


def _report_url(pk) -> str:
    return absolute_url("report_detail", pk)


def _lines(text: str) -> str:
    """Evidence links, one per line, as they were entered (blank lines left out)."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


# How each column of ReportTable reads in a download: the fields it is read from, the
# function that makes them its value, and its width in the Excel file.
TABLE_COLUMNS = {
    "participant": (("participant__short_name",), str, 22),
    # As on the page: "17a: Information and intelligence sharing".
    "commitment": (("commitment__code", "commitment__title"), commitment_text, 36),
    "status": (("status",), _status_label, 14),
    "as_of": (("as_of",), _same, 12),
    "submitted": (("submitted_at",), timezone.localdate, 12),
    "confidence": (("confidence",), _confidence_label, 12),
    "corrects": (("corrects_id",), _same, 10),
    # The view's annotation: the number of the submitted correction, or empty.
    "replaced_by": ((REPLACED_BY,), _same, 11),
    "report": (("pk",), _report_url, 40),
}
EXTRA_COLUMNS = [
    ExportColumn("Report number", ("pk",), _same, 10),
    ExportColumn("Participant code", ("participant__iso3",), str, 10),
    ExportColumn("Commitment code", ("commitment__code",), str, 10),
    ExportColumn("Narrative", ("narrative",), str, 60),
    ExportColumn("Source", ("source",), str, 30),
    ExportColumn("Evidence links", ("evidence_links",), _lines, 50),
    # Last: a column added after the others, so that files made before it still line up.
    ExportColumn("Narrative language", ("narrative_language",), str, 10),
]


def report_columns() -> list[ExportColumn]:
    """The table's columns with its headings, in its order, then the extra columns. The
    headings are in English whatever the page's language: the import reads them back."""
    columns = []
    with translation.override("en"):
        for name, column in ReportTable.base_columns.items():
            # A KeyError here means a column was added to the table but not to the downloads.
            fields, value, width = TABLE_COLUMNS[name]
            columns.append(ExportColumn(str(column.verbose_name), fields, value, width))
    return columns + EXTRA_COLUMNS


def submitted_reports() -> QuerySet:
    """What the reports page and its downloads list: submitted reports (drafts are their
    authors' work in progress, never shown). The joins feed the participant and commitment
    columns, and "Replaced by" is a subquery of the same query (a report has at most one
    submitted correction: a unique constraint), so that a page is a fixed number of queries
    and the column sorts in the database."""
    return (
        ProgressReport.objects.submitted()
        .select_related("participant", "commitment")
        .with_replaced_by(REPLACED_BY)
    )


def sorted_reports(query) -> QuerySet | None:
    """The reports the page shows for these query parameters (its filters, its ?sort=), in
    its order; None when the filters are not valid."""
    filterset = ReportFilter(query, queryset=submitted_reports())
    if filterset.is_bound and not filterset.is_valid():
        return None
    table = ReportTable(filterset.qs, order_by=query.get("sort") or None)
    return table.data.data


def report_rows(reports: QuerySet) -> Iterator[list]:
    """One row of values per report (text not neutralised: each format does that its own
    way), in the queryset's order, fetched CHUNK_SIZE rows at a time. The headings are
    report_columns()'."""
    columns = report_columns()
    # Every column's fields in one values_list, and where in its rows each column's are.
    fields, places = [], []
    for column in columns:
        places.append(slice(len(fields), len(fields) + len(column.fields)))
        fields.extend(column.fields)
    for row in reports.values_list(*fields).iterator(chunk_size=CHUNK_SIZE):
        yield [column.value(*row[place]) for column, place in zip(columns, places, strict=True)]


@dataclass
class Download:
    """What a download holds: its columns, its rows of values, and its file's name."""

    name: str  # "reports", "matrix-2003-02-28"
    sheet: str
    columns: list
    rows: Iterable[list]


def reports_download(reports: QuerySet) -> Download:
    return Download("reports", "Reports", report_columns(), report_rows(reports))


MATRIX_COLUMNS = [
    ExportColumn("Participant", (), str, 22),
    ExportColumn("Participant code", (), str, 10),
    ExportColumn("Commitment code", (), str, 10),
    ExportColumn("Commitment", (), str, 36),
    ExportColumn("Status", (), str, 14),
    ExportColumn("As of", (), _same, 12),
    ExportColumn("Report number", (), _same, 10),
    ExportColumn("Report", (), str, 40),
]


def matrix_download(matrix) -> Download:
    """The matrix as of its date, one row per cell (participant x commitment): the shape a
    spreadsheet filters and a program reads; a cell with no report says so."""

    def rows():
        for row in matrix.rows:
            for commitment, report in zip(matrix.commitments, row.cells, strict=True):
                yield [
                    row.participant.short_name,
                    row.participant.iso3,
                    commitment.code,
                    commitment.title,
                    _status_label(report.status) if report else "No report",
                    report.as_of if report else None,
                    report.pk if report else None,
                    _report_url(report.pk) if report else "",
                ]

    day = (matrix.as_of or timezone.localdate()).isoformat()
    return Download(f"matrix-{day}", "Matrix", MATRIX_COLUMNS, rows())


def as_text(value) -> str:
    """A value as a CSV cell: ISO dates, digits, empty for none."""
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def export_filename(extension: str, name: str = "reports") -> str:
    return f"bali-followup-{name}-{timezone.localdate().isoformat()}.{extension}"


class _Echo:
    """A file-like object whose write() hands back what it was given, so that csv.writer
    produces one line at a time instead of writing to a buffer."""

    def write(self, value):
        return value


def csv_chunks(download: Download) -> Iterator[str]:
    """The CSV text, neutralised, LINES_PER_CHUNK lines at a time: a few kilobytes per write
    to the client rather than one write per line."""
    writer = csv.writer(_Echo())
    # The byte-order mark tells Excel that the file is UTF-8 (names such as "Việt Nam").
    lines = ["\ufeff", writer.writerow([column.heading for column in download.columns])]
    for row in download.rows:
        lines.append(writer.writerow([neutralise(as_text(value)) for value in row]))
        if len(lines) >= LINES_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def csv_response(download: Download) -> StreamingHttpResponse:
    """Stream the download as CSV: never the whole file in memory."""
    filename = export_filename("csv", download.name)
    return StreamingHttpResponse(
        csv_chunks(download),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _xlsx_text(text: str) -> str:
    """Excel files cannot hold most control characters: they are removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def write_xlsx(download: Download, file) -> int:
    """Write the download to `file` (a path or a binary file) as a workbook, and return how
    many data rows it holds: a bold, frozen header row with a filter, each column its width,
    dates as dates, numbers as numbers. XlsxWriter's constant-memory mode writes each row out
    as it comes, so memory does not grow with the rows. Text goes in string cells, which
    Excel shows and never evaluates, whatever it starts with: no apostrophe added."""
    workbook = xlsxwriter.Workbook(
        file,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "tmpdir": tempfile.gettempdir(),
        },
    )
    heading = workbook.add_format({"bold": True, "bottom": 1})
    date = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet = workbook.add_worksheet(download.sheet)
    for index, column in enumerate(download.columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(0, index, column.heading, heading)
    count = 0
    for count, row in enumerate(download.rows, start=1):
        for index, value in enumerate(row):
            _write_cell(sheet, count, index, value, date)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, count, len(download.columns) - 1)
    workbook.close()
    return count


def _write_cell(sheet, row: int, column: int, value, date_format) -> None:
    if value is None or value == "":
        return  # an empty cell
    if isinstance(value, datetime.date):
        sheet.write_datetime(row, column, value, date_format)
    elif isinstance(value, int):
        sheet.write_number(row, column, value)
    else:
        sheet.write_string(row, column, _xlsx_text(value))


def xlsx_response(download: Download) -> FileResponse:
    """The download as an Excel workbook, written to a temporary file on disk and sent from
    there (the file has no name once open: it goes when the response closes it)."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as named:
        path = Path(named.name)
    try:
        write_xlsx(download, str(path))
        file = path.open("rb")
    finally:
        path.unlink(missing_ok=True)
    filename = export_filename("xlsx", download.name)
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


EXPORTS = {"csv": csv_response, "xlsx": xlsx_response}
