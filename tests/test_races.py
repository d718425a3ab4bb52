"""Two requests on one report at the same moment: a delete racing an edit, two submissions
of one draft, two corrections of one report, the same form posted twice. Each ends with
one clear answer per request, never an error page, the user's text kept, and the rules
whole (one report per form, at most one submitted correction per report).

The first part makes each race happen in-process, deterministically: the other request's
write is done between this request's permission check and its write (the moment a real
race would hit). The second part posts at the same moment from threads to a live server;
see `live` for what that exercises on each database.
"""

import http.client
import re
import threading
import urllib.parse
from functools import partial
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client

from commitments.forms import ReportForm
from commitments.models import (
    Attendance,
    Comment,
    ExpertGroup,
    Official,
    ProgressReport,
    ReportImport,
    Volunteer,
)
from commitments.services import participation, reports
from commitments.services.reports import (
    AlreadyCorrected,
    DraftGone,
    report_delete_draft,
    report_save,
    report_submit,
)
from commitments.views import workspace as workspace_views
from tests.conftest import client_for, make_correction, make_report, messages_of, page_text

ALREADY_RECEIVED = "had already been received"
COLLEAGUE_DELETED = "A colleague deleted this draft while you were editing it"
COLLEAGUE_SUBMITTED = "A colleague submitted this draft while you were editing it"
COLLEAGUE_CORRECTED = "A colleague corrected this report while you were writing"


def edit_url(report):
    return f"/my/reports/{report.pk}/edit/"


def delete_url(report):
    return f"/my/reports/{report.pk}/delete/"


def correct_url(report):
    return f"/my/reports/{report.pk}/correct/"


def detail_url(report):
    return f"/reports/{report.pk}/"


def form_data(*, submit=True, **changes) -> dict:
    data = {"status": "substantial", "as_of": "2003-01-20", "confidence": "high",
            "narrative": "The task force met four times.", "participant": "IDN"}  # fmt: skip
    data["submit" if submit else "save"] = "submit" if submit else "draft"
    data.update(changes)
    return data


def meanwhile(monkeypatch, name, other_request, *, before=False):
    """Make `other_request` happen while this request runs: right after the view's call of
    `name` returns (its permission check, say), or just before it (`before`)."""
    real, done = getattr(workspace_views, name), []

    def with_the_other_request(*args, **kwargs):
        if before and not done:
            done.append(other_request())
        result = real(*args, **kwargs)
        if not before and not done:
            done.append(other_request())
        return result

    monkeypatch.setattr(workspace_views, name, with_the_other_request)
    return done


@pytest.fixture
def budi_user(second_official_of_indonesia):
    return second_official_of_indonesia


@pytest.fixture
def budi(budi_user):
    return client_for(budi_user)


@pytest.fixture
def draft(db, indonesia, official_of_indonesia):
    return make_report(indonesia, "17a", submitted=False, user=official_of_indonesia)


@pytest.fixture
def original(db, indonesia, official_of_indonesia):
    return make_report(indonesia, "17a", user=official_of_indonesia, narrative="As submitted.")


def deleted_by(user, draft):
    return lambda: report_delete_draft(report=draft, user=user, expected_version=draft.version)


def posted_by(user, draft, data):
    """The service call the edit form's view makes for `data` (the first of two posts)."""

    def post():
        form = ReportForm(data, instance=ProgressReport.objects.get(pk=draft.pk))
        assert form.is_valid(), form.errors
        version = form.cleaned_data["version"]
        return report_save(
            report=form.instance, user=user, expected_version=version, submit="submit" in data
        )

    return post


def submitted_by(user, draft, **changes):
    def submit():
        for name, value in changes.items():
            setattr(draft, name, value)
        return report_save(report=draft, user=user, expected_version=draft.version, submit=True)

    return submit


# A draft deleted meanwhile -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("submit", [False, True], ids=["save", "submit"])
def test_an_edit_of_a_draft_deleted_meanwhile_keeps_the_text(
    siti, draft, budi_user, monkeypatch, submit
):
    meanwhile(monkeypatch, "report_for_edit", deleted_by(budi_user, draft))
    response = siti.post(edit_url(draft), form_data(submit=submit, version=1, narrative="Mine."))
    assert response.status_code == 409
    page = page_text(response)
    assert COLLEAGUE_DELETED in page
    assert "Mine." in page
    assert 'action="/my/reports/new/?commitment=17a"' in response.content.decode()
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_a_delete_of_a_draft_deleted_meanwhile_says_so(siti, draft, budi_user, monkeypatch):
    meanwhile(monkeypatch, "report_for_edit", deleted_by(budi_user, draft))
    response = siti.post(delete_url(draft), {"version": 1})
    assert (response.status_code, response.url) == (302, "/my/")
    assert any("A colleague deleted this draft before you did" in m for m in messages_of(response))
    assert ProgressReport.history.filter(history_type="-").count() == 1


@pytest.mark.django_db
def test_a_delete_posted_twice_says_the_draft_was_deleted(siti, draft, monkeypatch):
    assert siti.post(delete_url(draft), {"version": 1}).status_code == 302
    again = siti.post(delete_url(draft), {"version": 1})  # after the first: the draft is gone
    assert (again.status_code, again.url) == (302, "/my/")
    assert any("already deleted" in m for m in messages_of(again))


@pytest.mark.django_db
def test_a_delete_posted_twice_at_the_same_moment_says_the_draft_was_deleted(
    siti, draft, official_of_indonesia, monkeypatch
):
    meanwhile(monkeypatch, "report_for_edit", deleted_by(official_of_indonesia, draft))
    again = siti.post(delete_url(draft), {"version": 1})
    assert (again.status_code, again.url) == (302, "/my/")
    assert any("already deleted" in m for m in messages_of(again))


# A draft submitted meanwhile ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_delete_of_a_draft_submitted_meanwhile_leads_to_the_report(
    siti, draft, budi_user, monkeypatch
):
    meanwhile(monkeypatch, "report_for_edit", submitted_by(budi_user, draft))
    response = siti.post(delete_url(draft), {"version": 1})
    assert (response.status_code, response.url) == (302, detail_url(draft))
    assert any("A colleague submitted this draft" in m for m in messages_of(response))
    draft.refresh_from_db()
    assert draft.is_submitted


@pytest.mark.django_db
def test_a_delete_posted_after_a_colleague_submitted_leads_to_the_report(siti, draft, budi_user):
    submitted_by(budi_user, draft)()
    response = siti.post(delete_url(draft), {"version": 1})
    assert (response.status_code, response.url) == (302, detail_url(draft))
    assert any("so it was not deleted" in m for m in messages_of(response))


@pytest.mark.django_db
def test_a_delete_of_a_draft_saved_meanwhile_is_refused(siti, draft, budi_user, monkeypatch):
    def saved():
        draft.narrative = "Budi's words."
        return report_save(report=draft, user=budi_user, expected_version=1)

    meanwhile(monkeypatch, "report_for_edit", saved)
    response = siti.post(delete_url(draft), {"version": 1})
    assert (response.status_code, response.url) == (302, detail_url(draft))
    assert ProgressReport.objects.get().narrative == "Budi's words."


@pytest.mark.django_db
@pytest.mark.parametrize("submit", [False, True], ids=["save", "submit"])
def test_an_edit_of_a_draft_a_colleague_submitted_meanwhile_keeps_the_text(
    siti, draft, budi_user, monkeypatch, submit
):
    meanwhile(monkeypatch, "report_for_edit", submitted_by(budi_user, draft))
    response = siti.post(edit_url(draft), form_data(submit=submit, version=1, narrative="Mine."))
    assert response.status_code == 409
    page = page_text(response)
    assert COLLEAGUE_SUBMITTED in page
    assert "Mine." in page
    assert f'action="{correct_url(draft)}"' in response.content.decode()
    stored = ProgressReport.objects.get()
    assert (stored.submitted_by, stored.narrative) == (budi_user, draft.narrative)
    assert stored.history.count() == 3  # made, saved and submitted by budi: nothing by siti


@pytest.mark.django_db
@pytest.mark.parametrize("at_the_same_moment", [False, True], ids=["after", "same-moment"])
def test_the_edit_form_submitted_twice_is_already_received(
    siti, draft, official_of_indonesia, mailoutbox, monkeypatch, at_the_same_moment
):
    data = form_data(version=1, narrative="Submitted once.")
    if at_the_same_moment:
        # The first post submits while the second is past its permission check.
        meanwhile(monkeypatch, "report_for_edit", posted_by(official_of_indonesia, draft, data))
    else:
        assert siti.post(edit_url(draft), data).status_code == 302
    second = siti.post(edit_url(draft), data)
    assert (second.status_code, second.url) == (302, detail_url(draft))
    assert any(ALREADY_RECEIVED in m for m in messages_of(second))
    draft.refresh_from_db()
    assert (draft.state, draft.version, draft.narrative) == ("submitted", 2, "Submitted once.")
    assert draft.history.count() == 3  # made, saved, submitted: once


@pytest.mark.django_db
def test_the_edit_form_saved_twice_is_already_received(siti, draft):
    data = form_data(submit=False, version=1, narrative="Saved once.")
    assert siti.post(edit_url(draft), data).status_code == 302
    second = siti.post(edit_url(draft), data)
    assert (second.status_code, second.url) == (302, detail_url(draft))
    assert any(ALREADY_RECEIVED in m for m in messages_of(second))
    draft.refresh_from_db()
    assert (draft.state, draft.version) == ("draft", 2)


@pytest.mark.django_db
def test_a_colleagues_submission_is_not_taken_for_ones_own(siti, budi, draft):
    """Same version, same text even: submitted by someone else, it is still a conflict."""
    data = form_data(version=1, narrative="Same words.")
    assert budi.post(edit_url(draft), data).status_code == 302
    response = siti.post(edit_url(draft), data)
    assert response.status_code == 409
    assert COLLEAGUE_SUBMITTED in page_text(response)


@pytest.mark.django_db
def test_ones_own_submission_from_another_page_keeps_the_other_text(siti, draft):
    assert siti.post(edit_url(draft), form_data(version=1, narrative="Tab one.")).status_code == 302
    response = siti.post(edit_url(draft), form_data(version=1, narrative="Tab two."))
    assert response.status_code == 409
    page = page_text(response)
    assert "You submitted this draft from another page" in page
    assert "Tab two." in page
    assert f'action="{correct_url(draft)}"' in response.content.decode()


@pytest.mark.django_db
def test_an_earlier_version_submitted_by_oneself_is_not_a_repeat(
    siti, draft, official_of_indonesia
):
    """Posted from version 1, but the report was submitted at version 3: not this post."""
    draft.narrative = "Second."
    report_save(report=draft, user=official_of_indonesia, expected_version=1)
    submitted_by(official_of_indonesia, draft)()
    response = siti.post(edit_url(draft), form_data(version=1, narrative="Second."))
    assert response.status_code == 409


# Two corrections of one report -------------------------------------------------------------------


def colleagues_correction(original, user, **changes):
    def correct():
        correction = make_correction(original=original, user=user, **changes)
        return report_submit(report=correction, user=user)

    return correct


@pytest.mark.django_db
def test_a_correction_submitted_while_a_colleague_submitted_one_keeps_the_text(
    siti, original, budi_user, monkeypatch
):
    page = siti.get(correct_url(original)).content.decode()
    token = re.search(r'name="form_token" value="([0-9a-f-]+)"', page)[1]
    # Both passed the view's "already corrected?" check; the colleague's is saved first.
    done = meanwhile(
        monkeypatch, "report_save", colleagues_correction(original, budi_user), before=True
    )
    response = siti.post(correct_url(original), form_data(narrative="Mine.", form_token=token))
    assert response.status_code == 409
    assert COLLEAGUE_CORRECTED in page_text(response)
    assert "Mine." in page_text(response)
    newer = done[0]
    assert f'action="{correct_url(newer)}"' in response.content.decode()
    assert list(original.corrections.all()) == [newer]


@pytest.mark.django_db
def test_a_draft_correction_submitted_after_a_colleagues_correction_keeps_the_text(
    siti, original, official_of_indonesia, budi_user, monkeypatch
):
    mine = make_correction(original=original, user=official_of_indonesia)
    done = meanwhile(monkeypatch, "report_for_edit", colleagues_correction(original, budi_user))
    response = siti.post(edit_url(mine), form_data(version=1, narrative="Mine."))
    assert response.status_code == 409
    assert COLLEAGUE_CORRECTED in page_text(response)
    assert "Mine." in page_text(response)
    assert f'action="{correct_url(done[0])}"' in response.content.decode()
    assert list(original.corrections.submitted()) == done
    mine.refresh_from_db()
    assert (mine.state, mine.version, mine.narrative) == ("draft", 1, original.narrative)


@pytest.mark.django_db
def test_a_correction_of_ones_own_from_another_page_is_named_so(siti, original):
    """Two correction forms of one report, both by siti: the second is not 'a colleague's'."""
    first_page = siti.get(correct_url(original)).content.decode()
    second_page = siti.get(correct_url(original)).content.decode()
    token = re.compile(r'name="form_token" value="([0-9a-f-]+)"')
    siti.post(correct_url(original), form_data(form_token=token.search(first_page)[1]))
    response = siti.post(
        correct_url(original), form_data(narrative="Mine.", form_token=token.search(second_page)[1])
    )
    assert response.status_code == 409
    assert "You corrected this report from another page" in page_text(response)
    assert original.corrections.count() == 1


@pytest.mark.django_db
def test_two_corrections_that_both_pass_every_check_make_one_and_leave_the_transaction_usable(
    indonesia, original, official_of_indonesia, budi_user, monkeypatch
):
    """As if both validated before either was saved (no lock to queue them): the unique
    constraint refuses the second inside a savepoint, so on PostgreSQL the transaction that
    caught it goes on, and the answer is AlreadyCorrected, not IntegrityError."""
    first = colleagues_correction(original, budi_user)()
    second = make_correction(original=original, user=official_of_indonesia)
    check, calls = reports._first_submitted_correction, []

    def missed_the_first_time(reports):
        calls.append(reports)
        return check(reports) if len(calls) > 1 else None

    monkeypatch.setattr(reports, "_first_submitted_correction", missed_the_first_time)
    monkeypatch.setattr(ProgressReport, "validate_constraints", lambda self, exclude=None: None)
    with pytest.raises(AlreadyCorrected) as raised:
        report_submit(report=second, user=official_of_indonesia)
    assert raised.value.newer == first
    assert ProgressReport.objects.filter(corrects=original).count() == 2  # usable
    second.refresh_from_db()
    assert second.state == "draft"


# The services' own answers -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_service_names_a_draft_gone_or_submitted(draft, official_of_indonesia):
    stale = ProgressReport.objects.get(pk=draft.pk)
    submitted_by(official_of_indonesia, draft)()
    with pytest.raises(DraftGone) as raised:
        report_save(report=stale, user=official_of_indonesia, expected_version=1)
    assert raised.value.submitted == draft
    with pytest.raises(DraftGone):
        report_delete_draft(report=stale, user=official_of_indonesia)
    other = make_report(draft.participant, "17b", submitted=False)
    report_delete_draft(report=other, user=official_of_indonesia)
    for write in (
        lambda: report_save(report=other, user=official_of_indonesia, expected_version=1),
        lambda: report_delete_draft(report=other, user=official_of_indonesia),
        lambda: report_submit(report=other, user=official_of_indonesia),
    ):
        with pytest.raises(DraftGone) as raised:
            write()
        assert raised.value.submitted is None
        # A ValidationError: the admin and scripts show its message.
        assert isinstance(raised.value, ValidationError)


@pytest.mark.django_db
def test_attendance_recorded_by_two_at_the_same_moment_is_one_row(
    indonesia, official_of_indonesia, budi_user, monkeypatch
):
    """Both looked for the row before either made it: the second insert meets the unique
    constraint (PostgreSQL would answer IntegrityError) and updates the row instead."""
    from commitments.models import ExpertMeeting

    meeting = ExpertMeeting.objects.get(slug="aheg-1-colombo-2003")
    participation.record_attendance(
        meeting=meeting, participant=indonesia, delegates="Dr. A", user=budi_user
    )
    lookup, calls = participation._locked_attendance, []

    def before_the_colleagues_insert(meeting, participant):
        calls.append(participant)
        return lookup(meeting, participant) if len(calls) > 1 else None

    monkeypatch.setattr(participation, "_locked_attendance", before_the_colleagues_insert)
    changed = participation.record_attendance(
        meeting=meeting, participant=indonesia, delegates="Mr. B", user=official_of_indonesia
    )
    assert changed
    row = Attendance.objects.get(meeting=meeting, participant=indonesia)
    assert row.delegates == "Mr. B"
    assert [h.delegates for h in row.history.order_by("history_id")] == ["Dr. A", "Mr. B"]


# At the same moment, from threads, against a live server -----------------------------------------

N = 10  # simultaneous posts per scenario; the live server's listen queue holds 10


@pytest.fixture
def live(refilled_after_flush, live_server, monkeypatch):
    """The live server, with the reference data (it empties the database after each test).

    On PostgreSQL each of the server's request threads has its own connection, so the posts
    really overlap: row locks, the unique constraints and the savepoints are what is tested.
    On SQLite the test database is in memory, and Django's live server hands every request
    thread the test's one connection; used by several threads at once it would break for
    reasons of its own, not the site's. There the requests are answered one after another
    (as SQLite's IMMEDIATE write lock queues writers in production), so the test exercises
    the repeats arriving back to back: each later one finds the first one's work committed.
    """
    from django.core.servers.basehttp import ThreadedWSGIServer

    from commitments.management.commands.load_reference import load_reference_fixtures

    load_reference_fixtures()
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        handle, one_at_a_time = ThreadedWSGIServer.process_request_thread, threading.Lock()

        def serially(server, request, client_address):
            with one_at_a_time:
                handle(server, request, client_address)

        monkeypatch.setattr(ThreadedWSGIServer, "process_request_thread", serially)
    return live_server


class Browser:
    """One user's browser: a session cookie, the CSRF cookie and token of the form it
    opened, plain HTTP requests from any thread."""

    def __init__(self, live, user):
        self.host, self.port, self.user = live.thread.host, live.thread.port, user
        client = Client()
        client.force_login(user)
        self.cookies = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value
        }

    def request(self, method, path, data=None) -> tuple[int, str, str]:
        """(status, Location, body) of one request on a connection of its own."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            if settings.CSRF_COOKIE_NAME in cookie:
                self.cookies[settings.CSRF_COOKIE_NAME] = cookie[settings.CSRF_COOKIE_NAME].value
        return response.status, response.headers.get("Location", ""), text

    def open_form(self, path) -> dict:
        """GET the page of a form: its CSRF token and, for a report form, its form token."""
        status, _, page = self.request("GET", path)
        assert status == 200, f"{path} answered {status}"
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        fields = {"csrfmiddlewaretoken": csrf[1]}
        if token := re.search(r'name="form_token" value="([0-9a-f-]+)"', page):
            fields["form_token"] = token[1]
        return fields


def at_the_same_moment(posts) -> list[tuple[int, str, str]]:
    """Run each post (a function) in a thread of its own, all released together."""
    barrier, answers = threading.Barrier(len(posts)), [None] * len(posts)

    def run(i, post):
        barrier.wait(timeout=30)
        answers[i] = post()

    threads = [threading.Thread(target=run, args=(i, post)) for i, post in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(answer is not None for answer in answers), "a request did not finish"
    errors = [(status, body[:2000]) for status, _, body in answers if status >= 500]
    assert not errors, errors
    return answers


@pytest.fixture
def officials(live, django_user_model):
    """Indonesia and two of its officials, siti and budi."""
    from commitments.models import Participant

    indonesia = Participant.objects.get(iso3="IDN")
    users = []
    for name in ("siti", "budi"):
        user = django_user_model.objects.create_user(name, f"{name}@example.org", "x")
        Official.objects.create(user=user, participant=indonesia)
        users.append(user)
    return indonesia, users


# Each scenario on a commitment of its own, so that they can share one test (the live server
# empties the database after each test, which is slow on PostgreSQL).


def the_same_new_report_form_makes_one_report(indonesia, siti, budi):
    browser = siti
    path = "/my/reports/new/?commitment=17a"
    data = form_data(**browser.open_form(path))
    answers = at_the_same_moment([lambda: browser.request("POST", path, data)] * N)
    report = ProgressReport.objects.get(commitment__code="17a")
    assert report.is_submitted
    assert {(status, location) for status, location, _ in answers} == {(302, detail_url(report))}


def the_same_edit_form_saves_once(indonesia, siti, budi, *, submit, code):
    draft = make_report(indonesia, code, submitted=False, user=siti.user)
    browser = siti
    data = form_data(submit=submit, version=1, **browser.open_form(edit_url(draft)))
    answers = at_the_same_moment([lambda: browser.request("POST", edit_url(draft), data)] * N)
    draft.refresh_from_db()
    assert (draft.is_submitted, draft.version) == (submit, 2)
    assert {(status, location) for status, location, _ in answers} == {(302, detail_url(draft))}


def deletes_racing_an_edit_and_submit_end_one_way(indonesia, siti, budi):
    draft = make_report(indonesia, "17d", submitted=False, user=siti.user)
    deleter, submitter = siti, budi
    delete = {"version": 1, **deleter.open_form(edit_url(draft))}
    submit = form_data(version=1, narrative="Budi's.", **submitter.open_form(edit_url(draft)))
    answers = at_the_same_moment(
        [lambda: deleter.request("POST", delete_url(draft), delete)] * (N // 2)
        + [lambda: submitter.request("POST", edit_url(draft), submit)] * (N // 2)
    )
    assert {status for status, _, _ in answers} <= {302, 409}
    stored = ProgressReport.objects.filter(pk=draft.pk).first()
    deleted = ProgressReport.history.filter(id=draft.pk, history_type="-")
    if stored is None:  # deleted first: every submission was refused, its text kept
        assert deleted.count() == 1
        assert all(s == 409 and "Budi&#x27;s." in body for s, _, body in answers[N // 2 :])
    else:  # submitted first: nothing was deleted
        assert (stored.is_submitted, stored.narrative, stored.version) == (True, "Budi's.", 2)
        assert not deleted.exists()


def corrections_of_one_report_make_one(indonesia, siti, budi):
    original = make_report(indonesia, "17e", user=siti.user)
    posts = []
    for i in range(N):
        browser = (siti, budi)[i % 2]  # each with a correction form of its own
        data = form_data(narrative=f"Correction {i}.", **browser.open_form(correct_url(original)))
        posts.append(lambda b=browser, d=data: b.request("POST", correct_url(original), d))
    answers = at_the_same_moment(posts)
    correction = original.corrections.get()  # one, submitted; no draft left over either
    assert correction.is_submitted
    assert sorted(status for status, _, _ in answers) == [302] + [409] * (N - 1)


def test_report_forms_posted_at_the_same_moment(live, officials):
    indonesia, users = officials
    siti, budi = (Browser(live, user) for user in users)
    the_same_new_report_form_makes_one_report(indonesia, siti, budi)
    the_same_edit_form_saves_once(indonesia, siti, budi, submit=True, code="17b")
    the_same_edit_form_saves_once(indonesia, siti, budi, submit=False, code="17c")
    deletes_racing_an_edit_and_submit_end_one_way(indonesia, siti, budi)
    corrections_of_one_report_make_one(indonesia, siti, budi)


def test_comments_volunteering_and_attendance_posted_at_the_same_moment(live, officials):
    indonesia, users = officials
    report = make_report(indonesia, user=users[0])
    group = ExpertGroup.objects.get(slug="aheg-1")
    meeting = "aheg-1-colombo-2003"
    siti, budi = (Browser(live, user) for user in users)
    tokens = {browser: browser.open_form(f"/meetings/{meeting}/") for browser in (siti, budi)}
    # Each official opened the report's comment form once (its own form token).
    comment_forms = {browser: browser.open_form(f"/reports/{report.pk}/") for browser in tokens}
    rounds = {  # N at a time: the live server's listen queue holds 10 connections
        f"/reports/{report.pk}/comments/": lambda i: {"kind": "reply", "body": "Thank you."},
        f"/groups/{group.pk}/volunteer/": lambda i: {"participant": "IDN", "expert_names": f"E{i}"},
        f"/meetings/{meeting}/attendance/": lambda i: {"participant": "IDN", "delegates": f"D{i}"},
    }
    for path, data in rounds.items():
        posts = []
        for i in range(N):
            browser = (siti, budi)[i % 2]
            form = comment_forms if "/comments/" in path else tokens
            posts.append(partial(browser.request, "POST", path, {**data(i), **form[browser]}))
        answers = at_the_same_moment(posts)
        assert {status for status, _, _ in answers} == {302}, path
    assert Volunteer.objects.filter(group=group, participant=indonesia).count() == 1
    assert Attendance.objects.filter(meeting__slug=meeting, participant=indonesia).count() == 1
    # Each official's form posted N/2 times: one comment each.
    assert Comment.objects.filter(report=report).count() == 2


# A file being applied and a form, at the same moment, each on its own connection ---------------


@pytest.fixture
def committed(refilled_after_flush, transactional_db):
    """Each thread's own connection sees what the others committed: PostgreSQL only (the
    SQLite test database is in memory, one connection for all; in production SQLite's
    IMMEDIATE transactions queue writers one at a time, so they cannot overlap there)."""
    from commitments.caching import data_version
    from commitments.management.commands.load_reference import load_reference_fixtures
    from commitments.roles import ensure_secretariat_group

    if connection.vendor != "postgresql":
        pytest.skip("overlapping transactions need PostgreSQL (CI's second pass)")
    # An earlier transactional test on this worker may have emptied the database.
    ensure_secretariat_group()
    data_version()
    load_reference_fixtures()


def in_a_thread(action) -> tuple[threading.Thread, list]:
    """Run `action` on a connection of its own; the list gets what it returned or raised."""
    outcome = []

    def run():
        try:
            outcome.append(action())
        except Exception as error:  # the test looks at what it was
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def waiting_on_a_lock() -> int:
    """How many other sessions of this database wait for a lock now."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_correction_submitted_while_a_file_correcting_the_report_is_applied_waits_for_it(
    committed, secretariat_user, monkeypatch
):
    """The file locks the reports it corrects before it is planned again; the correction
    form's submission (report_save, copying the report's files) waits for the file, then
    finds the file's correction (AlreadyCorrected): neither deadlocks nor is half written."""
    from commitments.models import Participant
    from commitments.services import imports
    from commitments.services.reports import correction_draft

    indonesia = Participant.objects.get(iso3="IDN")
    official = User.objects.create_user("siti", "siti@example.org", "x")
    Official.objects.create(user=official, participant=indonesia)
    original = make_report(indonesia, user=official)
    rows = f"Participant code,Commitment code,Status,As of,Narrative,Report number\n" \
           f"IDN,17a,Complete,2003-01-15,{original.narrative},{original.pk}\n"  # fmt: skip
    batch = imports.import_preview(user=secretariat_user, name="r.csv", content=rows.encode())
    assert batch.count("correction") == 1
    colleagues = correction_draft(original)
    colleagues.status = "substantial"

    locked, go_on, plan = threading.Event(), threading.Event(), imports.plans_for

    def planned_once_locked(*args):
        locked.set()
        go_on.wait(timeout=30)
        return plan(*args)

    monkeypatch.setattr(imports, "plans_for", planned_once_locked)
    applying, applied = in_a_thread(
        lambda: imports.import_apply(batch=batch, user=secretariat_user)
    )
    try:
        assert locked.wait(timeout=30)
        submitting, submitted = in_a_thread(
            lambda: report_save(
                report=colleagues,
                user=official,
                copy_files_from=original,
                submit=True,
                notify=False,
            )
        )
        for _ in range(100):  # until the submission waits, or has ended without waiting
            if waiting_on_a_lock() or not submitting.is_alive():
                break
            submitting.join(timeout=0.1)
        assert submitting.is_alive(), f"the form did not wait for the file: {submitted}"
    finally:
        go_on.set()
    applying.join(timeout=30)
    submitting.join(timeout=30)

    assert isinstance(applied[0], ReportImport), applied
    files_correction = original.corrections.get()  # the form's was not written
    assert files_correction.imported_from_id == batch.pk
    assert files_correction.is_submitted
    assert isinstance(submitted[0], AlreadyCorrected), submitted
    assert submitted[0].newer == files_correction
