"""Documents prepared in the background from the data: the PDF for Ministers, the large
downloads of the reports table, the open data that holds the reports. Each is made once per
data version and set of parameters; an unchanged version reuses it."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from commitments.models.choices import TextChoices


class PreparedStorage(FileSystemStorage):
    """PREPARED_ROOT, read when used (so that tests can move it), outside MEDIA_ROOT: these
    files are made again from the data on demand, so backups leave them out."""

    @property
    def base_location(self):
        return settings.PREPARED_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def prepared_storage() -> FileSystemStorage:
    return PreparedStorage()


class PreparedDocument(models.Model):
    class Kind(TextChoices):
        MINISTERS_PDF = "ministers_pdf", _("Report for Ministers (PDF)")
        REPORTS_CSV = "reports_csv", _("Reports (CSV)")
        REPORTS_XLSX = "reports_xlsx", _("Reports (Excel)")
        OPEN_DATA_ZIP = "open_data_zip", _("Open data package (zip)")
        OPEN_DATA_REPORTS = "open_data_reports", _("Open data: reports (CSV)")

    class State(TextChoices):
        QUEUED = "queued", _("Being prepared")
        # Translators: a prepared document (a download) is ready.
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be prepared")

    kind = models.CharField(verbose_name=_("kind"), max_length=20, choices=Kind.choices)
    # What the document was asked with (the filters, the date), as canonical JSON (the same
    # question gives the same text), and its SHA-256, which the unique constraint compares.
    parameters = models.TextField(verbose_name=_("parameters"))
    key = models.CharField(verbose_name=_("key"), max_length=64)
    data_version = models.CharField(verbose_name=_("data version"), max_length=36)
    state = models.CharField(
        verbose_name=_("state"), max_length=10, choices=State.choices, default=State.QUEUED
    )
    file = models.FileField(
        verbose_name=_("file"), storage=prepared_storage, upload_to="%Y/%m/", blank=True
    )
    filename = models.CharField(
        verbose_name=_("filename"), max_length=200, help_text=_("The name the download is given.")
    )
    rows = models.PositiveIntegerField(verbose_name=_("rows"), null=True, blank=True)
    error = models.CharField(verbose_name=_("error"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(verbose_name=_("requested at"), default=timezone.now)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("prepared document")
        verbose_name_plural = _("prepared documents")
        constraints = [
            # Two people asking at once share one document.
            models.UniqueConstraint(
                fields=["kind", "key", "data_version"], name="prepareddocument_once"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_state_display()})"
