"""Comments on submitted reports: the secretariat acknowledges or asks, the officials reply."""

from django.db import transaction

from commitments import notifications
from commitments.history import record_as
from commitments.models import Comment, ProgressReport


@transaction.atomic
def comment_add(*, report: ProgressReport, user, kind: str, body: str) -> Comment:
    """Add a comment; the emails to the people concerned are queued with it (services.mail)
    and go from the worker, so a failing mail server neither delays nor undoes it."""
    comment = Comment(report=report, author=user, kind=kind, body=body)
    comment.full_clean()
    record_as(comment, user)
    comment.save()
    notifications.comment_added(comment)
    return comment
