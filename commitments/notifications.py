"""Emails: each new submission to the secretariat (an import: one for its file); each
secretariat comment to the country's officials; each reply to the secretariat. Queued in the
transaction of the submission or the comment (services.mail), and sent by the background
worker through Django's configured mailer (console by default, SMTP when EMAIL_HOST is set).

Each email is written in its recipient's language (their account's preference, else the
site's default: commitments.languages), not in the language of the page that caused it."""

from django.contrib.auth import get_user_model
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from commitments.languages import language_of
from commitments.links import absolute_url
from commitments.models import OutgoingEmail
from commitments.roles import SECRETARIAT
from commitments.services.mail import queue_email


def _one_per_address(users) -> list:
    """Active users with an email, one per address (the first made), sorted by address."""
    by_address = {}
    for user in users.exclude(email="").select_related("preference").order_by("pk"):
        by_address.setdefault(user.email, user)
    return [by_address[address] for address in sorted(by_address)]


def secretariat_recipients() -> list:
    return _one_per_address(
        get_user_model().objects.filter(groups__name=SECRETARIAT, is_active=True)
    )


def official_recipients(participant) -> list:
    return _one_per_address(
        get_user_model().objects.filter(official__participant=participant, is_active=True)
    )


def secretariat_addresses() -> list[str]:
    return [user.email for user in secretariat_recipients()]


def official_addresses(participant) -> list[str]:
    return [user.email for user in official_recipients(participant)]


def report_url(report) -> str:
    return absolute_url("report_detail", report.pk)


def _send(kind, compose, recipients) -> int:
    """Queue one message per recipient, so that no one sees the others' addresses, each in
    the recipient's language: `compose()` gives the subject and the body in the active one."""
    written = {}
    for user in recipients:
        language = language_of(user)
        if language not in written:
            with translation.override(language):
                written[language] = compose()
        subject, body = written[language]
        queue_email(kind=kind, to=user.email, subject=subject, body=body)
    return len(recipients)


def _text(*paragraphs: str, closing: str, link: str) -> str:
    """An email's body: its paragraphs, then what to do and the link to do it at."""
    return "\n\n".join([*paragraphs, closing]) + f"\n{link}\n"


def report_submitted(report) -> int:
    def compose():
        values = {
            "participant": report.participant.short_name,
            "name": report.participant.name,
            "commitment": report.commitment.code,
            "title": report.commitment.title,
            "date": date_format(report.as_of),
            "status": report.get_status_display(),
        }
        if report.corrects_id:
            subject = _("New correction: %(participant)s on %(commitment)s") % values
            opening = _(
                "%(name)s submitted a progress correction on commitment %(commitment)s "
                "(%(title)s), as of %(date)s: %(status)s."
            )
        else:
            subject = _("New report: %(participant)s on %(commitment)s") % values
            opening = _(
                "%(name)s submitted a progress report on commitment %(commitment)s "
                "(%(title)s), as of %(date)s: %(status)s."
            )
        closing = _("Read it and acknowledge it or ask a question:")
        body = _text(opening % values, closing=closing, link=report_url(report))
        return subject, body

    return _send(OutgoingEmail.Kind.SUBMISSION, compose, secretariat_recipients())


def comment_added(comment) -> int:
    report = comment.report
    if comment.kind == comment.Kind.REPLY:
        recipients = secretariat_recipients()
    else:
        recipients = official_recipients(report.participant)

    def compose():
        values = {
            "kind": comment.get_kind_display(),
            "participant": report.participant.short_name,
            "name": report.participant.name,
            "commitment": report.commitment.code,
            "date": date_format(report.as_of),
        }
        if comment.kind == comment.Kind.REPLY:
            subject = _("Reply from %(participant)s on %(commitment)s") % values
        else:
            # Translators: %(kind)s is the kind of comment: "Question", "Acknowledgement".
            subject = _("%(kind)s from the secretariat on %(commitment)s") % values
        # Translators: %(kind)s is the kind of comment: "Question", "Acknowledgement", "Reply".
        opening = _("%(kind)s on the report of %(name)s on %(commitment)s, as of %(date)s:")
        closing = _("Read and answer it here:")
        body = _text(opening % values, comment.body, closing=closing, link=report_url(report))
        return subject, body

    return _send(OutgoingEmail.Kind.COMMENT, compose, recipients)


def reports_imported(batch) -> int:
    """One email for an applied file, to the secretariat: how many reports it made, and
    where to read them (the reports page, filtered to the file's participants if one)."""
    user = batch.uploaded_by

    def compose():
        values = {
            "who": user.get_full_name() or user.get_username(),
            "file": batch.original_name,
            "new": batch.created_reports,
            "corrections": batch.corrections,
        }
        subject = _("Reports imported: %(new)s new, %(corrections)s corrections") % values
        opening = _(
            "%(who)s imported the file %(file)s: %(new)s new report(s) and %(corrections)s "
            "correction(s), submitted."
        )
        closing = _("Read them and acknowledge them or ask questions:")
        body = _text(opening % values, closing=closing, link=absolute_url("comment_queue"))
        return subject, body

    return _send(OutgoingEmail.Kind.SUBMISSION, compose, secretariat_recipients())
