"""Reading a file of reports for import, and working out what each row would do; nothing here
writes (`services.imports` applies a plan).

The format is the reports export's (`exports.report_columns`): the same headings, in any
order, CSV (UTF-8 with or without a byte-order mark, comma or semicolon) or Excel. The export
itself and the blank template are valid input. Columns the export writes for readers
(names, links, "Submitted", "Replaced by") are read past; the codes say who and what.

Each row becomes a `RowPlan`:
- with no report number: a new report, unless the same report is already held (then
  "unchanged") or an earlier row of the file says the same (then a repeat of it);
- with a report number: unchanged when every field reads as the report does, otherwise a
  correction of it (a submitted report is never edited);
- an error, with the column and a message, when the forms would refuse the row.
The rules are the model's (`ProgressReport.clean_fields` and `clean`), so that a row is
refused exactly when the form would refuse it.
"""

import contextlib
import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from commitments.exports import FORMULA_PREFIXES, report_columns
from commitments.models import Commitment, Confidence, Participant, ProgressReport
from commitments.permissions import import_scope

# The headings are the file format (the reports export's, read back here): in English in every
# language, like the export's. The messages in the rows and the errors file's message column
# are in the language of the page that made the preview.
IMPORT_ERROR_HEADING = "Import error"

# The columns a row is read from, by the export's heading, and the model field each fills.
REPORT_NUMBER = "Report number"
PARTICIPANT_CODE = "Participant code"
COMMITMENT_CODE = "Commitment code"
FIELD_COLUMNS = {
    "Status": "status",
    "As of": "as_of",
    "Confidence": "confidence",
    "Narrative": "narrative",
    "Narrative language": "narrative_language",
    "Source": "source",
    "Evidence links": "evidence_links",
}
REQUIRED_COLUMNS = [PARTICIPANT_CODE, COMMITMENT_CODE, "Status", "As of", "Narrative"]
READ_COLUMNS = {REPORT_NUMBER, PARTICIPANT_CODE, COMMITMENT_CODE, *FIELD_COLUMNS}
OPTIONAL_COLUMNS = set(FIELD_COLUMNS) - set(REQUIRED_COLUMNS)
COLUMN_OF_FIELD = {name: heading for heading, name in FIELD_COLUMNS.items()}
COLUMN_OF_FIELD |= {"participant": PARTICIPANT_CODE, "commitment": COMMITMENT_CODE}


def known_headings() -> set[str]:
    """Every heading the export writes, and the errors file's own column."""
    return {column.heading for column in report_columns()} | {IMPORT_ERROR_HEADING}


class FileProblem(Exception):
    """The file as a whole cannot be read as reports; the message says why, and what to do."""


@dataclass
class Table:
    headings: list[str]
    # Each row as (its row number in the spreadsheet, counting the heading as 1; its cells).
    rows: list[tuple[int, list]]


# Reading --------------------------------------------------------------------------------


def read_table(name: str, content: bytes) -> Table:
    """The headings and the non-empty rows of a CSV or Excel file. FileProblem when the file
    cannot be read, has no heading row or holds more rows than IMPORT_MAX_ROWS."""
    if name.lower().endswith(".xlsx"):
        lines = _xlsx_lines(content)
    elif name.lower().endswith(".csv"):
        lines = _csv_lines(content)
    else:
        raise FileProblem(_("Upload a .csv or .xlsx file, in the columns of the reports download."))
    try:
        headings = [_heading(cell) for cell in next(lines)]
    except StopIteration:
        raise FileProblem(_("The file is empty: it has no heading row.")) from None
    while headings and not headings[-1]:
        headings.pop()
    rows = []
    for number, cells in enumerate(lines, start=2):
        if any(_has_content(cell) for cell in cells):
            rows.append((number, list(cells)))
            if len(rows) > settings.IMPORT_MAX_ROWS:
                most = number_format(settings.IMPORT_MAX_ROWS, force_grouping=True)
                raise FileProblem(
                    _(
                        "The file has more than %(most)s rows, the most one import takes. "
                        "Split it into files of fewer rows and import each; nothing was read."
                    )
                    % {"most": most}
                )
    return Table(headings, rows)


def _has_content(cell) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _heading(cell) -> str:
    return "" if cell is None else str(cell).strip()


def _csv_lines(content: bytes) -> Iterator[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            _(
                "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”, or "
                "upload the Excel workbook itself."
            )
        ) from None
    first_line = text.split("\n", 1)[0]
    # Excel writes semicolons where the decimal separator is a comma; the heading row tells.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    except csv.Error as error:
        raise FileProblem(
            _("The file is not a readable CSV file (%(error)s).") % {"error": error}
        ) from None


def _xlsx_lines(content: bytes) -> Iterator[list]:
    # openpyxl is imported here: only the import reads workbooks.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds, all meaning "not a workbook we can read"
        raise FileProblem(
            _(
                "The file is not an Excel workbook that can be read (.xlsx). Save it again "
                "from your spreadsheet program as an Excel workbook, or as CSV UTF-8."
            )
        ) from None
    try:
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def check_headings(headings: list[str]) -> dict[str, int]:
    """Where each column the import reads is (heading -> index). FileProblem for a missing
    required column, a heading the export never writes, or a heading given twice."""
    known = known_headings()
    by_lower = {heading.lower(): heading for heading in known}
    positions, unknown = {}, []
    for index, raw in enumerate(headings):
        heading = by_lower.get(raw.lower())
        if heading is None:
            unknown.append(raw or _("(column %(number)d has no heading)") % {"number": index + 1})
        elif heading in positions:
            raise FileProblem(_("The column “%(heading)s” appears twice.") % {"heading": heading})
        else:
            positions[heading] = index
    if missing := [heading for heading in REQUIRED_COLUMNS if heading not in positions]:
        raise FileProblem(
            _(
                "The file lacks the column(s) %(columns)s. Start from the blank template or "
                "from a download of the reports."
            )
            % {"columns": quoted_list(missing)}
        )
    if unknown:
        raise FileProblem(
            _(
                "The file has column(s) the import does not know: %(columns)s. Use the "
                "columns of the blank template (other columns cannot be imported)."
            )
            % {"columns": quoted_list(unknown)}
        )
    return {heading: index for heading, index in positions.items() if heading in READ_COLUMNS}


def quoted_list(headings: list[str]) -> str:
    """“Status”, “As of”: headings as a message lists them."""
    return ", ".join(f"“{h}”" for h in headings)


# Cells --------------------------------------------------------------------------------


class CellError(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def text_of(cell) -> str:
    """A cell as text, with the apostrophe the CSV download puts before text that a
    spreadsheet would read as a formula taken off again."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = cell.isoformat() if isinstance(cell, datetime.date) else str(cell)
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def normalised(text: str) -> str:
    """Text as a spreadsheet round trip leaves it comparable: Windows line ends made plain,
    surrounding spaces gone."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def link_lines(text: str) -> str:
    """Evidence links one per line, blank lines left out, as the download writes them."""
    return "\n".join(line.strip() for line in normalised(text).splitlines() if line.strip())


def _date(cell, column: str) -> datetime.date:
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    text = text_of(cell).strip()
    try:
        # An Excel date saved as text may keep a time of midnight: "2003-02-28 00:00:00".
        return datetime.date.fromisoformat(text[:10] if len(text) > 10 else text)
    except ValueError:
        raise CellError(
            column,
            _("“%(text)s” is not a date: write it as YYYY-MM-DD, for example 2003-02-28.")
            % {"text": text},
        ) from None


def _choice(cell, column: str, choices) -> str:
    """A status or confidence level by its label ("Substantial") or its stored value. The
    label in English, as the download writes it, or in the language of the page."""
    text = text_of(cell).strip().lower()
    with translation.override(settings.LANGUAGE_CODE):
        source_labels = [str(label) for _value, label in choices]
    for (value, label), source_label in zip(choices, source_labels, strict=True):
        if text in (value, source_label.lower(), str(label).lower()):
            return value
    raise CellError(
        column,
        _("“%(text)s” is not one of: %(allowed)s.")
        % {"text": text_of(cell), "allowed": ", ".join(source_labels)},
    )


def _report_number(cell) -> int | None:
    text = text_of(cell).strip()
    if not text:
        return None
    if not text.isdigit():
        raise CellError(REPORT_NUMBER, _("“%(text)s” is not a report number.") % {"text": text})
    return int(text)


# Planning -------------------------------------------------------------------------------


@dataclass
class RowPlan:
    number: int
    action: str  # "new", "correction", "unchanged", "repeat" or "error"
    participant: str = ""
    commitment: str = ""
    status: str = ""
    as_of: str = ""
    report: int | None = None  # the report it corrects, or the report it matches
    note: str = ""  # what the action means here: the fields changed, the row it repeats
    errors: list = field(default_factory=list)  # [column, message] pairs
    values: dict = field(default_factory=dict, repr=False)  # the model fields, to apply

    def as_json(self) -> dict:
        data = asdict(self)
        del data["values"]
        return data

    @property
    def writes(self) -> bool:
        return self.action in ("new", "correction")


ACTION_LABELS = {
    "new": gettext_lazy("New report"),
    "correction": pgettext_lazy("what a row of an import does", "Correction"),
    "unchanged": pgettext_lazy("what a row of an import does", "Unchanged"),
    "repeat": gettext_lazy("Repeated row"),
    "error": pgettext_lazy("what a row of an import does", "Error"),
}
COMPARED_FIELDS = [
    "status", "as_of", "confidence", "narrative", "narrative_language", "source",
    "evidence_links",
]  # fmt: skip


@dataclass
class Context:
    """What the rows are checked against, read in a few queries whatever the file's size."""

    user: object
    participants: dict  # ISO3 -> Participant
    commitments: dict  # code (lower case) -> Commitment
    reports: dict  # report number -> submitted ProgressReport (with replaced_by)
    same_reports: dict  # the key of a report's content -> its number
    own: Participant | None  # an official's participant; None for the secretariat
    columns: set  # the headings the file has, of those read


def content_key(participant_id, commitment_id, values) -> tuple:
    return (participant_id, commitment_id, *(values[name] for name in COMPARED_FIELDS))


def report_values(report: ProgressReport) -> dict:
    """A stored report's fields as a row of the file would give them."""
    values = {name: getattr(report, name) for name in COMPARED_FIELDS}
    values["narrative"] = normalised(values["narrative"])
    values["source"] = normalised(values["source"])
    values["evidence_links"] = link_lines(values["evidence_links"])
    return values


def plan_rows(table: Table, user) -> list[RowPlan]:
    """What each row of the table would do, for this user. FileProblem for the headings."""
    positions = check_headings(table.headings)
    cells = [_cells_by_column(row, positions) for _number, row in table.rows]
    context = _context(user, cells, set(positions))
    plans, earlier = [], {}
    for (number, _cells), row in zip(table.rows, cells, strict=True):
        plan = _plan_row(number, row, context)
        if plan.writes:
            _mark_repeats(plan, earlier)
        plans.append(plan)
    return plans


def _mark_repeats(plan: RowPlan, earlier: dict) -> None:
    """A row that says what an earlier row of the file said is a repeat: it writes nothing.
    Two different corrections of one report in one file: the second is an error."""
    values = plan.values
    key = content_key(values["participant"].pk, values["commitment"].pk, values)
    if key in earlier:
        plan.action = "repeat"
        plan.note = _("Same as row %(row)d: skipped.") % {"row": earlier[key]}
        return
    earlier[key] = plan.number
    if plan.action == "correction":
        if (first := earlier.get(("report", plan.report))) is not None:
            plan.action = "error"
            plan.errors.append([REPORT_NUMBER, (
                _("Row %(row)d already changes report %(report)d: one row per report.")
                % {"row": first, "report": plan.report}
            )])  # fmt: skip
        else:
            earlier["report", plan.report] = plan.number


def _cells_by_column(cells: list, positions: dict[str, int]) -> dict:
    return {heading: cells[i] if i < len(cells) else None for heading, i in positions.items()}


def _context(user, rows: list[dict], columns: set) -> Context:
    numbers = set()
    for row in rows:
        try:
            if (number := _report_number(row.get(REPORT_NUMBER))) is not None:
                numbers.add(number)
        except CellError:
            pass  # reported with the row
    participants = {p.iso3: p for p in Participant.objects.exclude(iso3="")}
    commitments = {c.code.lower(): c for c in Commitment.objects.all()}
    own = import_scope(user)
    return Context(
        user=user,
        participants=participants,
        commitments=commitments,
        reports=_numbered_reports(numbers),
        same_reports=_same_reports(rows, participants, commitments),
        own=own,
        columns=columns,
    )


def _numbered_reports(numbers: set[int]) -> dict[int, ProgressReport]:
    reports = {}
    numbers = sorted(numbers)
    for start in range(0, len(numbers), 2000):  # within every database's parameter limit
        chunk = numbers[start : start + 2000]
        for report in ProgressReport.objects.submitted().with_replaced_by().filter(pk__in=chunk):
            reports[report.pk] = report
    return reports


def _same_reports(rows, participants, commitments) -> dict[tuple, int]:
    """Submitted reports that a new row may repeat word for word: those of the file's
    participants with the file's dates (a re-imported file then writes nothing)."""
    ids = {p.pk for code, p in participants.items() if _has_code(rows, PARTICIPANT_CODE, code)}
    dates = set()
    for row in rows:
        with contextlib.suppress(CellError):
            dates.add(_date(row.get("As of"), "As of"))
    if not ids or not dates:
        return {}
    found = {}
    dates = sorted(dates)
    for start in range(0, len(dates), 500):
        reports = ProgressReport.objects.submitted().filter(
            participant_id__in=ids, as_of__in=dates[start : start + 500]
        )
        for report in reports.only("pk", "participant", "commitment", *COMPARED_FIELDS):
            key = content_key(report.participant_id, report.commitment_id, report_values(report))
            found.setdefault(key, report.pk)
    return found


def _has_code(rows, column, code) -> bool:
    return any(text_of(row.get(column)).strip().upper() == code for row in rows)


def _plan_row(number: int, row: dict, context: Context) -> RowPlan:
    plan = RowPlan(
        number=number,
        action="error",
        participant=text_of(row.get(PARTICIPANT_CODE)).strip().upper(),
        commitment=text_of(row.get(COMMITMENT_CODE)).strip(),
        status=text_of(row.get("Status")).strip(),
        as_of=text_of(row.get("As of")).strip(),
    )
    values, report_number, errors = _row_values(row, context)
    if errors:
        plan.errors.extend(errors)
        return plan
    plan.as_of = values["as_of"].isoformat()
    plan.values = values
    if report_number is None:
        same = context.same_reports.get(
            content_key(values["participant"].pk, values["commitment"].pk, values)
        )
        if same is not None:
            plan.action, plan.report = "unchanged", same
            plan.note = _("Report %(report)d says the same already: nothing to write.") % {
                "report": same
            }
        else:
            plan.action = "new"
        return plan
    return _plan_numbered(plan, report_number, values, context)


class _Problems:
    """The problems of one row, every one of them: a user who fixes the one shown should not
    find the next on the following upload."""

    def __init__(self):
        self.found: list[list[str]] = []

    def read(self, parse, *args):
        """What `parse` reads from the row's cell, or None with its problem noted."""
        try:
            return parse(*args)
        except CellError as error:
            self.found.append([error.column, error.message])
            return None


def _row_values(row: dict, context: Context) -> tuple[dict, int | None, list[list[str]]]:
    """The row's model fields, checked as the form checks them, its report number, and
    every problem found ([column, message] pairs)."""
    problems = _Problems()
    values = {
        "participant": problems.read(_participant, row, context),
        "commitment": problems.read(_commitment, row, context),
        "status": problems.read(
            _choice, row.get("Status"), "Status", ProgressReport.Status.choices
        ),
        "as_of": problems.read(_date, row.get("As of"), "As of"),
        "narrative": normalised(text_of(row.get("Narrative"))),
        "narrative_language": problems.read(_narrative_language, row),
        "source": normalised(text_of(row.get("Source"))),
        "evidence_links": link_lines(text_of(row.get("Evidence links"))),
        "confidence": problems.read(_confidence, row),
    }
    report_number = problems.read(_report_number, row.get(REPORT_NUMBER))
    unread = {name for name, value in values.items() if value is None}
    report = ProgressReport(**{name: value for name, value in values.items() if value is not None})
    # The participant and the commitment were found above: no query per row to find them
    # again. A cell that could not be read is not judged twice.
    for check in (
        lambda: report.clean_fields(exclude=["participant", "commitment", *unread]),
        report.clean,
    ):
        try:
            check()
        except ValidationError as error:
            problems.found += _model_errors(error)
    return values, report_number, problems.found


def _narrative_language(row) -> str:
    """A language code ("id", "zh-hans"); English when the cell or the column is empty."""
    code = text_of(row.get("Narrative language")).strip().lower()
    if not code:
        return "en"
    if code not in dict(ProgressReport._meta.get_field("narrative_language").choices):
        raise CellError("Narrative language", _(
            "“%(code)s” is not a language code: write it as the download does, for example "
            "en, id, fr or zh-hans."
        ) % {"code": code})  # fmt: skip
    return code


def _confidence(row) -> str:
    if not text_of(row.get("Confidence")).strip():
        return Confidence.MEDIUM
    return _choice(row.get("Confidence"), "Confidence", Confidence.choices)


def _participant(row, context: Context) -> Participant:
    code = text_of(row.get(PARTICIPANT_CODE)).strip().upper()
    if not code:
        raise CellError(PARTICIPANT_CODE, _("The participant's code is missing (ISO3, e.g. IDN)."))
    participant = context.participants.get(code)
    if participant is None:
        raise CellError(
            PARTICIPANT_CODE,
            _("No participant has the code “%(code)s”.") % {"code": code},
        )
    if context.own is not None and participant.pk != context.own.pk:
        raise CellError(
            PARTICIPANT_CODE,
            _(
                "You report for %(own)s (%(own_code)s) only; this row is for %(participant)s "
                "(%(code)s)."
            )
            % {
                "own": context.own.short_name,
                "own_code": context.own.iso3,
                "participant": participant.short_name,
                "code": code,
            },
        )
    return participant


def _commitment(row, context: Context) -> Commitment:
    code = text_of(row.get(COMMITMENT_CODE)).strip()
    if not code:
        raise CellError(COMMITMENT_CODE, _("The commitment's code is missing (e.g. 17a)."))
    commitment = context.commitments.get(code.lower())
    if commitment is None:
        raise CellError(
            COMMITMENT_CODE, _("No commitment has the code “%(code)s”.") % {"code": code}
        )
    return commitment


def _model_errors(error: ValidationError) -> list[list[str]]:
    if not hasattr(error, "error_dict"):
        return [["", message] for message in error.messages]
    return [
        [COLUMN_OF_FIELD.get(name, ""), message]
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _plan_numbered(plan: RowPlan, number: int, values: dict, context: Context) -> RowPlan:
    plan.report = number
    report = context.reports.get(number)
    if report is None:
        plan.errors.append(
            [
                REPORT_NUMBER,
                _("No submitted report has the number %(number)d.") % {"number": number},
            ]
        )
        return plan
    if (report.participant_id, report.commitment_id) != (
        values["participant"].pk,
        values["commitment"].pk,
    ):
        plan.errors.append([REPORT_NUMBER, (
            _(
                "Report %(number)d is on another participant or commitment: a correction "
                "keeps both. Leave the report number empty to add a new report."
            )
            % {"number": number}
        )])  # fmt: skip
        return plan
    stored = report_values(report)
    # A column the file leaves out (Source, Evidence links, Confidence) says nothing of its
    # field: the correction keeps what the report says.
    for heading in OPTIONAL_COLUMNS - context.columns:
        values[FIELD_COLUMNS[heading]] = stored[FIELD_COLUMNS[heading]]
    changed = [COLUMN_OF_FIELD[name] for name, old in stored.items() if values[name] != old]
    if not changed:
        plan.action = "unchanged"
        plan.note = _("Reads as report %(number)d does.") % {"number": number}
    elif report.replaced_by is not None:
        plan.errors.append([REPORT_NUMBER, (
            _(
                "Report %(number)d has been corrected already, by report %(newer)s: change "
                "that report's row instead."
            )
            % {"number": number, "newer": report.replaced_by}
        )])  # fmt: skip
    else:
        plan.action = "correction"
        # Translators: %(columns)s lists the file's column headings, in English (its format).
        plan.note = _("Changes: %(columns)s.") % {"columns": ", ".join(changed)}
    return plan
