"""Progress reports: voluntary self-reporting by participants (paragraph 19), never a score."""

import datetime
import uuid

from django.conf import global_settings, settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_valid_filename
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models.choices import TextChoices
from commitments.models.reference import Commitment, Participant
from commitments.models.sourcing import Confidence

# The first day of the Bali conference: no report can speak for an earlier date.
EARLIEST_AS_OF = datetime.date(2002, 2, 26)

SUBMITTED_IMMUTABLE_MESSAGE = _(
    "A submitted report cannot be changed or deleted. Record a correction instead: a new "
    "report that supersedes this one."
)
AS_OF_TOO_EARLY_MESSAGE = _(
    "The date cannot be before the Bali conference opened (26 February 2002)."
)
AS_OF_IN_FUTURE_MESSAGE = _("The date a report speaks for cannot be in the future.")
UNTRACKED_PARTICIPANT_MESSAGE = _(
    "Progress is reported only by the co-chairs and participating states and entities, "
    "not by observers or organisations."
)
UNTRACKED_COMMITMENT_MESSAGE = _("Progress is reported only on tracked commitments.")
SELF_CORRECTION_MESSAGE = _("A report cannot correct itself.")


def superseding_corrections(as_of=None):
    """The submitted corrections of the outer report (for Exists), counting on `as_of`."""
    corrections = ProgressReport.objects.filter(
        state=ProgressReport.State.SUBMITTED, corrects=OuterRef("pk")
    )
    return corrections if as_of is None else corrections.filter(as_of__lte=as_of)


class ReportStatus(TextChoices):
    # The Open Government Partnership's completion levels: neutral, not a score. In this
    # order: a scale, not a ranking of participants.
    # Translators: the status scale of a progress report, which participants report on
    # themselves. Keep the words neutral: a step of a scale, never a score or a grade.
    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


def rank(field: str, values) -> Case:
    """An expression giving each of `values` its position, so that a choice column sorts in
    the order of its scale rather than alphabetically. The reports table sorts by it, and
    indexes on it (below) let a page of a sorted million reports be read, not sorted."""
    whens = [When(**{field: value}, then=Value(i)) for i, value in enumerate(values)]
    return Case(*whens, default=Value(len(values)), output_field=IntegerField())


class ProgressReportQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(state=ProgressReport.State.SUBMITTED)

    def drafts(self):
        return self.filter(state=ProgressReport.State.DRAFT)

    def counted(self, as_of: datetime.date | None = None):
        """The submitted reports that count on `as_of` (any date when None): speaking for a
        date on or before it, and not yet replaced by a submitted correction that speaks for
        a date on or before it. A correction that moves a report's date later replaces it
        only from that later date; before it, the report it corrects is all there was."""
        reports = self.submitted().filter(~Exists(superseding_corrections(as_of)))
        return reports if as_of is None else reports.filter(as_of__lte=as_of)

    def not_replaced(self):
        """Leave out each report that a submitted correction has replaced."""
        return self.filter(~Exists(superseding_corrections()))

    def with_is_superseded(self):
        return self.annotate(is_superseded=Exists(superseding_corrections()))

    def with_replaced_by(self, name: str = "replaced_by"):
        """Annotate `name`: the id of the submitted correction that replaced the report, or
        None (a report has at most one: a unique constraint)."""
        return self.annotate(**{name: Subquery(superseding_corrections().values("pk")[:1])})


class ProgressReport(models.Model):
    """One participant's report on one commitment, as of a date.

    A submitted report is never edited in place: a correction is a new report whose
    `corrects` points at the old one; once submitted it supersedes it, and both stay.
    """

    Status = ReportStatus

    class State(TextChoices):
        # Translators: the state of a progress report.
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.PROTECT, related_name="reports"
    )
    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(verbose_name=_("status"), max_length=16, choices=Status.choices)
    as_of = models.DateField(_("as of"), help_text=_("The date this report speaks for."))
    narrative = models.TextField(verbose_name=_("narrative"), max_length=10_000)
    # The narrative is the participant's own words, never translated: the language it is
    # written in is shown beside it (and set as its `lang` for browsers and screen readers).
    narrative_language = models.CharField(
        _("language of the narrative"),
        max_length=15,
        choices=global_settings.LANGUAGES,
        default="en",
        help_text=_("The language the narrative is written in; it is never translated."),
    )
    evidence_links = models.TextField(
        verbose_name=_("evidence links"),
        blank=True,
        max_length=5000,
        help_text=_("Links to evidence (laws, agreements, reports), one per line."),
    )
    source = models.CharField(
        verbose_name=_("source"),
        max_length=300,
        blank=True,
        help_text=_("Who or what the information comes from."),
    )
    confidence = models.CharField(
        verbose_name=_("confidence"),
        max_length=16,
        choices=Confidence.choices,
        default=Confidence.MEDIUM,
    )
    state = models.CharField(
        verbose_name=_("state"), max_length=12, choices=State.choices, default=State.DRAFT
    )
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text=_("The submitted report this one corrects, if any."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(
        verbose_name=_("created at"), default=timezone.now, editable=False
    )
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(
        verbose_name=_("submitted at"), null=True, blank=True, editable=False
    )
    # Optimistic locking: each save of a draft bumps it; a save based on an older version is
    # refused, so two officials editing one draft never overwrite each other silently.
    version = models.PositiveIntegerField(verbose_name=_("version"), default=1, editable=False)
    # The token of the form that created the report: the same form posted again (a double
    # click, a retry after a slow answer, the back button) finds this report instead of
    # making a second one. Unique, so that two posts at the same moment cannot both create.
    form_token = models.UUIDField(
        verbose_name=_("form token"), null=True, blank=True, unique=True, editable=False
    )
    imported_from = models.ForeignKey(
        "commitments.ReportImport",
        verbose_name=_("imported from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        editable=False,
        help_text=_("The uploaded file this report was imported from, if any."),
    )
    is_demo = models.BooleanField(
        verbose_name=_("is demo"),
        default=False,
        editable=False,
        help_text=_("Synthetic data made by `seed_demo` for demonstrations, never real progress."),
    )

    objects = ProgressReportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-as_of", "-pk"]
        indexes = [
            models.Index(
                fields=["participant", "commitment", "state", "as_of"],
                name="progressreport_pair_as_of",
            ),
            # The dashboard's latest reports: read in this order, stopping after a few,
            # rather than sorting the whole history (2.1 s at a million reports).
            models.Index(F("submitted_at").desc(), F("id").desc(), name="progressreport_latest"),
            # A participant's history on its country page, newest first, a page at a time.
            models.Index(
                "participant",
                F("as_of").desc(),
                F("submitted_at").desc(),
                F("id").desc(),
                name="progressreport_timeline",
            ),
            # The reports table's default order (newest date first), a page at a time.
            models.Index(F("as_of").desc(), F("id").desc(), name="progressreport_as_of"),
            # The reports table sorted by status or confidence (their scales), a page at a time.
            models.Index(
                rank("status", ReportStatus.values), "id", name="progressreport_status_rank"
            ),
            models.Index(
                rank("confidence", Confidence.values), "id", name="progressreport_confidence_rank"
            ),
            # The demonstration-data notice asks on every page whether any report is one.
            models.Index(fields=["is_demo"], name="progressreport_is_demo"),
        ]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(as_of__gte=EARLIEST_AS_OF),
                name="progressreport_as_of_after_conference",
                violation_error_message=AS_OF_TOO_EARLY_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(state="draft", submitted_at__isnull=True)
                | Q(state="submitted", submitted_at__isnull=False),
                name="progressreport_submitted_has_timestamp",
                violation_error_message=_("A submitted report needs the time it was submitted."),
            ),
            models.CheckConstraint(
                condition=~Q(corrects=F("pk")),
                name="progressreport_not_correcting_itself",
                violation_error_message=SELF_CORRECTION_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["corrects"],
                condition=Q(state="submitted"),
                name="progressreport_one_submitted_correction",
                violation_error_message=_("This report has already been corrected."),
            ),
        ]

    def __str__(self):
        return gettext("%(participant)s on %(commitment)s, as of %(date)s") % {
            "participant": self.participant,
            "commitment": self.commitment.code,
            "date": date_format(self.as_of, "d F Y"),
        }

    def save(self, *args, **kwargs):
        # The last line of defence for immutability: code paths that skip clean() (scripts,
        # the shell) still cannot rewrite a submitted report.
        if self.is_stored_as_submitted():
            raise ValidationError(SUBMITTED_IMMUTABLE_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_stored_as_submitted():
            raise ValidationError(SUBMITTED_IMMUTABLE_MESSAGE)
        return super().delete(*args, **kwargs)

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED

    @property
    def evidence_urls(self) -> list[str]:
        """The web links, http(s) only: clean() refuses others, and this keeps a link that
        reached the database another way (a script, a bulk import) out of an href."""
        urls = [line.strip() for line in self.evidence_links.splitlines() if line.strip()]
        return [url for url in urls if url.lower().startswith(("http://", "https://"))]

    @property
    def evidence_lines(self) -> list[str]:
        return [line.strip() for line in self.evidence_links.splitlines() if line.strip()]

    def is_stored_as_submitted(self) -> bool:
        """Whether the database already holds this report as submitted (one query)."""
        if self._state.adding or self.pk is None:
            return False
        return type(self).objects.filter(pk=self.pk, state=self.State.SUBMITTED).exists()

    # Constraints validated in Python rather than by asking the database: for each one,
    # Django sends a query that annotates every field of the report (about 1.5 ms each; an
    # import of 10,000 corrections spent 20 s there). The database still enforces them all.
    # clean() checks these two with a message on their field:
    CHECKED_IN_PYTHON = {
        "progressreport_as_of_after_conference",
        "progressreport_not_correcting_itself",
    }
    # validate_constraints() checks these, with the fields each reads: as Django does, it
    # leaves one out when a form leaves out one of its fields (the admin's form has no
    # submission time: the service stamps it).
    VALIDATED_HERE = {
        "progressreport_submitted_has_timestamp": {"state", "submitted_at"},
        "progressreport_one_submitted_correction": {"state", "corrects"},
    }

    def get_constraints(self):
        in_python = self.CHECKED_IN_PYTHON | self.VALIDATED_HERE.keys()
        return [
            (model, [c for c in constraints if c.name not in in_python])
            for model, constraints in super().get_constraints()
        ]

    def validate_constraints(self, exclude=None):
        exclude = set(exclude or ())
        errors = {}
        try:
            super().validate_constraints(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for constraint in self._meta.constraints:
            reads = self.VALIDATED_HERE.get(constraint.name)
            if reads and not reads & exclude and not self._satisfies(constraint.name):
                message = constraint.get_violation_error_message()
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    ValidationError(message, code=constraint.violation_error_code)
                )
        if errors:
            raise ValidationError(errors)

    def _satisfies(self, constraint_name: str) -> bool:
        submitted = self.state == self.State.SUBMITTED
        if constraint_name == "progressreport_submitted_has_timestamp":
            return (self.state == self.State.DRAFT and self.submitted_at is None) or (
                submitted and self.submitted_at is not None
            )
        # progressreport_one_submitted_correction: one query, only for a submitted correction.
        if not submitted or self.corrects_id is None:
            return True
        others = type(self).objects.filter(corrects_id=self.corrects_id, state=self.State.SUBMITTED)
        return not others.exclude(pk=self.pk).exists()

    def clean_fields(self, exclude=None):
        """As Django's, but a foreign key whose row is already loaded (the participant and
        the commitment that the view or the import looked up, the user saving) is not looked
        up again: that row exists, and the database refuses a key to no row."""
        loaded = {
            field.name
            for field in self._meta.concrete_fields
            if field.is_relation and field.is_cached(self)
            and getattr(self, field.name) is not None
        }  # fmt: skip
        super().clean_fields(exclude=set(exclude or ()) | loaded)

    def clean(self):
        if self.is_stored_as_submitted():
            raise ValidationError(SUBMITTED_IMMUTABLE_MESSAGE)
        errors = {}
        if self.participant_id and not self.participant.is_tracked:
            errors["participant"] = UNTRACKED_PARTICIPANT_MESSAGE
        if self.commitment_id and not self.commitment.is_tracked:
            errors["commitment"] = UNTRACKED_COMMITMENT_MESSAGE
        if self.as_of:
            if self.as_of < EARLIEST_AS_OF:
                errors["as_of"] = AS_OF_TOO_EARLY_MESSAGE
            elif self.as_of > timezone.localdate():
                errors["as_of"] = AS_OF_IN_FUTURE_MESSAGE
        if bad_links := self._invalid_evidence_links():
            errors["evidence_links"] = gettext("Not a valid web address: %(links)s") % {
                "links": ", ".join(bad_links)
            }
        if self.corrects_id and (message := self._correction_problem()):
            errors["corrects"] = message
        if errors:
            raise ValidationError(errors)

    def _invalid_evidence_links(self) -> list[str]:
        validate = URLValidator(schemes=["http", "https"])
        bad = []
        for url in self.evidence_lines:
            try:
                validate(url)
            except ValidationError:
                bad.append(url)
        return bad

    def _correction_problem(self) -> str | None:
        original = self.corrects
        if original.pk == self.pk:
            return str(SELF_CORRECTION_MESSAGE)
        if not original.is_submitted:
            return gettext("Only a submitted report can be corrected; edit the draft instead.")
        if (original.participant_id, original.commitment_id) != (
            self.participant_id,
            self.commitment_id,
        ):
            return gettext("A correction must be for the same participant and commitment.")
        return None


def evidence_upload_path(instance, filename):
    """A random folder per file: names never collide and cannot be guessed."""
    return f"evidence/{uuid.uuid4().hex}/{get_valid_filename(filename)[-120:]}"


class EvidenceFile(models.Model):
    """A document attached to a report as evidence: PDF, Office document or image, checked by
    its content. Stored under MEDIA_ROOT, outside the static files, and served only through a
    view that checks permission."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(verbose_name=_("file"), upload_to=evidence_upload_path, max_length=300)
    original_name = models.CharField(verbose_name=_("original name"), max_length=255)
    content_type = models.CharField(verbose_name=_("content type"), max_length=120)
    size = models.PositiveIntegerField(verbose_name=_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(
        verbose_name=_("uploaded at"), default=timezone.now, editable=False
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["report", "uploaded_at", "pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self):
        return self.original_name


class Official(models.Model):
    """A focal-point official: the user who reports for one tracked participant."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="official",
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="officials",
    )
    title = models.CharField(
        verbose_name=_("title"),
        max_length=200,
        blank=True,
        help_text=_("Position, ministry or agency."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["participant__short_name", "user__username"]
        verbose_name = _("official")
        verbose_name_plural = _("officials")

    def __str__(self):
        return gettext("%(user)s for %(participant)s") % {
            "user": self.user,
            "participant": self.participant,
        }

    def clean(self):
        if self.participant_id and not self.participant.is_tracked:
            raise ValidationError({"participant": UNTRACKED_PARTICIPANT_MESSAGE})
