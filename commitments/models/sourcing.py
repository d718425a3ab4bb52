"""Where a historical fact comes from and how sure we are of it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from commitments.models.choices import TextChoices


class Confidence(TextChoices):
    # Translators: how sure a record is of its source; a neutral description of the source,
    # never a judgement of a participant.
    HIGH = "high", _("High")
    MEDIUM_HIGH = "medium_high", _("Medium-high")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    # Worked out from other recorded facts (for example a date difference), not read in a source.
    DERIVED = "derived", _("Derived")


CONFIDENCE_MEANINGS = {
    Confidence.HIGH: _("Read in an official source: the law, the agreement, the meeting's report."),
    Confidence.MEDIUM_HIGH: _("Read in a reliable secondary source that cites an official one."),
    Confidence.MEDIUM: _(
        "Read in a secondary or unofficial source, or in sources that disagree (both are kept)."
    ),
    Confidence.LOW: _("Reported without a source that could be checked."),
    Confidence.DERIVED: _(
        "Worked out from other recorded facts (for example a date difference), not read in a "
        "source."
    ),
}


class Sourced(models.Model):
    """Abstract: every historical record says where it comes from and how sure we are."""

    source = models.TextField(
        verbose_name=_("source"),
        max_length=2000,
        blank=True,
        help_text=_("The document or page this record comes from, as a citation."),
    )
    source_url = models.URLField(verbose_name=_("source url"), blank=True, max_length=500)
    confidence = models.CharField(
        verbose_name=_("confidence"),
        max_length=16,
        choices=Confidence.choices,
        default=Confidence.MEDIUM,
    )

    class Meta:
        abstract = True
