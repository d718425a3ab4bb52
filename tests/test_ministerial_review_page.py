"""The 12-month review page (/ministerial-review/): how the review stands with time frozen, the
results of the meetings of experts, the recommendations and whether each reached Ministers in
time, and the progress matrix as of the due date for those who may view progress."""

import datetime
import re

import pytest
import time_machine

from commitments.ministerial_review import Timeliness, submission_timeliness
from commitments.ministers import compile_for_ministers
from commitments.models import (
    Commitment,
    ExpertMeeting,
    MinisterialMeeting,
    Participant,
    ProgressReport,
    Recommendation,
)
from tests.conftest import get_counting_queries, make_report

pytestmark = pytest.mark.django_db

DUE = datetime.date(2003, 2, 28)
Status = ProgressReport.Status


def frozen(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(day + "T12:00Z"), tick=False)


def text_of(response) -> str:
    """The page's text with its whitespace squeezed, tags kept."""
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def standing_of(response) -> str:
    match = re.search(r'data-testid="review-standing">(.*?)</p>', text_of(response))
    assert match, "the page says how the review stands"
    return match.group(1).strip()


def make_recommendation(meeting_slug="aheg-1-colombo-2003", *, text, submitted_on=None, **f):
    fields = {"meeting": ExpertMeeting.objects.get(slug=meeting_slug), "text": text, **f}
    if submitted_on is not None:
        fields.update(
            status=Recommendation.Status.SUBMITTED,
            submitted_to=MinisterialMeeting.objects.get(slug="bali-2003"),
            submitted_on=submitted_on,
        )
    return Recommendation.objects.create(**fields)


def row_of(page: str, recommendation) -> str:
    match = re.search(rf'<tr id="recommendation-{recommendation.pk}">(.*?)</tr>', page)
    assert match, f"recommendation {recommendation.pk} has a row"
    return match.group(1)


# How the review stands ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2003-01-01", "Due in 58 days."),
        ("2003-02-27", "Due in 1 day."),
        ("2003-02-28", "Due today."),
        (
            "2003-03-10",
            "Overdue by 10 days: no ministerial meeting has been held since the conference.",
        ),
    ],
)
def test_the_review_page_says_how_the_review_stands_before_any_ministerial_meeting(
    client, today, expected
):
    with frozen(today):
        response = client.get("/ministerial-review/")
    page = text_of(response)
    assert "Bali Ministerial Conference on People Smuggling" in page
    assert 'data-testid="review-due-date">28 February 2003<' in page
    assert standing_of(response) == expected


def test_the_real_history_bali_ii_held_the_review_59_days_after_the_deadline(client):
    with frozen("2003-05-01"):
        response = client.get("/ministerial-review/")
    assert standing_of(response) == (
        "Held at the Second Regional Ministerial Conference on People Smuggling, Trafficking "
        "in Persons and Related Transnational Crime, which opened on 28 April 2003, 59 days "
        "after the deadline."
    )


def test_a_ministerial_meeting_held_early_is_8_days_before_the_deadline(client):
    MinisterialMeeting.objects.filter(slug="bali-2003").update(
        start_date=datetime.date(2003, 2, 20), end_date=datetime.date(2003, 2, 21)
    )
    with frozen("2003-02-25"):
        response = client.get("/ministerial-review/")
    standing = standing_of(response)
    assert standing.startswith("Held at the Second Regional Ministerial Conference")
    assert standing.endswith("which opened on 20 February 2003, 8 days before the deadline.")


def test_a_ministerial_meeting_opening_on_the_due_date_is_on_the_day(client):
    MinisterialMeeting.objects.filter(slug="bali-2003").update(
        start_date=DUE, end_date=datetime.date(2003, 3, 1)
    )
    with frozen("2003-03-05"):
        response = client.get("/ministerial-review/")
    assert standing_of(response).endswith(
        "which opened on 28 February 2003, on the day of the deadline."
    )


def test_a_ministerial_meeting_not_yet_started_leaves_the_review_overdue(client):
    with frozen("2003-04-27"):
        response = client.get("/ministerial-review/")
    assert standing_of(response).startswith("Overdue by 58 days")


def test_without_a_founding_meeting_the_page_says_so(client):
    MinisterialMeeting.objects.update(is_founding=False, review_period_months=None)
    page = text_of(client.get("/ministerial-review/"))
    assert "No founding meeting is recorded yet" in page


# The results of the meetings of experts -----------------------------------------------------


def test_the_results_of_each_expert_meeting_are_shown_by_group(client):
    with frozen("2003-05-01"):
        page = text_of(client.get("/ministerial-review/"))
    first, second, across = (
        page.index("Ad Hoc Experts&#x27; Group I (AHEG I)"),
        page.index("Ad Hoc Experts&#x27; Group II (AHEG II)"),
        page.index("Meetings across the experts&#x27; groups"),
    )
    assert first < page.index("AHEG I meeting, Bandar Seri Begawan") < second
    assert second < page.index("AHEG II meeting, Port Dickson") < across
    assert across < page.index("Jakarta coordination meeting")
    # Dates, place, outcome and the assisting organisations with their role.
    assert "16–17 September 2002" in page
    assert "Bandar Seri Begawan, Brunei Darussalam; hosted by Brunei Darussalam" in page
    assert "Adopted a Plan of Action." in page
    assert "IOM: Took part in the coordination meeting as assisting organisation" in page
    # Who attended, each linked to its page.
    attended = re.findall(r"<dt>Attended by</dt><dd>(.*?)</dd>", page)
    assert any(
        re.sub(r"<[^>]+>", "", names) == "Australia, Indonesia, New Zealand, Thailand"
        for names in attended
    )
    assert '<a href="/countries/nzl/">New Zealand</a>' in page


def test_meetings_after_the_review_meeting_are_not_part_of_it():
    ExpertMeeting.objects.create(
        slug="aheg-1-later",
        title="AHEG I meeting after Bali II",
        group=ExpertMeeting.objects.get(slug="aheg-1-bali-2002").group,
        status=ExpertMeeting.Status.HELD,
        place="Nowhere",
        start_date=datetime.date(2003, 9, 1),
        end_date=datetime.date(2003, 9, 2),
    )
    report = compile_for_ministers(datetime.date(2004, 1, 1))
    slugs = {m.meeting.slug for m in report.meetings}
    assert "aheg-1-colombo-2003" in slugs
    assert "aheg-1-later" not in slugs
    # Before Ministers meet, every recorded meeting is due for them.
    report = compile_for_ministers(datetime.date(2003, 3, 20))
    assert "aheg-1-later" in {m.meeting.slug for m in report.meetings}


# Recommendations and whether they reached Ministers in time ---------------------------------


def test_submission_timeliness_counts_the_due_date_itself_as_in_time():
    assert submission_timeliness(DUE, DUE).timeliness == Timeliness.IN_TIME
    assert submission_timeliness(DUE - datetime.timedelta(days=30), DUE).label == "in time"
    assert submission_timeliness(DUE + datetime.timedelta(days=1), DUE).label == "1 day late"
    assert submission_timeliness(datetime.date(2003, 4, 28), DUE).label == "59 days late"
    assert submission_timeliness(None, DUE).label == "not submitted"


def test_recommendations_show_their_status_and_whether_they_reached_ministers_in_time(client):
    in_time = make_recommendation(
        text="Set up national contact points.", reference="1", submitted_on=DUE
    )
    in_time.commitments.set(Commitment.objects.filter(code__in=["17a", "18"]))
    late = make_recommendation(
        "aheg-2-tokyo-2003",
        text="Criminalise people smuggling.",
        reference="2",
        submitted_on=datetime.date(2003, 4, 28),
    )
    pending = make_recommendation(text="Hold a workshop on victim identification.")
    with frozen("2003-05-01"):
        page = text_of(client.get("/ministerial-review/"))
    row = row_of(page, in_time)
    assert "Set up national contact points." in row
    assert "About: 17a, 18" in row
    assert "Submitted to Ministers" in row
    assert "Submitted to Bali 2003 on 28 February 2003" in row
    assert ">In time<" in row
    late_row = row_of(page, late)
    assert ">59 days late<" in late_row
    assert "AHEG II meeting, Tokyo" in late_row
    pending_row = row_of(page, pending)
    assert "Proposed" in pending_row
    assert ">Not submitted<" in pending_row
    # Each meeting points at its recommendations.
    assert f'href="#recommendation-{late.pk}">no. 2</a>' in page


def test_a_considered_recommendation_shows_the_ministers_outcome(client):
    considered = make_recommendation(
        text="Share information on fraudulent travel documents.",
        submitted_on=datetime.date(2003, 4, 28),
    )
    Recommendation.objects.filter(pk=considered.pk).update(
        status=Recommendation.Status.CONSIDERED,
        outcome=Recommendation.Outcome.ENDORSED,
        considered_on=datetime.date(2003, 4, 30),
    )
    with frozen("2003-05-01"):
        row = row_of(text_of(client.get("/ministerial-review/")), considered)
    assert "Considered by Ministers: endorsed on 30 April 2003" in row


def test_no_recommendation_yet_is_said_plainly(client):
    page = text_of(client.get("/ministerial-review/"))
    assert "No recommendation of a meeting of experts is recorded yet." in page


# The progress matrix ------------------------------------------------------------------------


@pytest.fixture
def reports_before_and_after_the_deadline(indonesia):
    make_report(indonesia, "17a", status=Status.LIMITED, as_of=datetime.date(2003, 1, 15))
    make_report(indonesia, "17a", status=Status.COMPLETE, as_of=datetime.date(2003, 3, 15))


def indonesia_17a(response):
    matrix = response.context["report"].matrix
    row = next(r for r in matrix.rows if r.participant.iso3 == "IDN")
    index = [c.code for c in matrix.commitments].index("17a")
    return row.cells[index]


@pytest.mark.usefixtures("reports_before_and_after_the_deadline")
def test_the_matrix_stands_as_on_the_due_date_and_leaves_out_later_reports(
    client, official_of_thailand
):
    client.force_login(official_of_thailand)
    with frozen("2003-05-01"):
        response = client.get("/ministerial-review/")
    page = text_of(response)
    assert "Progress as of 28 February 2003" in page
    assert indonesia_17a(response).status == Status.LIMITED
    assert "15 January 2003" in page
    assert "15 March 2003" not in page
    assert "Complete</span>" not in page


@pytest.mark.usefixtures("reports_before_and_after_the_deadline")
def test_the_matrix_can_be_shown_on_a_chosen_date(client, official_of_thailand):
    client.force_login(official_of_thailand)
    with frozen("2003-05-01"):
        response = client.get("/ministerial-review/?as_of=2003-04-01")
    page = text_of(response)
    assert "Progress as of 1 April 2003" in page
    assert indonesia_17a(response).status == Status.COMPLETE
    # The report for Ministers follows the chosen date.
    assert 'href="/ministerial-review/report.pdf?as_of=2003-04-01"' in page
    assert 'href="/ministerial-review/print/?as_of=2003-04-01"' in page


@pytest.mark.usefixtures("reports_before_and_after_the_deadline")
def test_before_the_deadline_the_matrix_is_as_of_today(client, official_of_thailand):
    client.force_login(official_of_thailand)
    with frozen("2003-01-20"):
        response = client.get("/ministerial-review/")
    assert response.context["report"].matrix_as_of == datetime.date(2003, 1, 20)
    assert "Progress as of 20 January 2003" in text_of(response)


@pytest.mark.usefixtures("reports_before_and_after_the_deadline")
def test_anonymous_visitors_see_the_review_but_not_the_matrix(client):
    make_recommendation(text="Set up national contact points.", submitted_on=DUE)
    with frozen("2003-05-01"):
        response = client.get("/ministerial-review/?as_of=2003-04-01")
    page = text_of(response)
    assert response.context["report"].matrix is None
    assert "28 February 2003" in page
    assert "59 days after the deadline" in page
    assert "AHEG II meeting, Port Dickson" in page
    assert "Set up national contact points." in page
    assert "Status by participant and commitment" not in page
    assert "15 January 2003" not in page
    assert "Limited</span>" not in page
    assert "/ministerial-review/report.pdf" not in page  # the report includes the matrix
    assert "shown to signed-in users" in page
    assert 'href="/accounts/login/?next=' in page


@pytest.mark.usefixtures("reports_before_and_after_the_deadline")
def test_anonymous_visitors_see_the_matrix_when_progress_is_public(client, settings):
    settings.FOLLOWUP_PUBLIC_PROGRESS = True
    with frozen("2003-05-01"):
        response = client.get("/ministerial-review/")
    assert indonesia_17a(response).status == Status.LIMITED
    assert 'href="/ministerial-review/report.pdf"' in text_of(response)


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("2003-13-01", "Enter a date as YYYY-MM-DD, for example 2003-02-28."),
        ("yesterday", "Enter a date as YYYY-MM-DD, for example 2003-02-28."),
        ("2001-12-31", "Choose a date on or after 26 February 2002"),
        ("2030-01-01", "Choose a date that is not in the future."),
    ],
)
@pytest.mark.usefixtures("reports_before_and_after_the_deadline")
def test_a_bad_date_gets_a_clear_message_and_the_matrix_as_of_the_due_date(
    client, official_of_thailand, as_of, message
):
    client.force_login(official_of_thailand)
    with frozen("2003-05-01"):
        response = client.get(f"/ministerial-review/?as_of={as_of}")
    page = text_of(response)
    assert message in page
    assert "The matrix below is as of 28 February 2003, the review deadline." in page
    assert 'aria-invalid="true"' in page
    assert indonesia_17a(response).status == Status.LIMITED
    assert 'href="/ministerial-review/report.pdf"' in page  # not the bad date


def test_the_review_page_is_get_only(client, official_of_thailand):
    assert client.post("/ministerial-review/").status_code == 405
    client.force_login(official_of_thailand)
    assert client.post("/ministerial-review/").status_code == 405


# A constant number of queries -----------------------------------------------------------------

# The session and user (2), the standing (founding meeting, review meeting: 2), the co-chairs,
# the expert meetings with attendance and assistance (3), the recommendations with their
# commitments (2), the groups, the matrix (3), and base.html's data version, demo banner and
# navigation (4), with the navigation's to-do count for an official (8 here: the country's
# row of the matrix, drafts and deleted drafts, the reporting round, the questions; cached
# until the data changes).
REVIEW_PAGE_QUERIES = 26


def add_recommendations_and_reports(count: int) -> None:
    meetings = list(ExpertMeeting.objects.all())
    participants = list(Participant.objects.tracked().order_by("short_name")[:count])
    commitments = list(Commitment.objects.tracked())
    for i in range(count):
        recommendation = make_recommendation(
            meetings[i % len(meetings)].slug,
            text=f"Recommendation {i}",
            submitted_on=DUE if i % 2 else None,
        )
        recommendation.commitments.set(commitments[: 1 + i % 3])
        make_report(participants[i], commitments[i % len(commitments)].code)


@pytest.mark.parametrize("count", [1, 10])
def test_the_review_page_makes_a_constant_number_of_queries(somchai, count):
    add_recommendations_and_reports(count)
    with frozen("2003-05-01"):
        response, queries = get_counting_queries(somchai, "/ministerial-review/")
    assert queries == REVIEW_PAGE_QUERIES
    assert len(response.context["report"].recommendations) == count
