"""What expert meetings recommend, and the existing mechanisms follow-up can pass to."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models.choices import TextChoices
from commitments.models.meetings import ExpertMeeting, SlugManager
from commitments.models.sourcing import Sourced


class Recommendation(Sourced):
    """A recommendation made at an expert meeting, about one or more commitments.

    It moves (paragraphs 24 and 25): proposed at the expert meeting -> submitted to a
    ministerial meeting -> considered by Ministers (endorsed, noted or not adopted) -> closed
    as implemented, or handed over to an existing mechanism. The moves are made only by
    commitments.services.recommendations, which checks each one and logs it (RecommendationEvent).
    """

    class Status(TextChoices):
        # Translators: the status of a recommendation of an expert meeting.
        PROPOSED = "proposed", _("Proposed")
        SUBMITTED = "submitted", _("Submitted to Ministers")
        CONSIDERED = "considered", _("Considered by Ministers")
        IMPLEMENTED = "implemented", _("Closed: implemented")
        HANDED_OVER = "handed_over", _("Closed: handed over")

    class Outcome(TextChoices):
        # Translators: what Ministers did with a recommendation.
        ENDORSED = "endorsed", _("Endorsed")
        NOTED = "noted", _("Noted")
        NOT_ADOPTED = "not_adopted", _("Not adopted")

    meeting = models.ForeignKey(
        ExpertMeeting,
        verbose_name=_("meeting"),
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    reference = models.CharField(
        verbose_name=_("reference"),
        max_length=40,
        blank=True,
        help_text=_("Its number in the meeting's report, if any."),
    )
    text = models.TextField(verbose_name=_("text"), max_length=10_000)
    commitments = models.ManyToManyField(
        "commitments.Commitment",
        verbose_name=_("commitments"),
        blank=True,
        related_name="recommendations",
    )
    status = models.CharField(
        verbose_name=_("status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PROPOSED,
        editable=False,
    )
    submitted_to = models.ForeignKey(
        "commitments.MinisterialMeeting",
        verbose_name=_("submitted to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="recommendations_received",
    )
    submitted_on = models.DateField(
        verbose_name=_("submitted on"), null=True, blank=True, editable=False
    )
    outcome = models.CharField(
        verbose_name=_("outcome"),
        max_length=16,
        choices=Outcome.choices,
        blank=True,
        editable=False,
    )
    considered_on = models.DateField(
        verbose_name=_("considered on"), null=True, blank=True, editable=False
    )
    closed_on = models.DateField(verbose_name=_("closed on"), null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[commitments])

    class Meta:
        ordering = ["meeting__start_date", "reference", "pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="proposed")
                | Q(submitted_to__isnull=False, submitted_on__isnull=False),
                name="recommendation_submitted_has_meeting",
                violation_error_message=_("A submitted recommendation names its meeting and date."),
            ),
        ]

    def __str__(self):
        return gettext("%(meeting)s: recommendation %(number)s") % {
            "meeting": self.meeting,
            "number": self.number,
        }

    @property
    def number(self) -> str:
        """Its reference in the meeting's report, or its id when it has none: "3", "#12"."""
        return self.reference or f"#{self.pk}"

    @property
    def label(self) -> str:
        """How the pages and messages name it: "Recommendation 3"."""
        return gettext("Recommendation %(number)s") % {"number": self.number}


class Mechanism(Sourced):
    """An existing bilateral, regional or international mechanism to which follow-up can be
    passed after the 12-month period (paragraph 25)."""

    class Scope(TextChoices):
        # Translators: the scope of an existing mechanism follow-up is passed to.
        BILATERAL = "bilateral", _("Bilateral")
        REGIONAL = "regional", _("Regional")
        INTERNATIONAL = "international", _("International")

    slug = models.SlugField(verbose_name=_("slug"), max_length=80, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=200, unique=True)
    short_name = models.CharField(verbose_name=_("short name"), max_length=60)
    scope = models.CharField(verbose_name=_("scope"), max_length=16, choices=Scope.choices)
    description = models.TextField(verbose_name=_("description"), blank=True, max_length=5000)
    url = models.URLField(verbose_name=_("url"), blank=True, max_length=500)

    objects = SlugManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")

    def __str__(self):
        return self.short_name

    def natural_key(self):
        return (self.slug,)


class RecommendationEvent(models.Model):
    """One move of a recommendation: from which status to which, on what date, who recorded
    it and when. Written only by commitments.services.recommendations."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    from_status = models.CharField(
        verbose_name=_("from status"), max_length=16, choices=Recommendation.Status.choices
    )
    to_status = models.CharField(
        verbose_name=_("to status"), max_length=16, choices=Recommendation.Status.choices
    )
    happened_on = models.DateField(
        verbose_name=_("happened on"),
        help_text=_("The date of the move itself (a meeting's date)."),
    )
    note = models.TextField(verbose_name=_("note"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(
        verbose_name=_("recorded at"), default=timezone.now, editable=False
    )

    class Meta:
        ordering = ["recommendation", "recorded_at", "pk"]
        verbose_name = _("recommendation event")
        verbose_name_plural = _("recommendation events")

    def __str__(self):
        return f"{self.recommendation}: {self.from_status} -> {self.to_status}"


class Handover(Sourced):
    """The passing of an open item to an existing mechanism after the 12-month period
    (paragraph 25): a recommendation, or a tracked commitment on which work continues."""

    recommendation = models.ForeignKey(
        Recommendation,
        verbose_name=_("recommendation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers",
    )
    commitment = models.ForeignKey(
        "commitments.Commitment",
        verbose_name=_("commitment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers",
    )
    mechanism = models.ForeignKey(
        Mechanism, verbose_name=_("mechanism"), on_delete=models.PROTECT, related_name="handovers"
    )
    passed_on = models.DateField(verbose_name=_("passed on"))
    note = models.TextField(verbose_name=_("note"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(
        verbose_name=_("recorded at"), default=timezone.now, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-passed_on", "pk"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        constraints = [
            models.CheckConstraint(
                condition=Q(recommendation__isnull=False, commitment__isnull=True)
                | Q(recommendation__isnull=True, commitment__isnull=False),
                name="handover_one_item",
                violation_error_message=_("A handover passes on a recommendation or a commitment."),
            ),
        ]

    def __str__(self):
        item = self.recommendation or self.commitment
        return gettext("%(item)s to %(mechanism)s") % {"item": item, "mechanism": self.mechanism}

    @property
    def item(self):
        return self.recommendation or self.commitment


class SentReminder(models.Model):
    """A reminder email that was sent, so that `send_reminders` never sends it twice (it is
    safe to run from cron every hour). `key` names the reminder and its recipient."""

    key = models.CharField(verbose_name=_("key"), max_length=255, unique=True)
    recipient = models.EmailField(verbose_name=_("recipient"))
    subject = models.CharField(verbose_name=_("subject"), max_length=255)
    sent_at = models.DateTimeField(verbose_name=_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")

    def __str__(self):
        return gettext("%(reminder)s to %(address)s") % {
            "reminder": self.key,
            "address": self.recipient,
        }
