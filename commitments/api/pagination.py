"""Paging of the API's lists: cursor paging for the reports (stable under new submissions, no
count over a table of millions), page numbers for the reference data. A page or a cursor
that is not one of ours is a 400 naming the parameter, as a bad filter is."""

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

MAX_PAGE_SIZE = 200
BAD_CURSOR_MESSAGE = "This cursor is not one the API gave: follow the `next` or `previous` link."
BAD_PAGE_MESSAGE = "There is no such page: pages are numbered from 1 to the last one."


class ReferencePagination(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise ValidationError({self.page_query_param: [BAD_PAGE_MESSAGE]}) from None


class ReportCursorPagination(pagination.CursorPagination):
    # Newest date first, as /reports/ lists them; the id breaks ties, and the index
    # progressreport_as_of (-as_of, -id) serves both.
    ordering = ("-as_of", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError({self.cursor_query_param: [BAD_CURSOR_MESSAGE]}) from None
