"""The data version: one row whose token changes with every write to the domain's tables,
so that cached pages and documents are keyed on the data they were made from."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataVersion(models.Model):
    """A single row (pk 1). Its token is a random UUID, not a counter: a database restored
    from a backup, or rolled back, never comes back to a token that cached pages were
    made under."""

    token = models.UUIDField(verbose_name=_("token"), default=uuid.uuid4)
    changed_at = models.DateTimeField(verbose_name=_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self):
        return str(self.token)
