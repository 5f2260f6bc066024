"""SQL compiled once per process for the list queries that every signed-in page runs.

Building and compiling a queryset is not free: the thread page's reply query took 1.1 ms of
CPU to compile and 0.2 ms to run. A `CompiledQuery` has its queryset built once, by the same
selector code as ever, with marker values in place of the values that change from request to
request (ids), compiles it, and notes where each marker landed among the SQL parameters. Each
run executes that SQL with the request's values in those places, pages with LIMIT/OFFSET
parameters, and converts the rows with Django's own converters, as ``.values()`` would.

The builder may decide nothing from the marker values: whatever else shapes the query (is the
viewer signed in, staff, a moderator of the group) goes in the key it is compiled under. Nor may
it hold a value that changes with time (``timezone.now()``): the first one would be kept for the
life of the process, so such a query is not one to compile (markers are integer ids). A
marker that does not reach the parameters unchanged (a lookup that rewrites its value) makes
compiling fail loudly, never run the wrong SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.db import connections
from django.db.models import QuerySet

# Inside a 32-bit integer (Django answers an out-of-range integer lookup with an empty result
# instead of compiling it) and unlike any constant a query of ours carries.
_MARKER_BASE = 1_973_100_137


class CompiledQuery:
    """A ``.values()`` queryset compiled once; `rows(**values)` runs it for other values."""

    def __init__(self, build: Callable[..., QuerySet], *, markers: tuple[str, ...]) -> None:
        marker_values = {name: _MARKER_BASE + index for index, name in enumerate(markers)}
        queryset = build(**marker_values)
        query = queryset.query
        if query.low_mark or query.high_mark is not None:
            raise ValueError("build an unsliced queryset; rows() pages it")
        self.using = queryset.db
        self.compiler = query.get_compiler(using=self.using)
        self.sql, params = self.compiler.as_sql()
        by_value = {value: name for name, value in marker_values.items()}
        self.slots = [by_value.get(param) if type(param) is int else None for param in params]
        self.params = list(params)
        missing = set(markers) - set(self.slots)
        if missing:
            raise ValueError(f"markers not among the SQL parameters: {sorted(missing)}")
        self.names = [*query.extra_select, *query.values_select, *query.annotation_select]

    def rows(self, *, limit: int | None = None, offset: int = 0, **values: Any) -> list[dict]:
        """The rows for these marker values, as dicts like ``.values()`` gives."""
        params = [
            param if slot is None else values[slot]
            for slot, param in zip(self.slots, self.params, strict=True)
        ]
        sql = self.sql
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params += [limit, offset]
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        names = self.names
        rows = self.compiler.results_iter([fetched])
        return [dict(zip(names, row, strict=True)) for row in rows]


_compiled: dict[Hashable, CompiledQuery] = {}


def compiled_query(
    key: Hashable, build: Callable[..., QuerySet], *, markers: tuple[str, ...]
) -> CompiledQuery:
    """The query compiled under ``key`` (which must hold everything but the markers that
    shapes what ``build`` returns), compiling it on first use in this process."""
    query = _compiled.get(key)
    if query is None:
        query = _compiled[key] = CompiledQuery(build, markers=markers)
    return query


class CompiledRows:
    """A compiled query's rows for a Paginator given the count (``CountedPaginator``): each
    slice runs the query for that page only, each row made by ``make_row``."""

    ordered = True  # the query orders its rows; Paginator checks

    def __init__(self, query: CompiledQuery, make_row: Callable[[dict], Any], **values: Any):
        self.query, self.make_row, self.values = query, make_row, values

    def __getitem__(self, page: slice) -> list:
        start = page.start or 0
        rows = self.query.rows(limit=page.stop - start, offset=start, **self.values)
        return [self.make_row(row) for row in rows]
