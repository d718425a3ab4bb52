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
from openpyxl import load_workbook

from commitments.demo import seed_demo
from commitments.management.commands.load_reference import load_reference_fixtures
from commitments.models import ExpertMeeting
from commitments.roles import ensure_secretariat_group
from tests.pages import open_each_page

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
def site(refilled_after_flush, live_server, settings):
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
    """The whole page, to be looked at. JPEG: a page 10,000 pixels tall takes a fraction of
    the time to encode that a PNG does."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.jpg", full_page=True, type="jpeg", quality=80)


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


def test_a_viewer_filters_the_reports_and_downloads_the_csv_and_the_workbook(page, site):
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
    assert "participant=IDN" in page.url  # the filters name participants by code

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Excel").click()
    # The download is saved without an extension; openpyxl reads the file object.
    with Path(download_info.value.path()).open("rb") as workbook:
        sheet = load_workbook(workbook).worksheets[0]
    headings = [cell.value for cell in sheet[1]]
    first = dict(zip(headings, sheet[2], strict=True))
    assert first["As of"].is_date
    assert first["Submitted"].is_date
    assert isinstance(first["Report number"].value, int)
    assert first["Report"].value.startswith("http")  # absolute
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == matching + 1


def test_an_official_drafts_edits_and_submits_a_report(page, site, browser):
    log_in(page, site, "demo-official-idn", next_path="/my/")
    page.wait_for_url("**/my/")
    assert page.get_by_role("heading", name="Indonesia: what to do next").is_visible()
    screenshot(page, "workspace")

    page.get_by_role("button", name="Report on 17d").click()
    page.get_by_label("Status").select_option("complete")
    page.get_by_label("The date this report speaks for").fill("2005-01-10")
    narrative = page.get_by_role("textbox", name="Narrative:")
    narrative.fill("A national campaign ran in every province.")
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
    narrative = page.get_by_role("textbox", name="Narrative:")
    narrative.fill("A national campaign ran in every province, twice.")
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


# Issue 11: start pages, pages that fit, the comparison of two dates ------------------------------

# Cells of these tables must all lie inside the page and their scroll box at 1280 px.
WIDE_TABLES = {"comment-queue", "reports", "countries"}

CELLS_OUT_OF_VIEW = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const cell of document.querySelectorAll('main table th, main table td')) {
    const box = cell.closest('.table-scroll');
    const right = box ? Math.min(width, box.getBoundingClientRect().right) : width;
    if (cell.getBoundingClientRect().right > right + 1) out.push(cell.innerText.slice(0, 40));
  }
  return out;
}"""


def test_no_page_is_wider_than_a_phone_no_column_is_hidden_and_the_menus_work(browser, site):
    """Each page of the README's table at 390 px (a phone); the widest tables at 1280 px.
    Screenshots of every page at both widths, and WCAG 2.1 AA on each (axe-core), are
    .ci/accessibility_check.py's: a CI step, kept out of the suite for their time."""
    for name, page in open_each_page(browser, site, 390, log_in):
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{name} is {width} px wide at 390"
    wide = {"comment-queue", "reports", "countries", "matrix", "commitment"}
    for name, page in open_each_page(browser, site, 1280, log_in, only=wide):
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, name
        if name in WIDE_TABLES:
            assert page.locator("main table td").count() > 10, name
            assert page.evaluate(CELLS_OUT_OF_VIEW) == [], name
        if name == "commitment":
            assert page.locator("figure.chart svg").count() == 1  # for a logged-in viewer

    # The menus by keyboard, and the phone's menu without JavaScript.
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Tab")  # the mark and name
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Progress"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Overview"
    page.keyboard.press("Enter")
    page.wait_for_url(site + "/")
    page.context.close()

    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    assert not page.locator(".nav-wide").is_visible()
    page.locator(".nav-phone summary").click()
    menu = page.get_by_role("navigation", name="Main (phone)")
    assert menu.get_by_role("link", name="Meetings").is_visible()
    assert menu.get_by_role("link", name="Log in").is_visible()
    assert menu.get_by_role("link", name="Matrix").count() == 0  # behind the login
    context.close()


def nav_count(page) -> int:
    return int(page.locator(".nav-wide summary .nav-count").inner_text().split()[0])


def test_each_role_lands_on_its_start_page_with_its_counts(page, site, browser):
    log_in(page, site, "demo-official-idn", next_path="")
    page.wait_for_url(site + "/my/")
    assert page.get_by_role("heading", name="Indonesia: what to do next").is_visible()
    todo = page.locator("section.todo")
    listed = todo.locator("article.todo-item li").count()
    assert listed == nav_count(page) > 0  # every to-do is listed, and counted in the header
    # A correction from the start page: its history says what it changed.
    page.locator("table.workspace tbody tr").last.get_by_role("link").nth(1).click()
    page.get_by_role("button", name="Correct this report").click()
    before = page.get_by_label("Status").input_value()
    after = "not_applicable" if before != "not_applicable" else "limited"
    page.get_by_label("Status").select_option(after)
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state()
    assert page.locator(".message-success").is_visible()
    history = page.locator("#history-heading + ol").inner_text()
    assert "Submitted the correction of report #" in history
    assert "Status: “" in history
    screenshot(page, "correction-history")

    secretariat = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(secretariat, site, "demo-secretariat", next_path="")
    secretariat.wait_for_url(site + "/todo/")
    unacknowledged = secretariat.get_by_test_id("todo-unacknowledged")
    waiting = int(unacknowledged.locator("h2 .meta").inner_text().strip("()"))
    assert waiting > 0
    assert nav_count(secretariat) >= waiting
    unacknowledged.locator("li a").first.click()
    secretariat.get_by_label("Kind").select_option("acknowledgement")
    secretariat.get_by_label("Comment").fill("Received with thanks.")
    secretariat.get_by_role("button", name="Send").click()
    secretariat.goto(site + "/todo/")
    assert secretariat.get_by_test_id("todo-unacknowledged").locator("h2 .meta").inner_text() == (
        f"({waiting - 1})"
    )
    secretariat.context.close()


def test_the_matrix_on_a_past_date_and_compared_between_two_dates(page, site):
    log_in(page, site, "demo-secretariat", next_path="/matrix/")
    page.wait_for_url("**/matrix/")
    page.get_by_label("As of").fill("2003-02-28")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/matrix/?as_of=2003-02-28*")
    assert page.get_by_role("heading", name="Status matrix as of 28 February 2003").is_visible()
    shown = page.locator("table.matrix .as-of").all_inner_texts()
    assert shown, "some reports had been submitted by then"
    for text in shown:
        date_text = " ".join(text.split()).removeprefix("as of ")
        as_of = datetime.datetime.strptime(date_text, "%d %B %Y")
        assert as_of.date() <= datetime.date(2003, 2, 28)
    screenshot(page, "matrix-2003-02-28")

    page.goto(site + "/matrix/")
    page.get_by_label("As of").fill("2004-06-07")
    page.get_by_label("Compare with").fill("2003-04-28")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/matrix/?as_of=2004-06-07&compare=2003-04-28")
    heading = "What moved between 28 April 2003 and 7 June 2004"
    assert page.get_by_role("heading", name=heading).is_visible()
    rows = page.get_by_test_id("changes").locator("tbody tr")
    assert rows.count() > 0
    first = rows.first.locator("td").nth(2)  # on the later date
    status = first.locator(".status").inner_text()
    first.get_by_role("link").click()
    page.wait_for_url("**/reports/*/")
    assert status in page.locator("main").inner_text()
