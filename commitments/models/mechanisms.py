"""What expert meetings recommend, and the existing mechanisms follow-up can pass to."""

from django.db import models
from simple_history.models import HistoricalRecords

from commitments.models.meetings import ExpertMeeting, SlugManager
from commitments.models.sourcing import Sourced


class Recommendation(Sourced):
    """A recommendation made at an expert meeting, about one or more commitments."""

    meeting = models.ForeignKey(
        ExpertMeeting, on_delete=models.PROTECT, related_name="recommendations"
    )
    reference = models.CharField(
        max_length=40, blank=True, help_text="Its number in the meeting's report, if any."
    )
    text = models.TextField()
    commitments = models.ManyToManyField(
        "commitments.Commitment", blank=True, related_name="recommendations"
    )

    history = HistoricalRecords(m2m_fields=[commitments])

    class Meta:
        ordering = ["meeting__start_date", "reference", "pk"]

    def __str__(self):
        label = self.reference or f"#{self.pk}"
        return f"{self.meeting}: recommendation {label}"


class Mechanism(Sourced):
    """An existing bilateral, regional or international mechanism to which follow-up can be
    passed after the 12-month period (paragraph 25)."""

    class Scope(models.TextChoices):
        BILATERAL = "bilateral", "Bilateral"
        REGIONAL = "regional", "Regional"
        INTERNATIONAL = "international", "International"

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60)
    scope = models.CharField(max_length=16, choices=Scope.choices)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True, max_length=500)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["short_name"]

    def __str__(self):
        return self.short_name

    def natural_key(self):
        return (self.slug,)
