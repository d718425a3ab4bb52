"""A file of reports uploaded for import: kept from its preview to its application, so that
what is applied is the file that was previewed, and so that each imported report can say
which file it came from."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.models.choices import TextChoices


def import_upload_path(instance, filename):
    """A random folder per file: names never collide and cannot be guessed."""
    return f"imports/{uuid.uuid4().hex}/{get_valid_filename(filename)[-120:]}"


class ReportImport(models.Model):
    """One uploaded file and what its preview found, row by row (`rows`: a list of plain
    dicts, see `commitments.imports.RowPlan.as_json`). Applied once at most."""

    class State(TextChoices):
        PREVIEWED = "previewed", _("Previewed, not applied")
        APPLIED = "applied", _("Applied")

    file = models.FileField(verbose_name=_("file"), upload_to=import_upload_path, max_length=300)
    original_name = models.CharField(verbose_name=_("original name"), max_length=255)
    sha256 = models.CharField(verbose_name=_("sha256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(verbose_name=_("uploaded at"), default=timezone.now)
    state = models.CharField(
        verbose_name=_("state"), max_length=10, choices=State.choices, default=State.PREVIEWED
    )
    # A problem with the file as a whole (unreadable, a missing column, too many rows): no
    # row is looked at, and nothing can be applied.
    file_error = models.CharField(verbose_name=_("file error"), max_length=1000, blank=True)
    rows = models.JSONField(verbose_name=_("rows"), default=list, blank=True)
    applied_at = models.DateTimeField(verbose_name=_("applied at"), null=True, blank=True)
    created_reports = models.PositiveIntegerField(verbose_name=_("created reports"), default=0)
    corrections = models.PositiveIntegerField(verbose_name=_("corrections"), default=0)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("report import")
        verbose_name_plural = _("report imports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="previewed", applied_at__isnull=True)
                | models.Q(state="applied", applied_at__isnull=False),
                name="reportimport_applied_has_time",
                violation_error_message=_("An applied import needs the time it was applied."),
            )
        ]

    def __str__(self):
        return gettext("Import %(number)s: %(name)s") % {
            "number": self.pk,
            "name": self.original_name,
        }

    @property
    def is_applied(self) -> bool:
        return self.state == self.State.APPLIED

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row["action"] == action)

    @property
    def error_count(self) -> int:
        return self.count("error")

    @property
    def can_apply(self) -> bool:
        """Whole files only: one row in error, or a problem with the file, and nothing is
        applied; a file with nothing to write has nothing to apply."""
        writes = self.count("new") + self.count("correction")
        return not self.is_applied and not self.file_error and not self.error_count and writes > 0
