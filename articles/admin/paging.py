"""The article changelist's paginator: no COUNT(*) of the whole table for the unfiltered list.

Counting a million articles reads every row (a second or more on PostgreSQL), for a number the
editors only glance at. When the list is unfiltered and big, the row count comes from what the
database already knows: PostgreSQL's planner statistics (``pg_class.reltuples``, kept by
autovacuum), or else the highest primary key (one index probe). Filtered lists, searches and a
writer's own articles are counted exactly: they are narrower, and there the number matters.
"""

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Max
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    # Below this many rows the exact count is cheap, and a small newsroom sees exact numbers.
    exact_below = 50_000

    @cached_property
    def count(self):
        queryset = self.object_list
        if not queryset.query.where:
            estimate = estimated_rows(queryset)
            if estimate >= self.exact_below:
                return estimate
        return super().count


def estimated_rows(queryset):
    """Roughly how many rows ``queryset``'s table holds, without counting them."""
    model = queryset.model
    connection = connections[queryset.db]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [model._meta.db_table],
            )
            (rows,) = cursor.fetchone()
        if rows >= 0:  # -1: never analysed yet
            return rows
    return model._default_manager.using(queryset.db).aggregate(top=Max("pk"))["top"] or 0
