"""Emails the app sends: each is a row first (written in the same transaction as what it
tells of), then delivered by a background task, so that no request waits for a mail server
and a failure is recorded where the secretariat can see it."""

from django.db import models
from django.utils import timezone


class OutgoingEmail(models.Model):
    class Kind(models.TextChoices):
        SUBMISSION = "submission", "New submission"
        COMMENT = "comment", "Comment or reply"
        PASSWORD_RESET = "password_reset", "Password reset"
        REMINDER = "reminder", "Reminder"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Could not be sent"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    to = models.EmailField()
    subject = models.CharField(max_length=255)
    # Emptied once the email is sent or given up on when `private` (a password reset link
    # must not outlive its delivery in the database).
    body = models.TextField(blank=True)
    private = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "created_at"], name="outgoing_email_state")]
        verbose_name = "outgoing email"
        verbose_name_plural = "outgoing emails"

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to}"
