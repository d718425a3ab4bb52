"""The experts' groups: their public pages, volunteering for one, and recording who attended
an expert meeting (each official for his or her own participant only)."""

import datetime
import re

import pytest
from django.utils import timezone

from commitments.models import (
    Attendance,
    ExpertGroup,
    ExpertMeeting,
    Participant,
    Recommendation,
    Volunteer,
)
from tests.conftest import count_queries, messages_of, page_html

pytestmark = pytest.mark.django_db

COLOMBO = "aheg-1-colombo-2003"
JAKARTA = "jakarta-coordination-2003"  # its attendance is recorded: Indonesia, Thailand...


@pytest.fixture
def aheg_1(db):
    return ExpertGroup.objects.get(slug="aheg-1")


def volunteer_url(group):
    return f"/groups/{group.pk}/volunteer/"


# The list of groups -----------------------------------------------------------------------------


def test_the_list_of_groups_is_public(client):
    page = page_html(client.get("/groups/"))
    assert "AHEG I" in page
    assert "AHEG II" in page
    assert "New Zealand" in page
    assert "Ambassador John Hayes" in page
    assert 'href="/commitments/17a/"' in page
    assert 'href="/commitments/18/"' in page


def test_the_list_counts_each_groups_volunteers_and_meetings(client, aheg_1, indonesia, thailand):
    Volunteer.objects.create(group=aheg_1, participant=indonesia)
    Volunteer.objects.create(group=aheg_1, participant=thailand)
    response = client.get("/groups/")
    counts = {
        g.short_name: (g.volunteer_count, g.meeting_count) for g in response.context["groups"]
    }
    # AHEG I met in Bali, Bandar Seri Begawan and Colombo; AHEG II four times.
    assert counts == {"AHEG I": (2, 3), "AHEG II": (0, 4)}


def test_the_list_rejects_post(client):
    assert client.post("/groups/").status_code == 405


def add_volunteers_and_meetings(scale: int):
    """`scale` volunteers and `scale` meetings more for each group."""
    participants = list(
        Participant.objects.tracked()
        .exclude(volunteer__isnull=False)
        .distinct()
        .order_by("short_name")[:scale]
    )
    for group in ExpertGroup.objects.all():
        for participant in participants:
            Volunteer.objects.create(group=group, participant=participant, expert_names="A. Expert")
        for n in range(scale):
            ExpertMeeting.objects.create(
                slug=f"{group.slug}-extra-{scale}-{n}",
                title=f"Extra meeting {n}",
                group=group,
                host=participants[0],
                start_date=datetime.date(2003, 1, 1),
                end_date=datetime.date(2003, 1, 2),
                status=ExpertMeeting.Status.HELD,
            )


def test_the_list_query_count_does_not_grow_with_volunteers_and_meetings(client):
    add_volunteers_and_meetings(1)
    small = count_queries(client, "/groups/")
    add_volunteers_and_meetings(10)
    # The groups with their coordinators and counts, their commitments, the data version and
    # the demo-data flag (cached under it).
    assert count_queries(client, "/groups/") == small == 4


# A group's page ---------------------------------------------------------------------------------


def test_a_groups_page_is_public(client, aheg_1, indonesia):
    Volunteer.objects.create(
        group=aheg_1,
        participant=indonesia,
        expert_names="Dr. A. Example\nMr. B. Example",
        volunteered_on=datetime.date(2002, 5, 2),
    )
    Recommendation.objects.create(
        meeting=ExpertMeeting.objects.get(slug=COLOMBO), reference="4", text="Share data."
    )
    page = page_html(client.get(f"/groups/{aheg_1.pk}/"))
    assert "Ad Hoc Experts&#x27; Group I" in page
    assert "New Zealand" in page
    assert "(Ambassador John Hayes)" in page
    assert 'href="/commitments/17a/"' in page
    assert "Dr. A. Example<br>Mr. B. Example" in page
    assert "2 May 2002" in page
    assert "AHEG I meeting, Colombo" in page
    assert "13–14 March 2003" in page
    assert "Colombo, Sri Lanka" in page
    assert "<strong>4.</strong> Share data." in page
    assert "<strong>Proposed</strong>" in page
    assert "Volunteer " not in page  # no form for anonymous visitors


def test_an_unknown_group_is_not_found(client):
    assert client.get("/groups/999999/").status_code == 404


def test_a_groups_page_rejects_post(siti, aheg_1):
    assert siti.post(f"/groups/{aheg_1.pk}/").status_code == 405


def test_an_official_is_offered_to_volunteer_until_the_participant_has(siti, aheg_1, indonesia):
    page = page_html(siti.get(f"/groups/{aheg_1.pk}/"))
    assert f'action="{volunteer_url(aheg_1)}"' in page
    assert "Volunteer Indonesia for this group" in page
    Volunteer.objects.create(group=aheg_1, participant=indonesia)
    assert "Volunteer Indonesia" not in page_html(siti.get(f"/groups/{aheg_1.pk}/"))


@pytest.mark.parametrize("user", ["secretariat_user", "user_without_participant", "superuser"])
def test_only_officials_are_offered_to_volunteer(client, request, aheg_1, user):
    client.force_login(request.getfixturevalue(user))
    assert "/volunteer/" not in page_html(client.get(f"/groups/{aheg_1.pk}/"))


def test_the_group_page_query_count_does_not_grow_with_volunteers_and_meetings(siti, aheg_1):
    Recommendation.objects.create(meeting=ExpertMeeting.objects.get(slug=COLOMBO), text="One.")
    add_volunteers_and_meetings(1)
    small = count_queries(siti, f"/groups/{aheg_1.pk}/")
    add_volunteers_and_meetings(10)
    for meeting in aheg_1.meetings.all():
        Recommendation.objects.create(meeting=meeting, text="More.")
    # Session, user; the group with its coordinator and founding meeting, its commitments;
    # the volunteers with their participants; the official check; the meetings with their
    # hosts; the recommendations with their meetings and where they went; the secretariat
    # check (navigation); the data version and the demo-data flag (cached under it); the
    # navigation's to-do count for an official (9 queries: the country's row of the matrix,
    # drafts and deleted drafts, the reporting round, the questions; cached until the data
    # changes).
    assert count_queries(siti, f"/groups/{aheg_1.pk}/") == small == 19


# Volunteering -----------------------------------------------------------------------------------


def test_volunteering_rejects_get(siti, aheg_1):
    assert siti.get(volunteer_url(aheg_1)).status_code == 405


def test_volunteering_sends_anonymous_users_to_login(client, aheg_1):
    response = client.post(volunteer_url(aheg_1))
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={volunteer_url(aheg_1)}"
    assert not Volunteer.objects.exists()


@pytest.mark.parametrize("user", ["secretariat_user", "user_without_participant", "superuser"])
def test_only_officials_can_volunteer(client, request, aheg_1, user):
    client.force_login(request.getfixturevalue(user))
    assert client.post(volunteer_url(aheg_1)).status_code == 403
    assert not Volunteer.objects.exists()


def test_an_official_volunteers_the_participant(siti, official_of_indonesia, aheg_1, indonesia):
    response = siti.post(
        volunteer_url(aheg_1), {"expert_names": "  Dr. A. Example \n\n Mr. B. Example\n"}
    )
    assert response.status_code == 302
    assert response.url == f"/groups/{aheg_1.pk}/"
    assert messages_of(response) == ["Indonesia volunteered for AHEG I. Thank you."]
    volunteer = Volunteer.objects.get()
    assert (volunteer.group, volunteer.participant) == (aheg_1, indonesia)
    assert volunteer.expert_names == "Dr. A. Example\nMr. B. Example"
    assert volunteer.volunteered_on == timezone.localdate()
    assert volunteer.history.get().history_user == official_of_indonesia


def test_an_official_can_post_the_own_participants_code(siti, aheg_1, indonesia):
    assert siti.post(volunteer_url(aheg_1), {"participant": "IDN"}).status_code == 302
    assert Volunteer.objects.get().participant == indonesia


def test_an_official_cannot_volunteer_another_participant(siti, aheg_1):
    response = siti.post(volunteer_url(aheg_1), {"participant": "THA", "expert_names": "X"})
    assert response.status_code == 403
    assert not Volunteer.objects.exists()


def test_volunteering_twice_is_refused_with_a_message(siti, aheg_1, indonesia):
    Volunteer.objects.create(group=aheg_1, participant=indonesia, expert_names="Dr. A. Example")
    response = siti.post(volunteer_url(aheg_1), {"expert_names": "Someone else"})
    assert response.status_code == 302
    assert messages_of(response) == [
        "Indonesia has already volunteered for AHEG I. Nothing was changed."
    ]
    volunteer = Volunteer.objects.get()
    assert volunteer.expert_names == "Dr. A. Example"
    assert volunteer.history.count() == 1


def test_volunteering_with_too_long_a_list_shows_the_form_again(siti, aheg_1):
    response = siti.post(volunteer_url(aheg_1), {"expert_names": "x" * 2001})
    assert response.status_code == 200
    assert "Ensure this value has at most 2000 characters" in page_html(response)
    assert not Volunteer.objects.exists()


def test_volunteering_for_an_unknown_group_is_not_found(siti):
    assert siti.post("/groups/999999/volunteer/").status_code == 404


# Attendance -------------------------------------------------------------------------------------


def attendance_url(slug):
    return f"/meetings/{slug}/attendance/"


def test_an_official_is_offered_to_record_the_participants_attendance(siti):
    page = page_html(siti.get(f"/meetings/{COLOMBO}/"))
    assert f'action="{attendance_url(COLOMBO)}"' in page
    assert "Record who attended for Indonesia" in page


def test_the_form_shows_what_is_recorded_for_the_participant(siti, indonesia):
    Attendance.objects.filter(meeting__slug=JAKARTA, participant=indonesia).update(
        delegates="Mr. C. Example"
    )
    page = page_html(siti.get(f"/meetings/{JAKARTA}/"))
    assert re.search(r'<textarea name="delegates"[^>]*> Mr\. C\. Example</textarea>', page)


@pytest.mark.parametrize("user", [None, "secretariat_user", "user_without_participant"])
def test_only_officials_are_offered_to_record_attendance(client, request, user):
    if user:
        client.force_login(request.getfixturevalue(user))
    assert "/attendance/" not in page_html(client.get(f"/meetings/{COLOMBO}/"))


def test_no_attendance_is_offered_for_a_cancelled_meeting(siti):
    ExpertMeeting.objects.filter(slug=COLOMBO).update(status=ExpertMeeting.Status.CANCELLED)
    assert "/attendance/" not in page_html(siti.get(f"/meetings/{COLOMBO}/"))


def test_recording_attendance_rejects_get(siti):
    assert siti.get(attendance_url(COLOMBO)).status_code == 405


def test_recording_attendance_sends_anonymous_users_to_login(client):
    response = client.post(attendance_url(COLOMBO), {"delegates": "X"})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")
    assert not Attendance.objects.filter(meeting__slug=COLOMBO).exists()


@pytest.mark.parametrize("user", ["secretariat_user", "user_without_participant", "superuser"])
def test_only_officials_record_attendance(client, request, user):
    client.force_login(request.getfixturevalue(user))
    assert client.post(attendance_url(COLOMBO), {"delegates": "X"}).status_code == 403
    assert not Attendance.objects.filter(meeting__slug=COLOMBO).exists()


def test_an_official_records_who_attended(siti, official_of_indonesia, indonesia):
    response = siti.post(attendance_url(COLOMBO), {"delegates": " Dr. A \n\nMr. B "})
    assert response.status_code == 302
    assert response.url == f"/meetings/{COLOMBO}/#attendance"
    assert messages_of(response) == ["The attendance of Indonesia was recorded."]
    attendance = Attendance.objects.get(meeting__slug=COLOMBO)
    assert (attendance.participant, attendance.delegates) == (indonesia, "Dr. A\nMr. B")
    assert attendance.history.get().history_user == official_of_indonesia


def test_an_update_keeps_the_earlier_names_in_the_history(siti, official_of_indonesia):
    before = Attendance.objects.get(meeting__slug=JAKARTA, participant__iso3="IDN")
    siti.post(attendance_url(JAKARTA), {"delegates": "Dr. A"})
    response = siti.post(attendance_url(JAKARTA), {"delegates": "Dr. A\nMr. B"})
    assert messages_of(response)[-1] == "The attendance of Indonesia was recorded."
    after = Attendance.objects.get(meeting__slug=JAKARTA, participant__iso3="IDN")
    assert after.pk == before.pk
    assert after.delegates == "Dr. A\nMr. B"
    assert [h.delegates for h in after.history.order_by("history_id")][-2:] == [
        "Dr. A",
        "Dr. A\nMr. B",
    ]
    assert after.history.first().history_user == official_of_indonesia


def test_the_same_names_again_change_nothing(siti):
    siti.post(attendance_url(COLOMBO), {"delegates": "Dr. A"})
    response = siti.post(attendance_url(COLOMBO), {"delegates": "Dr. A"})
    # Messages of earlier requests are still there: the tests do not follow redirects.
    assert messages_of(response)[-1] == "The attendance of Indonesia was already so."
    assert Attendance.objects.get(meeting__slug=COLOMBO).history.count() == 1


def test_recording_never_touches_another_participants_row(siti):
    thailand = Attendance.objects.get(meeting__slug=JAKARTA, participant__iso3="THA")
    siti.post(attendance_url(JAKARTA), {"delegates": "Dr. A"})
    unchanged = Attendance.objects.get(pk=thailand.pk)
    assert (unchanged.delegates, unchanged.history.count()) == (
        thailand.delegates,
        thailand.history.count(),
    )


def test_an_official_cannot_record_for_another_participant(siti):
    response = siti.post(attendance_url(COLOMBO), {"participant": "THA", "delegates": "X"})
    assert response.status_code == 403
    assert not Attendance.objects.filter(meeting__slug=COLOMBO).exists()


def test_no_attendance_is_recorded_for_a_cancelled_meeting(siti):
    ExpertMeeting.objects.filter(slug=COLOMBO).update(status=ExpertMeeting.Status.CANCELLED)
    response = siti.post(attendance_url(COLOMBO), {"delegates": "X"})
    assert response.status_code == 302
    [message] = messages_of(response)
    assert "was cancelled: no attendance can be recorded for it" in message
    assert not Attendance.objects.filter(meeting__slug=COLOMBO).exists()


def test_attendance_is_recorded_for_a_planned_meeting(siti):
    ExpertMeeting.objects.filter(slug=COLOMBO).update(status=ExpertMeeting.Status.PLANNED)
    siti.post(attendance_url(COLOMBO), {"delegates": "X"})
    assert Attendance.objects.filter(meeting__slug=COLOMBO).exists()


@pytest.mark.parametrize("slug", ["bali-2003", "nowhere-1999"])
def test_attendance_only_exists_for_expert_meetings(siti, slug):
    assert siti.post(attendance_url(slug), {"delegates": "X"}).status_code == 404
