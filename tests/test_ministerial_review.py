"""The 12-month review deadline of paragraph 24, and how the home page says it stands."""

import datetime

import pytest
import time_machine

from commitments.ministerial_review import Standing, review_standing
from commitments.models import MinisterialMeeting

pytestmark = pytest.mark.django_db


def make_meeting(end, months=12, **fields):
    return MinisterialMeeting(
        slug="test", name="Test", short_name="Test", start_date=end, end_date=end,
        review_period_months=months, **fields,
    )  # fmt: skip


def test_the_founding_meetings_review_is_due_on_28_february_2003():
    founding = MinisterialMeeting.objects.founding()
    assert founding.review_due_date == datetime.date(2003, 2, 28)


def test_month_arithmetic_clamps_to_the_end_of_the_month():
    meeting = make_meeting(datetime.date(2004, 2, 29))
    assert meeting.review_due_date == datetime.date(2005, 2, 28)


def test_the_due_date_follows_the_end_date_and_the_period():
    assert make_meeting(datetime.date(2002, 8, 31), months=6).review_due_date == datetime.date(
        2003, 2, 28
    )
    founding = MinisterialMeeting.objects.founding()
    founding.end_date = datetime.date(2002, 3, 1)
    assert founding.review_due_date == datetime.date(2003, 3, 1)


def test_a_meeting_without_a_review_period_has_no_due_date():
    assert make_meeting(datetime.date(2003, 4, 30), months=None).review_due_date is None


def test_it_is_due_in_n_days_before_the_deadline():
    standing = review_standing(datetime.date(2003, 1, 1))
    assert (standing.standing, standing.days) == (Standing.DUE, 58)


def test_it_is_due_today_on_the_deadline():
    assert review_standing(datetime.date(2003, 2, 28)).standing == Standing.DUE_TODAY


def test_it_is_overdue_after_the_deadline_until_ministers_meet():
    standing = review_standing(datetime.date(2003, 3, 10))
    assert (standing.standing, standing.days) == (Standing.OVERDUE, 10)


def test_bali_ii_met_the_review_59_days_after_the_deadline():
    standing = review_standing(datetime.date(2026, 11, 29))
    assert standing.standing == Standing.MET
    assert standing.review_meeting.slug == "bali-2003"
    assert standing.days == 59


def test_a_meeting_held_before_the_deadline_is_counted_as_early():
    MinisterialMeeting.objects.filter(slug="bali-2003").update(
        start_date=datetime.date(2003, 2, 20), end_date=datetime.date(2003, 2, 21)
    )
    standing = review_standing(datetime.date(2003, 2, 25))
    assert (standing.standing, standing.days) == (Standing.MET, -8)


def test_a_senior_officials_meeting_does_not_meet_the_ministerial_review():
    MinisterialMeeting.objects.filter(slug="bali-2003").delete()
    standing = review_standing(datetime.date(2005, 1, 1))
    assert standing.standing == Standing.OVERDUE


def test_there_is_no_standing_without_a_founding_meeting():
    MinisterialMeeting.objects.update(is_founding=False, review_period_months=None)
    assert review_standing(datetime.date(2003, 1, 1)) is None


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2003-01-01", "Due in 58 days."),
        ("2003-02-27", "Due in 1 day."),
        ("2003-02-28", "Due today."),
        ("2003-03-10", "Overdue by 10 days"),
        ("2003-05-01", "which opened on 28 April 2003, 59 days after the deadline."),
    ],
)
def test_the_home_page_says_how_the_review_stands(client, today, expected):
    with time_machine.travel(datetime.datetime.fromisoformat(today + "T12:00Z"), tick=False):
        response = client.get("/")
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "28 February 2003" in page
    assert expected in page
