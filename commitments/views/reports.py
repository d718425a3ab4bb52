"""Every submitted report: a filterable, sortable table with CSV and Excel exports."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from commitments.access import progress_view
from commitments.exports import EXPORTS, reports_download, submitted_reports
from commitments.filters import ReportFilter
from commitments.models import PreparedDocument
from commitments.paging import CappedPaginator
from commitments.services.documents import request_document
from commitments.tables import ReportTable
from commitments.views.prepared import document_response


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
        return submitted_reports()

    @property
    def export(self) -> str | None:
        """The export format asked for, if the filters are valid. With invalid filters the
        page is shown instead, with their errors, rather than a file of nothing."""
        export = self.request.GET.get("export", "")
        if export in EXPORTS and (not self.filterset.is_bound or self.filterset.is_valid()):
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
            return export_response(self.request, export, context["table"].data.data)
        return super().render_to_response(context, **response_kwargs)


report_list = ReportListView.as_view()


def export_response(request, export_format: str, reports):
    """A small download is made while the request waits; a large one is prepared in the
    background (the page says so); one over EXPORT_MAX_ROWS is refused with a message.
    Each count stops at its limit (the first at 50,000 rows, whatever the history)."""
    if not more_than(reports, min(settings.EXPORT_DIRECT_ROWS, settings.EXPORT_MAX_ROWS)):
        return EXPORTS[export_format](reports_download(reports))
    if more_than(reports, settings.EXPORT_MAX_ROWS):
        messages.error(request, too_many_message())
        return redirect(request.path + "?" + without_export(request.GET))
    document = request_document(
        kind=EXPORT_KINDS[export_format],
        parameters={"query": dict(without_paging(request.GET).lists())},
        user=request.user,
    )
    back = request.path + "?" + without_export(request.GET)
    return document_response(request, document, back_url=back)


EXPORT_KINDS = {
    "csv": PreparedDocument.Kind.REPORTS_CSV,
    "xlsx": PreparedDocument.Kind.REPORTS_XLSX,
}


def more_than(reports, limit: int) -> bool:
    return reports[: limit + 1].count() > limit


def too_many_message() -> str:
    return _(
        "A download holds at most %(most)s reports, and these filters match more. Nothing "
        "was downloaded: narrow the filters (a participant, a commitment, a status, current "
        "reports only) and download again."
    ) % {"most": number_format(settings.EXPORT_MAX_ROWS, force_grouping=True)}


def without_paging(query):
    """The query that says what a download holds: its filters and sort (not the page)."""
    query = query.copy()
    for name in ("export", "page", "per_page"):
        query.pop(name, None)
    return query


def without_export(query) -> str:
    query = query.copy()
    query.pop("export", None)
    return query.urlencode()
