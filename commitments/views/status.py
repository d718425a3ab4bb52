"""Status pages: the matrix as of a date, countries, commitments, and one report.

All statuses come from commitments.status; these views only choose what to show.
"""

import datetime

import django_tables2 as tables
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_safe

from commitments.access import can_view_progress, progress_view
from commitments.charts import stacked_bars, status_chart
from commitments.exports import EXPORTS, matrix_download
from commitments.forms import MatrixForm
from commitments.models import (
    CONFIDENCE_MEANINGS,
    Attendance,
    Commitment,
    Confidence,
    MinisterialMeeting,
    Participant,
    Volunteer,
)
from commitments.models.progress import EARLIEST_AS_OF
from commitments.paging import PeekPage
from commitments.status import (
    NO_REPORT_MEANING,
    STATUS_MEANINGS,
    STATUS_ORDER,
    changes_between,
    counted_reports,
    counts_by_participant,
    status_counts_over_time,
    status_matrix,
)
from commitments.tables import CountryTable

TIMELINE_PER_PAGE = 25

# The matrix -------------------------------------------------------------------------------------


@require_safe
@progress_view
def matrix(request):
    form = MatrixForm(request.GET)
    form.is_valid()  # each valid date is used; a bad one is said beside its field
    today = timezone.localdate()
    as_of = form.cleaned_data.get("as_of") or today
    compare = form.cleaned_data.get("compare")
    if (export := request.GET.get("export")) in EXPORTS:
        # 266 cells, made while the request waits (the matrix is three queries).
        return EXPORTS[export](matrix_download(status_matrix(as_of=as_of)))
    founding = MinisterialMeeting.objects.founding()
    context = {
        "form": form,
        "as_of": as_of,
        "compare": compare,
        "is_today": as_of == today,
        # Lazy: built only when the cached fragment is missing (templates/includes/matrix.html).
        "matrix": SimpleLazyObject(lambda: status_matrix(as_of=as_of)),
        "changes": SimpleLazyObject(lambda: changes_between(compare, as_of)) if compare else None,
        # The meetings Ministers ask "what has moved since": one link each.
        "meetings_before": MinisterialMeeting.objects.filter(start_date__lt=as_of).order_by(
            "-start_date"
        )[:4],
        "earliest": EARLIEST_AS_OF,
        "review_due": founding.review_due_date if founding else None,
    }
    return render(request, "commitments/matrix.html", context)


# Countries --------------------------------------------------------------------------------------


def country_table(request) -> CountryTable:
    """One row per participant, counted from the current matrix, sorted as asked."""
    table = CountryTable(counts_by_participant(status_matrix()))
    tables.RequestConfig(request, paginate=False).configure(table)
    return table


@require_safe
@progress_view
def country_list(request):
    # Lazy: built only when the cached table (keyed on the data version and the sort) is
    # missing.
    table = SimpleLazyObject(lambda: country_table(request))
    context = {"table": table, "sort": request.GET.get("sort", "")}
    return render(request, "commitments/country_list.html", context)


def get_participant(iso3: str) -> Participant:
    """The participant with this ISO code, in either case."""
    if len(iso3) != 3 or not iso3.isalpha():
        raise Http404("No participant has that code.")
    return get_object_or_404(Participant, iso3=iso3.upper())


def report_timeline(participant):
    """All of a participant's submitted reports, newest first, each marked when superseded."""
    return (
        participant.reports.submitted()
        .with_is_superseded()
        .select_related("commitment", "corrects")
        .order_by("-as_of", "-submitted_at", "-pk")
    )


@require_safe
def country_detail(request, iso3):
    """Public: who the participant is, its groups and meetings (reference data). Its status,
    evidence and history of reports only for those who may view progress."""
    participant = get_participant(iso3)
    context = {"participant": participant}
    if participant.is_tracked:
        context.update(
            {
                "volunteered": Volunteer.objects.filter(participant=participant).select_related(
                    "group"
                ),
                "coordinated": participant.coordinated_groups.all(),
                "attended": Attendance.objects.filter(participant=participant)
                .select_related("meeting", "meeting__group")
                .order_by("meeting__start_date"),
            }
        )
        if can_view_progress(request.user):
            matrix = status_matrix(participants=Participant.objects.filter(pk=participant.pk))
            context["current"] = list(zip(matrix.commitments, matrix.rows[0].cells, strict=True))
            # One page of the history at a time, read in the order of an index
            # (`progressreport_timeline`), never counted.
            page = request.GET.get("page")
            context["timeline"] = PeekPage(report_timeline(participant), page, TIMELINE_PER_PAGE)
    return render(request, "commitments/country_detail.html", context)


# Commitments ------------------------------------------------------------------------------------


@require_safe
def commitment_list(request):
    commitments = list(Commitment.objects.select_related("paragraph"))
    context = {"commitments": commitments}
    if can_view_progress(request.user):
        # Lazy: built only when the cached fragment (keyed on the data version) is missing.
        context["status_chart"] = SimpleLazyObject(lambda: status_chart(status_matrix()))
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


@require_safe
def commitment_detail(request, code):
    commitment = get_object_or_404(Commitment.objects.select_related("paragraph"), code=code)
    context = {"commitment": commitment}
    if can_view_progress(request.user) and commitment.is_tracked:
        # Lazy: built only when the cached fragment (keyed on the data version) is missing.
        context["show_progress"] = True
        context["rows"] = SimpleLazyObject(lambda: commitment_rows(commitment))
        context["chart"] = SimpleLazyObject(lambda: commitment_chart(commitment))
    return render(request, "commitments/commitment_detail.html", context)


def commitment_rows(commitment) -> list:
    matrix = status_matrix(commitments=[commitment])
    return [(row.participant, row.cells[0]) for row in matrix.rows]


def commitment_chart(commitment):
    """The counts per status at each half-year's end, or None before any report."""
    last = counted_reports().filter(commitment=commitment).aggregate(last=Max("as_of"))["last"]
    if last is None:
        return None
    over_time = status_counts_over_time(commitment, chart_dates(last))
    return stacked_bars([(date_format(d), c) for d, c in over_time])


# The scale ---------------------------------------------------------------------------------------


@require_safe
def status_scale(request):
    """What each status and confidence level means: public, like the statement itself."""
    statuses = [(status, STATUS_MEANINGS[status]) for status in STATUS_ORDER]
    confidences = [(level, CONFIDENCE_MEANINGS[level]) for level in Confidence]
    context = {
        "statuses": statuses,
        "no_report_meaning": NO_REPORT_MEANING,
        "confidences": confidences,
    }
    return render(request, "commitments/status_scale.html", context)
