"""CSV and Excel downloads of the reports table: the page's rows (all pages), in the page's
order, with the table's columns and headings, as plain text.

The columns are ReportTable's, in its order; this module only says how each one reads as
text, from fields read with `values_list`, so that a download of any size streams from the
database without building model instances. Two columns the page leaves out follow them: the
narrative and the source, which is what readers of a download most often want.

Text that a spreadsheet would run as a formula: the CSV prefixes it with an apostrophe (a
CSV has no other way to say "text"); the Excel file (XlsxWriter) writes every cell as a string cell,
which Excel never evaluates, so it holds the text exactly as it is.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from commitments.filters import ReportFilter
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
    fields: tuple[str, ...]  # read with values_list, and given to as_text in this order
    as_text: Callable[..., str]


STATUS_LABELS = dict(ProgressReport.Status.choices)
CONFIDENCE_LABELS = dict(Confidence.choices)


def _optional_id(pk) -> str:
    return "" if pk is None else str(pk)


def _local_iso_date(moment: datetime.datetime) -> str:
    return timezone.localdate(moment).isoformat()


def _report_path(pk) -> str:
    return reverse("report_detail", args=[pk])


# How each column of ReportTable reads in a download: the fields it is read from, and the
# function that makes them its text.
TABLE_COLUMN_TEXT = {
    "participant": (("participant__name",), str),
    # As on the page: "17a: Information and intelligence sharing".
    "commitment": (("commitment__code", "commitment__title"), commitment_text),
    "status": (("status",), lambda value: STATUS_LABELS.get(value, value)),
    "as_of": (("as_of",), datetime.date.isoformat),
    "submitted": (("submitted_at",), _local_iso_date),
    "confidence": (("confidence",), lambda value: CONFIDENCE_LABELS.get(value, value)),
    "corrects": (("corrects_id",), _optional_id),
    # The view's annotation: the id of the submitted correction, or empty.
    "replaced_by": ((REPLACED_BY,), _optional_id),
    "report": (("pk",), _report_path),
}
EXTRA_COLUMNS = [
    ExportColumn("Narrative", ("narrative",), str),
    ExportColumn("Source", ("source",), str),
]


def report_columns() -> list[ExportColumn]:
    """The table's columns with its headings, in its order, then the extra columns."""
    columns = []
    for name, column in ReportTable.base_columns.items():
        # A KeyError here means a column was added to the table but not to the downloads.
        fields, as_text = TABLE_COLUMN_TEXT[name]
        columns.append(ExportColumn(str(column.verbose_name), fields, as_text))
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


def report_rows(reports: QuerySet) -> Iterator[list[str]]:
    """The header, then one row of plain text per report (not neutralised: each format does
    that its own way), in the queryset's order, fetched CHUNK_SIZE rows at a time."""
    columns = report_columns()
    yield [column.heading for column in columns]
    # Every column's fields in one values_list, and where in its rows each column's are.
    fields, places = [], []
    for column in columns:
        places.append(slice(len(fields), len(fields) + len(column.fields)))
        fields.extend(column.fields)
    for row in reports.values_list(*fields).iterator(chunk_size=CHUNK_SIZE):
        yield [column.as_text(*row[place]) for column, place in zip(columns, places, strict=True)]


def export_filename(extension: str) -> str:
    return f"bali-followup-reports-{timezone.localdate().isoformat()}.{extension}"


class _Echo:
    """A file-like object whose write() hands back what it was given, so that csv.writer
    produces one line at a time instead of writing to a buffer."""

    def write(self, value):
        return value


def csv_chunks(rows: Iterable[list[str]]) -> Iterator[str]:
    """The CSV text, neutralised, LINES_PER_CHUNK lines at a time: a few kilobytes per write
    to the client rather than one write per line."""
    writer = csv.writer(_Echo())
    # The byte-order mark tells Excel that the file is UTF-8 (names such as "Việt Nam").
    lines = ["\ufeff"]
    for row in rows:
        lines.append(writer.writerow([neutralise(text) for text in row]))
        if len(lines) >= LINES_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def csv_response(reports: QuerySet) -> StreamingHttpResponse:
    """Stream the reports as CSV: never the whole file in memory."""
    return StreamingHttpResponse(
        csv_chunks(report_rows(reports)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export_filename("csv")}"'},
    )


def _xlsx_text(text: str) -> str:
    """Excel files cannot hold most control characters: they are removed."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def write_xlsx(rows: Iterable[list[str]], file) -> int:
    """Write the rows to `file` (a path or a binary file) as a workbook, and return how many
    data rows it holds. XlsxWriter's constant-memory mode writes each row out as it comes,
    with inline strings, so memory does not grow with the rows. Every cell is a string cell,
    which Excel shows and never evaluates, whatever it starts with: no apostrophe added."""
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
    sheet = workbook.add_worksheet("Reports")
    count = -1
    width = 0
    for count, row in enumerate(rows):
        for column, text in enumerate(row):
            sheet.write_string(count, column, _xlsx_text(text))
        width = len(row)
    sheet.freeze_panes(1, 0)
    if count >= 0:
        sheet.autofilter(0, 0, max(count, 0), width - 1)
    workbook.close()
    return max(count, 0)


def xlsx_response(reports: QuerySet) -> FileResponse:
    """The reports as an Excel workbook, written to a temporary file on disk and sent from
    there (the file has no name once open: it goes when the response closes it)."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as named:
        path = Path(named.name)
    try:
        write_xlsx(report_rows(reports), str(path))
        file = path.open("rb")
    finally:
        path.unlink(missing_ok=True)
    return FileResponse(
        file, as_attachment=True, filename=export_filename("xlsx"), content_type=XLSX_CONTENT_TYPE
    )


EXPORTS = {"csv": csv_response, "xlsx": xlsx_response}
