"""Comments on submitted reports: the secretariat acknowledges or asks, the officials reply."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from commitments import notifications
from commitments.history import record_as
from commitments.models import Comment, ProgressReport


class CommentAlreadyReceived(Exception):
    """The form that would add this comment was posted before: `comment` is what it made."""

    def __init__(self, comment: Comment):
        super().__init__(_("This comment was already received."))
        self.comment = comment


@transaction.atomic
def comment_add(*, report: ProgressReport, user, kind: str, body: str, form_token=None) -> Comment:
    """Add a comment; the emails to the people concerned are queued with it (services.mail)
    and go from the worker, so a failing mail server neither delays nor undoes it. A form
    posted twice (`form_token`) adds one comment: the repeat raises CommentAlreadyReceived."""
    _refuse_a_second_post(form_token)
    comment = Comment(report=report, author=user, kind=kind, body=body, form_token=form_token)
    comment.full_clean(validate_unique=False)
    record_as(comment, user)
    try:
        with transaction.atomic():  # a savepoint: the same form may be saving at this moment
            comment.save()
    except IntegrityError:
        _refuse_a_second_post(form_token)
        raise
    notifications.comment_added(comment)
    return comment


def _refuse_a_second_post(form_token) -> None:
    if form_token is None:
        return
    if earlier := Comment.objects.filter(form_token=form_token).first():
        raise CommentAlreadyReceived(earlier)
