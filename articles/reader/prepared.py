"""Querysets the ORM builds and compiles once per shape; each page binds its own values.

Building and compiling a queryset costs Django more Python than the database spends answering
it: on the long tail of article pages (every page a different article, so nothing is cached)
the article page's eight reads took about 15 ms of ORM work against 3.5 ms in the database
(benchmarks/RESULTS.md). Their shape never changes, only the values: the slug, the article's
id, the time. So each read is built once, by the ORM and from the same querysets the pages
use (``Article.objects.published()`` and the model methods), with *stand-ins* (values no page
ever has) where a page's own values go, and compiled once; each page then runs that SQL with
its values in the stand-ins' places, and the rows become model instances the way Django's
own iterator makes them (signals included, so the page cache still sees every row loaded).

The SQL is the ORM's, never typed here, so the reader gate stays ``published()``. A shape is
anything that changes the SQL text: how many values an ``IN`` lists, whether a value is None.
Callers key their cache of prepared reads on it (``functools.cache`` on a builder that takes
the shape and the database vendor).
"""

import re
from datetime import datetime

from django.db import connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.query import ModelIterable, get_related_populators
from django.db.models.signals import post_init, pre_init

# A parameter's place in SQL as the ORM compiles it (format style: ``%%`` is a literal percent
# sign), the pattern Django's SQLite backend itself looks for.
_FORMAT_PLACEHOLDER = re.compile(r"(?<!%)%s")


class Prepared:
    """One queryset's compiled SQL, and where each page's values go among its parameters.

    ``stand_ins`` maps a name to the stand-in value the queryset was built with; every one
    must appear among the compiled parameters, or the shape would silently ignore it.
    """

    def __init__(self, queryset, stand_ins):
        self.alias = queryset.db
        connection = connections[self.alias]
        self.compiler = queryset.query.get_compiler(using=self.alias)
        self.sql, params = self.compiler.as_sql()
        found = {self._adapt(connection, value): name for name, value in stand_ins.items()}
        self.slots = [(found.get(value), value) for value in params]
        missing = set(stand_ins) - {name for name, _ in self.slots}
        if missing:
            raise ValueError(f"stand-ins not among the SQL's parameters: {sorted(missing)}")
        self.named = connection.vendor == "sqlite" and self._name_parameters()
        # How rows become instances, worked out once as Django's ModelIterable does per query.
        compiler = self.compiler
        self.col_count = compiler.col_count if compiler.has_extra_select else None
        self.converters = compiler.get_converters(
            [c[0] for c in compiler.select[: compiler.col_count]]
        )
        klass_info = compiler.klass_info
        if issubclass(queryset._iterable_class, ModelIterable):  # not values()/values_list()
            self.model = klass_info["model"]
            fields = klass_info["select_fields"]
            self.model_columns = slice(fields[0], fields[-1] + 1)
            self.attnames = [c[0].target.attname for c in compiler.select[self.model_columns]]
            self.populators = get_related_populators(klass_info, compiler.select, self.alias)
            _load_joined_rows_fast(self.populators)
            self.annotations = list((compiler.annotation_col_map or {}).items())

    def _name_parameters(self):
        """On SQLite, turn the SQL's ``%s`` into ``%(name)s``: each stand-in by its name, each
        fixed value by its place; whether that was done.

        Django's SQLite cursor rewrites a statement's ``%s`` into ``?`` with a regular
        expression on every execution, which for the related stories' statement (3 KB) cost
        more than 40 us a page; named parameters are substituted by ``str % dict`` instead.
        """
        if len(_FORMAT_PLACEHOLDER.findall(self.sql)) != len(self.slots):
            return False  # not one placeholder per parameter: leave the SQL as Django made it
        names = [f"_{n}" if name is None else name for n, (name, _) in enumerate(self.slots)]
        places = iter(names)
        self.sql = _FORMAT_PLACEHOLDER.sub(lambda match: f"%({next(places)})s", self.sql)
        fixed = zip(names, self.slots, strict=True)
        self.fixed = {place: value for place, (name, value) in fixed if name is None}
        return True

    @staticmethod
    def _adapt(connection, value):
        if isinstance(value, datetime):
            return connection.ops.adapt_datetimefield_value(value)
        return value

    def params(self, connection, values):
        # Each value adapted once: the gate's time recurs in every branch of a union.
        adapted = {name: self._adapt(connection, value) for name, value in values.items()}
        if self.named:
            return {**self.fixed, **adapted}
        return [value if name is None else adapted[name] for name, value in self.slots]

    def rows(self, values):
        """The rows, each value as its field's Python type (a ``values_list()`` queryset's)."""
        connection = connections[self.alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.params(connection, values))
            rows = cursor.fetchall()
        if self.col_count is not None:
            rows = [row[: self.col_count] for row in rows]
        if self.converters:
            rows = self._converted(rows, connection)
        return rows

    def _converted(self, rows, connection):
        """``SQLCompiler.apply_converters``'s loop, with this thread's connection: the compiler
        is shared between threads, and copying it for each statement cost more than the loop."""
        converters = list(self.converters.items())
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in converters:
                value = row[position]
                for function in functions:
                    value = function(value, expression, connection)
                row[position] = value
            converted.append(row)
        return converted

    def objects(self, values):
        """Model instances, with their ``select_related`` rows, as the queryset would give."""
        instances = []
        load = _loaded if _loads_as_django(self.model) else _from_db
        for row in self.rows(values):
            instance = load(self.model, self.alias, self.attnames, row[self.model_columns])
            for populator in self.populators:
                populator.populate(row, instance)
            for name, position in self.annotations:
                setattr(instance, name, row[position])
            instances.append(instance)
        return instances


def _from_db(model, alias, attnames, values):
    return model.from_db(alias, attnames, values)


def _loads_as_django(model):
    """Whether ``model`` loads rows with Django's own ``from_db`` and nothing listens before
    its instances are made (``pre_init``): then ``_loaded`` may stand in for it."""
    return model.from_db.__func__ is Model.from_db.__func__ and not pre_init.has_listeners(model)


class _Loading:
    """Stands in for a model as a populator's ``model_cls``, which it asks for ``from_db``
    only: the joined rows (``select_related``) load through ``_loaded`` too."""

    def __init__(self, model):
        self.model = model

    def from_db(self, alias, attnames, values):
        return _loaded(self.model, alias, attnames, values)


def _load_joined_rows_fast(populators):
    for populator in populators:
        if _loads_as_django(populator.model_cls):
            populator.model_cls = _Loading(populator.model_cls)
        _load_joined_rows_fast(populator.related_populators)


def _loaded(model, alias, attnames, values):
    """``model.from_db(alias, attnames, values)``, minus ``Model.__init__``'s generic path.

    For a row from the database, ``__init__`` sets each loaded value through its field's
    descriptor, which for a fresh instance stores it in ``__dict__``; doing that directly was
    about a twentieth of an uncached article page (callgrind), which makes some sixty
    instances; its joined rows load the same way (``_Loading``). ``post_init`` is still
    sent: the page cache records what a page loaded from it. tests/test_prepared_reads.py
    checks that every read loads the instances Django's own iterator makes.
    """
    instance = model.__new__(model)
    instance._state = ModelState()
    instance.__dict__.update(zip(attnames, values, strict=True))
    post_init.send(sender=model, instance=instance)
    instance._state.adding = False
    instance._state.db = alias
    return instance
