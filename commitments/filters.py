"""Filters of the app's list pages (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from commitments.forms import DateInput
from commitments.models import Commitment, Confidence, Participant, ProgressReport

DATES_REVERSED_MESSAGE = _("The “to” date is before the “from” date.")


class ReportFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("as_of_after"), cleaned.get("as_of_before")
        if start and end and end < start:
            self.add_error("as_of_before", DATES_REVERSED_MESSAGE)
        return cleaned


class CodeChoiceField(forms.ModelChoiceField):
    """A choice named by its code, in any case (`?participant=IDN`, `idn`; `?commitment=17a`),
    as the site's addresses and the exports name participants and commitments."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.queryset.get(**{f"{self.to_field_name}__iexact": str(value)})
        except self.queryset.model.DoesNotExist:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class CodeChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = CodeChoiceField


class ParticipantCommitmentFilter(django_filters.FilterSet):
    """Reports of one participant, on one commitment, both by code."""

    participant = CodeChoiceFilter(
        label=_("Participant"),
        queryset=Participant.objects.tracked().order_by("short_name"),
        to_field_name="iso3",
        empty_label=_("All"),
    )
    commitment = CodeChoiceFilter(
        label=_("Commitment"),
        queryset=Commitment.objects.tracked().order_by("display_order", "code"),
        to_field_name="code",
        empty_label=_("All"),
    )

    class Meta:
        model = ProgressReport
        fields = ["participant", "commitment"]


class CommentQueueFilter(ParticipantCommitmentFilter):
    """The comment queue: by default what is not yet acknowledged (CommentQueueFilter.DEFAULT)."""

    DEFAULT = {"acknowledged": "no"}
    acknowledged = django_filters.ChoiceFilter(
        label=_("Acknowledged"),
        choices=[("no", _("Not yet acknowledged")), ("yes", _("Acknowledged"))],
        empty_label=_("All"),
        method="by_acknowledgement",
    )

    class Meta:
        model = ProgressReport
        fields = ["participant", "commitment", "acknowledged"]

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and "acknowledged" not in data:
            data = data.copy()
            data.update(self.DEFAULT)
        super().__init__(data, *args, **kwargs)

    def by_acknowledgement(self, queryset, name, value):
        """`acknowledged` is the queue's annotation (an EXISTS on the comments)."""
        return queryset.filter(acknowledged=value == "yes")


class ReportFilter(ParticipantCommitmentFilter):
    """Narrows the submitted reports. The date range is two filters rather than one
    DateFromToRangeFilter so that each date input has a label of its own."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        help_text=_("Words in the narrative, the source or the participant's name."),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ProgressReport.Status.choices, empty_label=_("All")
    )
    confidence = django_filters.ChoiceFilter(
        label=_("Confidence"), choices=Confidence.choices, empty_label=_("All")
    )
    as_of_after = django_filters.DateFilter(
        field_name="as_of", lookup_expr="gte", label=_("As of, from"), widget=DateInput
    )
    as_of_before = django_filters.DateFilter(
        field_name="as_of", lookup_expr="lte", label=_("As of, to"), widget=DateInput
    )
    # A checkbox: ticked, ?current=on; unticked, nothing sent and every report shown.
    current = django_filters.BooleanFilter(
        label=_("Only reports not replaced by a correction"),
        method="only_current",
        widget=forms.CheckboxInput,
        help_text=_("Leaves out each report that a submitted correction has replaced."),
    )

    class Meta:
        model = ProgressReport
        fields = ["q", "participant", "commitment", "status", "confidence", "current"]
        form = ReportFilterForm

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(narrative__icontains=value)
            | Q(source__icontains=value)
            | Q(participant__name__icontains=value)
            | Q(participant__short_name__icontains=value)
        )

    def only_current(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.not_replaced()

    @property
    def is_filtering(self) -> bool:
        """Whether the request asks for any filter, valid or not (no query)."""
        return any(self.data.get(name) for name in self.filters)
