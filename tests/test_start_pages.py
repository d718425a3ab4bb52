"""Issue 11: each role's start page (an official's to-dos, the secretariat's to-do page), the
counts in the navigation, the navigation's links per role, the landing page after login, the
message after logout, the comment queue's default, and the status scale's page."""

import datetime
import html as html_module
import re

import pytest
from django.urls import reverse

from commitments.models import Comment, ExpertMeeting, Official, Participant, Recommendation
from commitments.services.comments import comment_add
from commitments.todo import TODO_LIMIT
from tests.conftest import count_queries, make_report, messages_of, page_html, page_text

pytestmark = pytest.mark.django_db

COLOMBO = "aheg-1-colombo-2003"


def nav_links(response) -> list[str]:
    """The labels of the wide header's links, in order (the phone menu repeats them)."""
    html = page_html(response)
    wide = html[html.index('class="nav-wide"') : html.index('class="nav-phone"')]
    labels = re.findall(r"<a [^>]*>(.*?)</a>", wide)
    # The label without its count ("My country 7 to do" reads "My country").
    return [html_module.unescape(label.split("<span")[0]).strip() for label in labels]


def nav_count(response) -> int | None:
    """The number the navigation shows beside "To do" or "My country", if any."""
    html = page_html(response)
    wide = html[html.index('class="nav-wide"') : html.index('class="nav-phone"')]
    found = re.search(r'<a href="/(?:my|todo)/"[^>]*>[^<]*<span class="nav-count">(\d+)', wide)
    return int(found.group(1)) if found else None


# Who sees which links ---------------------------------------------------------------------------


def test_an_anonymous_visitor_sees_no_link_that_only_leads_to_the_login_page(client):
    links = nav_links(client.get("/"))
    assert "Log in" in links
    for behind_login in ("Matrix", "Countries", "Reports", "Handover", "To do", "Admin"):
        assert behind_login not in links
    assert {"Overview", "Commitments", "Meetings", "Status scale"} <= set(links)


def test_with_public_progress_the_progress_pages_are_linked_for_everyone(client, settings):
    settings.FOLLOWUP_PUBLIC_PROGRESS = True
    assert {"Matrix", "Countries", "Reports", "Handover"} <= set(nav_links(client.get("/")))


def test_an_official_sees_the_country_and_no_secretariat_link(siti):
    links = nav_links(siti.get("/"))
    assert "My country" in links
    assert "Comment queue" not in links
    assert "Admin" not in links
    assert "Matrix" in links


def test_the_secretariat_sees_its_to_do_page_and_the_queue(amir):
    links = nav_links(amir.get("/"))
    assert {"To do", "Comment queue", "Import reports", "Admin"} <= set(links)
    assert "My country" not in links


def test_an_observers_official_is_not_offered_the_import_that_would_refuse_them(
    siti, client, django_user_model
):
    assert "Import reports" in nav_links(siti.get("/"))
    observer = Participant.objects.get(iso3="USA")
    user = django_user_model.objects.create_user("observer-official", password="x" * 16)
    Official.objects.create(user=user, participant=observer)
    client.force_login(user)
    assert "Import reports" not in nav_links(client.get("/"))
    assert client.get(reverse("import_upload")).status_code == 403


def test_the_current_page_is_marked_in_the_navigation(siti):
    html = page_html(siti.get("/matrix/"))
    assert '<a href="/matrix/" aria-current="page">Matrix</a>' in html
    assert 'aria-current="page">Overview' not in html


# Landing after login, and the message after logout -----------------------------------------------


@pytest.mark.parametrize(
    ("who", "lands_on"),
    [("official_of_indonesia", "/my/"), ("secretariat_user", "/todo/"), ("viewer", "/")],
)
def test_each_role_lands_on_its_start_page_after_login(client, request, who, lands_on):
    if who == "viewer":
        from django.contrib.auth.models import User

        User.objects.create_user("viewer", "v@example.org", "correct horse battery")
        username = "viewer"
    else:
        username = request.getfixturevalue(who).username
    response = client.post(
        "/accounts/login/", {"username": username, "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert response.url == lands_on


def test_a_login_asked_for_a_page_still_returns_to_it(client, secretariat_user):
    response = client.post(
        "/accounts/login/?next=/matrix/",
        {"username": "amir", "password": "correct horse battery", "next": "/matrix/"},
    )
    assert response.url == "/matrix/"


def test_logging_out_says_so(siti):
    response = siti.post("/accounts/logout/", follow=True)
    assert messages_of(response) == ["You are logged out. Log in again to see progress data."]
    assert 'role="status"' in page_html(response)
    assert "Log in" in nav_links(response)


def test_an_error_message_interrupts_and_a_success_is_announced(siti):
    """Messages are live regions, with a word for their kind (not colour alone)."""
    response = siti.post(
        reverse("report_create") + "?commitment=17a",
        {"status": "limited", "as_of": "2003-01-15", "narrative": "Text.", "confidence": "high"},
        follow=True,
    )
    html = page_html(response)
    assert '<p class="message message-success" role="status"><strong>Done:</strong>' in html


# An official's to-dos --------------------------------------------------------------------------


def test_an_officials_to_dos_list_what_waits(siti, indonesia, secretariat_user, settings):
    settings.FOLLOWUP_STALE_AFTER_DAYS = 365
    old = make_report(indonesia, "17a", as_of=datetime.date(2003, 5, 1))
    make_report(indonesia, "17b", as_of=datetime.date(2004, 6, 1))
    make_report(indonesia, "17c", submitted=False)
    answered = make_report(indonesia, "17d", as_of=datetime.date(2004, 6, 1))
    comment_add(report=old, user=secretariat_user, kind="question", body="Which law is it?")
    comment_add(report=answered, user=secretariat_user, kind="question", body="Since when?")
    Comment.objects.create(report=answered, author=secretariat_user, kind="reply", body="2004.")

    response = siti.get("/my/")
    todo = response.context["todo"]
    assert [row.commitment.code for row in todo.never_reported] == ["17c", "17e", "17f", "18"]
    assert [row.commitment.code for row in todo.update_due] == ["17a"]
    assert [draft.commitment.code for draft in todo.drafts] == ["17c"]
    assert [question.body for question in todo.questions] == ["Which law is it?"]
    assert todo.count == 4 + 1 + 1 + 1
    text = page_text(response)
    assert "Questions from the secretariat awaiting your reply (1)" in text
    assert "Which law is it?" in text
    assert "Since when?" not in text  # replied to
    assert "Commitments never reported (4)" in text
    assert "Drafts not yet submitted (1)" in text
    assert nav_count(response) == 7


def test_an_official_with_nothing_to_do_is_told_so(siti, indonesia):
    for code in ("17a", "17b", "17c", "17d", "17e", "17f", "18"):
        make_report(indonesia, code, as_of=datetime.date(2004, 6, 1))
    response = siti.get("/my/")
    assert response.context["todo"].count == 0
    assert "Nothing waits for you" in page_text(response)
    assert nav_count(response) is None


def test_the_navigation_count_follows_a_write(siti, indonesia):
    assert nav_count(siti.get("/")) == 7  # never reported on any of the seven
    make_report(indonesia, "17a", as_of=datetime.date(2004, 6, 1))
    assert nav_count(siti.get("/")) == 6


def test_another_participants_questions_are_not_an_officials_to_do(
    siti, thailand, secretariat_user
):
    thai = make_report(thailand, "17a")
    comment_add(report=thai, user=secretariat_user, kind="question", body="Thai question")
    response = siti.get("/my/")
    assert response.context["todo"].questions == []
    assert "Thai question" not in page_text(response)


# The secretariat's to-do page ------------------------------------------------------------------


def test_the_secretariat_to_do_page_lists_what_waits(amir, indonesia, thailand, secretariat_user):
    waiting = make_report(indonesia, "17a")
    acknowledged = make_report(thailand, "17a")
    Comment.objects.create(
        report=acknowledged, author=secretariat_user, kind="acknowledgement", body="Thanks."
    )
    replied = make_report(thailand, "17b")
    Comment.objects.create(report=replied, author=secretariat_user, kind="question", body="Q?")
    Comment.objects.create(report=replied, author=secretariat_user, kind="reply", body="Answer.")
    Recommendation.objects.create(meeting=ExpertMeeting.objects.get(slug=COLOMBO), text="Share.")

    response = amir.get("/todo/")
    assert response.status_code == 200
    todo = response.context["todo"]
    assert [r.pk for r in todo.unacknowledged] == [waiting.pk, replied.pk]
    assert [c.body for c in todo.replies] == ["Answer."]
    assert [r.text for r in todo.recommendations] == ["Share."]
    missing = {item.participant.iso3: [c.code for c in item.commitments] for item in todo.missing}
    assert missing["IDN"] == ["17b", "17c", "17d", "17e", "17f", "18"]
    assert "THA" in missing
    assert "17a" not in missing["THA"]
    assert todo.count == 2 + 1 + 1
    assert nav_count(response) == 4
    text = page_text(response)
    assert "Submissions not yet acknowledged (2)" in text
    assert "Replies to your questions (1)" in text
    assert "Answer." in text
    assert todo.review is not None
    assert todo.review.summary in text


def test_the_to_do_lists_are_bounded_and_their_counts_constant(amir, indonesia, thailand):
    for n in range(TODO_LIMIT + 2):
        make_report([indonesia, thailand][n % 2], "17a", as_of=datetime.date(2002, 4, 1 + n))
    few = count_queries(amir, "/todo/")
    for n in range(30):
        make_report([indonesia, thailand][n % 2], "17b", as_of=datetime.date(2002, 5, 1 + n))
    assert count_queries(amir, "/todo/") == few
    todo = amir.get("/todo/").context["todo"]
    assert len(todo.unacknowledged) == TODO_LIMIT
    assert todo.unacknowledged_count == TODO_LIMIT + 2 + 30


def test_an_official_may_not_open_the_secretariat_to_do_page(siti):
    assert siti.get("/todo/").status_code == 403


# The comment queue's default -------------------------------------------------------------------


def test_the_queue_shows_what_is_not_yet_acknowledged_unless_asked_for_all(
    amir, indonesia, thailand, secretariat_user
):
    waiting = make_report(indonesia, "17a")
    done = make_report(thailand, "17a")
    Comment.objects.create(report=done, author=secretariat_user, kind="acknowledgement", body="OK")

    def shown(query):
        return [row.record.pk for row in amir.get("/comments/", query).context["table"].rows]

    assert shown({}) == [waiting.pk]
    assert shown({"acknowledged": "yes"}) == [done.pk]
    assert sorted(shown({"acknowledged": ""})) == sorted([waiting.pk, done.pk])
    response = amir.get("/comments/", {"acknowledged": "maybe"})
    assert "Select a valid choice" in page_text(response)
    assert list(response.context["table"].rows) == []


# The status scale ------------------------------------------------------------------------------


def test_the_status_scale_page_explains_every_status_and_confidence_level(client):
    from commitments.models import Confidence, ProgressReport

    response = client.get("/status-scale/")
    assert response.status_code == 200
    text = page_text(response)
    for status in ProgressReport.Status:
        assert status.label in text
    for level in Confidence:
        assert level.label in text
    assert "not a score" in text
    for word in ("rank ", "ranking ", "compliance", "best", "worst"):
        assert f"{word}" not in text.lower().replace("never ranked", "")


def test_the_legends_link_to_the_status_scale(siti, indonesia):
    make_report(indonesia)
    assert 'href="/status-scale/"' in page_html(siti.get("/matrix/"))
    assert 'href="/status-scale/#limited"' in page_html(siti.get("/commitments/"))


def test_the_favicon_is_the_trackers_mark(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url.startswith("/static/commitments/favicon")
