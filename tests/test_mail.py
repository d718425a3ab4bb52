"""Mail off the request: every email is a queued row and a background task; the worker
(django_tasks_db's db_worker) delivers it, tries again after a failure, and records one it
could not send where the secretariat sees it. A request never talks to the mail server.

These tests use the database task backend, as production does (the rest of the suite runs
tasks at once), a real SMTP backend, and mail servers of their own on loopback: one that
never answers and one that refuses."""

import datetime
import socket
import threading

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from commitments.models import OutgoingEmail
from commitments.services import mail
from commitments.services.comments import comment_add
from tests.conftest import DATABASE_TASKS, make_report, run_worker

pytestmark = pytest.mark.django_db


class SilentMailServer:
    """Accepts connections and never says a word, like a mail server that hangs."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self):
        for connection in self.connections:
            connection.close()
        self.listener.close()


@pytest.fixture
def silent_server():
    server = SilentMailServer()
    yield server
    server.close()


def smtp_to(port, timeout=0.3):
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": timeout, "use_tls": False},
        }
    }


def test_a_submission_with_a_hanging_mail_server_queues_its_email_and_never_connects(
    database_tasks, settings, silent_server, siti, secretariat_user
):
    settings.MAILERS = smtp_to(silent_server.port)
    from tests.test_submitting_twice import NEW_REPORT, report_form_data

    response = siti.post(NEW_REPORT, report_form_data(siti.get(NEW_REPORT).content.decode()))

    assert response.status_code == 302
    assert silent_server.connections == []  # the request did not talk to the mail server
    [email] = OutgoingEmail.objects.all()
    assert (email.kind, email.to, email.state) == ("submission", "amir@example.org", "queued")
    [task] = DBTaskResult.objects.all()
    assert task.task_path == "commitments.tasks.deliver_email"
    assert task.args_kwargs == {"args": [email.pk], "kwargs": {}}


def test_the_worker_delivers_a_queued_email_once(
    database_tasks, mailoutbox, indonesia, secretariat_user, official_of_indonesia
):
    report = make_report(indonesia)
    from commitments.models import Comment

    comment_add(report=report, user=secretariat_user, kind=Comment.Kind.QUESTION, body="Which law?")
    assert mailoutbox == []  # queued, not sent, until the worker runs

    run_worker()
    run_worker()  # a second pass finds nothing to do

    assert len(mailoutbox) == 1
    email = OutgoingEmail.objects.get()
    assert (email.state, email.attempts) == ("sent", 1)
    assert email.sent_at is not None


def test_a_timed_out_email_is_tried_again_later_then_marked_as_not_sent(
    database_tasks, settings, silent_server, mailoutbox, caplog
):
    settings.MAILERS = smtp_to(silent_server.port)
    email = mail.queue_email(kind="comment", to="siti@example.org", subject="S", body="B")
    start = timezone.now()
    with time_machine.travel(start, tick=True) as clock:
        for attempt, delay in enumerate(mail.RETRY_DELAYS, start=1):
            run_worker()
            email.refresh_from_db()
            assert (email.state, email.attempts) == ("queued", attempt)
            assert "timed out" in email.last_error
            run_worker()  # the retry waits for its time
            email.refresh_from_db()
            assert email.attempts == attempt
            clock.shift(delay + datetime.timedelta(seconds=1))
        run_worker()
    email.refresh_from_db()
    assert (email.state, email.attempts) == ("failed", mail.MAX_ATTEMPTS)
    assert "could not be sent after 5 tries" in caplog.text


def test_a_refused_email_is_listed_for_the_secretariat(database_tasks, settings, amir, siti):
    settings.MAILERS = smtp_to(port=free_port())
    failed = mail.queue_email(kind="comment", to="siti@example.org", subject="A question",
                              body="Which law?")  # fmt: skip
    OutgoingEmail.objects.filter(pk=failed.pk).update(attempts=mail.MAX_ATTEMPTS - 1)
    run_worker()
    failed.refresh_from_db()
    assert failed.state == "failed"
    assert "ConnectionRefusedError" in failed.last_error

    listing = amir.get("/admin/commitments/outgoingemail/?state__exact=failed")
    assert listing.status_code == 200
    assert "siti@example.org" in listing.content.decode()
    assert "Could not be sent" in listing.content.decode()
    assert siti.get("/admin/commitments/outgoingemail/").status_code == 302  # not staff


def test_a_password_reset_link_is_queued_privately_and_erased_once_sent(
    database_tasks, client, official_of_indonesia, amir, mailoutbox
):
    client.post("/accounts/password_reset/", {"email": "siti@example.org"})
    email = OutgoingEmail.objects.get()
    assert (email.kind, email.private) == ("password_reset", True)
    assert "/accounts/reset/" in email.body
    page = amir.get(f"/admin/commitments/outgoingemail/{email.pk}/change/").content.decode()
    assert "/accounts/reset/" not in page
    assert "Not shown: it holds a password reset link" in page

    run_worker()

    assert "/accounts/reset/" in mailoutbox[0].body
    email.refresh_from_db()
    assert (email.state, email.body) == ("sent", "")


def test_an_email_rolls_back_with_what_it_tells_of(
    database_tasks, indonesia, secretariat_user, official_of_indonesia
):
    from django.db import transaction

    report = make_report(indonesia)

    def comment_then_fail():
        with transaction.atomic():
            comment_add(report=report, user=secretariat_user, kind="question", body="Which?")
            raise RuntimeError("the comment's transaction fails")

    with pytest.raises(RuntimeError):
        comment_then_fail()
    assert not OutgoingEmail.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_outgoing_emails_cannot_be_added_changed_or_deleted_in_the_admin(amir, root):
    email = mail.queue_email(kind="comment", to="siti@example.org", subject="S", body="B")
    for client in (amir, root):
        assert client.get("/admin/commitments/outgoingemail/add/").status_code == 403
        assert client.post(f"/admin/commitments/outgoingemail/{email.pk}/delete/",
                           {"post": "yes"}).status_code == 403  # fmt: skip
    assert OutgoingEmail.objects.filter(pk=email.pk).exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@override_settings(TASKS=DATABASE_TASKS)
def test_a_repeated_delivery_task_sends_nothing_more(mailoutbox):
    email = mail.queue_email(kind="comment", to="siti@example.org", subject="S", body="B")
    mail._enqueue(email.pk)  # a duplicate task, as a crashed worker's restart might leave
    run_worker()
    assert len(mailoutbox) == 1
