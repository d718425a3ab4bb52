"""No page renders or counts a whole history: lists stop counting at a cap, the country page
shows its history a page at a time, the comment queue counts comments for its page only."""

import datetime

import pytest

from commitments import paging
from commitments.models import Commitment, ProgressReport
from commitments.services.comments import comment_add
from tests.conftest import make_report, page_html, page_text


@pytest.fixture
def small_cap(monkeypatch):
    """A cap of 5, so that a test needs only a few reports to pass it."""
    monkeypatch.setattr(paging, "COUNT_CAP", 5)
    monkeypatch.setattr("commitments.tables.COUNT_CAP", 5)
    return 5


def many_reports(participant, count: int) -> list[ProgressReport]:
    commitments = list(Commitment.objects.tracked())
    return [
        make_report(
            participant,
            commitments[n % len(commitments)].code,
            as_of=datetime.date(2002, 3, 1) + datetime.timedelta(days=n),
        )
        for n in range(count)
    ]


def test_the_reports_table_stops_counting_at_the_cap(siti, indonesia, small_cap):
    many_reports(indonesia, 7)
    text = page_text(siti.get("/reports/?per_page=2"))
    assert "More than 5 submitted reports" in text
    assert "7 submitted reports" not in text


def test_below_the_cap_the_count_is_exact(siti, indonesia, small_cap):
    many_reports(indonesia, 4)
    assert "4 submitted reports" in page_text(siti.get("/reports/"))


def test_the_cap_counts_with_a_limit(siti, indonesia, small_cap, django_assert_max_num_queries):
    many_reports(indonesia, 7)
    paginator = paging.CountCappedPaginator(ProgressReport.objects.submitted(), 2)
    assert paginator.count == 6
    assert paginator.is_capped
    assert paginator.num_pages == 3


def test_a_list_is_counted_as_it_is():
    paginator = paging.CountCappedPaginator(list(range(12)), 5)
    assert paginator.count == 12
    assert not paginator.is_capped


def test_the_country_page_shows_its_history_a_page_at_a_time(siti, indonesia):
    reports = many_reports(indonesia, 30)
    newest_first = sorted(reports, key=lambda r: r.as_of, reverse=True)
    first = page_html(siti.get("/countries/idn/"))
    assert f"/reports/{newest_first[0].pk}/" in first
    assert f"/reports/{newest_first[29].pk}/" not in first
    assert "Reports 1 to 25." in page_text(siti.get("/countries/idn/"))
    assert 'rel="next"' in first
    second = page_html(siti.get("/countries/idn/?page=2"))
    assert f"/reports/{newest_first[29].pk}/" in second
    assert f"/reports/{newest_first[0].pk}/ " not in second
    assert 'rel="prev"' in second


@pytest.mark.parametrize("page", ["abc", "0", "999", "-1", "9" * 30])
def test_a_page_number_that_is_no_page_shows_a_page(siti, indonesia, page):
    many_reports(indonesia, 30)
    assert siti.get(f"/countries/idn/?page={page}").status_code == 200


def test_the_country_page_says_where_the_rest_of_a_long_history_is(siti, indonesia, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 50)  # two pages of 25
    many_reports(indonesia, 60)
    first = page_html(siti.get("/countries/idn/"))
    assert 'rel="next"' in first
    assert "The list stops" not in first
    last = siti.get("/countries/idn/?page=2")
    assert 'rel="next"' not in page_html(last)
    assert "The list stops after 50 reports" in page_text(last)
    assert "?participant=" in page_html(last)  # the way to the whole history


def test_the_country_page_counts_nothing(siti, indonesia):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    many_reports(indonesia, 30)
    siti.get("/countries/idn/")  # the navigation's to-do count (capped) is cached from here on
    with CaptureQueriesContext(connection) as queries:
        siti.get("/countries/idn/?page=2")
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]


def test_the_comment_queue_counts_each_reports_comments(amir, secretariat_user, indonesia):
    first, second = many_reports(indonesia, 2)
    comment_add(report=first, user=secretariat_user, kind="question", body="Which law?")
    comment_add(report=first, user=secretariat_user, kind="acknowledgement", body="Thanks")
    table = amir.get("/comments/", {"acknowledged": ""}).context["table"]
    rows = {row.record.pk: row.record for row in table.rows}
    assert (rows[first.pk].comment_count, rows[first.pk].acknowledged) == (2, True)
    assert (rows[second.pk].comment_count, rows[second.pk].acknowledged) == (0, False)


def test_the_comment_queue_is_not_sorted_by_counts_of_the_whole_history(amir, indonesia):
    many_reports(indonesia, 3)
    response = amir.get("/comments/?sort=comment_count")
    assert response.status_code == 200
    assert 'href="?sort=comment_count' not in page_html(response)  # no sort link on it
    assert "?sort=comment_count" not in page_html(response).replace(
        'name="next" value="/comments/?sort=comment_count"', ""
    )  # nor any other link to that order (the language menu comes back to this address)
