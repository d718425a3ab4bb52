"""Every form of the site, rendered from these classes: the officials' reports, comments,
volunteering and attendance; the secretariat's moves of recommendations and handovers; the
"as of" date of the status pages. Forms parse and check input; the rules that need the
database are the services' (commitments.services), which the views call."""

import datetime
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import global_settings, settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from commitments import handover_register
from commitments.evidence import ACCEPT_ATTRIBUTE, validate_evidence_file
from commitments.models import (
    Comment,
    Mechanism,
    MinisterialMeeting,
    ProgressReport,
    Recommendation,
)
from commitments.models.progress import EARLIEST_AS_OF
from commitments.models.tokens import TOKEN_NAME_MAX_LENGTH
from commitments.services import recommendations as moves
from commitments.services.participation import NAMES_MAX_LENGTH
from commitments.templatetags.followup import date_range

DATE_INVALID_MESSAGE = _("Enter the date as YYYY-MM-DD, for example 2003-04-30.")
DATE_EXAMPLE_MESSAGE = _("Enter a date as YYYY-MM-DD, for example 2003-02-28.")


class DateInput(forms.DateInput):
    """The browser's date picker; it sends and shows dates as YYYY-MM-DD."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_limits(field, *, earliest=None, latest=None) -> None:
    """Tell the browser's date picker the range the service will accept."""
    if earliest:
        field.widget.attrs["min"] = earliest.isoformat()
    if latest:
        field.widget.attrs["max"] = latest.isoformat()


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data]
        return [clean_one(data, initial)] if data else []


def evidence_limits() -> str:
    """The limits, as the form states them, from the settings that enforce them."""
    count = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    return ngettext(
        "PDF, Office documents or images, at most %(size)s each and %(count)s file at a time.",
        "PDF, Office documents or images, at most %(size)s each and %(count)s files at a time.",
        count,
    ) % {"size": filesizeformat(settings.EVIDENCE_MAX_BYTES), "count": count}


def with_blank_label(choices) -> list:
    """The choices, their empty one labelled in the page's language: Django 6's label
    (`BLANK_CHOICE_LABEL`) is not yet in all of Django's catalogues."""
    blank = _("- Select an option -")
    return [(value, blank if value == "" else label) for value, label in choices]


def narrative_languages() -> list[tuple[str, str]]:
    """Every language Django names, each named in the page's language (Django's own
    catalogues translate the names), in that language's alphabetical order."""
    named = [(code, translation.gettext(name)) for code, name in global_settings.LANGUAGES]
    return sorted(named, key=lambda choice: choice[1].casefold())


class ReportForm(forms.ModelForm):
    """A progress report as an official writes it. The participant and the commitment are
    set by the view from the official's account and the URL, never from the posted data."""

    evidence_files = MultipleFileField(
        required=False,
        label=_("Evidence files"),
        help_text=lazy(evidence_limits, str)(),
    )
    # Made when a form for a new report is opened: posting the same form twice makes one report.
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    # The draft's version when the form was opened: a save based on an older one is refused.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"required": _("The page was out of date: reload it and try again.")},
    )

    class Meta:
        model = ProgressReport
        fields = [
            "status", "as_of", "narrative", "narrative_language", "evidence_links", "source",
            "confidence",
        ]  # fmt: skip
        widgets = {
            "as_of": forms.DateInput(attrs={"type": "date", "min": EARLIEST_AS_OF.isoformat()}),
            "narrative": forms.Textarea(attrs={"rows": 8, "maxlength": 10_000}),
            "evidence_links": forms.Textarea(attrs={"rows": 3}),
        }
        # The model's fields have no verbose names of their own (they would need a migration):
        # the form names each, in the words Django would derive from the field's name.
        labels = {
            "status": _("Status"),
            "as_of": _("The date this report speaks for"),
            "narrative": _("Narrative"),
            "narrative_language": _("Language of the narrative"),
            "evidence_links": _("Evidence links"),
            "source": _("Source"),
            "confidence": _("Confidence"),
        }
        help_texts = {
            "as_of": _("Not in the future, and not before 26 February 2002."),
            "narrative": _("What has been done, in your own words (at most 10,000 characters)."),
            "evidence_links": _("Web addresses of laws, agreements or reports, one per line."),
            "source": _("Who or what the information comes from, e.g. the ministry."),
        }
        error_messages = {
            "narrative": {"required": _("Describe the progress: the narrative is required.")},
            "as_of": {"invalid": _("Enter the date as YYYY-MM-DD, for example 2003-02-28.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and not self.is_bound:
            self.fields["form_token"].initial = uuid.uuid4()
            if self.instance.corrects_id is None:
                # A first guess: the language the official reads the site in (a correction
                # keeps its original's).
                self.initial["narrative_language"] = translation.get_language() or "en"
        # Left out of a post (a script, an older page): the report keeps its language.
        self.fields["narrative_language"].required = False
        self.fields["narrative_language"].choices = narrative_languages()
        for name in ("status", "confidence"):
            self.fields[name].choices = with_blank_label(self.fields[name].choices)
        # The browser's date picker stops at today (the model refuses a future date).
        self.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_narrative_language(self):
        return self.cleaned_data.get("narrative_language") or self.instance.narrative_language

    def clean_evidence_files(self):
        files = self.cleaned_data.get("evidence_files") or []
        errors = []
        self.evidence_types = []
        for upload in files:
            try:
                self.evidence_types.append(validate_evidence_file(upload))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return files


class CommentForm(forms.ModelForm):
    # Made when the form is opened: posting the same form twice makes one comment.
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Comment
        fields = ["kind", "body"]
        labels = {"kind": _("Kind"), "body": _("Comment")}
        widgets = {"body": forms.Textarea(attrs={"rows": 4, "maxlength": 5000})}
        error_messages = {"body": {"required": _("Write the comment before sending it.")}}

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, Comment.Kind(k).label) for k in kinds]
        if not self.is_bound:
            self.fields["form_token"].initial = uuid.uuid4()
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
            self.fields["kind"].widget = forms.HiddenInput()


# The status pages' date ------------------------------------------------------------------------


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        widget=DateInput,
        error_messages={"invalid": DATE_EXAMPLE_MESSAGE},
    )

    def clean_as_of(self):
        return check_matrix_date(self.cleaned_data["as_of"])


def check_matrix_date(day):
    """A date the matrix can be shown for: from the conference to today."""
    if day and day < EARLIEST_AS_OF:
        raise forms.ValidationError(
            gettext("Choose a date on or after %(date)s, when the Bali conference opened.")
            % {"date": date_format(EARLIEST_AS_OF)}
        )
    if day and day > timezone.localdate():
        raise forms.ValidationError(gettext("Choose a date that is not in the future."))
    return day


class MatrixForm(AsOfForm):
    """The matrix's dates: the one it is shown for, and an earlier one to compare with."""

    compare = forms.DateField(
        label=_("Compare with"),
        required=False,
        widget=DateInput,
        help_text=_("An earlier date: the page lists the cells whose status moved since then."),
        error_messages={"invalid": DATE_EXAMPLE_MESSAGE},
    )

    def clean_compare(self):
        return check_matrix_date(self.cleaned_data["compare"])

    def clean(self):
        cleaned = super().clean()
        as_of = cleaned.get("as_of") or timezone.localdate()
        compare = cleaned.get("compare")
        if compare and compare >= as_of:
            self.add_error(
                "compare",
                gettext("Choose a date before %(date)s, the date the matrix is shown for.")
                % {"date": date_format(as_of)},
            )
        return cleaned


# Taking part: volunteering and attendance -------------------------------------------------------


def names_field(label, help_text, rows):
    return forms.CharField(
        label=label,
        required=False,
        max_length=NAMES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": NAMES_MAX_LENGTH}),
        help_text=help_text,
    )


class VolunteerForm(forms.Form):
    expert_names = names_field(
        _("Named expert officials (optional)"),
        _("One per line, with their positions if you wish."),
        3,
    )


class AttendanceForm(forms.Form):
    delegates = names_field(
        _("Delegates, one per line"),
        _("Leave empty if your delegation attended but you cannot name it."),
        4,
    )

    def __init__(self, *args, participant=None, attendance=None, **kwargs):
        if attendance is not None:
            kwargs.setdefault("initial", {"delegates": attendance.delegates})
        super().__init__(*args, auto_id="attendance-%s", **kwargs)
        field = self.fields["delegates"]
        if participant is not None:
            field.label = gettext("Delegates of %(participant)s, one per line") % {
                "participant": participant.short_name
            }
        if attendance is not None:
            field.help_text = gettext(
                "%(participant)s is recorded as attending; change the names if they are wrong "
                "(the earlier ones stay in the history)."
            ) % {"participant": participant.short_name}


# The secretariat's moves of a recommendation ----------------------------------------------------


def move_date_field(label, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput,
        error_messages={"required": _("Give the date."), "invalid": DATE_INVALID_MESSAGE},
    )


class MinisterialMeetingChoice(forms.ModelChoiceField):
    def label_from_instance(self, meeting):
        return f"{meeting.short_name} ({date_range(meeting)})"


class MechanismChoice(forms.ModelChoiceField):
    def label_from_instance(self, mechanism):
        return f"{mechanism.short_name} ({mechanism.get_scope_display().lower()})"


@dataclass(frozen=True)
class MoveOptions:
    """What the move forms of one expert meeting's page offer, read once for all of them
    (a page of many recommendations runs no query per form)."""

    ministerial_meetings: list
    mechanisms: list
    earliest_handover: datetime.date | None

    @classmethod
    def for_meeting(cls, meeting) -> "MoveOptions":
        return cls(
            # Those the recommendations can go to: not over before this meeting began.
            ministerial_meetings=list(
                MinisterialMeeting.objects.ministerial()
                .filter(end_date__gte=meeting.start_date)
                .order_by("start_date")
            ),
            mechanisms=list(Mechanism.objects.order_by("short_name")),
            earliest_handover=handover_register.earliest_handover_date(
                MinisterialMeeting.objects.founding()
            ),
        )


def offer_only(field, objects) -> None:
    """Show these objects as the choices of an unbound model choice field (a posted value is
    still checked against the field's whole queryset)."""
    field.choices = [(obj.pk, field.label_from_instance(obj)) for obj in objects]


class MoveForm(forms.Form):
    """One move of a recommendation, as the expert meeting's page offers it. Its cleaned data
    are the keyword arguments of the move's service; `done()` says what was done, for the
    success message. Given a recommendation, the form's ids and date limits are its own, so
    that several forms on one page never share an id."""

    move = ""
    summary = ""
    submit_label = ""
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NAMES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NAMES_MAX_LENGTH}),
    )

    def __init__(self, *args, recommendation=None, options: MoveOptions | None = None, **kwargs):
        if recommendation is not None:
            kwargs.setdefault("auto_id", f"r{recommendation.pk}-{self.move}-%s")
        super().__init__(*args, **kwargs)
        # The note last, after the move's own fields.
        self.order_fields([name for name in self.fields if name != "note"])
        if recommendation is not None and options is not None:
            self.offer(recommendation, options)
            date_limits(self.fields["on"], earliest=self.earliest(recommendation, options),
                        latest=timezone.localdate())  # fmt: skip

    def offer(self, recommendation, options) -> None:
        """Limit the choices shown to those the move can take."""

    def earliest(self, recommendation, options):
        return None

    def done(self) -> str:
        raise NotImplementedError


class SubmitForm(MoveForm):
    move, summary, submit_label = moves.SUBMIT, _("Submit to Ministers"), _("Submit")
    # Any ministerial meeting is accepted: the service says why a senior officials' one, or
    # one that ended before the recommendation was made, will not do. The page offers only
    # those it can go to.
    meeting = MinisterialMeetingChoice(
        label=_("Ministerial meeting"),
        queryset=MinisterialMeeting.objects.all(),
        empty_label=None,
        error_messages={
            "required": _("Choose the ministerial meeting."),
            "invalid_choice": _("Choose a ministerial meeting from the list."),
        },
    )
    on = move_date_field(
        _("Date of the submission"), required=False, help_text=_("Blank: the meeting's first day.")
    )

    def offer(self, recommendation, options):
        field = self.fields["meeting"]
        offer_only(field, options.ministerial_meetings)
        if not options.ministerial_meetings:
            field.help_text = gettext(
                "No ministerial meeting after this one is recorded: add it in the admin first."
            )

    def earliest(self, recommendation, options):
        return recommendation.meeting.start_date

    def done(self):
        # Translators: what was done, completing “Recommendation 3 was …”.
        return pgettext(
            "a recommendation was …",
            "submitted to %(meeting)s",
        ) % {"meeting": self.cleaned_data["meeting"]}


class ConsiderForm(MoveForm):
    move, summary, submit_label = (
        moves.CONSIDER, _("Record what Ministers did"), _("Record the outcome")
    )  # fmt: skip
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Recommendation.Outcome.choices,
        error_messages={
            "required": _("Choose what Ministers did: endorsed, noted or not adopted."),
            "invalid_choice": _("Choose what Ministers did: endorsed, noted or not adopted."),
        },
    )
    on = move_date_field(_("Date Ministers considered it"))

    def earliest(self, recommendation, options):
        return recommendation.submitted_on

    def done(self):
        outcome = self.cleaned_data["outcome"]
        if outcome == Recommendation.Outcome.ENDORSED:
            return pgettext("a recommendation was …", "recorded as endorsed by Ministers")
        if outcome == Recommendation.Outcome.NOTED:
            return pgettext("a recommendation was …", "recorded as noted by Ministers")
        return pgettext("a recommendation was …", "recorded as not adopted by Ministers")


class CloseForm(MoveForm):
    move, summary, submit_label = moves.CLOSE, _("Close as implemented"), _("Close")
    on = move_date_field(_("Date of implementation"))

    def earliest(self, recommendation, options):
        return recommendation.considered_on

    def done(self):
        return pgettext("a recommendation was …", "closed as implemented")


def mechanism_field(**kwargs):
    return MechanismChoice(
        label=_("Mechanism"),
        queryset=Mechanism.objects.order_by("short_name"),
        error_messages={
            "required": _("Choose the mechanism it is passed on to."),
            "invalid_choice": _("Choose one of the existing mechanisms in the list."),
        },
        **kwargs,
    )


class HandOverForm(MoveForm):
    move, summary, submit_label = (
        moves.HAND_OVER, _("Hand over to an existing mechanism"), _("Hand over")
    )  # fmt: skip
    mechanism = mechanism_field(empty_label=None)
    on = move_date_field(
        _("Date of the handover"), help_text=_("After the 12-month period (paragraph 25).")
    )

    def offer(self, recommendation, options):
        offer_only(self.fields["mechanism"], options.mechanisms)

    def earliest(self, recommendation, options):
        made = recommendation.considered_on or recommendation.submitted_on
        return max(filter(None, [made, options.earliest_handover]), default=None)

    def done(self):
        return pgettext(
            "a recommendation was …",
            "handed over to %(mechanism)s",
        ) % {"mechanism": self.cleaned_data["mechanism"]}


MOVE_FORMS = {form.move: form for form in (SubmitForm, ConsiderForm, CloseForm, HandOverForm)}


# The handover register --------------------------------------------------------------------------


class HandoverForm(forms.Form):
    """One handover as the register's per-item form posts it. The rules that need the
    database (the period, the item's status) are the service's."""

    item = forms.CharField(
        widget=forms.HiddenInput,
        max_length=100,
        error_messages={"required": handover_register.BAD_ITEM_MESSAGE},
    )
    mechanism = mechanism_field(to_field_name="slug", empty_label=_("Choose a mechanism"))
    passed_on = forms.DateField(
        label=_("Date passed on"),
        widget=DateInput,
        error_messages={
            "required": _("Enter the date the item was passed on."),
            "invalid": _("Enter the date as YYYY-MM-DD, for example 2003-05-15."),
        },
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NAMES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": NAMES_MAX_LENGTH}),
    )

    def __init__(self, *args, item=None, earliest=None, mechanisms=(), **kwargs):
        """Bound to data, a posted handover; with `item`, the register's form for that item,
        offering `mechanisms` (read once for all the register's forms)."""
        if item is not None:
            today = timezone.localdate()
            kwargs.setdefault("initial", {"item": item.key, "passed_on": today})
            kwargs.setdefault("auto_id", f"{item.anchor}-%s")
        super().__init__(*args, **kwargs)
        if item is not None:
            field = self.fields["mechanism"]
            field.choices = [("", field.empty_label)] + [
                (m.slug, field.label_from_instance(m)) for m in mechanisms
            ]
            date_limits(self.fields["passed_on"], earliest=earliest, latest=today)
            if earliest:
                self.fields["passed_on"].help_text = gettext(
                    "From %(date)s (after the 12-month period) to today."
                ) % {"date": date_format(earliest)}

    def clean_item(self):
        item = handover_register.find_item(self.cleaned_data["item"])
        if item is None:
            raise forms.ValidationError(handover_register.BAD_ITEM_MESSAGE)
        return item


def error_sentences(form) -> str:
    """A form's errors as one line, for a message on the page the form came from."""
    return " ".join(message for errors in form.errors.values() for message in errors)


def import_limits() -> str:
    """The limits of an import, as the page states them, from the settings that enforce them."""
    rows = settings.IMPORT_MAX_ROWS
    return ngettext(
        "A .csv or .xlsx file of at most %(size)s and %(rows)s row.",
        "A .csv or .xlsx file of at most %(size)s and %(rows)s rows.",
        rows,
    ) % {
        "size": filesizeformat(settings.IMPORT_MAX_BYTES),
        "rows": number_format(rows, force_grouping=True),
    }


class ImportForm(forms.Form):
    """The file to import; its rows are read by `commitments.imports`, not by the form."""

    import_file = forms.FileField(
        label=_("File of reports"),
        help_text=lazy(import_limits, str)(),
        error_messages={
            "required": _("Choose a file to upload."),
            "empty": _("The file is empty."),
        },
    )

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                gettext(
                    "The file is %(size)s; an import takes at most %(limit)s. Split it into "
                    "smaller files and import each; nothing was read."
                )
                % {
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                }
            )
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(
                gettext("Upload a .csv or .xlsx file, in the columns of the reports download.")
            )
        return upload


class ApiTokenForm(forms.Form):
    """A new personal API token: its name (unique among the user's active tokens, checked by
    commitments.services.tokens)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=TOKEN_NAME_MAX_LENGTH,
        help_text=_("What the token is for, so that you know which to revoke: “Monthly export”."),
        error_messages={"required": _("Give the token a name.")},
    )

    def clean_name(self):
        return self.cleaned_data["name"].strip()


class LanguagePreferenceForm(forms.Form):
    """The account page's language: one of the interface's, or none (the menu's or the
    browser's choice)."""

    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[
            ("", _("No preference: the language menu's or your browser's")),
            *settings.LANGUAGES,
        ],
        help_text=_("The pages once you log in, and the emails the tracker sends you."),
    )
