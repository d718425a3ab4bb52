"""The status pages: matrix, countries, commitments, reports, meetings, and who sees them."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from commitments.models import Participant
from commitments.services.reports import report_submit
from tests.conftest import count_queries, make_correction, make_report, page_html

pytestmark = pytest.mark.django_db

PROGRESS_PAGES = ["/matrix/", "/countries/"]
PUBLIC_PAGES = [
    "/",
    "/countries/idn/",
    "/commitments/",
    "/commitments/17a/",
    "/meetings/",
    "/meetings/bali-2003/",
]


def make_history(scale: int):
    """`scale` reports on each of a few pairs, each pair's first report corrected once."""
    participants = list(Participant.objects.tracked().order_by("short_name")[:6])
    codes = ["17a", "17b", "18"]
    for participant in participants:
        for code in codes:
            reports = [
                make_report(
                    participant,
                    code,
                    status="limited",
                    as_of=datetime.date(2002, 4, 1) + datetime.timedelta(days=20 * i),
                )
                for i in range(scale)
            ]
            correction = make_correction(original=reports[0], user=None, status="substantial")
            report_submit(report=correction, user=None)
            make_report(participant, code, submitted=False, status="complete")


# Who sees what -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", PROGRESS_PAGES)
def test_progress_pages_send_anonymous_users_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", PROGRESS_PAGES + PUBLIC_PAGES)
def test_progress_pages_are_open_when_the_deployment_says_so(client, settings, url):
    settings.FOLLOWUP_PUBLIC_PROGRESS = True
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_reference_pages_are_public(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", PROGRESS_PAGES + PUBLIC_PAGES)
def test_pages_reject_post(siti, url):
    assert siti.post(url).status_code == 405


def test_anonymous_users_see_no_progress_on_the_dashboard(client, indonesia):
    make_report(indonesia, narrative="Secret words.")
    page = page_html(client.get("/"))
    assert "Log in</a> to see them" in page
    assert "Limited" not in page


def test_the_login_page_uses_the_projects_templates(client):
    page = page_html(client.get("/accounts/login/?next=/matrix/"))
    assert "Bali follow-up tracker" in page
    assert "Please log in to continue" in page


def test_logging_in_leads_back_to_the_page(client, official_of_indonesia):
    response = client.post(
        "/accounts/login/",
        {"username": "siti", "password": "correct horse battery", "next": "/matrix/"},
    )
    assert response.status_code == 302
    assert response.url == "/matrix/"


def test_a_wrong_password_is_explained(client, official_of_indonesia):
    response = client.post("/accounts/login/", {"username": "siti", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in page_html(response)


def test_logout_is_post_only(siti):
    assert siti.get("/accounts/logout/").status_code == 405
    assert siti.post("/accounts/logout/").status_code == 302
    assert siti.get("/matrix/").status_code == 302


# The matrix --------------------------------------------------------------------------------------


def test_the_matrix_shows_the_latest_report_of_each_pair(siti, indonesia):
    make_report(indonesia, status="limited", as_of=datetime.date(2002, 6, 1))
    latest = make_report(indonesia, status="substantial", as_of=datetime.date(2003, 6, 1))
    page = page_html(siti.get("/matrix/"))
    assert f'<a href="/reports/{latest.pk}/"><span class="status status-substantial">' in page
    assert "as of </span>1 June 2003" in page


def test_the_matrix_as_of_a_past_date_shows_what_stood_then(siti, indonesia):
    old = make_report(indonesia, status="limited", as_of=datetime.date(2002, 6, 1))
    make_report(indonesia, status="substantial", as_of=datetime.date(2003, 6, 1))
    page = page_html(siti.get("/matrix/?as_of=2003-02-28"))
    assert "Status matrix as of 28 February 2003" in page
    assert f'<a href="/reports/{old.pk}/">' in page
    assert "1 June 2003" not in page


def test_the_matrix_before_any_report_says_so(siti, indonesia):
    make_report(indonesia, as_of=datetime.date(2003, 6, 1))
    page = page_html(siti.get("/matrix/?as_of=2002-03-01"))
    assert "No report had been submitted by 1 March 2002." in page


def test_the_matrix_leaves_out_superseded_reports_and_drafts(siti, indonesia):
    original = make_report(indonesia, status="limited")
    correction = make_correction(original=original, user=None, status="complete")
    make_report(indonesia, "17b", submitted=False, status="complete")
    page = page_html(siti.get("/matrix/"))
    assert "status-complete" not in page  # the correction is still a draft, and so is 17b
    report_submit(report=correction, user=None)
    page = page_html(siti.get("/matrix/"))
    assert f"/reports/{correction.pk}/" in page
    assert f"/reports/{original.pk}/" not in page


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2003-02-31", "Enter a date as YYYY-MM-DD"),
        ("yesterday", "Enter a date as YYYY-MM-DD"),
        ("2001-01-01", "on or after 26 February 2002"),
        ("2999-01-01", "not in the future"),
    ],
)
def test_a_bad_matrix_date_is_explained(siti, as_of, message):
    response = siti.get(f"/matrix/?as_of={as_of}")
    assert response.status_code == 200
    page = page_html(response)
    assert message in page
    assert "The matrix below is as of today." in page


def test_every_tracked_participant_has_a_row_even_without_reports(siti):
    page = page_html(siti.get("/matrix/"))
    assert page.count('<span class="status status-no_report">No report</span>') == 38 * 7


# Countries ---------------------------------------------------------------------------------------


def country_rows(response) -> dict[str, dict]:
    """The rows of /countries/ by participant name."""
    return {row.record["participant"].short_name: row.record for row in table_rows(response)}


def table_rows(response):
    return response.context["table"].rows


def country_value(record: dict, column: str):
    if column == "short_name":
        return record["participant"].short_name
    if column == "role":
        return record["participant"].get_role_display()
    return record[column]


def test_the_country_table_counts_statuses_per_participant(siti, indonesia, thailand):
    make_report(indonesia, "17a", status="complete")
    make_report(indonesia, "17b", status="complete")
    make_report(thailand, "17a", status="limited")
    rows = country_rows(siti.get("/countries/"))
    assert (rows["Indonesia"]["count_complete"], rows["Indonesia"]["count_no_report"]) == (2, 5)
    assert rows["Thailand"]["count_limited"] == 1
    assert rows["Indonesia"]["latest_report"] == datetime.date(2003, 1, 15)
    assert len(rows) == 38


@pytest.mark.parametrize(
    "column",
    ["short_name", "role", "count_not_started", "count_limited", "count_substantial",
     "count_complete", "count_not_applicable", "count_no_report", "latest_report"],
)  # fmt: skip
@pytest.mark.parametrize("direction", ["", "-"])
def test_the_country_table_sorts_by_every_column(siti, indonesia, thailand, column, direction):
    australia = Participant.objects.get(iso3="AUS")
    for participant, code, status, day in [
        (indonesia, "17a", "complete", 1), (indonesia, "17b", "complete", 2),
        (thailand, "17a", "limited", 3), (thailand, "17b", "substantial", 4),
        (thailand, "17c", "not_applicable", 5), (australia, "17a", "not_started", 6),
    ]:  # fmt: skip
        make_report(participant, code, status=status, as_of=datetime.date(2003, 1, day))
    response = siti.get(f"/countries/?sort={direction}{column}")
    assert response.status_code == 200
    values = [country_value(row.record, column) for row in table_rows(response)]
    present = [v for v in values if v is not None]
    assert len(set(present)) > 1, "the data must tell the orders apart"
    assert present == sorted(present, reverse=direction == "-")


def test_the_country_page_accepts_lower_and_upper_case(siti):
    assert siti.get("/countries/idn/").status_code == 200
    assert siti.get("/countries/IDN/").status_code == 200


@pytest.mark.parametrize("code", ["xyz", "id", "1dn", "idnx"])
def test_an_unknown_country_is_not_found(siti, code):
    assert siti.get(f"/countries/{code}/").status_code == 404


def test_the_country_page_shows_current_status_evidence_and_history(siti, indonesia):
    original = make_report(indonesia, status="limited", narrative="First account.")
    correction = make_correction(
        original=original, user=None, status="substantial", narrative="Corrected account.",
        evidence_links="https://example.org/law-2003",
    )  # fmt: skip
    report_submit(report=correction, user=None)
    make_report(indonesia, "17b", submitted=False, narrative="Draft words.")
    page = page_html(siti.get("/countries/idn/"))
    assert "Corrected account." in page
    assert "https://example.org/law-2003" in page
    assert f"Correction of report #{original.pk}" in page
    assert "Replaced by a later correction." in page
    assert "Draft words." not in page


def test_the_country_page_lists_groups_and_meetings(siti):
    page = page_html(siti.get("/countries/nzl/"))
    assert "Coordinates: <strong>AHEG I</strong>" in page
    page = page_html(siti.get("/countries/tha/"))
    assert "Jakarta coordination meeting" in page


def test_an_observer_has_a_page_without_progress(siti):
    page = page_html(siti.get("/countries/can/"))
    assert "only the co-chairs and the participating states and entities report progress" in page


# Commitments -------------------------------------------------------------------------------------


def test_the_commitment_page_shows_text_chart_and_table(siti, indonesia):
    make_report(indonesia, "17a", status="complete", as_of=datetime.date(2003, 3, 1))
    response = siti.get("/commitments/17a/")
    page = page_html(response)
    assert "Paragraph 17 of the Co-Chairs' Statement" in page
    assert "<svg" in page
    assert "<title" in page
    assert '<span class="status status-complete">Complete</span>' in page
    over_time = {
        row.label: {k: n for k, _, n in row.counts} for row in response.context["chart"].rows
    }
    # Half-year ends up to the latest date a report speaks for, and that date.
    assert list(over_time) == ["30 June 2002", "31 December 2002", "1 March 2003"]
    assert over_time["31 December 2002"]["complete"] == 0
    assert over_time["1 March 2003"]["complete"] == 1
    assert over_time["1 March 2003"]["no_report"] == 37


def test_a_commitment_without_reports_says_so(siti):
    response = siti.get("/commitments/17d/")
    page = page_html(response)
    assert "No report on this commitment has been submitted yet." in page
    assert 'id="over-time-title"' not in page  # no chart


def test_an_untracked_commitment_has_no_progress(siti):
    response = siti.get("/commitments/15/")
    assert response.status_code == 200
    assert "not tracked" in page_html(response)
    assert "chart" not in response.context


def test_an_unknown_commitment_is_not_found(siti):
    assert siti.get("/commitments/99z/").status_code == 404


def test_anonymous_users_see_the_commitment_text_but_not_progress(client, indonesia):
    make_report(indonesia, "17a", status="complete")
    page = page_html(client.get("/commitments/17a/"))
    assert "Developing more effective" in page
    assert "status-complete" not in page


# One report --------------------------------------------------------------------------------------


def test_a_report_page_shows_the_report_and_its_correction(siti, indonesia):
    original = make_report(indonesia, narrative="First account.")
    correction = make_correction(original=original, user=None)
    report_submit(report=correction, user=None)
    page = page_html(siti.get(f"/reports/{original.pk}/"))
    assert "First account." in page
    assert f'corrected by <a href="/reports/{correction.pk}/">' in page


def test_a_draft_is_shown_only_to_its_own_participants_officials(siti, indonesia, thailand):
    own = make_report(indonesia, submitted=False)
    other = make_report(thailand, submitted=False)
    assert siti.get(f"/reports/{own.pk}/").status_code == 200
    assert siti.get(f"/reports/{other.pk}/").status_code == 404


def test_a_report_page_needs_login(client, indonesia):
    report = make_report(indonesia)
    assert client.get(f"/reports/{report.pk}/").status_code == 302


# Meetings ----------------------------------------------------------------------------------------


def test_the_meetings_page_lists_both_kinds(client):
    page = page_html(client.get("/meetings/"))
    assert "Second Regional Ministerial Conference" in page
    assert "Bandar Seri Begawan" in page
    assert "16–17 September 2002" in page


def test_a_ministerial_meeting_page_keeps_both_attendance_figures(client):
    page = page_html(client.get("/meetings/bali-2003/"))
    assert "32 participating countries" in page
    assert "33 member states" in page
    assert "Hassan Wirajuda and Alexander Downer" in page
    assert "confidence: medium" in page


def test_an_expert_meeting_page_shows_attendance_and_assistance(client):
    page = page_html(client.get("/meetings/jakarta-coordination-2003/"))
    assert "26 March 2003" in page
    assert "<strong>IOM</strong>" in page
    assert "<strong>UNHCR</strong>" in page
    assert "Thailand" in page


def test_an_unknown_meeting_is_not_found(client):
    assert client.get("/meetings/nowhere-1999/").status_code == 404


# Query counts ------------------------------------------------------------------------------------

PAGES_TO_COUNT = [
    "/",
    "/matrix/",
    "/matrix/?as_of=2003-02-28",
    "/countries/",
    "/countries/idn/",
    "/countries/afg/",
    "/commitments/",
    "/commitments/17a/",
    "/meetings/",
    "/meetings/aheg-1-colombo-2003/",
    "/meetings/bali-2002/",
]


def test_the_query_count_does_not_grow_with_the_reports(siti):
    """Every page on one history, then on ten times as much (one history for all the pages:
    building it is most of this test's time)."""
    make_history(scale=1)
    small = {url: count_queries(siti, url) for url in PAGES_TO_COUNT}
    make_history(scale=9)  # ten times the reports in all
    assert {url: count_queries(siti, url) for url in PAGES_TO_COUNT} == small


def test_the_report_page_query_count_is_fixed(siti, indonesia):
    report = make_report(indonesia)
    # session, user, the report with its participant and commitment, the viewer's official
    # record (permission check, then cached for the navigation), its correction, its files,
    # its history rows, its files' history rows, its comments, the data version and the
    # demo-data flag (then cached under that version), the viewer's groups (navigation), the
    # navigation's to-do count for an official (9 queries, cached until the data changes)
    assert count_queries(siti, f"/reports/{report.pk}/") == 21


# Demonstration data ------------------------------------------------------------------------------

DEMO_NOTICE = "<strong>Demonstration data.</strong>"


@pytest.mark.parametrize("url", ["/", "/matrix/", "/countries/idn/", "/reports/", "/meetings/"])
def test_every_page_says_so_while_demo_data_exists(siti, indonesia, url):
    make_report(indonesia)
    assert DEMO_NOTICE not in page_html(siti.get(url))
    make_report(indonesia, "17b", is_demo=True)
    assert DEMO_NOTICE in page_html(siti.get(url))


def test_a_correction_that_moves_the_date_later_replaces_the_report_from_then_on(siti, indonesia):
    original = make_report(indonesia, status="limited", as_of=datetime.date(2002, 6, 1))
    correction = make_correction(
        original=original, user=None, status="substantial", as_of=datetime.date(2003, 6, 1)
    )
    report_submit(report=correction, user=None)
    between = page_html(siti.get("/matrix/?as_of=2002-12-31"))
    assert f"/reports/{original.pk}/" in between  # all there was on that date
    after = page_html(siti.get("/matrix/?as_of=2003-12-31"))
    assert f"/reports/{correction.pk}/" in after
    assert f"/reports/{original.pk}/" not in after


def test_the_country_table_dates_ignore_replaced_reports(siti, indonesia):
    original = make_report(indonesia, as_of=datetime.date(2003, 6, 1))
    correction = make_correction(original=original, user=None, as_of=datetime.date(2002, 6, 1))
    report_submit(report=correction, user=None)
    rows = country_rows(siti.get("/countries/"))
    assert rows["Indonesia"]["latest_report"] == datetime.date(2002, 6, 1)


def test_anonymous_users_see_a_countrys_groups_but_not_its_progress(client, indonesia):
    make_report(indonesia, narrative="Secret words.")
    page = page_html(client.get("/countries/tha/"))
    assert "Jakarta coordination meeting" in page
    make_report(Participant.objects.get(iso3="THA"), narrative="Thai words.")
    page = page_html(client.get("/countries/tha/"))
    assert "Thai words." not in page
    assert "progress reports are shown to signed-in users" in page


def test_organisations_are_named_without_an_empty_link(client):
    page = page_html(client.get("/meetings/jakarta-coordination-2003/"))
    assert '<a href="">' not in page


def test_the_country_page_prints_as_a_profile(siti, indonesia):
    """On paper: a masthead with the tracker, the date and the page's address; no header,
    menus, forms or paging (site.css's print rules)."""
    make_report(indonesia)
    html = page_html(siti.get("/countries/idn/"))
    assert '<p class="print-only print-masthead">' in html
    assert "Country profile · printed" in html
    assert "http://testserver/countries/idn/" in html
    css = (Path(settings.BASE_DIR) / "commitments/static/commitments/site.css").read_text()
    print_rules = css[css.index("@media print {\n  html {") :]
    assert ".print-only {\n    display: block !important;" in print_rules
    for hidden in (".site-header", ".no-print", "form"):
        assert hidden in print_rules.split("display: none !important;")[0]
