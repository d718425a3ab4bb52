"""Where a historical fact comes from and how sure we are of it."""

from django.db import models


class Confidence(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM_HIGH = "medium_high", "Medium-high"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    # Worked out from other recorded facts (for example a date difference), not read in a source.
    DERIVED = "derived", "Derived"


CONFIDENCE_MEANINGS = {
    Confidence.HIGH: "Read in an official source: the law, the agreement, the meeting's report.",
    Confidence.MEDIUM_HIGH: "Read in a reliable secondary source that cites an official one.",
    Confidence.MEDIUM: "Read in a secondary or unofficial source, or in sources that disagree "
    "(both are kept).",
    Confidence.LOW: "Reported without a source that could be checked.",
    Confidence.DERIVED: "Worked out from other recorded facts (for example a date difference), "
    "not read in a source.",
}


class Sourced(models.Model):
    """Abstract: every historical record says where it comes from and how sure we are."""

    source = models.TextField(
        max_length=2000,
        blank=True,
        help_text="The document or page this record comes from, as a citation.",
    )
    source_url = models.URLField(blank=True, max_length=500)
    confidence = models.CharField(
        max_length=16, choices=Confidence.choices, default=Confidence.MEDIUM
    )

    class Meta:
        abstract = True
