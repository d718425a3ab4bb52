"""Importing reports from a file in the export's format: the preview (every row, nothing
written), the application (whole, through the services, or nothing), the errors file, the
limits, and who may import what."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from commitments.models import OutgoingEmail, ProgressReport, ReportImport
from commitments.services.imports import import_preview
from tests.conftest import count_queries, make_correction, make_report, messages_of, page_text

pytestmark = pytest.mark.django_db

HEADINGS = ["Participant code", "Commitment code", "Status", "As of", "Narrative"]
UPLOAD = reverse("import_upload")


def csv_bytes(rows, headings=HEADINGS, delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headings)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def upload(client, content: bytes, name="reports.csv"):
    """Upload a file; return (the response's final page, the import it made or None)."""
    file = io.BytesIO(content)
    file.name = name
    response = client.post(UPLOAD, {"import_file": file}, follow=True)
    return response, ReportImport.objects.order_by("-pk").first()


def outcomes(batch) -> list[tuple]:
    return [(row["number"], row["action"], row["report"]) for row in batch.rows]


def errors_of(batch) -> dict[int, list]:
    return {row["number"]: row["errors"] for row in batch.rows if row["errors"]}


def export_csv(client, query="") -> str:
    response = client.get(reverse("report_list") + "?export=csv" + query)
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.fixture
def three_reports(indonesia, thailand, official_of_indonesia):
    return [
        make_report(indonesia, "17a", user=official_of_indonesia),
        make_report(indonesia, "17b", user=official_of_indonesia, narrative="=SUM(A1) is text"),
        make_report(thailand, "17a", status=ProgressReport.Status.SUBSTANTIAL),
    ]


# The round trip: the export, changed in a spreadsheet, uploaded, previewed, applied -------------


def test_a_changed_status_in_the_csv_export_becomes_a_correction_once_applied(
    amir, secretariat_user, three_reports
):
    text = export_csv(amir)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    header, body = rows[0], rows[1:]
    number = header.index("Report number")
    changed = next(row for row in body if row[number] == str(three_reports[0].pk))
    changed[header.index("Status")] = "Substantial"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    before = ProgressReport.objects.count()

    page, batch = upload(amir, out.getvalue().encode())

    # The preview: every row, and nothing written.
    assert ProgressReport.objects.count() == before
    assert sorted(action for _, action, _ in outcomes(batch)) == [
        "correction", "unchanged", "unchanged",
    ]  # fmt: skip
    text = page_text(page)
    assert f"Correction of report {three_reports[0].pk}" in text
    assert "Changes: Status." in text
    assert "Apply the file" in text

    applied = amir.post(reverse("import_apply", args=[batch.pk]), follow=True)
    assert "1 correction(s)" in " ".join(messages_of(applied)) or "applied" in page_text(applied)
    correction = ProgressReport.objects.get(corrects=three_reports[0])
    assert correction.is_submitted
    assert correction.status == ProgressReport.Status.SUBSTANTIAL
    assert correction.narrative == three_reports[0].narrative
    assert correction.imported_from == batch
    assert correction.submitted_by == secretariat_user
    assert ProgressReport.objects.count() == before + 1
    # Every history row of the new report names the importer and the file.
    history = list(correction.history.all())
    assert history
    assert {row.history_user for row in history} == {secretariat_user}
    assert all(f"reports.csv (import {batch.pk})" in row.history_change_reason for row in history)
    # One email for the file, none per report.
    assert list(OutgoingEmail.objects.values_list("subject", flat=True)) == [
        "Reports imported: 0 new, 1 corrections"
    ]
    # The report's page tells its story with the file's name.
    assert (
        "imported from reports.csv"
        in page_text(amir.get(reverse("report_detail", args=[correction.pk]))).lower()
    )


def test_the_unchanged_export_changes_nothing_and_cannot_be_applied(amir, three_reports):
    page, batch = upload(amir, export_csv(amir).encode())
    assert [action for _, action, _ in outcomes(batch)] == ["unchanged"] * 3
    assert not batch.can_apply
    assert "Nothing in this file is new" in page_text(page)
    response = amir.post(reverse("import_apply", args=[batch.pk]), follow=True)
    assert "nothing new" in " ".join(messages_of(response)).lower()
    assert ProgressReport.objects.count() == 3


def test_the_excel_export_round_trips_and_a_formula_like_narrative_survives(amir, three_reports):
    response = amir.get(reverse("report_list") + "?export=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index("Report number")].value == three_reports[2].pk:
            row[header.index("Source")].value = "The ministry, in 2004"
    out = io.BytesIO()
    workbook.save(out)

    _, batch = upload(amir, out.getvalue(), name="reports.xlsx")

    by_report = {row["report"]: row for row in batch.rows}
    assert by_report[three_reports[2].pk]["action"] == "correction"
    assert by_report[three_reports[2].pk]["note"] == "Changes: Source."
    # "=SUM(A1) is text" was written as text, read back as the same text.
    assert by_report[three_reports[1].pk]["action"] == "unchanged"
    # The CSV's apostrophe before it is taken off on the way in, too.
    _, batch = upload(amir, export_csv(amir).encode())
    assert {row["action"] for row in batch.rows} == {"unchanged"}


# New reports, repeats, and the file's forms ----------------------------------------------------


def test_new_rows_from_a_semicolon_csv_with_a_bom_and_a_repeated_row(amir, indonesia):
    row = ["IDN", "17a", "limited", "2003-02-28", "A task force was set up."]
    content = csv_bytes([row, row, ["idn", "17B", "Complete", "2003-03-01", "A law."]],
                        delimiter=";", bom=True)  # fmt: skip
    _, batch = upload(amir, content)
    assert outcomes(batch) == [(2, "new", None), (3, "repeat", None), (4, "new", None)]
    assert batch.rows[1]["note"] == "Same as row 2: skipped."

    amir.post(reverse("import_apply", args=[batch.pk]))

    made = ProgressReport.objects.filter(participant=indonesia).order_by("commitment__code")
    assert [(r.commitment.code, r.status, r.confidence, r.is_submitted) for r in made] == [
        ("17a", "limited", "medium", True),
        ("17b", "complete", "medium", True),
    ]
    # The same file again: both reports are held already, so nothing is new.
    _, again = upload(amir, content)
    assert [action for _, action, _ in outcomes(again)] == ["unchanged"] * 3
    assert not again.can_apply


def test_the_blank_template_has_the_export_columns_and_imports_as_an_empty_file(amir):
    response = amir.get(reverse("import_template", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8")
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header[:3] == ["Participant", "Commitment", "Status"]
    assert "Report number" in header
    assert "Participant code" in header
    page, batch = upload(amir, text.encode())
    assert batch.rows == []
    assert not batch.file_error
    assert not batch.can_apply
    assert "The file has a heading row and no rows." in page_text(page)
    xlsx = amir.get(reverse("import_template", args=["xlsx"]))
    assert xlsx.status_code == 200
    assert load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active["A1"].value == (
        "Participant"
    )
    xlsx.close()
    assert amir.get(reverse("import_template", args=["pdf"])).status_code == 404


# Row errors: the forms' rules, each with its row, its column and a message ---------------------


def test_each_kind_of_bad_row_is_an_error_with_its_column_and_nothing_is_applied(
    amir, three_reports
):
    future = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    rows = [
        ["IDN", "17a", "Done", "2003-01-15", "x"],  # 2: unknown status
        ["IDN", "17a", "Limited", "28/02/2003", "x"],  # 3: not an ISO date
        ["IDN", "17a", "Limited", future, "x"],  # 4: in the future
        ["IDN", "17a", "Limited", "2001-12-31", "x"],  # 5: before the conference
        ["USA", "17a", "Limited", "2003-01-15", "x"],  # 6: an observer
        ["IDN", "15", "Limited", "2003-01-15", "x"],  # 7: an untracked commitment
        ["XYZ", "17a", "Limited", "2003-01-15", "x"],  # 8: no such participant
        ["IDN", "99z", "Limited", "2003-01-15", "x"],  # 9: no such commitment
        ["IDN", "17a", "Limited", "2003-01-15", ""],  # 10: no narrative
        ["IDN", "17a", "Limited", "2003-01-15", "A good row."],  # 11: fine
    ]
    content = csv_bytes(rows)
    page, batch = upload(amir, content)
    errors = errors_of(batch)
    columns = {number: [column for column, _ in found] for number, found in errors.items()}
    assert columns == {
        2: ["Status"], 3: ["As of"], 4: ["As of"], 5: ["As of"], 6: ["Participant code"],
        7: ["Commitment code"], 8: ["Participant code"], 9: ["Commitment code"],
        10: ["Narrative"],
    }  # fmt: skip
    assert (
        "is not one of: Not started, Limited, Substantial, Complete, Not applicable"
        in (errors[2][0][1])
    )
    assert "YYYY-MM-DD" in errors[3][0][1]
    assert "observers" in errors[6][0][1]
    assert batch.rows[-1]["action"] == "new"
    assert not batch.can_apply
    assert "9 rows cannot be imported" in page_text(page)

    refused = amir.post(reverse("import_apply", args=[batch.pk]), follow=True)
    assert "nothing" in " ".join(messages_of(refused)).lower() or "none of it" in " ".join(
        messages_of(refused)
    )
    assert ProgressReport.objects.count() == 3
    assert ReportImport.objects.get(pk=batch.pk).state == "previewed"


def test_a_row_with_several_problems_lists_them_all(amir):
    headings = [*HEADINGS, "Confidence", "Report number"]
    rows = [["USA", "17a", "Done", "2001-01-01", "", "Very high", "abc"]]
    _, batch = upload(amir, csv_bytes(rows, headings))
    assert [column for column, _ in errors_of(batch)[2]] == [
        "Status", "Confidence", "Report number", "Narrative", "Participant code", "As of"
    ]  # fmt: skip
    # A cell that cannot be read is not judged twice ("Done" is only "not one of").
    assert len(errors_of(batch)[2]) == 6


def test_a_correction_from_a_file_without_the_optional_columns_keeps_their_values(amir, indonesia):
    original = make_report(
        indonesia, "17a", source="Ministry of Law", confidence="high",
        evidence_links="https://example.org/law",
    )  # fmt: skip
    headings = ["Report number", *HEADINGS]
    rows = [[original.pk, "IDN", "17a", "Substantial", "2003-01-15", original.narrative]]
    _, batch = upload(amir, csv_bytes(rows, headings))
    assert outcomes(batch) == [(2, "correction", original.pk)]
    assert batch.rows[0]["note"] == "Changes: Status."
    amir.post(reverse("import_apply", args=[batch.pk]))
    correction = original.corrections.get()
    assert (correction.status, correction.source, correction.confidence) == (
        "substantial", "Ministry of Law", "high"
    )  # fmt: skip
    assert correction.evidence_links == "https://example.org/law"


def test_report_numbers_that_cannot_be_corrected_are_errors(amir, three_reports, siti):
    idn_17a, _, tha_17a = three_reports
    make_correction(original=idn_17a, user=User.objects.get(username="siti"), status="complete")
    corrected = ProgressReport.objects.get(corrects=idn_17a)
    from commitments.services.reports import report_submit

    report_submit(report=corrected, user=User.objects.get(username="siti"))
    draft = make_report(tha_17a.participant, "17c", submitted=False)
    headings = [*HEADINGS, "Report number"]
    rows = [
        ["IDN", "17a", "Substantial", "2003-01-15", "x", str(idn_17a.pk)],  # 2: corrected already
        ["IDN", "17a", "Limited", "2003-01-15", "x", str(tha_17a.pk)],  # 3: another pair
        ["THA", "17c", "Limited", "2003-01-15", "x", str(draft.pk)],  # 4: a draft's number
        ["THA", "17a", "Limited", "2003-01-15", "x", "twelve"],  # 5: not a number
        ["THA", "17a", "Complete", "2003-01-15", "x", str(tha_17a.pk)],  # 6: a correction
        ["THA", "17a", "Limited", "2003-01-15", "y", str(tha_17a.pk)],  # 7: a second one
    ]
    _, batch = upload(amir, csv_bytes(rows, headings))
    errors = errors_of(batch)
    assert f"corrected already, by report {corrected.pk}" in errors[2][0][1]
    assert "another participant or commitment" in errors[3][0][1]
    # A draft is nobody else's business: it reads as no report at all.
    assert errors[4] == [["Report number", f"No submitted report has the number {draft.pk}."]]
    assert errors[5] == [["Report number", "\u201ctwelve\u201d is not a report number."]]
    assert batch.rows[4]["action"] == "correction"
    assert "Row 6 already changes report" in errors[7][0][1]


# Who may import what ----------------------------------------------------------------------------


def test_an_official_imports_for_their_own_participant_only(siti, official_of_indonesia):
    rows = [
        ["IDN", "17a", "Limited", "2003-01-15", "Our progress."],
        ["THA", "17a", "Limited", "2003-01-15", "Someone else's progress."],
    ]
    _page, batch = upload(siti, csv_bytes(rows))
    assert batch.rows[0]["action"] == "new"
    assert errors_of(batch)[3] == [[
        "Participant code",
        "You report for Indonesia (IDN) only; this row is for Thailand (THA).",
    ]]  # fmt: skip
    assert "Reports for Indonesia (IDN)" in page_text(siti.get(UPLOAD))
    # Without the other participant's row, the file applies, in the official's name.
    _, batch = upload(siti, csv_bytes(rows[:1]))
    siti.post(reverse("import_apply", args=[batch.pk]))
    report = ProgressReport.objects.get()
    assert (report.participant.iso3, report.submitted_by) == ("IDN", official_of_indonesia)


def test_others_cannot_import_nor_see_or_apply_someone_elses_file(
    client, user_without_participant, siti, somchai, amir
):
    assert client.get(UPLOAD).status_code == 302  # to the login page
    nobody = client
    nobody.force_login(user_without_participant)
    assert nobody.get(UPLOAD).status_code == 403
    _, batch = upload(siti, csv_bytes([["IDN", "17a", "Limited", "2003-01-15", "Ours."]]))
    for other in (somchai, amir):
        assert other.get(reverse("import_preview", args=[batch.pk])).status_code == 404
        assert other.post(reverse("import_apply", args=[batch.pk])).status_code == 404
    assert siti.get(reverse("import_apply", args=[batch.pk])).status_code == 405
    assert ProgressReport.objects.count() == 0


# Errors file, limits, unreadable files -----------------------------------------------------------


def test_the_errors_file_holds_the_failed_rows_with_a_message_and_imports_once_fixed(amir):
    rows = [
        ["IDN", "17a", "Limited", "2003-01-15", "Fine."],
        ["IDN", "17b", "Finished", "2003-01-15", "=1+1 with a bad status"],
    ]
    _, batch = upload(amir, csv_bytes(rows))
    response = amir.get(reverse("import_errors", args=[batch.pk, "csv"]))
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    header, *failed = list(csv.reader(io.StringIO(text)))
    assert header == [*HEADINGS, "Import error"]
    assert len(failed) == 1
    assert failed[0][:5] == ["IDN", "17b", "Finished", "2003-01-15", "'=1+1 with a bad status"]
    assert failed[0][5].startswith("Status: \u201cFinished\u201d is not one of")
    # Fixed in the file and uploaded again, with its message column: it imports.
    failed[0][2] = "Complete"
    out = io.StringIO()
    csv.writer(out).writerows([header, *failed])
    _, fixed = upload(amir, out.getvalue().encode())
    assert outcomes(fixed) == [(2, "new", None)]
    assert fixed.rows
    assert fixed.can_apply
    amir.post(reverse("import_apply", args=[fixed.pk]))
    assert ProgressReport.objects.get().narrative == "=1+1 with a bad status"
    # A file with no errors has no errors file.
    assert amir.get(reverse("import_errors", args=[fixed.pk, "csv"])).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("reports.csv", b"Participant code,Status\nIDN,Limited\n", "lacks the column(s)"),
        ("reports.csv", csv_bytes([], [*HEADINGS, "Remarks"]), "\u201cRemarks\u201d"),
        ("reports.csv", csv_bytes([], [*HEADINGS, "Status"]), "appears twice"),
        ("reports.csv", "Participant code,Narrative\nIDN,caf\xe9\n".encode("latin-1"), "UTF-8"),
        ("reports.xlsx", b"not a workbook", "not an Excel workbook"),
        ("reports.csv", b"", "The file is empty."),
    ],
)
def test_a_file_that_cannot_be_read_as_reports_says_why(amir, name, content, message):
    page, batch = upload(amir, content, name=name)
    if batch is None:  # an empty file is refused by the form itself
        assert message in page_text(page)
        return
    assert message in batch.file_error
    assert message in page_text(page)
    assert batch.rows == []
    assert not batch.can_apply


def test_the_limits_refuse_the_whole_file_before_any_row(amir, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [["IDN", "17a", "Limited", "2003-01-15", f"Row {i}"] for i in range(3)]
    _, batch = upload(amir, csv_bytes(rows))
    assert "more than 2 rows" in batch.file_error
    assert batch.rows == []
    settings.IMPORT_MAX_BYTES = 100
    before = ReportImport.objects.count()
    page, _ = upload(amir, csv_bytes(rows))
    assert page.status_code == 400
    assert "an import takes at most 100 bytes" in page_text(page)
    assert ReportImport.objects.count() == before
    assert amir.post(UPLOAD, {"import_file": io.BytesIO(b"x")}).status_code == 400
    page = amir.get(UPLOAD)
    assert "at most 100 bytes and 2 rows" in page_text(page)


# Applying: whole, once, and only what was previewed ----------------------------------------------


def test_a_report_corrected_after_the_preview_stops_the_application(
    amir, siti, official_of_indonesia, three_reports
):
    headings = [*HEADINGS, "Report number"]
    original = three_reports[0]
    rows = [
        ["IDN", "17c", "Limited", "2003-01-15", "A new one."],
        ["IDN", "17a", "Complete", "2003-01-15", original.narrative, str(original.pk)],
    ]
    _, batch = upload(amir, csv_bytes(rows, headings))
    assert batch.can_apply
    # Meanwhile the official corrects the same report.
    from commitments.services.reports import report_submit

    report_submit(
        report=make_correction(original=original, user=official_of_indonesia, status="limited"),
        user=official_of_indonesia,
    )
    before = ProgressReport.objects.count()

    response = amir.post(reverse("import_apply", args=[batch.pk]), follow=True)

    assert "changed since this preview" in " ".join(messages_of(response))
    assert ProgressReport.objects.count() == before  # not even the new report of row 2
    batch.refresh_from_db()
    assert batch.state == "previewed"
    assert "corrected already" in errors_of(batch)[3][0][1]


def test_applying_twice_writes_once(amir):
    _, batch = upload(amir, csv_bytes([["IDN", "17a", "Limited", "2003-01-15", "Once."]]))
    amir.post(reverse("import_apply", args=[batch.pk]))
    response = amir.post(reverse("import_apply", args=[batch.pk]), follow=True)
    assert "already applied" in " ".join(messages_of(response))
    assert ProgressReport.objects.count() == 1


def test_applying_writes_the_files_reports_together_and_the_data_version_once(amir, three_reports):
    """What keeps 10,000 rows within bench/import_rows.py's 30 s: the file's reports and
    their corrections are made submitted in bulk INSERTs (no draft first), their history rows
    likewise, and the data version changes once; the queries do not grow with the rows."""

    def apply(rows):
        _, batch = upload(amir, csv_bytes(rows, [*HEADINGS, "Report number"]))
        with CaptureQueriesContext(connection) as queries:
            amir.post(reverse("import_apply", args=[batch.pk]))
        return batch, [query["sql"] for query in queries]

    new_rows = [["IDN", "17b", "Limited", "2003-01-15", f"New {n}", ""] for n in range(3)]
    batch, queries = apply(new_rows)
    writes = [sql.split(" ", 3)[:3] for sql in queries if sql.startswith(("INSERT", "UPDATE"))]
    assert writes.count(["INSERT", "INTO", '"commitments_progressreport"']) == 1
    assert writes.count(["INSERT", "INTO", '"commitments_historicalprogressreport"']) == 1
    assert writes.count(["UPDATE", '"commitments_dataversion"', "SET"]) == 1
    assert not [w for w in writes if w[:2] == ["UPDATE", '"commitments_progressreport"']]
    made = ProgressReport.objects.filter(imported_from=batch)
    assert [r.history.get().state for r in made] == ["submitted"] * 3

    def corrections(reports, status):
        return [
            [r.participant.iso3, r.commitment.code, status, r.as_of.isoformat(), r.narrative,
             str(r.pk)]
            for r in reports
        ]  # fmt: skip

    _, one = apply(corrections(three_reports[:1], "Complete"))
    current = list(ProgressReport.objects.submitted().not_replaced().order_by("pk"))
    assert len(current) == 6
    _, six = apply(corrections(current, "Not applicable"))
    imported_corrections = ProgressReport.objects.filter(imported_from__isnull=False)
    assert imported_corrections.filter(corrects__isnull=False).count() == 1 + 6
    assert len(six) == len(one), "\n".join(six)


def test_preview_queries_do_not_grow_with_the_rows(secretariat_user, amir):
    def queries_for(count):
        user = User.objects.get(pk=secretariat_user.pk)  # nothing known of it beforehand
        rows = [["IDN", "17a", "Limited", "2003-01-15", f"Row {i}"] for i in range(count)]
        numbered = [[*row, ""] for row in rows]
        with CaptureQueriesContext(connection) as queries:
            import_preview(user=user, name="r.csv",
                           content=csv_bytes(numbered, [*HEADINGS, "Report number"]))  # fmt: skip
        return len(queries)

    assert queries_for(3) == queries_for(60)
    # The preview page: the session and its user, the to-do count's, the import.
    _, batch = upload(amir, csv_bytes([["IDN", "17a", "Limited", "2003-01-15", "x"]] * 150))
    url = reverse("import_preview", args=[batch.pk])
    assert count_queries(amir, url) == count_queries(amir, url + "?page=2")


# The file's reports are the forms' reports ------------------------------------------------------

# What differs between two reports made alike: their keys, the moments they were made, and
# here the participant (the same report cannot be made twice, nor one report corrected twice).
MADE_APART = {"id", "participant_id", "corrects_id", "created_at", "updated_at", "submitted_at"}


def stored(report) -> dict:
    fields = ProgressReport._meta.concrete_fields
    return {f.attname: getattr(report, f.attname) for f in fields if f.attname not in MADE_APART}


def history_rows(report) -> list[dict]:
    varying = MADE_APART | {"history_id", "history_date"}
    rows = report.history.order_by("history_id").values()
    return [{name: value for name, value in row.items() if name not in varying} for row in rows]


def made_both_ways(secretariat_user, first, second):
    """`first` made by report_save (a form's report with no files), `second` as a file's."""
    from commitments.services.reports import report_save, reports_submit_new

    for report in (first, second):
        report._change_reason = "Imported from the same file"
    report_save(report=first, user=secretariat_user, submit=True, notify=False)
    reports_submit_new(reports=[second], user=secretariat_user)
    first.refresh_from_db()
    second.refresh_from_db()
    return first, second


def a_new_report(participant) -> ProgressReport:
    from commitments.models import Commitment

    return ProgressReport(
        participant=participant,
        commitment=Commitment.objects.get(code="17c"),
        status="substantial",
        as_of=datetime.date(2004, 5, 1),
        narrative="A law was passed.",
        evidence_links="https://example.org/law",
        source="The ministry",
        confidence="high",
    )


def test_a_new_report_from_a_file_is_stored_as_report_save_stores_one(
    secretariat_user, indonesia, thailand
):
    by_form, by_file = made_both_ways(
        secretariat_user, a_new_report(indonesia), a_new_report(thailand)
    )
    assert by_file.is_submitted
    assert by_file.created_by == by_file.submitted_by == secretariat_user
    assert stored(by_file) == stored(by_form)
    assert history_rows(by_file) == history_rows(by_form)
    assert len(history_rows(by_file)) == 1


def test_a_correction_from_a_file_is_stored_as_report_save_stores_one(
    secretariat_user, indonesia, thailand
):
    from commitments.services.reports import correction_draft

    originals = [make_report(participant) for participant in (indonesia, thailand)]
    corrections = [correction_draft(original) for original in originals]
    for correction in corrections:
        correction.status = "complete"
    by_form, by_file = made_both_ways(secretariat_user, *corrections)
    assert by_file.corrects == originals[1]
    assert stored(by_file) == stored(by_form)
    assert history_rows(by_file) == history_rows(by_form)
    current = ProgressReport.objects.submitted().not_replaced()
    assert set(current) == {by_form, by_file}


def test_a_correction_from_a_file_keeps_the_evidence_files_of_the_report_it_corrects(
    amir, secretariat_user, indonesia, thailand
):
    """As the correction form copies them: the files stay on the current report."""
    from commitments.models import EvidenceFile

    with_files, without = make_report(indonesia), make_report(thailand)
    for name in ("law.pdf", "plan.pdf"):
        EvidenceFile.objects.create(
            report=with_files, file=f"evidence/x/{name}", original_name=name,
            content_type="application/pdf", size=10,
        )  # fmt: skip
    rows = [
        [r.participant.iso3, "17a", "Complete", "2003-01-15", r.narrative, str(r.pk)]
        for r in (with_files, without)
    ]
    _, batch = upload(amir, csv_bytes(rows, [*HEADINGS, "Report number"]))
    amir.post(reverse("import_apply", args=[batch.pk]))

    correction = with_files.corrections.get()
    copies = list(correction.files.order_by("original_name"))
    assert [(f.original_name, f.file.name) for f in copies] == [
        ("law.pdf", "evidence/x/law.pdf"), ("plan.pdf", "evidence/x/plan.pdf"),
    ]  # fmt: skip
    assert {f.uploaded_by for f in copies} == {secretariat_user}
    assert with_files.files.count() == 2  # the corrected report keeps its own
    assert not without.corrections.get().files.exists()
    for copy in copies:
        row = copy.history.get()
        assert row.history_user == secretariat_user
        assert f"(import {batch.pk})" in row.history_change_reason


def test_a_file_whose_one_report_is_refused_writes_none(secretariat_user, indonesia, thailand):
    from django.core.exceptions import ValidationError

    from commitments.models import DataVersion
    from commitments.services.reports import AlreadyCorrected, correction_draft, reports_submit_new

    original = make_report(thailand)
    corrected = make_report(indonesia)
    make_report(indonesia, corrects=corrected)
    in_the_future = a_new_report(indonesia)
    in_the_future.as_of = datetime.date.today() + datetime.timedelta(days=2)
    good = a_new_report(thailand)
    before, version = ProgressReport.objects.count(), DataVersion.objects.get().token

    with pytest.raises(ValidationError) as refused:
        reports_submit_new(reports=[good, in_the_future], user=secretariat_user)
    assert "as_of" in refused.value.message_dict
    with pytest.raises(AlreadyCorrected) as again:
        reports_submit_new(
            reports=[correction_draft(original), correction_draft(corrected)],
            user=secretariat_user,
        )
    assert again.value.newer.corrects == corrected
    assert reports_submit_new(reports=[], user=secretariat_user) == []

    with pytest.raises(ValueError, match="one submitted correction"):
        reports_submit_new(
            reports=[correction_draft(original), correction_draft(original)],
            user=secretariat_user,
        )

    assert ProgressReport.objects.count() == before
    assert not ProgressReport.history.filter(history_user=secretariat_user).exists()
    assert DataVersion.objects.get().token == version


# The command -------------------------------------------------------------------------------------


def test_the_command_previews_then_applies(tmp_path, secretariat_user, capsys):
    path = tmp_path / "reports.csv"
    path.write_bytes(csv_bytes([["THA", "17a", "Limited", "2003-01-15", "By command."]]))
    call_command("import_reports", str(path), "--user", "amir")
    assert "1 new report" in capsys.readouterr().out
    assert ProgressReport.objects.count() == 0
    call_command("import_reports", str(path), "--user", "amir", "--apply")
    assert "Applied" in capsys.readouterr().out
    assert ProgressReport.objects.get().imported_from.original_name == "reports.csv"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["THA", "17a", "Done", "2003-01-15", "x"]]))
    with pytest.raises(CommandError, match="1 row"):
        call_command("import_reports", str(bad), "--user", "amir", "--apply")
    assert "Status" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No user"):
        call_command("import_reports", str(path), "--user", "nobody-here")


def test_an_excel_file_with_real_dates_and_numbers(amir, three_reports):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([*HEADINGS, "Report number", "Confidence"])
    original = three_reports[2]
    sheet.append(["THA", "17a", "Substantial", datetime.datetime(2003, 1, 15), original.narrative,
                  float(original.pk), "High"])  # fmt: skip
    sheet.append(["THA", "17b", "Limited", datetime.date(2004, 5, 1), "New.", None, None])
    out = io.BytesIO()
    workbook.save(out)
    _, batch = upload(amir, out.getvalue(), name="mine.xlsx")
    assert outcomes(batch) == [(2, "correction", original.pk), (3, "new", None)]
    assert batch.rows[0]["note"] == "Changes: Confidence."
