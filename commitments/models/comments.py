"""The secretariat's follow-up on submitted reports: comments and replies."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models.choices import TextChoices
from commitments.models.progress import ProgressReport


class Comment(models.Model):
    """A comment on a submitted report: the secretariat acknowledges it or asks a question;
    the participant's officials reply. Comments are never edited: a new one follows."""

    class Kind(TextChoices):
        ACKNOWLEDGEMENT = "acknowledgement", _("Acknowledgement")
        QUESTION = "question", _("Question")
        REPLY = "reply", _("Reply")

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=16, choices=Kind.choices)
    body = models.TextField(verbose_name=_("body"), max_length=5000)
    created_at = models.DateTimeField(
        verbose_name=_("created at"), default=timezone.now, editable=False
    )
    # Made when the comment form is opened: the same form posted twice makes one comment.
    form_token = models.UUIDField(
        verbose_name=_("form token"), null=True, blank=True, editable=False, unique=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return gettext("%(kind)s on report #%(number)s") % {
            "kind": self.get_kind_display(),
            "number": self.report_id,
        }

    def clean(self):
        if self.report_id and not self.report.is_submitted:
            raise ValidationError(
                {"report": gettext("Only a submitted report can be commented on.")}
            )
