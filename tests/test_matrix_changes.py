"""Issue 11: what moved between two dates, on the matrix (/matrix/?as_of=B&compare=A)."""

import datetime

import pytest

from commitments.status import changes_between
from tests.conftest import count_queries, make_report, page_text

pytestmark = pytest.mark.django_db

BEFORE, AFTER = datetime.date(2003, 4, 28), datetime.date(2004, 6, 7)


@pytest.fixture
def history(indonesia, thailand):
    """Indonesia moved on 17a and reported 17b for the first time; Thailand sent a newer
    report at the same status; nothing else moved."""
    return {
        "idn_old": make_report(indonesia, "17a", status="limited", as_of=datetime.date(2003, 1, 1)),
        "idn_new": make_report(
            indonesia, "17a", status="substantial", as_of=datetime.date(2004, 1, 1)
        ),
        "idn_17b": make_report(
            indonesia, "17b", status="not_started", as_of=datetime.date(2004, 2, 1)
        ),
        "tha_old": make_report(thailand, "18", status="complete", as_of=datetime.date(2003, 2, 1)),
        "tha_new": make_report(thailand, "18", status="complete", as_of=datetime.date(2004, 3, 1)),
        "later": make_report(thailand, "17c", status="limited", as_of=datetime.date(2005, 1, 1)),
    }


def test_the_cells_that_moved_are_listed_from_what_to_what(history):
    changes = changes_between(BEFORE, AFTER)
    moved = {(c.participant.iso3, c.commitment.code): (c.before, c.after) for c in changes.moved}
    assert moved == {
        ("IDN", "17a"): (history["idn_old"], history["idn_new"]),
        ("IDN", "17b"): (None, history["idn_17b"]),
    }
    assert changes.newer_same_status == 1  # Thailand's 18: complete, then complete again


def test_the_page_lists_the_changes_with_links_to_both_reports(siti, history):
    response = siti.get("/matrix/", {"as_of": AFTER.isoformat(), "compare": BEFORE.isoformat()})
    assert response.status_code == 200
    text = page_text(response)
    assert "What moved between 28 April 2003 and 7 June 2004" in text
    assert "2 cells whose status moved; 1 more has a newer report at the same status." in text
    html = response.content.decode()
    for report in ("idn_old", "idn_new", "idn_17b"):
        assert f'href="/reports/{history[report].pk}/"' in html
    assert f'href="/reports/{history["later"].pk}/"' not in html  # after both dates


def test_nothing_moved_says_so(siti, history):
    response = siti.get("/matrix/", {"as_of": "2003-04-28", "compare": "2003-04-27"})
    assert "No cell's status moved between these dates." in page_text(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_of": "2003-04-28", "compare": "2004-01-01"}, "Choose a date before 28 April 2003"),
        ({"as_of": "2003-04-28", "compare": "2003-04-28"}, "Choose a date before 28 April 2003"),
        ({"compare": "2001-01-01"}, "Choose a date on or after"),
        ({"compare": "yesterday"}, "Enter a date as YYYY-MM-DD"),
    ],
)
def test_a_bad_date_to_compare_with_is_said_and_nothing_is_compared(siti, history, query, message):
    response = siti.get("/matrix/", query)
    assert response.status_code == 200
    text = page_text(response)
    assert message in text
    assert "Nothing is compared." in text
    assert "What moved between" not in text


def test_the_comparison_costs_the_same_at_any_history(siti, indonesia, thailand):
    query = {"as_of": AFTER.isoformat(), "compare": BEFORE.isoformat()}
    make_report(indonesia, "17a", as_of=datetime.date(2003, 1, 1))
    few = count_queries(siti, "/matrix/", query)
    for day in range(1, 25):
        make_report(thailand, "17b", as_of=datetime.date(2003, 5, day))
    assert count_queries(siti, "/matrix/", query) == few


def test_the_comparison_needs_a_login(client):
    response = client.get("/matrix/", {"compare": "2003-01-01"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
