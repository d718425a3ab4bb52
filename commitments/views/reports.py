"""Every submitted report: a filterable, sortable table with CSV and Excel exports."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from commitments.access import progress_view
from commitments.exports import EXPORTS
from commitments.filters import ReportFilter
from commitments.models import ProgressReport
from commitments.paging import CappedPaginator
from commitments.tables import REPLACED_BY, ReportTable


@method_decorator(progress_view, name="dispatch")
class ReportListView(SingleTableMixin, FilterView):
    """The table pages through the filtered reports; ?export=csv or ?export=xlsx downloads
    all of them instead, sorted as the page sorts them. An unknown export format is
    ignored: the page is shown."""

    http_method_names = ["get", "head"]
    table_class = ReportTable
    table_pagination = {"paginator_class": CappedPaginator}  # 25 a page: ReportTable.Meta
    filterset_class = ReportFilter
    template_name = "commitments/report_list.html"

    def get_queryset(self):
        # Drafts are their authors' work in progress, never shown. The joins feed the
        # participant and commitment columns, and "Replaced by" is a subquery of the same
        # query (a report has at most one submitted correction: a unique constraint), so
        # that a page is a fixed number of queries and the column sorts in the database.
        return (
            ProgressReport.objects.submitted()
            .select_related("participant", "commitment")
            .with_replaced_by(REPLACED_BY)
        )

    @property
    def export(self):
        """The export function asked for, if the filters are valid. With invalid filters the
        page is shown instead, with their errors, rather than a file of nothing."""
        export = EXPORTS.get(self.request.GET.get("export", ""))
        if export and (not self.filterset.is_bound or self.filterset.is_valid()):
            return export
        return None

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        # For the caption and the empty state: "match these filters" or "none yet".
        table.is_filtered = self.filterset.is_filtering
        return table

    def get_table_pagination(self, table):
        return False if self.export else super().get_table_pagination(table)

    def render_to_response(self, context, **response_kwargs):
        if export := self.export:
            # The table has applied the page's sort to the filtered queryset.
            reports = context["table"].data.data
            if not too_many_to_export(reports):
                return export(reports)
            messages.error(self.request, too_many_message())
            return redirect(self.request.path + "?" + without_export(self.request.GET))
        return super().render_to_response(context, **response_kwargs)


def too_many_to_export(reports) -> bool:
    """Whether the download would hold more than EXPORT_MAX_ROWS reports (counted with a
    limit, never the whole history)."""
    limit = settings.EXPORT_MAX_ROWS
    return reports[: limit + 1].count() > limit


def too_many_message() -> str:
    return (
        f"A download holds at most {settings.EXPORT_MAX_ROWS:,} reports, and these filters "
        "match more. Nothing was downloaded: narrow the filters (a participant, a "
        "commitment, a status, current reports only) and download again."
    )


def without_export(query) -> str:
    query = query.copy()
    query.pop("export", None)
    return query.urlencode()


report_list = ReportListView.as_view()
