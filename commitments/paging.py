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


class PeekPage:
    """One page of a list that is never counted: it reads one row more than the page holds,
    to know whether another page follows ("Older"), and goes back as far as COUNT_CAP rows
    (beyond it, the reports table filters and sorts the whole history). A page number that
    is no page (not a number, past the end) shows the first page."""

    def __init__(self, queryset, number, per_page: int):
        self.per_page = per_page
        self.number = self._page_number(number, per_page)
        rows = self._rows(queryset)
        if not rows and self.number > 1:
            self.number = 1
            rows = self._rows(queryset)
        self.object_list = rows[:per_page]
        more = len(rows) > per_page
        self.has_next = more and self.end_index() < COUNT_CAP
        self.reached_the_cap = more and not self.has_next
        self.has_previous = self.number > 1

    @staticmethod
    def _page_number(number, per_page: int) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError):
            return 1
        return max(1, min(number, COUNT_CAP // per_page))

    def _rows(self, queryset) -> list:
        start = (self.number - 1) * self.per_page
        return list(queryset[start : start + self.per_page + 1])

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def start_index(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.object_list else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.object_list)

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1
