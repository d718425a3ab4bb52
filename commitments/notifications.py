"""Emails: each new submission to the secretariat (an import: one for its file); each
secretariat comment to the country's officials; each reply to the secretariat. Queued in the
transaction of the submission or the comment (services.mail), and sent by the background
worker through Django's configured mailer (console by default, SMTP when EMAIL_HOST is set)."""

from django.contrib.auth import get_user_model

from commitments.links import absolute_url
from commitments.models import OutgoingEmail
from commitments.roles import SECRETARIAT
from commitments.services.mail import queue_email


def secretariat_addresses() -> list[str]:
    users = get_user_model().objects.filter(groups__name=SECRETARIAT, is_active=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def official_addresses(participant) -> list[str]:
    users = get_user_model().objects.filter(official__participant=participant, is_active=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def report_url(report) -> str:
    return absolute_url("report_detail", report.pk)


def _send(kind, subject, body, recipients) -> int:
    # One message per recipient, so that no one sees the others' addresses.
    for address in recipients:
        queue_email(kind=kind, to=address, subject=subject, body=body)
    return len(recipients)


def report_submitted(report) -> int:
    kind = "correction" if report.corrects_id else "report"
    subject = f"New {kind}: {report.participant.short_name} on {report.commitment.code}"
    body = (
        f"{report.participant.name} submitted a progress {kind} on commitment "
        f"{report.commitment.code} ({report.commitment.title}), as of "
        f"{report.as_of:%-d %B %Y}: {report.get_status_display()}.\n\n"
        f"Read it and acknowledge it or ask a question:\n{report_url(report)}\n"
    )
    return _send(OutgoingEmail.Kind.SUBMISSION, subject, body, secretariat_addresses())


def comment_added(comment) -> int:
    report = comment.report
    if comment.kind == comment.Kind.REPLY:
        recipients = secretariat_addresses()
        subject = f"Reply from {report.participant.short_name} on {report.commitment.code}"
    else:
        recipients = official_addresses(report.participant)
        subject = f"{comment.get_kind_display()} from the secretariat on {report.commitment.code}"
    body = (
        f"{comment.get_kind_display()} on the report of {report.participant.name} on "
        f"{report.commitment.code}, as of {report.as_of:%-d %B %Y}:\n\n{comment.body}\n\n"
        f"Read and answer it here:\n{report_url(report)}\n"
    )
    return _send(OutgoingEmail.Kind.COMMENT, subject, body, recipients)


def reports_imported(batch) -> int:
    """One email for an applied file, to the secretariat: how many reports it made, and
    where to read them (the reports page, filtered to the file's participants if one)."""
    user = batch.uploaded_by
    who = user.get_full_name() or user.get_username()
    subject = f"Reports imported: {batch.created_reports} new, {batch.corrections} corrections"
    body = (
        f"{who} imported the file {batch.original_name}: {batch.created_reports} new "
        f"report(s) and {batch.corrections} correction(s), submitted.\n\n"
        f"Read them and acknowledge them or ask questions:\n{absolute_url('comment_queue')}\n"
    )
    return _send(OutgoingEmail.Kind.SUBMISSION, subject, body, secretariat_addresses())
