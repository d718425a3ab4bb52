"""Outgoing email: written as a row in the transaction of what it tells of, then delivered by
a background task (commitments.tasks.deliver_email, run by `manage.py db_worker`).

A request never talks to the mail server, so a slow or hanging server slows no page and
tells no one which addresses have accounts. A failed delivery is tried again after a
growing delay; after the last try the email is marked as not sent, logged, and listed in
the admin (Outgoing emails) for the secretariat.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone

from commitments.models import OutgoingEmail

logger = logging.getLogger(__name__)

# The wait before each further try: 5 tries over about two and a half hours.
RETRY_DELAYS = [
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=5),
    datetime.timedelta(minutes=30),
    datetime.timedelta(hours=2),
]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def queue_email(*, kind, to, subject, body, private=False) -> OutgoingEmail:
    """Record an email to send and queue its delivery. `private` bodies are erased once
    delivered or given up on.

    Both are rows of this database (the tasks are django_tasks_db's), written in the caller's
    transaction: the email commits, or rolls back, with what it tells of, and the worker
    cannot see it before. (A task queue outside the database would need on_commit instead.)
    """
    email = OutgoingEmail.objects.create(
        kind=kind, to=to, subject=subject[:255], body=body, private=private
    )
    _enqueue(email.pk)
    return email


def _enqueue(email_id: int, run_after: datetime.datetime | None = None) -> None:
    from commitments.tasks import deliver_email  # the task module imports this one

    task = deliver_email if run_after is None else deliver_email.using(run_after=run_after)
    task.enqueue(email_id)


def deliver(*, email_id: int) -> str:
    """Send one queued email; return what happened, for the task's result."""
    email = OutgoingEmail.objects.filter(pk=email_id, state=OutgoingEmail.State.QUEUED).first()
    if email is None:
        return "nothing to send"  # sent or given up on already: a repeated task does nothing
    message = EmailMessage(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to])
    try:
        message.send()
    except Exception as error:
        # Whatever the mail backend raised (refused, timed out, bad address): the email is
        # not sent, and that is recorded rather than lost.
        return _record_failure(email, error)
    _finish(email, state=OutgoingEmail.State.SENT, sent_at=timezone.now())
    return "sent"


def _record_failure(email: OutgoingEmail, error: Exception) -> str:
    attempts = email.attempts + 1
    last_error = f"{type(error).__name__}: {error}"[:500]
    if attempts < MAX_ATTEMPTS and _can_defer():
        OutgoingEmail.objects.filter(pk=email.pk).update(attempts=attempts, last_error=last_error)
        retry_at = timezone.now() + RETRY_DELAYS[attempts - 1]
        logger.warning("Email %s to %s not sent (%s); trying again at %s",
                       email.pk, email.to, last_error, retry_at)  # fmt: skip
        _enqueue(email.pk, run_after=retry_at)
        return "will try again"
    logger.error("Email %s to %s could not be sent after %s tries: %s",
                 email.pk, email.to, attempts, last_error)  # fmt: skip
    _finish(email, state=OutgoingEmail.State.FAILED, attempts=attempts, last_error=last_error)
    return "not sent"


def _finish(email: OutgoingEmail, **changes) -> None:
    if email.private:
        changes["body"] = ""
    if changes.get("state") == OutgoingEmail.State.SENT:
        changes["attempts"] = email.attempts + 1
    OutgoingEmail.objects.filter(pk=email.pk).update(**changes)


def _can_defer() -> bool:
    from commitments.tasks import deliver_email

    return deliver_email.get_backend().supports_defer
