"""Paginators that keep a page's work bounded by what it shows, however long the history."""

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

# The most rows any list counts: past it, a list says "more than 10,000" and its last pages
# are reached by filtering or sorting the other way.
COUNT_CAP = 10_000
MAX_PER_PAGE = 100


class CountCappedPaginator(Paginator):
    """Counts at most COUNT_CAP + 1 rows (SELECT COUNT(*) FROM (... LIMIT 10001)), so that a
    page never counts a whole table. `is_capped` says the true count is larger."""

    @cached_property
    def count(self):
        rows = self.object_list
        # django-tables2 pages its BoundRows, whose queryset is rows.data.data.
        queryset = getattr(getattr(rows, "data", None), "data", rows)
        if isinstance(queryset, QuerySet):
            return queryset[: COUNT_CAP + 1].count()
        return len(rows)

    @property
    def is_capped(self) -> bool:
        return self.count > COUNT_CAP


def page_size(per_page) -> int:
    """?per_page= as a page size from 1 to MAX_PER_PAGE: a page of a million rows is not a
    page, and one of no rows or fewer is not one either."""
    return max(1, min(int(per_page), MAX_PER_PAGE))


class CappedPaginator(CountCappedPaginator):
    """For the site's tables: django-tables2 takes ?per_page= from the request and ignores
    what is not a whole number (and 0, for which it uses the table's 25); the rest is
    clamped. The count is capped too."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, page_size(per_page), *args, **kwargs)
