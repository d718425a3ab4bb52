"""The follow-up mechanism's meetings: ministerial meetings, expert groups and their meetings."""

import datetime
import uuid

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models.choices import TextChoices
from commitments.models.reference import Participant
from commitments.models.sourcing import Sourced

END_BEFORE_START_MESSAGE = _("The end date cannot be before the start date.")


class SlugManager(models.Manager):
    """Natural keys by slug, so that fixtures load idempotently."""

    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class DatePrecision(TextChoices):
    DAY = "day", _("Exact days")
    MONTH = "month", _("Month only")


class DatedMeeting(Sourced):
    """Abstract: a meeting with a place and a date range that may be known only to the month."""

    slug = models.SlugField(verbose_name=_("slug"), max_length=80, unique=True)
    place = models.CharField(verbose_name=_("place"), max_length=200, blank=True)
    start_date = models.DateField(verbose_name=_("start date"))
    end_date = models.DateField(verbose_name=_("end date"))
    date_precision = models.CharField(
        verbose_name=_("date precision"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    date_note = models.CharField(
        verbose_name=_("date note"),
        max_length=300,
        blank=True,
        help_text=_("Where sources disagree on the dates, say so here."),
    )
    outcome = models.TextField(verbose_name=_("outcome"), blank=True, max_length=10_000)

    objects = SlugManager()

    class Meta:
        abstract = True
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="%(class)s_ends_after_start",
                violation_error_message=END_BEFORE_START_MESSAGE,
            ),
        ]

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = END_BEFORE_START_MESSAGE
        if self.slug and self._slug_taken_by_other_kind():
            errors["slug"] = gettext(
                "Another meeting already has this address; choose another slug."
            )
        if errors:
            raise ValidationError(errors)

    def _slug_taken_by_other_kind(self) -> bool:
        """Ministerial and expert meetings share the /meetings/<slug>/ addresses."""
        other = ExpertMeeting if isinstance(self, MinisterialMeeting) else MinisterialMeeting
        return other.objects.filter(slug=self.slug).exists()


FOUNDING_NEEDS_PERIOD_MESSAGE = _("The founding meeting needs a review period in months.")


class MinisterialMeetingQuerySet(models.QuerySet):
    def ministerial(self):
        return self.filter(level=MinisterialMeeting.Level.MINISTERIAL)

    def founding(self):
        """The founding conference (at most one, by a constraint), or None."""
        return self.filter(is_founding=True).first()


class MinisterialMeetingManager(SlugManager.from_queryset(MinisterialMeetingQuerySet)):
    pass


class MinisterialMeeting(DatedMeeting):
    """The founding Bali conference of 2002 and the later meetings at which Ministers (or their
    senior officials) took up the follow-up.

    The founding meeting carries the review period of paragraph 24 ("within one year"); its due
    date is always computed from its end date, never stored.
    """

    class Level(TextChoices):
        # Translators: the level of a meeting: Ministers, or their senior officials.
        MINISTERIAL = "ministerial", _("Ministerial")
        SENIOR_OFFICIALS = "senior_officials", _("Senior officials")

    name = models.CharField(verbose_name=_("name"), max_length=200)
    short_name = models.CharField(verbose_name=_("short name"), max_length=80)
    level = models.CharField(
        verbose_name=_("level"), max_length=20, choices=Level.choices, default=Level.MINISTERIAL
    )
    co_chairs = models.ManyToManyField(
        Participant,
        verbose_name=_("co chairs"),
        blank=True,
        related_name="co_chaired_meetings",
        limit_choices_to={"kind": Participant.Kind.STATE},
    )
    co_chair_persons = models.CharField(
        verbose_name=_("co chair persons"),
        max_length=300,
        blank=True,
        help_text=_("The Ministers who co-chaired, by name."),
    )
    is_founding = models.BooleanField(
        verbose_name=_("is founding"),
        default=False,
        help_text=_("The conference whose statement set up the follow-up."),
    )
    review_period_months = models.PositiveSmallIntegerField(
        verbose_name=_("review period months"),
        null=True,
        blank=True,
        help_text=_("For the founding meeting: months within which results go to Ministers."),
    )
    attendance_summary = models.TextField(
        verbose_name=_("attendance summary"),
        max_length=5000,
        blank=True,
        help_text=_("Attendance as the sources give it; keep each source's figures."),
    )

    objects = MinisterialMeetingManager()
    history = HistoricalRecords(m2m_fields=[co_chairs])

    class Meta(DatedMeeting.Meta):
        verbose_name = _("ministerial meeting")
        verbose_name_plural = _("ministerial meetings")
        constraints = [
            *DatedMeeting.Meta.constraints,
            models.UniqueConstraint(
                fields=["is_founding"],
                condition=Q(is_founding=True),
                name="ministerialmeeting_one_founding",
                violation_error_message=_("There is already a founding meeting."),
            ),
            models.CheckConstraint(
                condition=Q(is_founding=False)
                | Q(review_period_months__isnull=False, review_period_months__gte=1),
                name="ministerialmeeting_founding_has_review_period",
                violation_error_message=FOUNDING_NEEDS_PERIOD_MESSAGE,
            ),
        ]

    def __str__(self):
        return self.short_name

    @property
    def category(self) -> str:
        if self.level == self.Level.SENIOR_OFFICIALS:
            return gettext("Senior officials meeting")
        return gettext("Ministerial meeting")

    def clean(self):
        super().clean()
        if self.is_founding and not self.review_period_months:
            raise ValidationError({"review_period_months": FOUNDING_NEEDS_PERIOD_MESSAGE})

    @property
    def review_due_date(self) -> datetime.date | None:
        """The end date plus the review period; relativedelta clamps to the month's end, so a
        meeting ending on 29 February is due on 28 February a year later."""
        if not self.review_period_months:
            return None
        return self.end_date + relativedelta(months=self.review_period_months)


class ExpertGroup(Sourced):
    """An ad hoc experts' group of paragraph 23, with voluntary participation."""

    slug = models.SlugField(verbose_name=_("slug"), max_length=80, unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=200)
    short_name = models.CharField(verbose_name=_("short name"), max_length=40)
    theme = models.TextField(verbose_name=_("theme"), max_length=2000)
    established_at = models.ForeignKey(
        MinisterialMeeting,
        verbose_name=_("established at"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expert_groups",
    )
    coordinator = models.ForeignKey(
        Participant,
        verbose_name=_("coordinator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="coordinated_groups",
        help_text=_("The participant that coordinates the group."),
    )
    coordinator_person = models.CharField(
        verbose_name=_("coordinator person"), max_length=200, blank=True
    )
    commitments = models.ManyToManyField(
        "commitments.Commitment",
        verbose_name=_("commitments"),
        blank=True,
        related_name="expert_groups",
    )
    volunteers = models.ManyToManyField(
        Participant,
        verbose_name=_("volunteers"),
        through="Volunteer",
        related_name="volunteered_groups",
        blank=True,
    )

    objects = SlugManager()
    history = HistoricalRecords(m2m_fields=[commitments])

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("expert group")
        verbose_name_plural = _("expert groups")

    def __str__(self):
        return self.short_name

    def natural_key(self):
        return (self.slug,)


NOT_TRACKED_MESSAGE = _("Only the co-chairs and participating states and entities can take part.")


class Volunteer(Sourced):
    """A participant that volunteered officials for an expert group (paragraph 23)."""

    group = models.ForeignKey(ExpertGroup, verbose_name=_("group"), on_delete=models.CASCADE)
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.PROTECT
    )
    expert_names = models.TextField(
        verbose_name=_("expert names"),
        blank=True,
        max_length=2000,
        help_text=_("The named expert officials, if known."),
    )
    volunteered_on = models.DateField(verbose_name=_("volunteered on"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["group", "participant__short_name"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "participant"],
                name="volunteer_once_per_group",
                violation_error_message=_("This participant already volunteered for the group."),
            ),
        ]

    def __str__(self):
        return gettext("%(participant)s in %(group)s") % {
            "participant": self.participant,
            "group": self.group,
        }

    def clean(self):
        if self.participant_id and not self.participant.is_tracked:
            raise ValidationError({"participant": NOT_TRACKED_MESSAGE})


class ExpertMeeting(DatedMeeting):
    """A meeting of experts under paragraph 23: of one group, or across groups (the Jakarta
    coordination and preparatory meetings of March 2003 have no single group)."""

    class Status(TextChoices):
        # Translators: the status of an experts' meeting.
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(verbose_name=_("title"), max_length=200)
    group = models.ForeignKey(
        ExpertGroup,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text=_("Leave blank for a meeting across groups."),
    )
    host = models.ForeignKey(
        Participant,
        verbose_name=_("host"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_expert_meetings",
    )
    status = models.CharField(
        verbose_name=_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    attendees = models.ManyToManyField(
        Participant,
        verbose_name=_("attendees"),
        through="Attendance",
        related_name="attended_expert_meetings",
        blank=True,
    )
    assisting_organisations = models.ManyToManyField(
        Participant,
        verbose_name=_("assisting organisations"),
        through="Assistance",
        related_name="assisted_expert_meetings",
        blank=True,
    )

    history = HistoricalRecords()

    class Meta(DatedMeeting.Meta):
        verbose_name = _("expert meeting")
        verbose_name_plural = _("expert meetings")

    def __str__(self):
        return self.title

    @property
    def category(self) -> str:
        if self.group_id:
            return gettext("Experts' meeting")
        return gettext("Meeting across the experts' groups")

    def clean(self):
        super().clean()
        if (
            self.status == self.Status.HELD
            and self.start_date
            and self.start_date > timezone.localdate()
        ):
            raise ValidationError(
                {"status": gettext("A meeting that starts in the future cannot be marked as held.")}
            )


class MeetingParticipantManager(models.Manager):
    """Natural keys (meeting slug, participant name) for attendance and assistance rows."""

    def get_by_natural_key(self, meeting_slug, participant_name):
        return self.get(
            meeting__slug=meeting_slug,
            **{f"{self.model.participant_field}__name": participant_name},
        )


class MeetingParticipation(Sourced):
    """Abstract: a participant's part in an expert meeting, one row per meeting and participant.

    `participant_field` names the concrete model's foreign key to the participant.
    """

    participant_field = "participant"

    meeting = models.ForeignKey(ExpertMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE)

    objects = MeetingParticipantManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.meeting.slug, getattr(self, self.participant_field).name)

    natural_key.dependencies = ["commitments.expertmeeting", "commitments.participant"]


class Attendance(MeetingParticipation):
    """A participant's attendance at an expert meeting, with its delegates where known."""

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.PROTECT
    )
    delegates = models.TextField(
        verbose_name=_("delegates"),
        blank=True,
        max_length=2000,
        help_text=_("Named officials, one per line."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "participant__short_name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"],
                name="attendance_once_per_meeting",
                violation_error_message=_("This participant is already recorded as attending."),
            ),
        ]

    def __str__(self):
        return gettext("%(participant)s at %(meeting)s") % {
            "participant": self.participant,
            "meeting": self.meeting,
        }


ASSISTANCE_ORGANISATION_MESSAGE = _("Only an organisation can assist a meeting.")


class Assistance(MeetingParticipation):
    """An organisation's assistance to an expert meeting "according to their respective fields
    of competence" (paragraph 23), with the role it played."""

    participant_field = "organisation"

    # Restricted to organisations by clean() (a clear message) and by the admin's choices.
    organisation = models.ForeignKey(
        Participant, verbose_name=_("organisation"), on_delete=models.PROTECT
    )
    role = models.CharField(
        verbose_name=_("role"),
        max_length=300,
        help_text=_("What the organisation did for the meeting."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "organisation__short_name"]
        verbose_name = _("assistance")
        verbose_name_plural = _("assistance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "organisation"],
                name="assistance_once_per_meeting",
                violation_error_message=_("This organisation is already recorded for the meeting."),
            ),
        ]

    def __str__(self):
        return gettext("%(organisation)s assisting %(meeting)s") % {
            "organisation": self.organisation,
            "meeting": self.meeting,
        }

    def clean(self):
        if self.organisation_id and self.organisation.kind != Participant.Kind.ORGANISATION:
            raise ValidationError({"organisation": ASSISTANCE_ORGANISATION_MESSAGE})


def meeting_document_path(instance, filename):
    """A random folder per file: names never collide and cannot be guessed."""
    return f"meeting-documents/{uuid.uuid4().hex}/{get_valid_filename(filename)[-120:]}"


DOCUMENT_NEEDS_LINK_OR_FILE = _("Give the document's web address, or attach the file, or both.")


class MeetingDocument(Sourced):
    """A document of an expert meeting (its report, a plan of action): a link, a file
    (PDF, Office document or image, checked by content), or both. Files are stored outside
    the static files and served by a view, as downloads."""

    meeting = models.ForeignKey(
        ExpertMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    url = models.URLField(_("web address"), max_length=500, blank=True)
    file = models.FileField(
        verbose_name=_("file"), upload_to=meeting_document_path, max_length=300, blank=True
    )
    content_type = models.CharField(
        verbose_name=_("content type"), max_length=120, blank=True, editable=False
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    added_at = models.DateTimeField(
        verbose_name=_("added at"), default=timezone.now, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "title", "pk"]
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="", file=""),
                name="meetingdocument_link_or_file",
                violation_error_message=DOCUMENT_NEEDS_LINK_OR_FILE,
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if not self.url and not self.file:
            raise ValidationError(DOCUMENT_NEEDS_LINK_OR_FILE)
