"""A recommendation's moves (paragraphs 24 and 25): every move allowed and refused, in the
service and through the secretariat's forms on the expert meeting page."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from commitments.models import (
    ExpertMeeting,
    Handover,
    Mechanism,
    MinisterialMeeting,
    Recommendation,
)
from commitments.services import recommendations as moves
from commitments.services.handovers import hand_over_recommendation
from tests.conftest import count_queries, messages_of, page_html

pytestmark = pytest.mark.django_db

Status = Recommendation.Status
COLOMBO = "aheg-1-colombo-2003"  # AHEG I, 13-14 March 2003
BALI_II_OPENED = datetime.date(2003, 4, 28)
BALI_II_CLOSED = datetime.date(2003, 4, 30)


def meeting(slug):
    return MinisterialMeeting.objects.get(slug=slug)


def make_recommendation(expert_meeting=COLOMBO, reference="1", **fields):
    fields.setdefault("text", "Share information on fraudulent travel documents.")
    return Recommendation.objects.create(
        meeting=ExpertMeeting.objects.get(slug=expert_meeting), reference=reference, **fields
    )


def move_to(recommendation, status, user=None):
    """Move a recommendation along the usual path to `status`, through the service."""
    if status == Status.PROPOSED:
        return recommendation
    recommendation = moves.submit_to_ministers(
        recommendation=recommendation, meeting=meeting("bali-2003"), user=user
    )
    if status in (Status.CONSIDERED, Status.IMPLEMENTED):
        recommendation = moves.record_consideration(
            recommendation=recommendation, outcome="endorsed", on=BALI_II_CLOSED, user=user
        )
    if status == Status.IMPLEMENTED:
        recommendation = moves.close_as_implemented(
            recommendation=recommendation, on=datetime.date(2004, 6, 1), user=user
        )
    if status == Status.HANDED_OVER:
        recommendation = hand_over_recommendation(
            recommendation=recommendation,
            mechanism=Mechanism.objects.get(slug="apc"),
            on=datetime.date(2003, 5, 1),
            user=user,
        ).recommendation
    assert recommendation.status == status
    return recommendation


def stored(recommendation):
    """What is stored of a recommendation and around it: compared before and after a refusal."""
    r = Recommendation.objects.get(pk=recommendation.pk)
    return (
        r.status,
        r.submitted_to_id,
        r.submitted_on,
        r.outcome,
        r.considered_on,
        r.closed_on,
        r.events.count(),
        r.handovers.count(),
        r.history.count(),
    )


def assert_refused(recommendation, call, message):
    before = stored(recommendation)
    with pytest.raises(ValidationError) as refusal:
        call(recommendation)
    assert message in " ".join(refusal.value.messages)
    assert stored(recommendation) == before


@pytest.fixture
def proposed():
    return make_recommendation()


def today():
    return timezone.localdate()


# Allowed moves ---------------------------------------------------------------------------------


def test_a_proposed_recommendation_is_submitted_to_ministers(proposed, secretariat_user):
    moved = moves.submit_to_ministers(
        recommendation=proposed,
        meeting=meeting("bali-2003"),
        on=datetime.date(2003, 4, 10),
        user=secretariat_user,
        note="  Sent with the co-chairs' papers.  ",
    )
    proposed.refresh_from_db()
    assert moved.status == proposed.status == Status.SUBMITTED
    assert proposed.submitted_to == meeting("bali-2003")
    assert proposed.submitted_on == datetime.date(2003, 4, 10)
    event = proposed.events.get()
    assert (event.from_status, event.to_status) == (Status.PROPOSED, Status.SUBMITTED)
    assert event.happened_on == datetime.date(2003, 4, 10)
    assert event.recorded_by == secretariat_user
    assert event.note == "Sent with the co-chairs' papers."
    assert proposed.history.first().history_user == secretariat_user


def test_the_submission_date_is_the_ministerial_meetings_first_day_unless_given(proposed):
    moves.submit_to_ministers(recommendation=proposed, meeting=meeting("bali-2003"), user=None)
    proposed.refresh_from_db()
    assert proposed.submitted_on == BALI_II_OPENED


def test_a_recommendation_can_go_to_a_meeting_that_began_before_it_but_ended_after(db):
    # AHEG I met in the margins of the founding conference (26-28 February 2002).
    recommendation = make_recommendation("aheg-1-bali-2002")
    moves.submit_to_ministers(
        recommendation=recommendation, meeting=meeting("bali-2002"), user=None
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Status.SUBMITTED


@pytest.mark.parametrize("outcome", ["endorsed", "noted", "not_adopted"])
def test_ministers_consideration_is_recorded(proposed, secretariat_user, outcome):
    submitted = move_to(proposed, Status.SUBMITTED)
    moves.record_consideration(
        recommendation=submitted, outcome=outcome, on=BALI_II_CLOSED, user=secretariat_user
    )
    proposed.refresh_from_db()
    assert proposed.status == Status.CONSIDERED
    assert (proposed.outcome, proposed.considered_on) == (outcome, BALI_II_CLOSED)
    event = proposed.events.last()
    assert (event.from_status, event.to_status) == (Status.SUBMITTED, Status.CONSIDERED)
    assert (event.happened_on, event.recorded_by) == (BALI_II_CLOSED, secretariat_user)
    assert proposed.history.first().history_user == secretariat_user


def test_a_considered_recommendation_is_closed_as_implemented(proposed, secretariat_user):
    considered = move_to(proposed, Status.CONSIDERED)
    moves.close_as_implemented(
        recommendation=considered, on=datetime.date(2004, 1, 31), user=secretariat_user
    )
    proposed.refresh_from_db()
    assert proposed.status == Status.IMPLEMENTED
    assert proposed.closed_on == datetime.date(2004, 1, 31)
    event = proposed.events.last()
    assert (event.from_status, event.to_status) == (Status.CONSIDERED, Status.IMPLEMENTED)
    assert event.recorded_by == secretariat_user
    assert [e.to_status for e in proposed.events.all()] == [
        Status.SUBMITTED,
        Status.CONSIDERED,
        Status.IMPLEMENTED,
    ]


@pytest.mark.parametrize("start", [Status.SUBMITTED, Status.CONSIDERED])
def test_a_recommendation_that_went_to_ministers_is_handed_over(proposed, secretariat_user, start):
    recommendation = move_to(proposed, start)
    apc = Mechanism.objects.get(slug="apc")
    hand_over_recommendation(
        recommendation=recommendation,
        mechanism=apc,
        on=datetime.date(2003, 6, 1),
        user=secretariat_user,
        note="Continues in the APC's working group.",
    )
    proposed.refresh_from_db()
    assert proposed.status == Status.HANDED_OVER
    assert proposed.closed_on == datetime.date(2003, 6, 1)
    handover = Handover.objects.get(recommendation=proposed)
    assert handover.mechanism == apc
    assert handover.passed_on == datetime.date(2003, 6, 1)
    assert handover.recorded_by == secretariat_user
    assert handover.history.first().history_user == secretariat_user
    event = proposed.events.last()
    assert (event.from_status, event.to_status) == (start, Status.HANDED_OVER)
    assert event.note == "Continues in the APC's working group."


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.PROPOSED, ["submit"]),
        (Status.SUBMITTED, ["consider", "hand-over"]),
        (Status.CONSIDERED, ["close", "hand-over"]),
        (Status.IMPLEMENTED, []),
        (Status.HANDED_OVER, []),
    ],
)
def test_the_next_moves_follow_the_status(status, expected):
    assert moves.next_moves(status) == expected


# Refused moves: a clear message, and nothing written --------------------------------------------

CLOSED_MESSAGE = "This recommendation is already closed"


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Status.SUBMITTED, "already submitted to Bali 2003 on 28 April 2003"),
        (Status.CONSIDERED, "already submitted to Bali 2003 on 28 April 2003"),
        (Status.IMPLEMENTED, CLOSED_MESSAGE + ": implemented on 1 June 2004"),
        (Status.HANDED_OVER, CLOSED_MESSAGE + ": handed over on 1 May 2003"),
    ],
)
def test_only_a_proposed_recommendation_is_submitted(proposed, status, message):
    recommendation = move_to(proposed, status)
    assert_refused(
        recommendation,
        lambda r: moves.submit_to_ministers(
            recommendation=r, meeting=meeting("bali-2003"), user=None
        ),
        message,
    )


def test_it_refuses_to_submit_to_a_meeting_that_ended_before_the_recommendation_was_made(proposed):
    assert_refused(
        proposed,
        lambda r: moves.submit_to_ministers(
            recommendation=r, meeting=meeting("bali-2002"), user=None
        ),
        "submitting to a meeting that ended before the recommendation was made",
    )


def test_it_refuses_to_submit_to_a_meeting_of_senior_officials(proposed):
    assert_refused(
        proposed,
        lambda r: moves.submit_to_ministers(
            recommendation=r, meeting=meeting("brisbane-2004"), user=None
        ),
        "Brisbane 2004 was a senior officials meeting: recommendations go to Ministers",
    )


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (
            datetime.date(2003, 3, 12),
            "The date of the submission (12 March 2003) cannot be before the meeting that "
            "made it, AHEG I meeting, Colombo (13 March 2003).",
        ),
        (
            datetime.date(2003, 5, 1),
            "The date of the submission (1 May 2003) is after Bali 2003 ended (30 April 2003)",
        ),
    ],
)
def test_it_refuses_a_submission_date_out_of_reason(proposed, on, message):
    assert_refused(
        proposed,
        lambda r: moves.submit_to_ministers(
            recommendation=r, meeting=meeting("bali-2003"), on=on, user=None
        ),
        message,
    )


def test_it_refuses_a_submission_date_in_the_future(proposed):
    future = MinisterialMeeting.objects.create(
        slug="future-ministerial",
        name="A future ministerial conference",
        short_name="Future",
        start_date=today() + datetime.timedelta(days=30),
        end_date=today() + datetime.timedelta(days=32),
    )
    # By default the submission would be dated the meeting's first day, still to come.
    assert_refused(
        proposed,
        lambda r: moves.submit_to_ministers(recommendation=r, meeting=future, user=None),
        "The date of the submission cannot be in the future.",
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Status.PROPOSED, "has not been submitted to Ministers yet, so they cannot have"),
        (Status.CONSIDERED, "Ministers' consideration is already recorded: endorsed on 30 April"),
        (Status.IMPLEMENTED, CLOSED_MESSAGE),
        (Status.HANDED_OVER, CLOSED_MESSAGE),
    ],
)
def test_only_a_submitted_recommendation_is_considered(proposed, status, message):
    recommendation = move_to(proposed, status)
    assert_refused(
        recommendation,
        lambda r: moves.record_consideration(
            recommendation=r, outcome="noted", on=BALI_II_CLOSED, user=None
        ),
        message,
    )


@pytest.mark.parametrize(
    ("outcome", "on", "message"),
    [
        ("adopted", BALI_II_CLOSED, "Choose what Ministers did: endorsed, noted or not adopted."),
        ("", BALI_II_CLOSED, "Choose what Ministers did"),
        (
            "noted",
            datetime.date(2003, 4, 27),
            "The date of Ministers' consideration (27 April 2003) cannot be before its "
            "submission to Bali 2003 (28 April 2003).",
        ),
        ("noted", None, "Give the date of Ministers' consideration."),
    ],
)
def test_it_refuses_a_consideration_out_of_reason(proposed, outcome, on, message):
    submitted = move_to(proposed, Status.SUBMITTED)
    assert_refused(
        submitted,
        lambda r: moves.record_consideration(recommendation=r, outcome=outcome, on=on, user=None),
        message,
    )


def test_it_refuses_a_consideration_in_the_future(proposed):
    submitted = move_to(proposed, Status.SUBMITTED)
    assert_refused(
        submitted,
        lambda r: moves.record_consideration(
            recommendation=r,
            outcome="noted",
            on=today() + datetime.timedelta(days=1),
            user=None,
        ),
        "The date of Ministers' consideration cannot be in the future.",
    )


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (Status.PROPOSED, "has not been submitted to Ministers yet, so it cannot be closed"),
        (Status.SUBMITTED, "Only a recommendation that Ministers have considered can be closed"),
        (Status.IMPLEMENTED, CLOSED_MESSAGE + ": implemented"),
        (Status.HANDED_OVER, CLOSED_MESSAGE + ": handed over"),
    ],
)
def test_only_a_considered_recommendation_is_closed_as_implemented(proposed, status, message):
    recommendation = move_to(proposed, status)
    assert_refused(
        recommendation,
        lambda r: moves.close_as_implemented(
            recommendation=r, on=datetime.date(2004, 6, 2), user=None
        ),
        message,
    )


@pytest.mark.parametrize(
    ("on", "message"),
    [
        (
            datetime.date(2003, 4, 29),
            "The date of implementation (29 April 2003) cannot be before Ministers considered "
            "it (30 April 2003).",
        ),
        ("later", "The date of implementation cannot be in the future."),
    ],
)
def test_it_refuses_an_implementation_date_out_of_reason(proposed, on, message):
    considered = move_to(proposed, Status.CONSIDERED)
    on = today() + datetime.timedelta(days=1) if on == "later" else on
    assert_refused(
        considered,
        lambda r: moves.close_as_implemented(recommendation=r, on=on, user=None),
        message,
    )


def test_a_recommendation_never_submitted_cannot_be_handed_over(proposed):
    assert_refused(
        proposed,
        lambda r: hand_over_recommendation(
            recommendation=r,
            mechanism=Mechanism.objects.get(slug="apc"),
            on=datetime.date(2003, 6, 1),
            user=None,
        ),
        "This recommendation was never submitted to Ministers, so it cannot be handed over",
    )
    assert not Handover.objects.exists()


@pytest.mark.parametrize("status", [Status.IMPLEMENTED, Status.HANDED_OVER])
def test_a_closed_recommendation_cannot_be_handed_over(proposed, status):
    recommendation = move_to(proposed, status)
    handovers = Handover.objects.count()
    assert_refused(
        recommendation,
        lambda r: hand_over_recommendation(
            recommendation=r,
            mechanism=Mechanism.objects.get(slug="untoc"),
            on=datetime.date(2004, 7, 1),
            user=None,
        ),
        CLOSED_MESSAGE,
    )
    assert Handover.objects.count() == handovers


@pytest.mark.parametrize(
    ("start", "on", "message"),
    [
        (
            Status.SUBMITTED,
            datetime.date(2003, 4, 1),
            "The date of the handover (1 April 2003) cannot be before its submission to "
            "Bali 2003 (28 April 2003).",
        ),
        (
            Status.CONSIDERED,
            datetime.date(2003, 4, 29),
            "The date of the handover (29 April 2003) cannot be before Ministers considered it "
            "(30 April 2003).",
        ),
        (Status.SUBMITTED, "later", "The date of the handover cannot be in the future."),
    ],
)
def test_it_refuses_a_handover_date_out_of_reason(proposed, start, on, message):
    recommendation = move_to(proposed, start)
    on = today() + datetime.timedelta(days=1) if on == "later" else on
    assert_refused(
        recommendation,
        lambda r: hand_over_recommendation(
            recommendation=r, mechanism=Mechanism.objects.get(slug="apc"), on=on, user=None
        ),
        message,
    )
    assert not Handover.objects.exists()


def test_a_move_is_checked_against_the_stored_status_not_a_stale_copy(proposed):
    stale = Recommendation.objects.get(pk=proposed.pk)  # read before a colleague's move
    move_to(proposed, Status.SUBMITTED)
    assert_refused(
        stale,
        lambda r: moves.submit_to_ministers(
            recommendation=r, meeting=meeting("bali-2003"), user=None
        ),
        "already submitted",
    )


# The secretariat's forms ------------------------------------------------------------------------


def url(recommendation, action):
    return f"/recommendations/{recommendation.pk}/{action}/"


def back_to(recommendation) -> str:
    return f"/meetings/{COLOMBO}/#recommendation-{recommendation.pk}"


def test_a_move_rejects_get(amir, proposed):
    assert amir.get(url(proposed, "submit")).status_code == 405


def test_a_move_sends_anonymous_users_to_login(client, proposed):
    response = client.post(url(proposed, "submit"), {"meeting": meeting("bali-2003").pk})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")
    assert stored(proposed)[0] == Status.PROPOSED


@pytest.mark.parametrize("user", ["official_of_indonesia", "user_without_participant"])
def test_a_move_is_refused_to_anyone_but_the_secretariat(client, request, proposed, user):
    client.force_login(request.getfixturevalue(user))
    before = stored(proposed)
    response = client.post(url(proposed, "submit"), {"meeting": meeting("bali-2003").pk})
    assert response.status_code == 403
    assert stored(proposed) == before


def test_an_unknown_move_is_not_found(amir, proposed):
    assert amir.post(url(proposed, "adopt"), {}).status_code == 404


def test_a_move_of_an_unknown_recommendation_is_not_found(amir):
    assert amir.post("/recommendations/999999/submit/", {}).status_code == 404


def test_the_secretariat_submits_a_recommendation(amir, secretariat_user, proposed):
    response = amir.post(
        url(proposed, "submit"),
        {"meeting": meeting("bali-2003").pk, "on": "", "note": "With the AHEG I report."},
    )
    assert response.status_code == 302
    assert response.url == back_to(proposed)
    assert messages_of(response) == ["Recommendation 1 was submitted to Bali 2003."]
    proposed.refresh_from_db()
    assert (proposed.status, proposed.submitted_on) == (Status.SUBMITTED, BALI_II_OPENED)
    event = proposed.events.get()
    assert (event.recorded_by, event.note) == (secretariat_user, "With the AHEG I report.")


def test_a_superuser_moves_recommendations_too(client, superuser, proposed):
    client.force_login(superuser)
    response = client.post(url(proposed, "submit"), {"meeting": meeting("bali-2003").pk})
    assert response.status_code == 302
    assert stored(proposed)[0] == Status.SUBMITTED


@pytest.mark.parametrize(
    ("start", "action", "data", "status", "message"),
    [
        (
            Status.SUBMITTED,
            "consider",
            {"outcome": "noted", "on": "2003-04-30"},
            Status.CONSIDERED,
            "Recommendation 1 was recorded as noted by Ministers.",
        ),
        (
            Status.CONSIDERED,
            "close",
            {"on": "2004-06-01"},
            Status.IMPLEMENTED,
            "Recommendation 1 was closed as implemented.",
        ),
        (
            Status.CONSIDERED,
            "hand-over",
            {"mechanism": "apc", "on": "2004-06-01"},
            Status.HANDED_OVER,
            "Recommendation 1 was handed over to APC.",
        ),
    ],
)
def test_the_secretariat_makes_each_move(amir, proposed, start, action, data, status, message):
    recommendation = move_to(proposed, start)
    if "mechanism" in data:
        data = {**data, "mechanism": Mechanism.objects.get(slug=data["mechanism"]).pk}
    response = amir.post(url(recommendation, action), data)
    assert response.url == back_to(recommendation)
    assert messages_of(response) == [message]
    assert stored(recommendation)[0] == status


def test_a_refused_move_goes_back_with_the_reason_and_writes_nothing(amir, proposed):
    before = stored(proposed)
    response = amir.post(
        url(proposed, "hand-over"),
        {"mechanism": Mechanism.objects.get(slug="apc").pk, "on": "2003-06-01"},
    )
    assert response.status_code == 302
    assert response.url == back_to(proposed)
    [message] = messages_of(response)
    assert message.startswith("Recommendation 1 was not changed. This recommendation was never")
    assert stored(proposed) == before
    assert not Handover.objects.exists()


def test_a_submission_to_a_meeting_that_ended_before_is_refused_on_the_page(amir, proposed):
    before = stored(proposed)
    response = amir.post(url(proposed, "submit"), {"meeting": meeting("bali-2002").pk})
    [message] = messages_of(response)
    assert "submitting to a meeting that ended before the recommendation was made" in message
    assert stored(proposed) == before


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("submit", {}, "Choose the ministerial meeting."),
        ("submit", {"meeting": "999999"}, "Choose a ministerial meeting from the list."),
        ("submit", {"meeting": "bali-2003", "on": "30/04/2003"}, "Enter the date as YYYY-MM-DD"),
        ("consider", {"on": "2003-04-30"}, "Choose what Ministers did"),
        ("consider", {"outcome": "noted"}, "Give the date."),
        ("hand-over", {"on": "2003-06-01"}, "Choose the mechanism it is passed on to."),
    ],
)
def test_bad_input_goes_back_with_a_clear_message(amir, proposed, action, data, message):
    recommendation = move_to(proposed, Status.SUBMITTED) if action != "submit" else proposed
    if data.get("meeting") == "bali-2003":
        data = {**data, "meeting": meeting("bali-2003").pk}
    before = stored(recommendation)
    response = amir.post(url(recommendation, action), data)
    assert response.url == back_to(recommendation)
    [shown] = messages_of(response)
    assert shown.startswith("Recommendation 1 was not changed.")
    assert message in shown
    assert stored(recommendation) == before


# The expert meeting page ------------------------------------------------------------------------


def test_everyone_sees_each_recommendations_status_and_moves(client, secretariat_user, proposed):
    move_to(proposed, Status.CONSIDERED, user=secretariat_user)
    make_recommendation(reference="2", text="Hold a workshop on legislation.")
    page = page_html(client.get(f"/meetings/{COLOMBO}/"))
    assert "Considered by Ministers" in page
    assert 'Submitted to <a href="/meetings/bali-2003/">Bali 2003</a> on 28 April 2003' in page
    assert "endorsed by Ministers on 30 April 2003" in page
    assert "Proposed → <strong>Submitted to Ministers</strong>" in page
    assert "Recorded by amir on" in page
    assert "<strong>Proposed</strong>" in page  # the second one
    assert "<form" not in page.split('id="recommendations"')[1]


def test_a_handed_over_recommendation_says_to_which_mechanism(client, proposed):
    move_to(proposed, Status.HANDED_OVER)
    page = page_html(client.get(f"/meetings/{COLOMBO}/"))
    assert "Closed: handed over" in page
    assert "Handed over to Asia Pacific Consultations" in page


def test_the_secretariat_sees_the_next_moves_only(amir, proposed):
    submitted = make_recommendation(reference="2")
    move_to(submitted, Status.SUBMITTED)
    page = page_html(amir.get(f"/meetings/{COLOMBO}/"))
    assert f'action="/recommendations/{proposed.pk}/submit/"' in page
    assert f'action="/recommendations/{proposed.pk}/hand-over/"' not in page
    assert f'action="/recommendations/{submitted.pk}/consider/"' in page
    assert f'action="/recommendations/{submitted.pk}/hand-over/"' in page
    assert f'action="/recommendations/{submitted.pk}/submit/"' not in page
    # Only the ministerial-level meetings it could go to are offered.
    assert '">Bali 2003 (28–30 April 2003)</option>' in page
    assert "Bali 2002 (" not in page  # over before the recommendation was made
    assert "Brisbane 2004 (" not in page  # senior officials
    assert ">APC (regional)</option>" in page


def test_the_officials_see_no_moves(client, official_of_indonesia, proposed):
    client.force_login(official_of_indonesia)
    page = page_html(client.get(f"/meetings/{COLOMBO}/"))
    assert "/recommendations/" not in page


def make_recommendations(count):
    for n in range(count):
        recommendation = make_recommendation(reference=f"R{n}")
        move_to(recommendation, [Status.SUBMITTED, Status.HANDED_OVER][n % 2])


def test_the_meeting_page_query_count_does_not_grow_with_the_recommendations(amir, proposed):
    make_recommendations(1)
    small = count_queries(amir, f"/meetings/{COLOMBO}/")
    make_recommendations(10)
    # The meeting with its group and host, its attendance, its assistance; the
    # recommendations with where they were submitted, their commitments, their moves with who
    # recorded them, their handovers with the mechanisms; session, user, the secretariat
    # check; the ministerial meetings, the mechanisms and the founding meeting (the earliest
    # handover date) for the forms, read once for all of them; the official check;
    # the data version and the demo-data flag (cached under it); its documents; the user's
    # own and group permissions (for the link to record the meeting in the admin); the
    # navigation's to-do count for the secretariat (3 capped counts, cached until the data
    # changes).
    assert count_queries(amir, f"/meetings/{COLOMBO}/") == small == 22
