"""Paging through a newest-first list without counting it: the front page's "Older stories".

Django's Paginator counts the whole list to say "Page 1 of N". On the front page that
count covers the entire published archive on every uncached request and grows with it,
for a figure a front page need not show: reading one row more than a page tells whether
older stories follow.
"""

from dataclasses import dataclass

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
