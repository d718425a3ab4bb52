"""What a user chose for their own account."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AccountPreference(models.Model):
    """A user's choices: the language of the pages once logged in, and of the emails sent to
    them. No row, or an empty language, means none chosen: the language menu's choice, or
    the browser's, for the pages; English for the emails."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="preference",
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the pages and of the emails the tracker sends you."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account preference")
        verbose_name_plural = _("account preferences")

    def __str__(self):
        return f"{self.user}: {self.language or '-'}"
