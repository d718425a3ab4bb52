"""The reports page: every submitted report, filtered, sorted and paginated."""

import datetime

import pytest

from commitments.models import Commitment, ProgressReport
from commitments.paging import MAX_PER_PAGE
from commitments.tables import ReportTable
from tests.conftest import count_queries, make_report

pytestmark = pytest.mark.django_db

Status = ProgressReport.Status


def shown(response) -> list[int]:
    """The ids of the reports on the page, in the page's order."""
    assert response.status_code == 200
    return [row.record.pk for row in response.context["table"].paginated_rows]


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_it_sends_anonymous_users_to_login(client):
    response = client.get("/reports/?status=limited")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/reports/%3Fstatus%3Dlimited"


def test_it_sends_anonymous_downloads_to_login(client):
    response = client.get("/reports/?export=csv")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_is_open_to_anonymous_users_when_progress_is_public(client, settings, indonesia):
    settings.FOLLOWUP_PUBLIC_PROGRESS = True
    report = make_report(indonesia)
    assert shown(client.get("/reports/")) == [report.pk]


def test_it_rejects_post(siti):
    assert siti.post("/reports/").status_code == 405


def test_it_lists_submitted_reports_and_never_drafts(siti, indonesia, thailand):
    submitted = make_report(indonesia, "17a")
    make_report(thailand, "17b", submitted=False, narrative="Draft words")
    response = siti.get("/reports/")
    assert shown(response) == [submitted.pk]
    assert "Draft words" not in response.content.decode()
    assert "1 submitted report." in text(response)


def test_it_shows_each_column(siti, indonesia):
    original = make_report(indonesia, "18", as_of=datetime.date(2003, 2, 28), confidence="high")
    correction = make_report(
        indonesia, "18", as_of=datetime.date(2003, 2, 28), status=Status.SUBSTANTIAL,
        corrects=original,
    )  # fmt: skip
    page = text(siti.get("/reports/"))
    commitment = Commitment.objects.get(code="18")
    assert '<a href="/countries/idn/">Indonesia</a>' in page
    assert f"18: {commitment.title}" in page
    # The status in words, with a class only for styling.
    assert '<span class="status status-substantial">Substantial</span>' in page
    assert "28 February 2003" in page
    assert "High" in page
    # The correction corrects the original, and nothing replaces it: a dash.
    assert f'<td ><a href="/reports/{original.pk}/">{original.pk}</a></td><td >—</td>' in page
    assert (
        f'<a aria-label="View report {correction.pk}: Indonesia on 18" '
        f'href="/reports/{correction.pk}/">View</a>'
    ) in page
    # The original corrects nothing, a dash, and the correction replaces it.
    assert f'<td >—</td><td ><a href="/reports/{correction.pk}/">{correction.pk}</a></td>' in page


def test_it_lists_the_newest_date_first(siti, indonesia):
    older = make_report(indonesia, as_of=datetime.date(2002, 9, 1))
    newer = make_report(indonesia, as_of=datetime.date(2003, 3, 1))
    assert shown(siti.get("/reports/")) == [newer.pk, older.pk]


@pytest.fixture
def two_reports(indonesia, thailand):
    """Two reports that differ in every column; `first` comes first in each ascending sort."""
    first = make_report(
        indonesia, "17a", status=Status.NOT_STARTED, as_of=datetime.date(2002, 6, 1),
        confidence="high",
    )  # fmt: skip
    second = make_report(
        thailand, "18", status=Status.COMPLETE, as_of=datetime.date(2003, 1, 1),
        confidence="low",
    )  # fmt: skip
    return first, second


@pytest.mark.parametrize(
    "column",
    ["participant", "commitment", "status", "as_of", "submitted", "confidence", "report"],
)
def test_it_sorts_by_each_column_both_ways(siti, two_reports, column):
    first, second = two_reports
    assert shown(siti.get(f"/reports/?sort={column}")) == [first.pk, second.pk]
    assert shown(siti.get(f"/reports/?sort=-{column}")) == [second.pk, first.pk]


def test_it_sorts_statuses_along_their_scale_not_alphabetically(siti, indonesia):
    complete = make_report(indonesia, status=Status.COMPLETE)
    limited = make_report(indonesia, status=Status.LIMITED)
    not_started = make_report(indonesia, status=Status.NOT_STARTED)
    assert shown(siti.get("/reports/?sort=status")) == [not_started.pk, limited.pk, complete.pk]


def test_it_sorts_by_the_corrected_report(siti, indonesia):
    first_original = make_report(indonesia, "17a")
    second_original = make_report(indonesia, "17b")
    second_correction = make_report(indonesia, "17b", corrects=second_original)
    first_correction = make_report(indonesia, "17a", corrects=first_original)
    corrections = {first_correction.pk, second_correction.pk}

    def order(sort):
        return [pk for pk in shown(siti.get(f"/reports/?sort={sort}")) if pk in corrections]

    assert order("corrects") == [first_correction.pk, second_correction.pk]
    assert order("-corrects") == [second_correction.pk, first_correction.pk]


def test_it_says_which_correction_replaced_a_report(siti, indonesia, thailand):
    original = make_report(indonesia, "17a", as_of=datetime.date(2002, 9, 1))
    correction = make_report(indonesia, "17a", as_of=datetime.date(2002, 9, 2), corrects=original)
    other = make_report(thailand, "18", as_of=datetime.date(2002, 9, 3))
    # A draft correction replaces nothing until it is submitted.
    make_report(thailand, "18", submitted=False, corrects=other)
    rows = siti.get("/reports/?sort=as_of").context["table"].paginated_rows
    assert [row.get_cell_value("replaced_by") for row in rows] == [correction.pk, None, None]
    assert [row.get_cell("replaced_by") for row in rows][1:] == ["—", "—"]


def test_it_sorts_by_the_replacing_report(siti, indonesia, thailand):
    first_original = make_report(indonesia, "17a")
    second_original = make_report(thailand, "17b")
    first_correction = make_report(indonesia, "17a", corrects=first_original)
    second_correction = make_report(thailand, "17b", corrects=second_original)
    originals = {first_original.pk, second_original.pk}

    def order(sort):
        return [pk for pk in shown(siti.get(f"/reports/?sort={sort}")) if pk in originals]

    assert first_correction.pk < second_correction.pk
    assert order("replaced_by") == [first_original.pk, second_original.pk]
    assert order("-replaced_by") == [second_original.pk, first_original.pk]


def test_the_current_filter_leaves_out_replaced_reports(siti, indonesia, thailand):
    original = make_report(indonesia, "17a", as_of=datetime.date(2002, 9, 1))
    correction = make_report(indonesia, "17a", as_of=datetime.date(2002, 9, 2), corrects=original)
    other = make_report(thailand, "18", as_of=datetime.date(2002, 9, 3))
    make_report(thailand, "18", submitted=False, corrects=other)  # a draft replaces nothing
    assert shown(siti.get("/reports/?sort=as_of")) == [original.pk, correction.pk, other.pk]
    response = siti.get("/reports/?sort=as_of&current=on")
    assert shown(response) == [correction.pk, other.pk]
    page = text(response)
    assert "2 submitted reports match these filters." in page
    # A checkbox with its label, ticked as asked.
    assert (
        '<label for="id_current"><input type="checkbox" name="current" '
        'aria-describedby="id_current_helptext" id="id_current" checked> '
        "Only reports not replaced by a correction</label>"
    ) in page
    # Unticked, the filter is not applied.
    assert 'id="id_current" checked' not in text(siti.get("/reports/"))


def test_a_table_of_reports_without_the_replaced_by_annotation_leaves_the_column_out(indonesia):
    """As the comment queue's table (a ReportTable) is given them: it can neither show nor
    sort the column, so the column is not there."""
    report = make_report(indonesia)
    table = ReportTable(ProgressReport.objects.all(), order_by="replaced_by")
    assert "replaced_by" not in table.columns
    assert table.order_by == ()  # the sort by it is ignored, as an unknown one is
    assert [row.record.pk for row in table.rows] == [report.pk]
    assert "replaced_by" in ReportTable.base_columns


def test_it_ignores_an_unknown_sort(siti, two_reports):
    first, second = two_reports
    assert shown(siti.get("/reports/?sort=narrative")) == [second.pk, first.pk]


def test_each_filter_narrows_the_rows(siti, indonesia, thailand):
    a = make_report(
        indonesia, "17a", status=Status.LIMITED, as_of=datetime.date(2002, 6, 1),
        confidence="high", narrative="A joint task force on document fraud.",
    )  # fmt: skip
    b = make_report(
        thailand, "18", status=Status.COMPLETE, as_of=datetime.date(2003, 1, 1),
        confidence="low", source="Royal Thai Police",
    )  # fmt: skip
    cases = {
        f"participant={indonesia.iso3}": [a],
        "participant=idn": [a],  # a code in any case
        "commitment=18": [b],
        "status=limited": [a],
        "confidence=low": [b],
        "as_of_after=2002-12-31": [b],
        "as_of_before=2002-12-31": [a],
        "as_of_after=2002-06-01&as_of_before=2002-06-01": [a],
        "q=document+FRAUD": [a],  # the narrative, any case
        "q=police+thai": [],  # the words together, as typed
        "q=royal thai": [b],  # the source
        "q=thail": [b],  # the participant's name
        "status=limited&confidence=low": [],
    }
    for query, expected in cases.items():
        assert shown(siti.get(f"/reports/?{query}")) == [r.pk for r in expected], query


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("as_of_after=2003-13-45", "as_of_after", "Enter a valid date."),
        ("participant=999999", "participant", "Select a valid choice."),
        ("status=green", "status", "Select a valid choice."),
        (
            "as_of_after=2003-03-01&as_of_before=2003-01-01",
            "as_of_before",
            "The “to” date is before the “from” date.",
        ),
    ],
)
def test_it_explains_bad_filter_input(siti, indonesia, query, field, message):
    make_report(indonesia)
    response = siti.get(f"/reports/?{query}")
    assert response.status_code == 200
    page = text(response)
    assert f'<small id="id_{field}_error" class="form-error" role="alert">{message}' in page
    assert 'aria-invalid="true"' in page
    assert "No reports are shown until the filters marked above are corrected." in page
    assert shown(response) == []


def test_it_does_not_offer_an_observer_in_the_participant_filter(siti):
    response = siti.get("/reports/")
    choices = [label for _, label in response.context["filter"].form.fields["participant"].choices]
    assert "Indonesia" in choices
    assert "Japan" in choices
    assert "United States" not in choices  # an observer state
    assert "IOM" not in choices


def test_it_paginates_by_25(siti, indonesia):
    reports = [
        make_report(indonesia, as_of=datetime.date(2002, 3, 1) + datetime.timedelta(days=n))
        for n in range(30)
    ]
    newest_first = [r.pk for r in reversed(reports)]
    first_page = siti.get("/reports/")
    assert shown(first_page) == newest_first[:25]
    assert "30 submitted reports: 1 to 25 on this page." in text(first_page)
    assert '<a href="?page=2" aria-label="Page 2">2</a>' in text(first_page)
    second_page = siti.get("/reports/?page=2")
    assert shown(second_page) == newest_first[25:]
    assert "30 submitted reports: 26 to 30 on this page." in text(second_page)


def test_it_shows_the_last_page_for_a_page_past_the_end(siti, indonesia):
    report = make_report(indonesia)
    assert shown(siti.get("/reports/?page=99")) == [report.pk]
    assert shown(siti.get("/reports/?page=abc")) == [report.pk]


def test_it_keeps_filters_and_sort_in_its_links(siti, indonesia):
    for n in range(26):
        make_report(indonesia, as_of=datetime.date(2002, 3, 1) + datetime.timedelta(days=n))
    page = text(siti.get(f"/reports/?participant={indonesia.iso3}&sort=as_of&page=1"))
    query = f"participant={indonesia.iso3}&amp;sort=as_of"
    assert f'<a href="?{query}&amp;export=csv">Download CSV</a>' in page
    assert f'<a href="?{query}&amp;export=xlsx">Download Excel</a>' in page
    assert f'href="?{query}&amp;page=2"' in page
    assert f'<a href="?participant={indonesia.iso3}&amp;sort=-as_of">As of</a>' in page
    # The filter form keeps the sort.
    assert '<input type="hidden" name="sort" value="as_of">' in page


def test_it_says_when_no_report_has_been_submitted(siti, indonesia):
    make_report(indonesia, submitted=False)
    response = siti.get("/reports/")
    assert "No reports have been submitted yet." in text(response)
    assert "<table" not in response.content.decode()


def test_it_says_when_no_report_matches_the_filters(siti, indonesia):
    make_report(indonesia, status=Status.LIMITED)
    response = siti.get("/reports/?status=complete")
    assert "No submitted reports match these filters." in text(response)
    assert "Download CSV" not in response.content.decode()


def test_its_caption_says_how_many_reports_match_the_filters(siti, indonesia, thailand):
    make_report(indonesia)
    make_report(thailand)
    assert "2 submitted reports." in text(siti.get("/reports/"))
    page = text(siti.get(f"/reports/?participant={indonesia.iso3}"))
    assert "1 submitted report matches these filters." in page


def test_it_shows_the_page_for_an_unknown_export_format(siti, indonesia):
    report = make_report(indonesia)
    response = siti.get("/reports/?export=pdf")
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert shown(response) == [report.pk]


def test_its_query_count_does_not_grow_with_the_reports(siti, indonesia, thailand):
    commitments = list(Commitment.objects.tracked())

    def add_reports(count):
        for n in range(count):
            report = make_report(
                [indonesia, thailand][n % 2],
                commitments[n % len(commitments)].code,
                as_of=datetime.date(2002, 3, 1) + datetime.timedelta(days=n),
            )
            if n % 3 == 0:  # corrected: "Replaced by" shows the correction
                make_report(
                    report.participant, report.commitment.code, as_of=report.as_of,
                    corrects=report,
                )  # fmt: skip

    add_reports(3)
    few = count_queries(siti, "/reports/")
    add_reports(27)  # 30 in all: more than a page
    # The session, its user, the count of matching reports, the page of reports with their
    # participants, commitments and replacing corrections (one query: joins and a
    # subquery), the participants and the commitments of the filter's
    # choices, the data version and whether there is demonstration data (for the banner,
    # then cached under that version), and the viewer's official record and groups (for the
    # navigation), and the navigation's to-do count for an official (9 queries: the country's
    # row of the matrix, drafts and deleted drafts, the reporting round, the questions;
    # cached until the data changes): 19 queries.
    assert count_queries(siti, "/reports/") == few == 19


def test_it_caps_the_page_size_asked_for(siti, indonesia):
    make_report(indonesia)
    assert siti.get("/reports/?per_page=10").context["table"].paginator.per_page == 10
    assert siti.get("/reports/?per_page=100000").context["table"].paginator.per_page == 100


@pytest.mark.parametrize(
    ("per_page", "expected"),
    [
        ("-5", 1),  # was a 500: a negative slice of the queryset
        ("-1", 1),
        ("1", 1),
        ("0", 25),  # not a page size: the table's own
        ("100", MAX_PER_PAGE),
        ("101", MAX_PER_PAGE),
        ("9" * 30, MAX_PER_PAGE),
        ("abc", 25),  # junk is ignored
        ("1e3", 25),
        ("", 25),
    ],
)
def test_it_clamps_any_page_size_asked_for(siti, indonesia, per_page, expected):
    reports = [
        make_report(indonesia, as_of=datetime.date(2002, 3, 1) + datetime.timedelta(days=n))
        for n in range(3)
    ]
    response = siti.get("/reports/", {"per_page": per_page})
    assert response.status_code == 200
    assert response.context["table"].paginator.per_page == expected
    assert shown(response) == [r.pk for r in reversed(reports)][:expected]
