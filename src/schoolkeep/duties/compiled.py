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

Instants. A query built from the present moment (``now``, ``now - grace``) would never be
seen twice: such a caller passes its instants in ``instants`` (in a fixed order) and keeps
them out of the key. The SQL is compiled with the first call's instants; the positions of
their values among the parameters are noted, and later calls put their own instants there.
When a parameter looks like an instant but is none of those given, or two given instants
are equal, the query is not kept but compiled on every call, so a forgotten instant can
never be answered with a stale one. A caller whose instants all follow from its key (the
midnights of the key's local days) says so with ``fixed_by_key``.

Dates. A key holding the local day made every process compile all its SQL again each
morning. A caller may instead pass its dates in ``dates`` (today, the horizon's day, and
every date it derives from them, such as today less a year), and their midnights in
``instants``, keeping both out of the key: they are put in as instants are, under the same
rule (a parameter like a date that is none of those given, or two equal values given: not
kept). ``dates`` cannot be combined with ``fixed_by_key``.

Lists of ids. On PostgreSQL each ``IN (%s, ..., %s)`` of integers (a trust's 200 school ids,
repeated in every UNION ALL part) is kept as ``= ANY(%s)`` with the list as one array
parameter: the same answer (NULL as NULL), but a query text psycopg converts quickly rather
than one with hundreds of placeholders. SQLite keeps its ``IN`` lists.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.compiler import SQLCompiler
from psycopg.types.numeric import Int8

KEEP = 512

# How SQLite's parameters show an instant, and a date or an instant (PostgreSQL's are
# datetime and date objects).
_INSTANT_TEXT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
_DATE_TEXT = re.compile(r"\d{4}-\d\d-\d\d")
# A placeholder or an escaped percent sign, and a list of placeholders after IN (not NOT IN).
_PLACEHOLDER = re.compile(r"%%|%s")
_IN_LIST = re.compile(r"(?<!NOT )\bIN \((%s(?:, %s)*)\)")


@dataclass(frozen=True)
class _Compiled:
    compiler: SQLCompiler
    sql: str
    params: tuple[Any, ...]
    # (parameter's position, index among the instants then the dates); None when not safe
    # to keep (see above)
    instant_at: tuple[tuple[int, int], ...] | None


_kept: OrderedDict[Hashable, _Compiled | None] = OrderedDict()
_lock = threading.Lock()


def rows(key: Hashable, build: Callable[[], QuerySet[Any]], *, using: str = "default",
         instants: Sequence[datetime] = (), dates: Sequence[date] = (),
         fixed_by_key: bool = False) -> list[tuple[Any, ...]]:
    """The rows (tuples) of ``build()``, a ``values_list`` query, compiled once per ``key``
    (with ``instants`` and ``dates`` put in at each call). ``fixed_by_key``: every instant
    the query compares with follows from the key (midnights of the key's days), none to put
    in."""
    if dates and fixed_by_key:
        raise ValueError("Dates put in at each call cannot also be fixed by the key.")
    connection = connections[using]
    full_key = (connection.vendor, using, key, len(instants), len(dates))
    with _lock:
        seen = full_key in _kept
        found = _kept.get(full_key)
        if seen:
            _kept.move_to_end(full_key)
    adapted = [*(connection.ops.adapt_datetimefield_value(moment) for moment in instants),
               *(connection.ops.adapt_datefield_value(day) for day in dates)]
    if not seen:
        found = _compile(build(), using, adapted, fixed_by_key=fixed_by_key,
                         dates_given=bool(dates))
        if found is not None and found.instant_at is None:  # not safe to keep
            return _run(found, using, found.params)
        with _lock:
            _kept[full_key] = found
            while len(_kept) > KEEP:
                _kept.popitem(last=False)
    if found is None:  # the query can match nothing (an empty list of ids)
        return []
    params = list(found.params)
    for position, index in found.instant_at or ():
        params[position] = adapted[index]
    return _run(found, using, params)


def _run(found: _Compiled, using: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    compiler, sql = found.compiler, found.sql
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if compiler.has_extra_select:  # columns Django added for its own use (as execute_sql)
        fetched = [row[:compiler.col_count] for row in fetched]
    return [tuple(row) for row in compiler.results_iter(results=[fetched])]


def _compile(queryset: QuerySet[Any], using: str, adapted: list[Any], *,
             fixed_by_key: bool, dates_given: bool) -> _Compiled | None:
    compiler = queryset.query.get_compiler(using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    if compiler.connection.vendor == "postgresql":
        sql, params = _as_arrays(sql, params)
    positions = () if fixed_by_key else _instant_positions(params, adapted, dates_given)
    return _Compiled(compiler, sql, tuple(params), positions)


def _as_arrays(sql: str, params: Sequence[Any]) -> tuple[str, list[Any]]:
    """``sql`` and ``params`` with each ``IN`` list of integer parameters written as
    ``= ANY(%s)`` of one list (PostgreSQL)."""
    # The index among the parameters of each placeholder, by its offset in the text.
    index_at: dict[int, int] = {}
    for match in _PLACEHOLDER.finditer(sql):
        if match.group() == "%s":
            index_at[match.start()] = len(index_at)
    parts: list[str] = []
    new_params: list[Any] = []
    done_text = done_param = 0
    for match in _IN_LIST.finditer(sql):
        first = index_at.get(match.start(1))
        if first is None:  # inside a literal, not a placeholder
            continue
        count = match.group(1).count("%s")
        values = params[first:first + count]
        if not all(type(value) is int for value in values):
            continue
        parts.append(sql[done_text:match.start()] + "= ANY(%s)")
        new_params.extend(params[done_param:first])
        # As bigint, the type of every id, so the planner estimates as it did for the IN
        # list (psycopg would send small numbers as smallint[], and the plans changed).
        new_params.append([Int8(value) for value in values])
        done_text, done_param = match.end(), first + count
    parts.append(sql[done_text:])
    new_params.extend(params[done_param:])
    return "".join(parts), new_params


def _instant_positions(params: Sequence[Any], adapted: list[Any], dates_given: bool
                       ) -> tuple[tuple[int, int], ...] | None:
    """Where each given instant's or date's value sits among ``params``; None when that
    cannot be told safely (two given values equal, or a parameter like an instant, or like
    a date when dates are given, that is none of them). Without dates given, the key holds
    the days, and a date among the parameters is one of the key's."""
    like_given = _DATE_TEXT if dates_given else _INSTANT_TEXT
    kind = date if dates_given else datetime
    if len(set(map(str, adapted))) != len(adapted):
        return None
    index_of = {str(value): index for index, value in enumerate(adapted)}
    found = []
    for position, param in enumerate(params):
        if str(param) in index_of and isinstance(param, type(adapted[index_of[str(param)]])):
            found.append((position, index_of[str(param)]))
        elif isinstance(param, kind) or (  # a datetime is a date too
                isinstance(param, str) and like_given.match(param)):
            return None
    return tuple(found)


def forget() -> None:
    """Drop every kept query (for benches that time the first compilation)."""
    with _lock:
        _kept.clear()
