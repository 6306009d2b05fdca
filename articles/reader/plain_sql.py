"""Model instances from hand-written SQL, for the few reads where Django's query compiler costs
more than the database does: the article page and the menu every page shows
(benchmarks/RESULTS.md).

A ``Columns`` names one model's columns under a table alias. ``fetch`` runs a statement that
selects several of them side by side and gives, for each row, one instance per ``Columns``
(None where a LEFT JOIN found nothing); ``fetch_together`` runs several such reads in one
statement. Values pass through the converters the ORM applies, so a datetime read here is the
aware datetime the ORM would give, and the instances are the ORM's own: ``Model.from_db``, as
every queryset builds them.
"""

from dataclasses import dataclass
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connection, connections


def timestamp(value):
    """A datetime as the database backend stores it (SQLite keeps naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def table(model):
    return connection.ops.quote_name(model._meta.db_table)


class Columns:
    """The concrete columns of ``model`` under the table alias ``alias``, minus ``defer``.

    ``str(columns)`` is the SELECT list; deferred fields load on access, as with ``defer()``.
    """

    def __init__(self, model, alias, *, defer=()):
        self.model = model
        self.alias = alias
        self.fields = [f for f in model._meta.concrete_fields if f.attname not in defer]
        self.attnames = [f.attname for f in self.fields]
        self.pk_index = self.fields.index(model._meta.pk)
        self._select_lists = {}  # by database vendor
        self._null_lists = {}
        self._converters = WeakKeyDictionary()  # by connection: converters are bound to one

    def __len__(self):
        return len(self.fields)

    def __str__(self):
        vendor = connection.vendor
        if vendor not in self._select_lists:
            quote = connection.ops.quote_name
            self._select_lists[vendor] = ", ".join(
                f"{self.alias}.{quote(field.column)}" for field in self.fields
            )
        return self._select_lists[vendor]

    def nulls(self):
        """NULLs in place of these columns, each cast to its column's type: PostgreSQL resolves
        the type of a UNION's column pairwise, and a bare NULL would become text.
        """
        vendor = connection.vendor
        if vendor not in self._null_lists:
            self._null_lists[vendor] = ", ".join(
                f"CAST(NULL AS {field.cast_db_type(connection)})" for field in self.fields
            )
        return self._null_lists[vendor]

    def instance(self, values, conn):
        """The model instance for this slice of a row, or None for an empty outer join."""
        if values[self.pk_index] is None:
            return None
        values = list(values)
        for index, converters, column in self._converters_for(conn):
            for convert in converters:
                values[index] = convert(values[index], column, conn)
        return self.model.from_db(conn.alias, self.attnames, values)

    def _converters_for(self, conn):
        if conn not in self._converters:
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                converters = conn.ops.get_db_converters(column) + column.get_db_converters(conn)
                if converters:
                    found.append((index, converters, column))
            self._converters[conn] = found
        return self._converters[conn]


class Plain:
    """``count`` columns given as the database returns them (counts, flags), as a tuple."""

    def __init__(self, count):
        self.count = count

    def __len__(self):
        return self.count

    def instance(self, values, conn):
        return tuple(values)


def fetch(sql, params, *columns):
    """Run ``sql`` and give each row as a list with one instance (or None) per ``columns``."""
    conn = connections[DEFAULT_DB_ALIAS]  # this thread's connection, not the proxy
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [_instances(row, 0, columns, conn) for row in rows]


def _instances(row, start, columns, conn):
    """One instance (or None, or plain values) per ``columns``, read from ``row`` at ``start``."""
    instances = []
    for part in columns:
        instances.append(part.instance(row[start : start + len(part)], conn))
        start += len(part)
    return instances


@dataclass(frozen=True)
class Read:
    """One read for ``fetch_together``: its ``columns``, the ``tail`` of its statement (FROM,
    joins and WHERE, with aliases matching the columns'), its ``params``, and the ORDER BY
    that gives its rows their order.
    """

    columns: tuple
    tail: str
    params: list
    order_by: str


def fetch_together(*reads):
    """Several small reads in one statement: for each read, its rows as ``fetch`` gives them.

    Each statement costs a round trip and, on PostgreSQL, a transaction of its own; a page's
    handful of lookups by one id cost more in that than in finding their rows. The reads are
    joined with UNION ALL, each filling its own range of columns and NULL elsewhere, with its
    number and its rows' order in two leading columns.
    """
    widths = [sum(len(part) for part in read.columns) for read in reads]
    branches, params = [], []
    for number, read in enumerate(reads):
        select = [f"{number}", f"ROW_NUMBER() OVER (ORDER BY {read.order_by})"]
        for other in reads:
            select += [str(part) if other is read else part.nulls() for part in other.columns]
        branches.append(f"SELECT {', '.join(select)} {read.tail}")
        params += read.params
    conn = connections[DEFAULT_DB_ALIAS]
    with conn.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches), params)
        rows = sorted(cursor.fetchall(), key=lambda row: (row[0], row[1]))
    results = [[] for _ in reads]
    for row in rows:
        number = row[0]
        start = 2 + sum(widths[:number])
        results[number].append(_instances(row, start, reads[number].columns, conn))
    return results
