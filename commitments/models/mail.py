"""Emails the app sends: each is a row first (written in the same transaction as what it
tells of), then delivered by a background task, so that no request waits for a mail server
and a failure is recorded where the secretariat can see it."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.models.choices import TextChoices


class OutgoingEmail(models.Model):
    class Kind(TextChoices):
        SUBMISSION = "submission", _("New submission")
        COMMENT = "comment", _("Comment or reply")
        PASSWORD_RESET = "password_reset", _("Password reset")
        REMINDER = "reminder", _("Reminder")

    class State(TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        # Translators: an email was sent.
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    to = models.EmailField(verbose_name=_("to"))
    subject = models.CharField(verbose_name=_("subject"), max_length=255)
    # Emptied once the email is sent or given up on when `private` (a password reset link
    # must not outlive its delivery in the database).
    body = models.TextField(verbose_name=_("body"), blank=True)
    private = models.BooleanField(verbose_name=_("private"), default=False)
    state = models.CharField(
        verbose_name=_("state"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(verbose_name=_("attempts"), default=0)
    last_error = models.CharField(verbose_name=_("last error"), max_length=500, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(verbose_name=_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="outgoing_email_state")]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")

    def __str__(self):
        return gettext("%(kind)s to %(address)s") % {
            "kind": self.get_kind_display(),
            "address": self.to,
        }
