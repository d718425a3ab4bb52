"""Forms of the officials' workspace and of the secretariat's follow-up."""

from django import forms
from django.utils import timezone

from commitments.evidence import ACCEPT_ATTRIBUTE, validate_evidence_file
from commitments.models import ProgressReport, ReviewComment
from commitments.models.progress import EARLIEST_AS_OF


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


class ReportForm(forms.ModelForm):
    """A progress report as an official writes it. The participant and the commitment are
    set by the view from the official's account and the URL, never from the posted data."""

    evidence_files = MultipleFileField(
        required=False,
        label="Evidence files",
        help_text="PDF, Office documents or images, at most 10 MB each.",
    )
    # The draft's version when the form was opened: a save based on an older one is refused.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages={"required": "The page was out of date: reload it and try again."},
    )

    class Meta:
        model = ProgressReport
        fields = ["status", "as_of", "narrative", "evidence_links", "source", "confidence"]
        widgets = {
            "as_of": forms.DateInput(attrs={"type": "date", "min": EARLIEST_AS_OF.isoformat()}),
            "narrative": forms.Textarea(attrs={"rows": 8, "maxlength": 10_000}),
            "evidence_links": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"as_of": "The date this report speaks for"}
        help_texts = {
            "as_of": "Not in the future, and not before 26 February 2002.",
            "narrative": "What has been done, in your own words (at most 10,000 characters).",
            "evidence_links": "Web addresses of laws, agreements or reports, one per line.",
            "source": "Who or what the information comes from, e.g. the ministry.",
        }
        error_messages = {
            "narrative": {"required": "Describe the progress: the narrative is required."},
            "as_of": {"invalid": "Enter the date as YYYY-MM-DD, for example 2003-02-28."},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's date picker stops at today (the model refuses a future date).
        self.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()

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
    class Meta:
        model = ReviewComment
        fields = ["kind", "body"]
        labels = {"body": "Comment"}
        widgets = {"body": forms.Textarea(attrs={"rows": 4, "maxlength": 5000})}
        error_messages = {"body": {"required": "Write the comment before sending it."}}

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k, ReviewComment.Kind(k).label) for k in kinds]
        if len(kinds) == 1:
            self.fields["kind"].initial = kinds[0]
            self.fields["kind"].widget = forms.HiddenInput()
