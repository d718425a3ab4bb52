"""The statement itself: its paragraphs, the participants it names, the commitments it makes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models.choices import TextChoices

ISO3_MESSAGE = _("The ISO 3166 code must be three capital letters, such as IDN.")
CO_CHAIR_MESSAGE = _("Only a state can co-chair a meeting.")
ORGANISATION_ISO3_MESSAGE = _("An organisation has no ISO 3166 country code.")
STATE_NEEDS_ISO3_MESSAGE = _(
    "A state or entity needs its ISO 3166 code: its pages are addressed by it."
)


class ParticipantQuerySet(models.QuerySet):
    def tracked(self):
        """The co-chairs and participating states and entities: those who report progress."""
        return self.filter(role__in=Participant.TRACKED_ROLES, kind__in=Participant.TRACKED_KINDS)

    def organisations(self):
        return self.filter(kind=Participant.Kind.ORGANISATION)


class ParticipantManager(models.Manager.from_queryset(ParticipantQuerySet)):
    def get_by_natural_key(self, name):
        return self.get(name=name)


class Participant(models.Model):
    """A state, entity or organisation named in paragraphs 1 and 2 of the statement."""

    class Kind(TextChoices):
        # Translators: the kind of a participant named in the statement.
        STATE = "state", _("State")
        ENTITY = "entity", _("Entity")
        ORGANISATION = "organisation", _("Organisation")

    class Role(TextChoices):
        # Translators: a participant's role at the conference.
        CO_CHAIR = "co_chair", _("Co-chair")
        PARTICIPANT = "participant", _("Participant")
        OBSERVER = "observer", _("Observer")

    TRACKED_ROLES = (Role.CO_CHAIR, Role.PARTICIPANT)
    TRACKED_KINDS = (Kind.STATE, Kind.ENTITY)

    name = models.CharField(
        verbose_name=_("name"),
        max_length=200,
        unique=True,
        help_text=_("As printed in the statement."),
    )
    short_name = models.CharField(verbose_name=_("short name"), max_length=100, unique=True)
    iso3 = models.CharField(
        _("ISO 3166 alpha-3"),
        max_length=3,
        blank=True,
        help_text=_("The present-day code, where one exists (East Timor: TLS)."),
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=16, choices=Kind.choices)
    role = models.CharField(verbose_name=_("role"), max_length=16, choices=Role.choices)
    statement_order = models.PositiveSmallIntegerField(
        verbose_name=_("statement order"),
        default=0,
        help_text=_("Position in the statement's lists, to show them as printed."),
    )
    notes = models.TextField(verbose_name=_("notes"), blank=True, max_length=5000)

    objects = ParticipantManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["iso3"], condition=~Q(iso3=""), name="participant_iso3_unique"
            ),
            models.CheckConstraint(
                condition=Q(iso3="") | Q(iso3__regex=r"^[A-Z]{3}$"),
                name="participant_iso3_format",
                violation_error_message=ISO3_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~Q(role="co_chair") | Q(kind="state"),
                name="participant_co_chair_is_state",
                violation_error_message=CO_CHAIR_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~Q(kind="organisation") | Q(iso3=""),
                name="participant_organisation_has_no_iso3",
                violation_error_message=ORGANISATION_ISO3_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(kind="organisation") | ~Q(iso3=""),
                name="participant_state_has_iso3",
                violation_error_message=STATE_NEEDS_ISO3_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("country_detail", args=[self.iso3.lower()]) if self.iso3 else ""

    def natural_key(self):
        return (self.name,)

    @property
    def is_tracked(self) -> bool:
        return self.role in self.TRACKED_ROLES and self.kind in self.TRACKED_KINDS

    def clean(self):
        errors = {}
        if self.iso3 and not (len(self.iso3) == 3 and self.iso3.isalpha() and self.iso3.isupper()):
            errors["iso3"] = ISO3_MESSAGE
        if self.kind == self.Kind.ORGANISATION and self.iso3:
            errors["iso3"] = ORGANISATION_ISO3_MESSAGE
        if self.kind in self.TRACKED_KINDS and not self.iso3:
            errors["iso3"] = STATE_NEEDS_ISO3_MESSAGE
        if self.role == self.Role.CO_CHAIR and self.kind != self.Kind.STATE:
            errors["role"] = CO_CHAIR_MESSAGE
        if errors:
            raise ValidationError(errors)


class ParagraphManager(models.Manager):
    def get_by_natural_key(self, number):
        return self.get(number=number)


class Paragraph(models.Model):
    """One of the 28 numbered paragraphs of the Co-Chairs' Statement."""

    number = models.PositiveSmallIntegerField(verbose_name=_("number"), unique=True)
    text = models.TextField(verbose_name=_("text"), max_length=20_000)

    objects = ParagraphManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("paragraph")
        verbose_name_plural = _("paragraphs")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="paragraph_number_positive",
                violation_error_message=_("Paragraphs are numbered from 1."),
            ),
        ]

    def __str__(self):
        return gettext("Paragraph %(number)s") % {"number": self.number}

    def natural_key(self):
        return (self.number,)

    @property
    def excerpt(self) -> str:
        return self.text if len(self.text) <= 120 else self.text[:117].rstrip() + "…"


class CommitmentQuerySet(models.QuerySet):
    def tracked(self):
        return self.filter(is_tracked=True)


class CommitmentManager(models.Manager.from_queryset(CommitmentQuerySet)):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Commitment(models.Model):
    """Something the statement asks participants to work towards, on which they report progress.

    Codes follow the statement: 17a to 17f are the six bullets of paragraph 17 in order, 18 is
    legislation; untracked ones (such as 15, the UN Convention) are kept for reference.
    """

    code = models.SlugField(verbose_name=_("code"), max_length=8, unique=True)
    paragraph = models.ForeignKey(
        Paragraph, verbose_name=_("paragraph"), on_delete=models.PROTECT, related_name="commitments"
    )
    title = models.CharField(verbose_name=_("title"), max_length=120)
    text = models.TextField(
        verbose_name=_("text"), max_length=20_000, help_text=_("The words of the statement.")
    )
    is_tracked = models.BooleanField(
        verbose_name=_("is tracked"),
        default=True,
        help_text=_("Participants report progress only on tracked commitments."),
    )
    display_order = models.PositiveSmallIntegerField(verbose_name=_("display order"), default=0)

    objects = CommitmentManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "code"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self):
        return f"{self.code}: {self.title}"

    def natural_key(self):
        return (self.code,)

    natural_key.dependencies = ["commitments.paragraph"]
