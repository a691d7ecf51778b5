"""Compiled SQL kept between requests, for the duty counts.

The counts of a provider are one aggregate whose conditions (dozens of conditional counts,
subqueries, the owner rule) Django turns into SQL in Python on every call: at 10,000 assets
that took most of the dashboard's time, not the database running it. The SQL depends only
on what the query was built from (the schools, the local day, the viewer's owner rule),
never on the rows, so it is compiled once per such key and kept.

``rows(key, build)``: the rows of the query ``build()`` returns, run from the kept SQL when
``key`` was seen, else built, compiled and kept. The key must hold every input the query is
built from (the caller's dates, ids and ``Owners``); the database's vendor and alias are
added here. Rows still go through Django's converters (dates from SQLite's text), so they
equal the queryset's own. Up to ``KEEP`` keys are kept, the least recently used dropped
first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler

KEEP = 512

_kept: OrderedDict[Hashable, tuple[SQLCompiler, str, tuple[Any, ...]] | None] = OrderedDict()
_lock = threading.Lock()


def rows(key: Hashable, build: Callable[[], QuerySet[Any]], *, using: str = "default"
         ) -> list[tuple[Any, ...]]:
    """The rows (tuples) of ``build()``, a ``values_list`` query, compiled once per ``key``."""
    full_key = (connections[using].vendor, using, key)
    with _lock:
        found = _kept.get(full_key, False)
        if found is not False:
            _kept.move_to_end(full_key)
    if found is False:
        found = _compile(build(), using)
        with _lock:
            _kept[full_key] = found
            while len(_kept) > KEEP:
                _kept.popitem(last=False)
    if found is None:  # the query can match nothing (an empty list of ids)
        return []
    compiler, sql, params = found
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if compiler.has_extra_select:  # columns Django added for its own use (as execute_sql)
        fetched = [row[:compiler.col_count] for row in fetched]
    return list(compiler.results_iter(results=[fetched], tuple_expected=True))


def _compile(queryset: QuerySet[Any], using: str
             ) -> tuple[SQLCompiler, str, tuple[Any, ...]] | None:
    compiler = queryset.query.get_compiler(using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    return compiler, sql, tuple(params)


def forget() -> None:
    """Drop every kept query (for benches that time the first compilation)."""
    with _lock:
        _kept.clear()
