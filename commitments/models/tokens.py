"""Personal API tokens: a program reads the API as the user who made the token.

Only a SHA-256 digest of the secret is stored; the secret itself is shown once, when the
token is made (commitments.services.tokens), and can never be read back. The secret is 32
random bytes, so an unsalted fast hash is enough: there is nothing to guess by brute force,
and a digest can be looked up by an index on each request."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

TOKEN_NAME_MAX_LENGTH = 100
NAME_TAKEN_MESSAGE = _("You already have an active token with this name; choose another name.")


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A token a user made, named and may revoke. A revoked token is kept (its history says
    who revoked it and when) and authenticates nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        verbose_name=_("name"),
        max_length=TOKEN_NAME_MAX_LENGTH,
        help_text=_("What the token is for, in the user's words."),
    )
    # The secret's first characters: not enough to use, enough to tell tokens apart.
    prefix = models.CharField(verbose_name=_("prefix"), max_length=16, editable=False)
    digest = models.CharField(verbose_name=_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(
        verbose_name=_("created at"), default=timezone.now, editable=False
    )
    last_used_at = models.DateTimeField(
        verbose_name=_("last used at"), null=True, blank=True, editable=False
    )
    revoked_at = models.DateTimeField(
        verbose_name=_("revoked at"), null=True, blank=True, editable=False
    )

    objects = ApiTokenQuerySet.as_manager()
    # last_used_at is bookkeeping written while reading (at most every few minutes), not a
    # change anyone made: it is left out of the history.
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="apitoken_name_unique_among_active",
                violation_error_message=NAME_TAKEN_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
