"""Paging without counting the whole list: the front page's "Older stories", sitemap pages
by primary-key ranges (``KeyRangePaginator``), and sitemaps of sections, tags and authors that
fit one page (``OnePageWhileTheTableFits``).

Django's Paginator counts the whole list to say "Page 1 of N". On the front page that
count covers the entire published archive on every uncached request and grows with it,
for a figure a front page need not show: reading one row more than a page tells whether
older stories follow.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404

# Further back than any reader pages; also keeps the row offset within what databases accept.
MAX_PAGE = 10_000


@dataclass(frozen=True)
class NewestFirstPage:
    object_list: list
    number: int
    has_older: bool

    @property
    def has_newer(self):
        return self.number > 1


def newest_first_page(request, rows, per_page):
    """The ``?page=`` page (1 when missing or not a number) of a newest-first list; 404 past
    the end. ``rows(offset, count)`` reads ``count`` items of the list from ``offset``."""
    number = request.GET.get("page", "")
    number = int(number) if number.isdigit() and int(number) > 0 else 1
    if number > MAX_PAGE:
        raise Http404("There are no stories this far back.")
    offset = (number - 1) * per_page
    rows = rows(offset, per_page + 1)
    if number > 1 and not rows:
        raise Http404("There are no stories this far back.")
    return NewestFirstPage(rows[:per_page], number, has_older=len(rows) > per_page)


class KeyRangePaginator:
    """Pages of a queryset by primary-key ranges: page p holds the rows whose key is in
    ((p - 1) * per_page, p * per_page], oldest first; for sitemaps (``Sitemap.paginator``).

    Django's Paginator counts every row to know how many pages there are and reads page p
    with OFFSET, which skips (p - 1) * per_page rows: both grow with the archive (400 ms and
    750 ms at 300,000 articles). Here the page count is the highest key divided by the page
    size, one probe of the primary key's index from its end, and a page is one range of that
    index. A page never holds more than ``per_page`` rows (fewer where keys belong to drafts
    or deleted rows), and the rows of a page stay on it as the archive grows, so crawlers
    need fetch again only the pages that changed.
    """

    def __init__(self, queryset, per_page):
        self.queryset = queryset
        self.per_page = per_page

    @cached_property
    def num_pages(self):
        """At least one page, as Django's paginator allows an empty first page."""
        highest = self.queryset.order_by("-pk").values_list("pk", flat=True).first()
        return max(1, -(-(highest or 0) // self.per_page))

    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer.") from None
        if not 1 <= number <= self.num_pages:
            raise EmptyPage("That page contains no results.")
        return number

    def page(self, number):
        number = self.validate_number(number)
        above = (number - 1) * self.per_page
        rows = self.queryset.filter(pk__gt=above, pk__lte=above + self.per_page).order_by("pk")
        return Page(list(rows), number, self)


class OnePageWhileTheTableFits(Paginator):
    """Django's paginator for a sitemap of sections, tags or authors, counting the rows that
    have live articles only when the whole table could fill more than one page.

    The sitemap index needs only the number of pages. While the table holds no more rows
    than a page, that is one, and its count is one cheap read of the table; counting which
    of 2,000 tags carry a live article took 11 ms at a million articles, on every request for
    the index. A page reads its rows by slicing, so a count above the true one only bounds the
    slice.
    """

    @cached_property
    def count(self):
        whole_table = self.object_list.model._default_manager.count()
        if whole_table <= self.per_page:
            return whole_table
        return super().count
