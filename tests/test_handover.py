"""The handover register of paragraph 25 (/handover/) and the secretariat's form to record a
handover (/handover/record/), with time frozen: the founding meeting's 12-month period ends
on 28 February 2003."""

import datetime

import pytest
import time_machine
from django.contrib.auth.models import User

from commitments.models import (
    Commitment,
    ExpertMeeting,
    Handover,
    Mechanism,
    MinisterialMeeting,
    Participant,
    ProgressReport,
    Recommendation,
    RecommendationEvent,
)
from tests.conftest import get_counting_queries, make_report, messages_of, page_text

pytestmark = pytest.mark.django_db

Status = Recommendation.Status
BEFORE = datetime.datetime(2003, 1, 15, 12, tzinfo=datetime.UTC)
DUE_DAY = datetime.datetime(2003, 2, 28, 12, tzinfo=datetime.UTC)
AFTER = datetime.datetime(2003, 6, 1, 12, tzinfo=datetime.UTC)
TRACKED_CODES = ["17a", "17b", "17c", "17d", "17e", "17f", "18"]


@pytest.fixture(autouse=True)
def _after_the_period():
    """Most tests look at the register after the period; those that need another day travel
    again inside this one."""
    with time_machine.travel(AFTER, tick=False):
        yield


def make_recommendation(status=Status.SUBMITTED, *, reference="1", codes=("17a",), **fields):
    meeting, _ = ExpertMeeting.objects.get_or_create(
        slug="test-experts-2002",
        defaults={
            "title": "Test experts' meeting",
            "start_date": datetime.date(2002, 10, 1),
            "end_date": datetime.date(2002, 10, 2),
            "status": ExpertMeeting.Status.HELD,
        },
    )
    if status != Status.PROPOSED:
        fields.setdefault("submitted_to", MinisterialMeeting.objects.get(slug="bali-2003"))
        fields.setdefault("submitted_on", datetime.date(2003, 4, 28))
    if status in (Status.CONSIDERED, Status.IMPLEMENTED, Status.HANDED_OVER):
        fields.setdefault("outcome", Recommendation.Outcome.ENDORSED)
        fields.setdefault("considered_on", datetime.date(2003, 4, 30))
    recommendation = Recommendation.objects.create(
        meeting=meeting,
        reference=reference,
        text=f"Recommendation {reference}: share information on document fraud.",
        status=status,
        **fields,
    )
    recommendation.commitments.set(Commitment.objects.filter(code__in=codes))
    return recommendation


def complete_everywhere(code, status=ProgressReport.Status.COMPLETE):
    for participant in Participant.objects.tracked():
        make_report(participant, code, status=status)


def mechanism(slug="apc"):
    return Mechanism.objects.get(slug=slug)


def written():
    return (
        Handover.objects.count(),
        RecommendationEvent.objects.count(),
        sorted(Recommendation.objects.values_list("status", flat=True)),
    )


# The register: who may see it ---------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/handover/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/handover/")


def test_it_is_shown_to_anonymous_visitors_where_progress_is_public(client, settings):
    settings.FOLLOWUP_PUBLIC_PROGRESS = True
    response = client.get("/handover/")
    assert response.status_code == 200
    assert "Record handover" not in page_text(response)


def test_it_rejects_post(amir):
    assert amir.post("/handover/").status_code == 405


def test_an_official_sees_the_register_without_the_record_forms(siti):
    make_recommendation()
    response = siti.get("/handover/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Handover register" in text
    assert "Recommendation 1: share information on document fraud." in text
    assert "Record handover" not in text


def test_the_secretariat_sees_a_record_form_per_item(amir):
    recommendation = make_recommendation()
    response = amir.get("/handover/")
    html = response.content.decode()
    assert f'name="item" value="recommendation:{recommendation.pk}"' in html
    assert 'name="item" value="commitment:17a"' in html
    # The four mechanisms of the reference data, with their scope.
    for label in ["APC (regional)", "ASEAN mechanisms (regional)", "UNTOC (international)"]:
        assert label in page_text(response)
    assert 'min="2003-03-01"' in html
    assert 'max="2003-06-01"' in html


# The register: before and after the 12 months -----------------------------------------------------


def test_before_the_period_ends_it_says_handover_comes_after_the_review_date(amir):
    make_recommendation()
    with time_machine.travel(BEFORE, tick=False):
        response = amir.get("/handover/")
    text = page_text(response)
    assert "The 12-month period ends on 28 February 2003." in text
    assert "what would be open if the period ended today" in text
    # What would be open is shown, but nothing is flagged and nothing can be recorded yet.
    assert "Recommendation 1: share information on document fraud." in text
    assert "17a" in text
    assert "Not passed on yet: handover comes after 28 February 2003." in text
    assert "<mark>Not passed on</mark>" not in response.content.decode()
    assert "Record handover" not in text


def test_on_the_due_day_the_period_has_not_ended_yet(amir):
    with time_machine.travel(DUE_DAY, tick=False):
        response = amir.get("/handover/")
    assert "The 12-month period ends on 28 February 2003." in page_text(response)
    assert "<mark>Not passed on</mark>" not in response.content.decode()


def test_after_the_period_it_flags_the_items_not_passed_on_in_words(amir, superuser):
    make_recommendation(reference="1")
    passed = make_recommendation(
        Status.HANDED_OVER, reference="2", closed_on=datetime.date(2003, 5, 5)
    )
    Handover.objects.create(
        recommendation=passed,
        mechanism=mechanism("asean"),
        passed_on=datetime.date(2003, 5, 5),
        recorded_by=superuser,
    )
    response = amir.get("/handover/")
    register = response.context["register"]
    text = page_text(response)
    assert "The 12-month period ended on 28 February 2003." in text
    assert register.period_over
    flagged = response.content.decode().count("<mark>Not passed on</mark>")
    assert flagged == register.not_passed_on_count == len(register.items) - 1
    assert (
        f"{register.passed_on_count} of {len(register.items)} items on this register has been "
        "passed on" in text
    )


def test_without_a_founding_meeting_it_says_the_period_is_not_known(amir):
    MinisterialMeeting.objects.update(is_founding=False, review_period_months=None)
    response = amir.get("/handover/")
    assert response.status_code == 200
    assert "No founding meeting is recorded" in page_text(response)
    assert "Record handover" not in page_text(response)


# The register: what is on it ----------------------------------------------------------------------


def test_it_lists_open_and_handed_over_recommendations_but_not_implemented_ones(amir):
    proposed = make_recommendation(Status.PROPOSED, reference="P")
    submitted = make_recommendation(Status.SUBMITTED, reference="S")
    considered = make_recommendation(Status.CONSIDERED, reference="C")
    implemented = make_recommendation(
        Status.IMPLEMENTED, reference="I", closed_on=datetime.date(2003, 5, 1)
    )
    handed_over = make_recommendation(
        Status.HANDED_OVER, reference="H", closed_on=datetime.date(2003, 5, 1)
    )
    Handover.objects.create(
        recommendation=handed_over, mechanism=mechanism(), passed_on=datetime.date(2003, 5, 1)
    )
    response = amir.get("/handover/")
    listed = [item.recommendation for item in response.context["register"].recommendations]
    # In the order of their meetings, then their references.
    assert listed == [considered, handed_over, proposed, submitted]
    assert implemented not in listed
    text = page_text(response)
    assert "Never submitted to Ministers: it cannot be handed over until it is." in text
    assert "To Bali 2003, 28 April 2003" in text


def test_a_commitment_is_listed_while_any_participant_is_not_complete(amir):
    complete_everywhere("17a")
    response = amir.get("/handover/")
    codes = [item.commitment.code for item in response.context["register"].commitments]
    assert codes == [code for code in TRACKED_CODES if code != "17a"]

    # One participant's newer report, limited: 17a is open again, and the page says how many.
    make_report(
        Participant.objects.get(iso3="THA"),
        "17a",
        status=ProgressReport.Status.LIMITED,
        as_of=datetime.date(2003, 3, 1),
    )
    response = amir.get("/handover/")
    item = response.context["register"].commitments[0]
    total = Participant.objects.tracked().count()
    assert (item.commitment.code, item.not_complete, item.participant_count) == ("17a", 1, total)
    assert f"1 of {total}" in page_text(response)
    assert "Limited: 1" in page_text(response)


def test_a_participant_with_no_report_counts_as_not_complete(amir):
    response = amir.get("/handover/")
    item = response.context["register"].commitments[0]
    total = Participant.objects.tracked().count()
    assert item.not_complete == total
    assert f"No report: {total}" in page_text(response)


def test_not_applicable_needs_no_handover(amir):
    participants = list(Participant.objects.tracked())
    for participant in participants[:-1]:
        make_report(participant, "18", status=ProgressReport.Status.COMPLETE)
    make_report(participants[-1], "18", status=ProgressReport.Status.NOT_APPLICABLE)
    response = amir.get("/handover/")
    codes = [item.commitment.code for item in response.context["register"].commitments]
    assert "18" not in codes


def test_a_commitment_passed_on_stays_on_the_register_once_everyone_is_complete(amir):
    Handover.objects.create(
        commitment=Commitment.objects.get(code="17b"),
        mechanism=mechanism("untoc"),
        passed_on=datetime.date(2003, 4, 1),
    )
    complete_everywhere("17b")
    response = amir.get("/handover/")
    item = next(i for i in response.context["register"].commitments if i.commitment.code == "17b")
    assert item.not_complete == 0
    assert item.is_passed_on
    assert 'value="commitment:17b"' not in response.content.decode()  # nothing left to pass on


def test_a_handover_shows_its_mechanism_scope_date_recorder_and_note(amir):
    recorder = User.objects.create_user("ratna", first_name="Ratna", last_name="Dewi")
    Handover.objects.create(
        commitment=Commitment.objects.get(code="17c"),
        mechanism=mechanism("untoc"),
        passed_on=datetime.date(2003, 4, 1),
        recorded_by=recorder,
        note="Taken up by the Conference of the Parties.",
    )
    text = page_text(amir.get("/handover/"))
    assert "Passed on to UNTOC (international) on 1 April 2003, recorded by Ratna Dewi." in text
    assert "Taken up by the Conference of the Parties." in text
    assert "Record a handover to another mechanism" in text


def test_the_register_uses_the_status_as_of_today_not_a_later_report(amir):
    # A report that speaks for a later date does not count yet.
    complete_everywhere("17d")
    make_report(
        Participant.objects.get(iso3="IDN"),
        "17d",
        status=ProgressReport.Status.LIMITED,
        as_of=datetime.date(2003, 9, 1),
    )
    response = amir.get("/handover/")
    codes = [item.commitment.code for item in response.context["register"].commitments]
    assert "17d" not in codes


def test_the_register_query_count_does_not_grow_with_the_data(amir):
    participants = list(Participant.objects.tracked()[:5])

    def add(scale):
        for n in range(scale):
            recorder = User.objects.create_user(f"recorder-{scale}-{n}")
            recommendation = make_recommendation(reference=f"{scale}-{n}", codes=TRACKED_CODES)
            Handover.objects.create(
                recommendation=recommendation,
                mechanism=mechanism(),
                passed_on=datetime.date(2003, 5, 1),
                recorded_by=recorder,
            )
            Handover.objects.create(
                commitment=Commitment.objects.get(code=TRACKED_CODES[n % 7]),
                mechanism=mechanism("asean"),
                passed_on=datetime.date(2003, 5, 1),
                recorded_by=recorder,
            )
            for participant in participants:
                for code in TRACKED_CODES:
                    make_report(participant, code, as_of=datetime.date(2002, 6, 1 + n))

    def count_queries_and_items():
        response, count = get_counting_queries(amir, "/handover/")
        return count, len(response.context["register"].items)

    add(1)
    once, items_once = count_queries_and_items()
    add(9)
    tenfold, items_tenfold = count_queries_and_items()
    assert items_tenfold > items_once
    # The session and the user; the founding meeting; the recommendations, their handovers
    # and their commitments; the tracked commitments and their handovers; the participants
    # with their current reports' ids, and those reports; the mechanisms; whether the user
    # is in the secretariat (the navigation: then no official's link is asked for); the data
    # version and whether demo data exists (cached under it); the navigation's to-do count
    # for the secretariat (3 capped counts, cached until the data changes).
    assert tenfold == once == 17


# Recording a handover: who may --------------------------------------------------------------------


def record_data(item="commitment:17a", **changes):
    data = {"item": item, "mechanism": "apc", "passed_on": "2003-05-15", "note": ""}
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "role", ["anonymous", "official_of_indonesia", "official_of_thailand", "secretariat_user"]
)
def test_recording_rejects_get(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    assert client.get("/handover/record/").status_code == 405


def test_recording_sends_anonymous_visitors_to_the_login_page(client):
    response = client.post("/handover/record/", record_data())
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert Handover.objects.count() == 0


@pytest.mark.parametrize("official", ["official_of_indonesia", "official_of_thailand"])
def test_officials_cannot_record_a_handover(client, request, official):
    client.force_login(request.getfixturevalue(official))
    recommendation = make_recommendation()
    before = written()
    assert client.post("/handover/record/", record_data()).status_code == 403
    item = f"recommendation:{recommendation.pk}"
    assert client.post("/handover/record/", record_data(item)).status_code == 403
    assert written() == before


# Recording a handover: the secretariat ------------------------------------------------------------


def test_the_secretariat_passes_a_commitment_on(amir, secretariat_user):
    response = amir.post(
        "/handover/record/", record_data(note="Regional follow-up on information sharing.")
    )
    assert response.status_code == 302
    assert response.url == "/handover/"
    handover = Handover.objects.get()
    assert handover.commitment.code == "17a"
    assert handover.recommendation is None
    assert handover.mechanism.slug == "apc"
    assert handover.passed_on == datetime.date(2003, 5, 15)
    assert handover.recorded_by == secretariat_user
    assert handover.note == "Regional follow-up on information sharing."
    assert handover.history.get().history_user == secretariat_user
    assert messages_of(response) == [
        "Commitment 17a (" + Commitment.objects.get(code="17a").title + ") is recorded as "
        "passed on to APC on 15 May 2003."
    ]
    text = page_text(amir.get("/handover/"))
    assert "Passed on to APC (regional) on 15 May 2003, recorded by amir." in text


def test_a_superuser_may_record_a_handover(client, superuser):
    client.force_login(superuser)
    assert client.post("/handover/record/", record_data()).status_code == 302
    assert Handover.objects.get().recorded_by == superuser


def test_a_commitment_may_go_to_several_mechanisms_but_to_each_once(amir):
    amir.post("/handover/record/", record_data(mechanism="apc"))
    amir.post("/handover/record/", record_data(mechanism="untoc"))
    assert Handover.objects.count() == 2
    response = amir.post("/handover/record/", record_data(mechanism="apc"))
    assert Handover.objects.count() == 2
    assert "was already passed on to APC on 15 May 2003" in messages_of(response)[-1]


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.CONSIDERED])
def test_the_secretariat_hands_over_a_recommendation_that_reached_ministers(
    amir, secretariat_user, status
):
    recommendation = make_recommendation(status)
    response = amir.post(
        "/handover/record/",
        record_data(f"recommendation:{recommendation.pk}", mechanism="asean", note="By ASEAN."),
    )
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Status.HANDED_OVER
    assert recommendation.closed_on == datetime.date(2003, 5, 15)
    handover = recommendation.handovers.get()
    assert (handover.mechanism.slug, handover.recorded_by) == ("asean", secretariat_user)
    event = recommendation.events.get()
    assert (event.from_status, event.to_status) == (status, Status.HANDED_OVER)
    assert (event.happened_on, event.recorded_by) == (datetime.date(2003, 5, 15), secretariat_user)
    assert recommendation.history.first().history_user == secretariat_user
    assert "is recorded as passed on to" in messages_of(response)[0]
    # It stays on the register, passed on, with no form left.
    response = amir.get("/handover/")
    html = response.content.decode()
    assert f'value="recommendation:{recommendation.pk}"' not in html
    assert "Passed on to ASEAN mechanisms (regional) on 15 May 2003" in page_text(response)


def test_a_recommendation_never_submitted_to_ministers_cannot_be_handed_over(amir):
    recommendation = make_recommendation(Status.PROPOSED)
    before = written()
    response = amir.post("/handover/record/", record_data(f"recommendation:{recommendation.pk}"))
    assert response.status_code == 302
    assert written() == before
    assert "never submitted to Ministers, so it cannot be handed over" in messages_of(response)[0]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.HANDED_OVER, "already closed: handed over on 1 May 2003"),
        (Status.IMPLEMENTED, "already closed: implemented on 1 May 2003"),
    ],
)
def test_a_closed_recommendation_cannot_be_handed_over(amir, status, expected):
    recommendation = make_recommendation(status, closed_on=datetime.date(2003, 5, 1))
    before = written()
    response = amir.post("/handover/record/", record_data(f"recommendation:{recommendation.pk}"))
    assert written() == before
    assert expected in messages_of(response)[0]


def test_a_recommendation_is_not_handed_over_before_it_reached_ministers(amir):
    recommendation = make_recommendation(Status.SUBMITTED)  # submitted on 28 April 2003
    before = written()
    response = amir.post(
        "/handover/record/",
        record_data(f"recommendation:{recommendation.pk}", passed_on="2003-04-01"),
    )
    assert written() == before
    assert (
        "cannot be before its submission to Bali 2003 (28 April 2003)" in messages_of(response)[0]
    )


def test_a_commitment_everyone_completed_has_nothing_to_pass_on(amir):
    complete_everywhere("17e")
    response = amir.post("/handover/record/", record_data("commitment:17e"))
    assert Handover.objects.count() == 0
    assert "there is no further follow-up to pass on" in messages_of(response)[0]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"passed_on": "2003-06-02"}, "cannot be in the future"),
        ({"passed_on": "2003-02-28"}, "choose a date on or after 1 March 2003"),
        ({"passed_on": "2002-01-01"}, "ended on 28 February 2003"),
        ({"passed_on": "15/05/2003"}, "Enter the date as YYYY-MM-DD"),
        ({"passed_on": ""}, "Enter the date the item was passed on."),
        ({"mechanism": "interpol"}, "Choose one of the existing mechanisms"),
        ({"mechanism": ""}, "Choose the mechanism"),
        ({"item": "commitment:99z"}, "Choose a recommendation or a commitment"),
        ({"item": "commitment:15"}, "Choose a recommendation or a commitment"),  # untracked
        ({"item": "recommendation:999999"}, "Choose a recommendation or a commitment"),
        ({"item": "participant:IDN"}, "Choose a recommendation or a commitment"),
        ({"item": ""}, "Choose a recommendation or a commitment"),
        ({"note": "x" * 2001}, "at most 2000 characters"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_written(amir, changes, expected):
    before = written()
    response = amir.post("/handover/record/", record_data(**changes))
    assert response.status_code == 302
    assert response.url == "/handover/"
    assert written() == before
    [message] = messages_of(response)
    assert "not" in message
    assert expected in message


def test_nothing_can_be_recorded_before_the_period_ends(amir):
    with time_machine.travel(BEFORE, tick=False):
        response = amir.post("/handover/record/", record_data(passed_on="2003-01-15"))
    assert Handover.objects.count() == 0
    assert "choose a date on or after 1 March 2003" in messages_of(response)[0]


def test_nothing_can_be_recorded_without_a_founding_meeting(amir):
    MinisterialMeeting.objects.update(is_founding=False, review_period_months=None)
    response = amir.post("/handover/record/", record_data())
    assert Handover.objects.count() == 0
    assert "No founding meeting is recorded" in messages_of(response)[0]


# One rule whichever page a handover starts from ---------------------------------------------------

PERIOD_MESSAGE = (
    "Follow-up is passed on after the 12-month period (paragraph 25), which ended on "
    "28 February 2003: choose a date on or after 1 March 2003."
)


def hand_over_from_the_register(client, recommendation, on):
    data = {"item": f"recommendation:{recommendation.pk}", "mechanism": "apc", "passed_on": on}
    return client.post("/handover/record/", data)


def hand_over_from_the_meeting_page(client, recommendation, on):
    data = {"mechanism": mechanism("apc").pk, "on": on}
    return client.post(f"/recommendations/{recommendation.pk}/hand-over/", data)


@pytest.mark.parametrize(
    "hand_over", [hand_over_from_the_register, hand_over_from_the_meeting_page]
)
def test_a_recommendation_is_not_handed_over_within_the_12_month_period(amir, hand_over):
    # It reached Ministers in time (at the founding meeting's margins, say): paragraph 25
    # still passes follow-up on only after the period, from either page.
    recommendation = make_recommendation(
        submitted_to=MinisterialMeeting.objects.get(slug="bali-2002"),
        submitted_on=datetime.date(2002, 10, 5),
    )
    before = written()
    response = hand_over(amir, recommendation, "2003-01-15")
    assert response.status_code == 302
    assert any(PERIOD_MESSAGE in message for message in messages_of(response))
    assert written() == before


@pytest.mark.parametrize(
    "hand_over", [hand_over_from_the_register, hand_over_from_the_meeting_page]
)
def test_a_recommendation_is_handed_over_after_the_period_from_either_page(amir, hand_over):
    recommendation = make_recommendation(status=Status.CONSIDERED)
    response = hand_over(amir, recommendation, "2003-05-15")
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Status.HANDED_OVER
    handover = recommendation.handovers.get()
    assert (handover.mechanism.slug, handover.passed_on) == ("apc", datetime.date(2003, 5, 15))
    assert handover.history.get().history_user.username == "amir"
