"""CSV and Excel downloads of the reports table: the page's rows (all pages), in the page's
order, with the table's columns and headings, as plain text.

The columns are ReportTable's, in its order; this module only says how each one reads as
text, from fields read with `values_list`, so that a download of any size streams from the
database without building model instances. Two columns the page leaves out follow them: the
narrative and the source, which is what readers of a download most often want.

Text that a spreadsheet would run as a formula: the CSV prefixes it with an apostrophe (a
CSV has no other way to say "text"); the Excel file writes every cell as a string cell,
which Excel never evaluates, so it holds the text exactly as it is.
"""

import csv
import datetime
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell

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


def _csv_chunks(rows: Iterable[list[str]]) -> Iterator[str]:
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
        _csv_chunks(report_rows(reports)),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{export_filename("csv")}"'},
    )


def _xlsx_cell(sheet, text: str) -> WriteOnlyCell:
    """A string cell: Excel shows its text and never evaluates it, whatever it starts with,
    so no apostrophe is added. Excel files cannot hold most control characters and openpyxl
    refuses them: they are removed."""
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
    # Set after the value, which would make text starting with "=" a formula ("f").
    cell.data_type = "s"
    return cell


def xlsx_response(reports: QuerySet) -> FileResponse:
    """The reports as an Excel workbook, written in openpyxl's write-only mode to a
    temporary file (in memory while small, on disk past 10 MB) and sent from there."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Reports")
    for row in report_rows(reports):
        sheet.append([_xlsx_cell(sheet, text) for text in row])
    # FileResponse closes the file once it is sent.
    file = tempfile.SpooledTemporaryFile(max_size=10 * 1024 * 1024)  # noqa: SIM115
    try:
        workbook.save(file)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return FileResponse(
        file, as_attachment=True, filename=export_filename("xlsx"), content_type=XLSX_CONTENT_TYPE
    )


EXPORTS = {"csv": csv_response, "xlsx": xlsx_response}
