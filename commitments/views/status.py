"""Status pages: the matrix as of a date, countries, commitments, and one report.

All statuses come from commitments.status; these views only choose what to show.
"""

import datetime

import django_tables2 as tables
from django import forms
from django.db.models import Exists, Max, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from commitments.access import can_view_progress, progress_view
from commitments.charts import stacked_bars
from commitments.models import (
    Attendance,
    Commitment,
    Participant,
    ProgressReport,
    Volunteer,
)
from commitments.models.progress import EARLIEST_AS_OF
from commitments.status import (
    counted_reports,
    status_counts_over_time,
    status_matrix,
    with_status_counts,
)
from commitments.tables import CountryTable

# The matrix -------------------------------------------------------------------------------------


class AsOfForm(forms.Form):
    as_of = forms.DateField(
        label="As of",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date as YYYY-MM-DD, for example 2003-02-28."},
    )

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"]
        if as_of and as_of < EARLIEST_AS_OF:
            raise forms.ValidationError(
                "Choose a date on or after 26 February 2002, when the Bali conference opened."
            )
        if as_of and as_of > timezone.localdate():
            raise forms.ValidationError("Choose a date that is not in the future.")
        return as_of


@require_GET
@progress_view
def matrix(request):
    form = AsOfForm(request.GET)
    today = timezone.localdate()
    as_of = (form.cleaned_data["as_of"] if form.is_valid() else None) or today
    context = {
        "form": form,
        "as_of": as_of,
        "is_today": as_of == today,
        "matrix": status_matrix(as_of=as_of),
    }
    return render(request, "commitments/matrix.html", context)


# Countries --------------------------------------------------------------------------------------


@require_GET
@progress_view
def country_list(request):
    commitments = list(Commitment.objects.tracked())
    participants = with_status_counts(Participant.objects.tracked(), commitments).annotate(
        latest_report=Max("reports__as_of", filter=Q(reports__state="submitted"))
    )
    table = CountryTable(participants)
    tables.RequestConfig(request, paginate=False).configure(table)
    return render(request, "commitments/country_list.html", {"table": table})


def get_participant(iso3: str) -> Participant:
    """The participant with this ISO code, in either case."""
    if len(iso3) != 3 or not iso3.isalpha():
        raise Http404("No participant has that code.")
    return get_object_or_404(Participant, iso3=iso3.upper())


def report_timeline(participant):
    """All of a participant's submitted reports, newest first, each marked when superseded."""
    corrected = ProgressReport.objects.submitted().filter(corrects=OuterRef("pk"))
    return (
        participant.reports.submitted()
        .annotate(is_superseded=Exists(corrected))
        .select_related("commitment", "corrects")
        .order_by("-as_of", "-submitted_at", "-pk")
    )


@require_GET
@progress_view
def country_detail(request, iso3):
    participant = get_participant(iso3)
    context = {"participant": participant}
    if participant.is_tracked:
        matrix = status_matrix(participants=Participant.objects.filter(pk=participant.pk))
        context.update(
            {
                "current": list(zip(matrix.commitments, matrix.rows[0].cells, strict=True)),
                "timeline": report_timeline(participant),
                "volunteered": Volunteer.objects.filter(participant=participant).select_related(
                    "group"
                ),
                "coordinated": participant.coordinated_groups.all(),
                "attended": Attendance.objects.filter(participant=participant)
                .select_related("meeting", "meeting__group")
                .order_by("meeting__start_date"),
            }
        )
    return render(request, "commitments/country_detail.html", context)


# Commitments ------------------------------------------------------------------------------------


@require_GET
def commitment_list(request):
    commitments = list(Commitment.objects.select_related("paragraph"))
    context = {"commitments": commitments}
    if can_view_progress(request.user):
        matrix = status_matrix()
        counts = {c.pk: counter for c, counter in matrix.counts_by_commitment()}
        context["status_chart"] = stacked_bars([(c.code, counts[c.pk]) for c in matrix.commitments])
    return render(request, "commitments/commitment_list.html", context)


def chart_dates(last, start=datetime.date(2002, 6, 30)):
    """Half-year ends from mid-2002 up to `last` (the latest date a report speaks for), and
    `last` itself: the points of the chart over time. After `last` nothing changes."""
    dates = []
    year, month = start.year, start.month
    while True:
        date = datetime.date(year, month, 30 if month == 6 else 31)
        if date >= last:
            break
        dates.append(date)
        year, month = (year, 12) if month == 6 else (year + 1, 6)
    return [*dates, last]


@require_GET
def commitment_detail(request, code):
    commitment = get_object_or_404(Commitment.objects.select_related("paragraph"), code=code)
    context = {"commitment": commitment}
    if can_view_progress(request.user) and commitment.is_tracked:
        matrix = status_matrix(commitments=[commitment])
        context["rows"] = [(row.participant, row.cells[0]) for row in matrix.rows]
        last = counted_reports().filter(commitment=commitment).aggregate(last=Max("as_of"))["last"]
        if last is not None:
            over_time = status_counts_over_time(commitment, chart_dates(last))
            context["chart"] = stacked_bars([(d.strftime("%-d %b %Y"), c) for d, c in over_time])
    return render(request, "commitments/commitment_detail.html", context)
