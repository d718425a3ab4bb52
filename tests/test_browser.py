"""End-to-end tests in a real Chromium (Debian's), driven by Playwright against live_server.

They skip with a reason where Chromium is not installed, except in CI (CI=true), where a
skip would hide a broken setup, so they fail instead. Screenshots of each main page are
saved under test-artifacts/ to be looked at.
"""

import csv
import datetime
import io
import os
import shutil
from pathlib import Path

import pytest

from commitments.demo import seed_demo
from commitments.management.commands.load_reference import load_reference_fixtures
from commitments.models import ExpertMeeting
from commitments.roles import ensure_secretariat_group

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DEMO_PASSWORD = "browser-test-password"

if not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing in CI: .ci/run must install it.", pytrace=False)
    pytest.skip(
        "Debian's Chromium is not installed (apt-get install chromium)",
        allow_module_level=True,
    )

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run in
# a thread with an event loop unless told it is safe, as it is here (the database set-up
# can happen while the browser is open, so this is set before any fixture runs).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def site(live_server, settings):
    """The live server with the reference data and the demo data, as a newcomer sees it.

    live_server empties the database after each test, so the data is loaded each time, with
    what the migrations made (the Secretariat group)."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False  # plain http here
    ensure_secretariat_group()
    load_reference_fixtures()
    seed_demo(seed=7, password=DEMO_PASSWORD)
    return live_server.url


@pytest.fixture(autouse=True)
def no_content_security_policy_violation(request):
    """Every page a browser test opens keeps to the Content Security Policy: Chromium reports
    each refused script, style or image on the console, and the test fails on any."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield
    assert refused == []


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def log_in(page, site, username="demo-official-idn", next_path="/"):
    page.goto(f"{site}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_viewer_logs_in_and_follows_the_dashboard_to_a_country(page, site):
    page.goto(site + "/matrix/")
    assert "/accounts/login/" in page.url
    log_in(page, site, next_path="/")
    page.wait_for_url(site + "/")
    assert page.get_by_test_id("review-due-date").inner_text() == "28 February 2003"
    assert page.get_by_text("Demonstration data.").is_visible()
    assert page.locator("table.matrix tbody tr").count() == 38
    screenshot(page, "dashboard")

    page.locator("table.matrix").get_by_role("link", name="Thailand", exact=True).click()
    page.wait_for_url("**/countries/tha/")
    assert page.get_by_role("heading", name="Where Thailand stands").is_visible()
    assert page.get_by_role("heading", name="History of submitted reports").is_visible()
    screenshot(page, "country")


def test_a_viewer_filters_the_reports_and_downloads_the_csv(page, site):
    log_in(page, site, next_path="/reports/")
    page.wait_for_url("**/reports/")
    page.get_by_label("Participant").select_option(label="Indonesia")
    page.get_by_label("Commitment").select_option(index=1)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1
    assert all("Indonesia" in text for text in rows.all_inner_texts())
    screenshot(page, "reports")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    content = Path(download_info.value.path()).read_text(encoding="utf-8-sig")
    header, *csv_rows = list(csv.reader(io.StringIO(content)))
    assert header[0] == "Participant"
    # The file holds every matching report, all pages, as the table's caption counts them.
    matching = int(page.locator("table caption").inner_text().split()[0])
    assert len(csv_rows) == matching >= rows.count()
    assert {row[0] for row in csv_rows} == {"Indonesia"}


def test_a_viewer_opens_the_matrix_for_a_past_date(page, site):
    log_in(page, site, next_path="/matrix/")
    page.wait_for_url("**/matrix/")
    page.get_by_label("As of").fill("2003-02-28")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/matrix/?as_of=2003-02-28")
    assert page.get_by_role("heading", name="Status matrix as of 28 February 2003").is_visible()
    shown = page.locator("table.matrix .as-of").all_inner_texts()
    assert shown, "some reports had been submitted by then"
    for text in shown:
        date_text = " ".join(text.split()).removeprefix("as of ")
        as_of = datetime.datetime.strptime(date_text, "%d %B %Y")
        assert as_of.date() <= datetime.date(2003, 2, 28)
    screenshot(page, "matrix-2003-02-28")


def test_the_public_pages_work_without_logging_in(page, site):
    for path, name in [
        ("/meetings/", "meetings"),
        ("/meetings/bali-2003/", "meeting-bali-2003"),
        ("/commitments/17a/", "commitment-anonymous"),
    ]:
        response = page.goto(site + path)
        assert response.status == 200
        screenshot(page, name)


def test_the_commitment_page_has_a_chart_for_a_viewer(page, site):
    log_in(page, site, next_path="/commitments/18/")
    page.wait_for_url("**/commitments/18/")
    assert page.locator("figure.chart svg").count() == 1
    screenshot(page, "commitment")


def test_the_layout_fits_a_phone(page, site):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, site, next_path="/countries/idn/")
    page.wait_for_url("**/countries/idn/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # nothing pushes the page sideways; wide tables scroll in place
    screenshot(page, "country-phone")


def test_an_official_drafts_edits_and_submits_a_report(page, site, browser):
    log_in(page, site, "demo-official-idn", next_path="/my/")
    page.wait_for_url("**/my/")
    assert page.get_by_role("heading", name="Indonesia: what to do next").is_visible()
    screenshot(page, "workspace")

    page.get_by_role("button", name="Report on 17d").click()
    page.get_by_label("Status").select_option("complete")
    page.get_by_label("The date this report speaks for").fill("2005-01-10")
    page.get_by_label("Narrative").fill("A national campaign ran in every province.")
    screenshot(page, "report-form")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url("**/reports/*/")
    draft_url = page.url
    assert page.get_by_text("Only Indonesia's officials see it").is_visible()

    # An official of another participant cannot reach the draft, not even by its address.
    other = browser.new_context().new_page()
    log_in(other, site, "demo-official-tha", next_path="/my/")
    other.wait_for_url("**/my/")
    assert other.goto(draft_url).status == 404
    assert other.goto(draft_url.replace("/reports/", "/my/reports/") + "edit/").status == 404
    other.context.close()

    page.get_by_role("button", name="Edit or submit the draft").click()
    page.get_by_label("Narrative").fill("A national campaign ran in every province, twice.")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(draft_url)
    assert page.get_by_text("Your report was submitted").is_visible()
    assert page.get_by_text("Submitted the report").is_visible()  # the history

    page.goto(site + "/")
    row = page.locator("table.matrix tbody tr", has_text="Indonesia")
    cell = row.locator("td").nth(3)  # 17d, the fourth commitment
    assert "Complete" in cell.inner_text()
    assert "10 January 2005" in cell.inner_text()
    page.goto(site + "/countries/idn/")
    section = page.locator("article", has_text="17d · Public awareness")
    assert "twice" in section.inner_text()


def test_the_secretariat_takes_recommendations_to_ministers_and_hands_one_over(page, site):
    log_in(page, site, "demo-secretariat", next_path="/admin/commitments/recommendation/add/")
    page.wait_for_url("**/admin/commitments/recommendation/add/")
    # The Content Security Policy allows no inline script or style (every browser test fails
    # on a violation); the admin's own scripts still run: the autocomplete, the inlines, and
    # django-simple-history's page (its template's inline style is removed in ours).
    page.locator(".select2-selection").first.click()
    page.locator(".select2-results__option").first.wait_for()
    page.goto(site + "/admin/commitments/participant/")
    page.locator("#result_list tbody th a").first.click()
    page.get_by_role("link", name="History").click()  # django-simple-history's page
    page.wait_for_url("**/history/")
    page.goto(site + "/admin/commitments/expertmeeting/add/")
    page.fill("input[name=title]", "AHEG I meeting, Manila")
    page.fill("input[name=slug]", "aheg-1-manila-2003")
    page.select_option("select[name=status]", "held")
    page.fill("input[name=place]", "Manila, Philippines")
    page.fill("input[name=start_date]", "2003-03-20")
    page.fill("input[name=end_date]", "2003-03-21")
    page.fill("textarea[name=outcome]", "Agreed two recommendations for Ministers.")
    page.fill("textarea[name=source]", "Browser test")
    for index, text in enumerate(["Share watch lists.", "Train document examiners."]):
        page.get_by_text("Add another Recommendation").click()
        page.fill(f"input[name=recommendations-{index}-reference]", str(index + 1))
        page.fill(f"textarea[name=recommendations-{index}-text]", text)
    page.get_by_role("button", name="Save", exact=True).first.click()
    page.wait_for_url("**/admin/commitments/expertmeeting/")

    meeting = ExpertMeeting.objects.get(title="AHEG I meeting, Manila")
    assert meeting.recommendations.count() == 2
    page.goto(site + f"/meetings/{meeting.slug}/")
    for number in (1, 2):
        item = page.locator("li[id^=recommendation-]").nth(number - 1)
        item.get_by_text("Submit to Ministers").click()
        item.get_by_label("Ministerial meeting").select_option(label="Bali 2003 (28–30 April 2003)")
        item.get_by_role("button", name="Submit").click()
        page.wait_for_load_state()
    first = page.locator("li[id^=recommendation-]").first
    first.get_by_text("Hand over to an existing mechanism").click()
    first.get_by_label("Mechanism").select_option(label="APC (regional)")
    first.get_by_label("Date of the handover").fill("2003-06-02")
    first.get_by_role("button", name="Hand over").click()
    page.wait_for_load_state()
    screenshot(page, "meeting-recommendations")
    assert "Handed over to" in page.locator("li[id^=recommendation-]").first.inner_text()

    page.goto(site + "/ministerial-review/")
    review = page.locator("main").inner_text()
    assert "Share watch lists." in review
    assert "Train document examiners." in review
    assert "59 days late" in review  # submitted at Bali II, 28 April 2003
    screenshot(page, "review")

    page.goto(site + "/ministerial-review/print/")  # opened by no other browser test
    page.goto(site + "/handover/")
    register = page.locator("main").inner_text()
    assert "Share watch lists." in register
    assert "2 June 2003" in register
    screenshot(page, "handover")
