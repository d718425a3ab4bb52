"""`manage.py send_reminders`: stale progress to each focal point, the review deadline to
everyone concerned; each reminder once and only once, with time frozen."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from commitments.models import (
    MinisterialMeeting,
    Official,
    OutgoingEmail,
    Participant,
    SentReminder,
)
from commitments.services import reminders
from tests.conftest import make_report

pytestmark = pytest.mark.django_db

TRACKED_CODES = ["17a", "17b", "17c", "17d", "17e", "17f", "18"]
# After the review deadline (28 February 2003): only stale-progress reminders are due.
MID_JUNE = datetime.datetime(2003, 6, 15, 12, tzinfo=datetime.UTC)


def at(day: str):
    return time_machine.travel(datetime.datetime.fromisoformat(day + "T12:00Z"), tick=False)


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def recipients(mailoutbox, subject_part=""):
    return sorted(m.to[0] for m in mailoutbox if subject_part in m.subject)


def report_everything(participant, as_of):
    for code in TRACKED_CODES:
        make_report(participant, code, as_of=as_of)


def make_official(username, participant, *, email=None, is_active=True):
    user = User.objects.create_user(
        username, f"{username}@example.org" if email is None else email, is_active=is_active
    )
    Official.objects.create(user=user, participant=participant)
    return user


# Stale progress -----------------------------------------------------------------------------------


@at("2003-06-15")
def test_each_focal_point_gets_one_email_listing_the_stale_commitments(
    mailoutbox, official_of_indonesia, second_official_of_indonesia, indonesia
):
    make_report(indonesia, "17a", as_of=datetime.date(2002, 3, 1))
    report_as_of_recently = datetime.date(2003, 6, 1)
    for code in ["17b", "17c", "17d", "17e", "17f"]:
        make_report(indonesia, code, as_of=report_as_of_recently)
    out = run("--stale-days", "90")
    assert recipients(mailoutbox) == ["budi@example.org", "siti@example.org"]
    email = next(m for m in mailoutbox if m.to == ["siti@example.org"])
    assert email.subject == "Reminder: progress on 2 commitments for Indonesia"
    assert "Dear siti," in email.body
    assert "no progress report for the last 90 days" in email.body
    assert "- 17a " in email.body
    assert "last reported as of 1 March 2002 (limited)" in email.body
    assert "- 18 " in email.body
    assert "no report yet" in email.body
    assert "- 17b " not in email.body
    assert "http://127.0.0.1:8000/my/" in email.body
    assert SentReminder.objects.filter(key__startswith="stale:").count() == 2
    assert SentReminder.objects.filter(
        key=f"stale:{official_of_indonesia.pk}:IDN:2003-06", recipient="siti@example.org"
    ).exists()
    assert "Queued 2 for the mail worker, skipped 0 already sent." in out


@at("2003-06-15")
def test_running_twice_sends_nothing_the_second_time(
    mailoutbox, official_of_indonesia, official_of_thailand
):
    assert "Queued 2 for the mail worker, skipped 0 already sent." in run()
    assert len(mailoutbox) == 2
    assert "Queued 0 for the mail worker, skipped 2 already sent." in run()
    assert len(mailoutbox) == 2
    assert SentReminder.objects.count() == 2


def test_an_hourly_cron_sends_one_stale_reminder_a_month(mailoutbox, official_of_indonesia):
    for day in ["2003-06-15", "2003-06-15T13:00", "2003-06-30"]:
        moment = day if "T" in day else day + "T12:00"
        with time_machine.travel(datetime.datetime.fromisoformat(moment + "Z"), tick=False):
            run()
    assert len(mailoutbox) == 1
    with at("2003-07-01"):
        run()
    assert len(mailoutbox) == 2


@at("2003-06-15")
def test_reporting_one_commitment_does_not_send_a_second_email_that_month(
    mailoutbox, official_of_indonesia, indonesia
):
    run()
    make_report(indonesia, "17a", as_of=datetime.date(2003, 6, 10))
    run()
    assert len(mailoutbox) == 1


@at("2003-06-15")
def test_a_dry_run_prints_what_it_would_send_and_sends_and_writes_nothing(
    mailoutbox, official_of_indonesia
):
    out = run("--dry-run")
    assert mailoutbox == []
    assert SentReminder.objects.count() == 0
    assert f"Would send stale:{official_of_indonesia.pk}:IDN:2003-06" in out
    assert "To: siti@example.org" in out
    assert "Subject: Reminder: progress on 7 commitments for Indonesia" in out
    assert "- 17a " in out
    assert "Dry run: would send 1, would skip 0 already sent. Nothing was sent or recorded." in out
    # And it says what it would skip once sent.
    run()
    assert "would send 0, would skip 1 already sent" in run("--dry-run")


@at("2003-06-15")
def test_officials_without_an_email_or_inactive_are_skipped(mailoutbox, indonesia, thailand):
    make_official("noemail", indonesia, email="")
    make_official("gone", thailand, is_active=False)
    make_official("present", thailand)
    run()
    assert recipients(mailoutbox) == ["present@example.org"]


@at("2003-06-15")
def test_an_official_whose_reports_are_recent_gets_nothing(
    mailoutbox, official_of_indonesia, official_of_thailand, indonesia
):
    report_everything(indonesia, datetime.date(2003, 5, 1))
    run()
    assert recipients(mailoutbox) == ["somchai@example.org"]


@at("2003-06-15")
def test_a_draft_does_not_count_as_a_report(mailoutbox, official_of_indonesia, indonesia):
    for code in TRACKED_CODES[:-1]:
        make_report(indonesia, code, as_of=datetime.date(2003, 5, 1))
    make_report(indonesia, "18", submitted=False, as_of=datetime.date(2003, 6, 1))
    run()
    [email] = mailoutbox
    assert email.subject == "Reminder: progress on 1 commitment for Indonesia"
    assert "the following commitment has no progress report" in email.body
    assert "- 18 " in email.body
    assert "no report yet" in email.body


@at("2003-06-15")
def test_the_stale_days_default_to_the_setting(mailoutbox, settings, official_of_indonesia):
    report_everything(Participant.objects.get(iso3="IDN"), datetime.date(2003, 4, 1))  # 75 days
    settings.FOLLOWUP_STALE_AFTER_DAYS = 60
    run()
    assert len(mailoutbox) == 1
    SentReminder.objects.all().delete()
    mailoutbox.clear()
    del settings.FOLLOWUP_STALE_AFTER_DAYS  # without it: 365 days
    run()
    assert mailoutbox == []
    run("--stale-days", "74")
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--stale-days", "0"], "must be at least 1"),
        (["--stale-days", "soon"], "not a whole number of days"),
        (["--deadline-days", "-1"], "must be at least 0"),
    ],
)
def test_it_refuses_bad_options(args, expected):
    with pytest.raises(CommandError, match=expected):
        run(*args)


@at("2003-06-15")
def test_the_stale_query_count_does_not_grow_with_the_officials(indonesia, thailand):
    def count():
        with CaptureQueriesContext(connection) as queries:
            found = reminders.stale_reminders(datetime.date(2003, 6, 15), 365)
        return len(queries), len(found)

    make_official("one", indonesia)
    report_everything(indonesia, datetime.date(2002, 6, 1))
    before, found = count()
    for n in range(10):
        make_official(f"more{n}", thailand if n % 2 else indonesia)
    report_everything(thailand, datetime.date(2002, 6, 1))
    after, found_after = count()
    # The officials; the tracked commitments; the participants with their current reports'
    # ids; those reports.
    assert before == after == 4
    assert (found, found_after) == (1, 11)


# The review deadline ------------------------------------------------------------------------------

DEADLINE = "12-month review"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2003-01-28", None),  # 31 days before: not yet
        ("2003-01-29", "The 12-month review is due in 30 days, on 28 February 2003"),
        ("2003-02-27", "The 12-month review is due in 1 day, on 28 February 2003"),
        ("2003-02-28", "The 12-month review is due today, on 28 February 2003"),
        ("2003-03-01", None),  # past the deadline
    ],
)
def test_the_deadline_reminder_goes_out_within_the_window_only(
    mailoutbox, day, expected, secretariat_user, official_of_indonesia, official_of_thailand
):
    with at(day):
        run()
    sent = [m for m in mailoutbox if DEADLINE in m.subject]
    if expected is None:
        assert sent == []
        assert not SentReminder.objects.filter(key__startswith="deadline:").exists()
        return
    assert {m.subject for m in sent} == {expected}
    assert recipients(sent) == ["amir@example.org", "siti@example.org", "somchai@example.org"]
    assert "paragraph 24" in sent[0].body
    assert "http://127.0.0.1:8000/ministerial-review/" in sent[0].body


def test_the_deadline_reminder_is_sent_once_across_the_window(
    mailoutbox, secretariat_user, official_of_indonesia
):
    for day in ["2003-01-29", "2003-02-10", "2003-02-27", "2003-02-28"]:
        with at(day):
            run()
    assert len([m for m in mailoutbox if DEADLINE in m.subject]) == 2
    founding = MinisterialMeeting.objects.founding()
    assert set(
        SentReminder.objects.filter(key__startswith="deadline:").values_list("key", flat=True)
    ) == {
        f"deadline:{founding.pk}:2003-02-28:{secretariat_user.pk}",
        f"deadline:{founding.pk}:2003-02-28:{official_of_indonesia.pk}",
    }


def test_the_deadline_days_option_widens_the_window(mailoutbox, secretariat_user):
    with at("2003-01-01"):
        run()
        assert mailoutbox == []
        run("--deadline-days", "60")
    assert recipients(mailoutbox, DEADLINE) == ["amir@example.org"]


def test_no_deadline_reminder_once_ministers_have_met(mailoutbox, secretariat_user):
    MinisterialMeeting.objects.create(
        slug="early-review",
        name="An early review meeting",
        short_name="Early review",
        start_date=datetime.date(2003, 2, 10),
        end_date=datetime.date(2003, 2, 11),
    )
    with at("2003-02-20"):
        run()
    assert mailoutbox == []


def test_no_deadline_reminder_without_a_founding_meeting(mailoutbox, secretariat_user):
    MinisterialMeeting.objects.update(is_founding=False, review_period_months=None)
    with at("2003-02-20"):
        run()
    assert mailoutbox == []


@at("2003-02-20")
def test_the_deadline_reminder_skips_inactive_users_without_email_and_duplicates(
    mailoutbox, secretariat_user, indonesia, superuser
):
    make_official("noemail", indonesia, email="")
    make_official("gone", indonesia, is_active=False)
    make_official("also-amir", indonesia, email="AMIR@example.org")  # the same address
    run()
    # The superuser is not in the Secretariat group: not emailed (as notifications does).
    assert recipients(mailoutbox, DEADLINE) == ["amir@example.org"]


@at("2003-02-20")
def test_recipients_do_not_see_each_others_addresses(
    mailoutbox, secretariat_user, official_of_indonesia, official_of_thailand
):
    run()
    addresses = {"amir@example.org", "siti@example.org", "somchai@example.org"}
    assert len(mailoutbox) == 5  # the deadline to three, stale progress to two
    for email in mailoutbox:
        assert len(email.to) == 1
        assert email.cc == []
        assert email.bcc == []
        others = addresses - set(email.to)
        assert not any(other in email.body or other in str(email.message()) for other in others)


# Failures and overlapping runs --------------------------------------------------------------------


@at("2003-06-15")
def test_a_reminder_the_mail_server_refuses_is_kept_as_not_sent_and_not_queued_again(
    mailoutbox, monkeypatch, official_of_indonesia, caplog
):
    def refuse(*args, **kwargs):
        raise OSError("Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(EmailMessage, "send", refuse)
        run()
    [email] = OutgoingEmail.objects.all()
    # Tests run tasks at once, with no way to wait: the first failure is the last try here
    # (the worker's retries are tested in test_mail.py).
    assert (email.kind, email.state, email.to) == ("reminder", "failed", "siti@example.org")
    assert "OSError: Connection refused" in email.last_error
    assert "could not be sent" in caplog.text
    run()
    assert mailoutbox == []
    assert OutgoingEmail.objects.count() == SentReminder.objects.count() == 1


@at("2003-06-15")
def test_a_reminder_claimed_by_an_overlapping_run_is_not_sent_again(official_of_indonesia):
    [reminder] = reminders.due_reminders(
        datetime.date(2003, 6, 15), stale_days=365, deadline_days=30
    )
    assert reminders._record_and_queue(reminder) is True
    assert reminders._record_and_queue(reminder) is False
    assert SentReminder.objects.count() == OutgoingEmail.objects.count() == 1
