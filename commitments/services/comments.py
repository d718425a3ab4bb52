"""Comments on submitted reports: the secretariat acknowledges or asks, the officials reply."""

from django.db import transaction

from commitments import notifications
from commitments.history import record_as
from commitments.models import Comment, ProgressReport


@transaction.atomic
def comment_add(*, report: ProgressReport, user, kind: str, body: str) -> Comment:
    """Add a comment; the people concerned are emailed once the transaction commits (robust:
    a failing mail server does not undo the comment)."""
    comment = Comment(report=report, author=user, kind=kind, body=body)
    comment.full_clean()
    record_as(comment, user)
    comment.save()
    transaction.on_commit(lambda: notifications.comment_added(comment), robust=True)
    return comment
