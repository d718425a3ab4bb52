"""The secretariat's follow-up: comments on submitted reports and their emails, the officials'
replies, and the comment queue."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from commitments.models import Comment, Commitment, Participant, ProgressReport
from commitments.services.comments import comment_add
from commitments.services.reports import report_submit
from tests.conftest import client_for, get_counting_queries, make_report, messages_of, page_text

pytestmark = pytest.mark.django_db


def comment_url(report) -> str:
    return reverse("comment_create", args=[report.pk])


def detail_url(report) -> str:
    return reverse("report_detail", args=[report.pk])


def written() -> tuple:
    return Comment.objects.count(), Comment.history.count()


@pytest.fixture
def report(indonesia, official_of_indonesia):
    return make_report(indonesia, "17a", user=official_of_indonesia)


@pytest.fixture
def everyone(official_of_indonesia, second_official_of_indonesia, official_of_thailand, superuser):
    """Officials of two participants and a superuser, all with email addresses."""


# The secretariat's comments ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "label"),
    [("acknowledgement", "Acknowledgement"), ("question", "Question")],
)
def test_a_secretariat_comment_emails_each_of_the_countrys_officials_separately(
    amir, report, everyone, secretariat_user, mailoutbox, django_capture_on_commit_callbacks,
    kind, label,
):  # fmt: skip
    body = "Thank you. Could you send the text of the decree?"
    with django_capture_on_commit_callbacks(execute=True):
        response = amir.post(comment_url(report), {"kind": kind, "body": body})
    assert response.status_code == 302
    assert response.url == detail_url(report)
    comment = Comment.objects.get()
    assert (comment.report, comment.author, comment.kind, comment.body) == (
        report, secretariat_user, kind, body,
    )  # fmt: skip

    officials = ["budi@example.org", "siti@example.org"]
    assert sorted(address for email in mailoutbox for address in email.to) == officials
    assert len(mailoutbox) == 2  # one email per official
    for email in mailoutbox:
        assert len(email.to) == 1
        assert email.cc == []
        assert email.bcc == []
        (own,) = email.to
        message = email.message().as_string()
        for other in [*officials, "somchai@example.org", "root@example.org", "amir@example.org"]:
            if other != own:
                assert other not in message
        assert label in email.subject
        assert "17a" in email.subject
        assert body in email.body
        assert detail_url(report) in email.body


def test_the_comment_shows_on_the_report_page_to_the_countrys_officials(
    amir, siti, report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        amir.post(comment_url(report), {"kind": "question", "body": "When was the law passed?"})
    text = page_text(siti.get(detail_url(report)))
    assert "Question from amir" in text
    assert "When was the law passed?" in text


def test_the_secretariat_is_offered_acknowledgement_and_question_and_the_official_reply(
    amir, siti, report
):
    secretariat_form = amir.get(detail_url(report)).context["comment_form"]
    assert [value for value, _ in secretariat_form.fields["kind"].choices] == [
        "acknowledgement",
        "question",
    ]
    official_form = siti.get(detail_url(report)).context["comment_form"]
    assert [value for value, _ in official_form.fields["kind"].choices] == ["reply"]
    assert official_form["kind"].is_hidden


# The officials' replies ---------------------------------------------------------------------


def test_an_officials_reply_emails_the_secretariat(
    amir, siti, report, everyone, secretariat_user, official_of_indonesia, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        amir.post(comment_url(report), {"kind": "question", "body": "Which ministry leads?"})
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = siti.post(
            comment_url(report), {"kind": "reply", "body": "The Ministry of Law leads."}
        )
    assert response.status_code == 302
    reply = Comment.objects.get(kind="reply")
    assert reply.author == official_of_indonesia
    assert [email.to for email in mailoutbox] == [[secretariat_user.email]]
    assert "The Ministry of Law leads." in mailoutbox[0].body
    assert "Reply" in mailoutbox[0].subject
    text = page_text(amir.get(detail_url(report)))
    assert text.index("Which ministry leads?") < text.index("The Ministry of Law leads.")


def test_an_official_cannot_post_as_the_secretariat(siti, report, mailoutbox):
    before = written()
    response = siti.post(comment_url(report), {"kind": "acknowledgement", "body": "All good."})
    assert response.status_code == 200
    assert "kind" in response.context["comment_form"].errors
    assert written() == before
    assert mailoutbox == []


def test_an_official_of_another_country_cannot_comment(
    official_of_thailand, report, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(official_of_thailand)
    before = written()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(comment_url(report), {"kind": "reply", "body": "Not mine."})
    assert response.status_code == 403
    assert written() == before
    assert mailoutbox == []
    assert client.get(detail_url(report)).context["comment_form"] is None


def test_a_user_with_no_role_cannot_comment(user_without_participant, report):
    before = written()
    response = client_for(user_without_participant).post(
        comment_url(report), {"kind": "reply", "body": "Hello."}
    )
    assert response.status_code == 403
    assert written() == before


# Comments on drafts ------------------------------------------------------------------------------


@pytest.fixture
def draft(indonesia, official_of_indonesia):
    return make_report(indonesia, "17b", submitted=False, user=official_of_indonesia)


@pytest.mark.parametrize("who", ["secretariat_user", "official_of_thailand", "superuser"])
def test_a_comment_on_a_draft_is_not_found_for_others(request, draft, who, mailoutbox):
    client = client_for(request.getfixturevalue(who))
    before = written()
    for kind in ("acknowledgement", "question", "reply"):
        assert client.post(comment_url(draft), {"kind": kind, "body": "Hm."}).status_code == 404
    assert written() == before
    assert mailoutbox == []


def test_a_comment_on_a_draft_is_refused_to_its_own_officials(siti, draft, mailoutbox):
    before = written()
    response = siti.post(comment_url(draft), {"kind": "reply", "body": "A note to self."})
    assert response.status_code == 403
    assert written() == before
    assert mailoutbox == []


# Bad input and methods ----------------------------------------------------------------------


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_comment_gets_a_message_and_writes_nothing(amir, report, mailoutbox, body):
    before = written()
    response = amir.post(comment_url(report), {"kind": "question", "body": body})
    assert response.status_code == 200
    assert "Write the comment before sending it." in page_text(response)
    assert "Nothing was sent" in page_text(response)
    assert written() == before
    assert mailoutbox == []


def test_a_comment_over_5000_characters_gets_a_message_and_writes_nothing(amir, report):
    before = written()
    response = amir.post(comment_url(report), {"kind": "question", "body": "x" * 5001})
    assert response.status_code == 200
    assert "at most 5000 characters" in " ".join(response.context["comment_form"].errors["body"])
    assert written() == before


def test_a_comment_of_an_unknown_kind_writes_nothing(amir, report):
    before = written()
    response = amir.post(comment_url(report), {"kind": "praise", "body": "Great."})
    assert response.status_code == 200
    assert "kind" in response.context["comment_form"].errors
    assert written() == before


def test_commenting_is_post_only(amir, report):
    assert amir.get(comment_url(report)).status_code == 405


def test_an_anonymous_visitor_is_sent_to_log_in_to_comment(client, report):
    response = client.post(comment_url(report), {"kind": "reply", "body": "Hello."})
    assert response.status_code == 302
    assert response.url.startswith(django_settings.LOGIN_URL)
    assert not Comment.objects.exists()


def test_a_comment_without_the_csrf_token_is_refused(secretariat_user, report):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat_user)
    response = client.post(comment_url(report), {"kind": "question", "body": "Hello?"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_a_comment_on_an_unknown_report_is_not_found(amir):
    assert amir.post(
        "/reports/999999/comments/", {"kind": "question", "body": "?"}
    ).status_code == (404)


# The comment queue --------------------------------------------------------------------------------


def queue_records(response) -> list:
    return [row.record for row in response.context["table"].page.object_list]


def submitted_on(report, when: datetime.datetime):
    # Submitted reports cannot be saved again; the submission time is set in the database.
    ProgressReport.objects.filter(pk=report.pk).update(submitted_at=when)
    report.refresh_from_db()
    return report


@pytest.fixture
def queue(indonesia, thailand):
    base = timezone.now() - datetime.timedelta(days=10)
    return {
        "old": submitted_on(make_report(indonesia, "17a"), base),
        "newest": submitted_on(make_report(thailand, "17a"), base + datetime.timedelta(days=3)),
        "middle": submitted_on(make_report(indonesia, "18"), base + datetime.timedelta(days=1)),
        "draft": make_report(indonesia, "17c", submitted=False),
    }


def test_the_secretariat_sees_submitted_reports_newest_submission_first_and_no_drafts(amir, queue):
    response = amir.get("/comments/")
    assert response.status_code == 200
    assert queue_records(response) == [queue["newest"], queue["middle"], queue["old"]]
    assert reverse("report_detail", args=[queue["draft"].pk]) not in response.content.decode()


def test_the_queue_is_filtered_by_participant(amir, queue, indonesia):
    response = amir.get("/comments/", {"participant": indonesia.iso3})
    assert queue_records(response) == [queue["middle"], queue["old"]]


def test_the_queue_is_filtered_by_commitment(amir, queue):
    commitment = Commitment.objects.get(code="17a")
    response = amir.get("/comments/", {"commitment": commitment.code})
    assert queue_records(response) == [queue["newest"], queue["old"]]


def test_the_queue_is_filtered_by_participant_and_commitment(amir, queue, indonesia):
    commitment = Commitment.objects.get(code="17a")
    response = amir.get(
        "/comments/", {"participant": indonesia.iso3, "commitment": commitment.code}
    )
    assert queue_records(response) == [queue["old"]]


def test_the_queue_shows_whether_a_report_was_acknowledged(
    amir, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        amir.post(comment_url(queue["old"]), {"kind": "acknowledgement", "body": "Thanks."})
    every_report = {"acknowledged": ""}  # "All"; by default the queue leaves out the acknowledged
    records = {r.pk: r for r in queue_records(amir.get("/comments/", every_report))}
    assert (records[queue["old"].pk].comment_count, records[queue["old"].pk].acknowledged) == (1, 1)
    assert records[queue["newest"].pk].acknowledged == 0


@pytest.mark.parametrize(
    "who", ["official_of_indonesia", "official_of_thailand", "user_without_participant"]
)
def test_the_review_queue_is_refused_to_anyone_outside_the_secretariat(request, who):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/comments/").status_code == 403


def test_a_superuser_may_open_the_review_queue(superuser):
    assert client_for(superuser).get("/comments/").status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in_for_the_review_queue(client):
    response = client.get("/comments/")
    assert response.status_code == 302
    assert response.url.startswith(django_settings.LOGIN_URL)


def test_the_review_queues_query_count_does_not_grow_with_the_reports(amir, secretariat_user):
    participants = list(Participant.objects.tracked().order_by("short_name")[:5])
    codes = ["17a", "17b", "18"]

    def add(count):
        for n in range(count):
            report = make_report(
                participants[n % len(participants)],
                codes[n % len(codes)],
                as_of=datetime.date(2002, 4, 1) + datetime.timedelta(days=n),
            )
            if n % 2 == 0:
                Comment.objects.create(
                    report=report, author=secretariat_user, kind="acknowledgement", body="Thanks."
                )

    def count_queries_and_rows():
        response, count = get_counting_queries(amir, "/comments/", {"acknowledged": ""})
        return count, len(queue_records(response))

    add(2)
    few, rows = count_queries_and_rows()
    assert rows == 2
    add(18)
    many, rows = count_queries_and_rows()
    assert rows == 20
    assert many == few


def test_the_follow_up_is_shown_only_to_the_parties_and_the_history_to_everyone(
    client, indonesia, official_of_thailand, secretariat_user, official_of_indonesia
):
    draft = make_report(indonesia, submitted=False, narrative="First words.")
    draft.narrative = "Second words."
    draft.save()
    report = report_submit(report=draft, user=official_of_indonesia)
    comment_add(report=report, user=secretariat_user, kind="question", body="Which law?")
    url = f"/reports/{report.pk}/"
    client.force_login(official_of_thailand)
    page = client.get(url)
    assert "Which law?" not in page_text(page)
    history = page.context["history"]
    assert [entry.action for entry in history] == [
        "Created the draft", "Edited the draft", "Submitted the report",
    ]  # fmt: skip
    # Which field a draft's edit changed, never its earlier words: to everyone alike.
    assert "Narrative changed" in page_text(page)
    assert "First words." not in page_text(page)
    for party in (official_of_indonesia, secretariat_user):
        client.force_login(party)
        page = client.get(url)
        assert "Which law?" in page_text(page)
        assert [e.action for e in page.context["history"]] == [e.action for e in history]
        assert "First words." not in page_text(page)


@pytest.mark.parametrize(
    "query",
    [
        {"per_page": "-1"},
        {"per_page": "-1", "export": "csv"},
        {"page": "2", "per_page": "-5"},
        {"per_page": "0"},
        {"per_page": "abc"},
        {"per_page": "1000000"},
        {"page": "-3"},
        {"page": "abc"},
        {"page": "99999"},
    ],
)
def test_the_comment_queue_answers_any_paging_asked_for(amir, indonesia, query):
    for code in ("17a", "17b", "17c"):
        make_report(indonesia, code)
    response = amir.get("/comments/", query)
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert 1 <= response.context["table"].paginator.per_page <= 100


def test_a_comment_form_posted_twice_adds_one_comment_and_one_email(
    amir, indonesia, official_of_indonesia, mailoutbox
):
    import re

    report = make_report(indonesia, user=official_of_indonesia)
    page = amir.get(f"/reports/{report.pk}/").content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f-]+)"', page)[1]
    data = {"kind": "question", "body": "Which law?", "form_token": token}
    amir.post(f"/reports/{report.pk}/comments/", data)
    second = amir.post(f"/reports/{report.pk}/comments/", data)
    assert second["Location"] == f"/reports/{report.pk}/"
    assert any("already been received" in m for m in messages_of(second))
    assert report.comments.count() == 1
    assert len(mailoutbox) == 1  # to Indonesia's official, once
    # A form opened again is a new comment.
    page = amir.get(f"/reports/{report.pk}/").content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f-]+)"', page)[1]
    amir.post(f"/reports/{report.pk}/comments/", {**data, "form_token": token})
    assert report.comments.count() == 2
