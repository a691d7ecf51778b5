"""Measures of the password change cycles, for the overview (area "access").

- ``passwords.changes-current``: holders whose password change on a system is not overdue,
  out of every holder of a system with a due date (one per person and system, whatever the
  number of cycles they hold on it).

ONE query for any number of schools (``changes_current_sql``). Being overdue needs no due
date worked out, only a comparison with today (``passwords.selectors.due_before_sql``):

- every N days: the last change counted (on or after the cycle's start; else the start) plus
  N days is before today;
- once a year: that day is on or before the last day whose next anniversary is before today
  (worked out in Python, 29 February included, and passed as a literal);
- once a term (a change covers its term, a holiday counting for the term that follows, and
  the next change is due at the end of the following term): with E1 and E2 the last days of
  the two latest terms of the school that ended before today, a holder is overdue when the
  cycle started on or before E1 and their counted change, if any, is on or before E2;
- a possible compromise: the open one first raised after their last change is due before
  today.

The school's terms are read as ``TermCalendar`` reads them, year by year: its own dates for a
year, else its trust's, else the estimated default pattern (passed as literals).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection

from schoolkeep.duties.cadence import EVENTS_ONLY
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec
from schoolkeep.passwords.models import ForcedChange
from schoolkeep.passwords.selectors import (
    due_before_sql,
    held_cte,
    raised_on_sql,
    sql_day,
    sql_tables,
    term_ends_ctes,
)

CURRENT = "passwords.changes-current"


def changes_current_sql(school_ids: list[int], today: date) -> tuple[str, list[Any]]:
    """The SQL and parameters of (school id, holders, holders not overdue) per school."""
    t, day = sql_tables(), sql_day()
    adapt = connection.ops.adapt_datefield_value
    ids = ", ".join(["%s"] * len(school_ids))
    ends_sql, ends_params = term_ends_ctes(school_ids, today)
    overdue_sql, overdue_params = due_before_sql(today)
    raised_on, raised_params = raised_on_sql("f.raised_at")
    sql = f"""
WITH {ends_sql},
cyc AS (
    SELECT c.id, c.system_id, c.cadence, c.every_days, c.starts_on, c.holders_label_id
    FROM {t['cycle']} c JOIN {t['system']} sy ON sy.id = c.system_id
    WHERE c.school_id IN ({ids}) AND c.archived_at IS NULL AND sy.archived_at IS NULL
),
{held_cte(t)},
pc AS (
    SELECT p.school_id, cyc.system_id, p.id AS person_id, cyc.cadence, cyc.every_days,
           cyc.starts_on
    FROM held JOIN cyc ON cyc.id = held.cycle_id JOIN {t['person']} p ON p.id = held.person_id
    WHERE p.school_id IN ({ids}) AND (p.leaving_date IS NULL OR p.leaving_date > {day})
),
latest AS (
    SELECT ch.system_id, ch.person_id, MAX(ch.changed_on) AS last FROM {t['change']} ch
    WHERE ch.school_id IN ({ids}) GROUP BY ch.system_id, ch.person_id
),
x AS (
    SELECT pc.*, latest.last, ends.e1, ends.e2,
           CASE WHEN latest.last IS NOT NULL AND latest.last >= pc.starts_on
                THEN latest.last ELSE pc.starts_on END AS base
    FROM pc
    LEFT JOIN latest ON latest.system_id = pc.system_id AND latest.person_id = pc.person_id
    LEFT JOIN ends ON ends.school_id = pc.school_id
),
pairs AS (
    SELECT x.school_id, x.system_id, x.person_id, x.last,
           MAX(CASE WHEN x.cadence = %s THEN 0 ELSE 1 END) AS has_due,
           MAX(CASE WHEN {overdue_sql} THEN 1 ELSE 0 END) AS overdue
    FROM x GROUP BY x.school_id, x.system_id, x.person_id, x.last
),
judged AS (
    SELECT pairs.school_id, pairs.has_due, pairs.overdue,
           (SELECT f.due_on FROM {t['forced']} f
            WHERE f.school_id IN ({ids}) AND f.system_id = pairs.system_id
              AND f.reason = %s AND f.settled_at IS NULL
              AND (pairs.last IS NULL OR pairs.last < {raised_on})
            ORDER BY f.raised_at, f.id LIMIT 1) AS forced_on
    FROM pairs
)
SELECT school_id, COUNT(*) AS total,
       SUM(CASE WHEN overdue = 0 AND (forced_on IS NULL OR forced_on >= {day})
           THEN 1 ELSE 0 END) AS met
FROM judged WHERE has_due = 1 OR forced_on IS NOT NULL
GROUP BY school_id
"""  # noqa: S608  # nosec B608 - only table names and placeholders formatted in
    params: list[Any] = [*ends_params, *school_ids, True, *school_ids, adapt(today),
                         *school_ids, EVENTS_ONLY, *overdue_params, *school_ids,
                         ForcedChange.Reason.COMPROMISE.value, *raised_params, adapt(today)]
    return sql, params


def current_counts_sql(school_ids: Sequence[int], today: date) -> dict[int, tuple[int, int]]:
    """{school id: (holders not overdue, holders)} in one query."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    sql, params = changes_current_sql(ids, today)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {school_id: (int(met or 0), int(total))
                for school_id, total, met in cursor.fetchall()}


class PasswordMeasures:
    module = "passwords"
    label = "Password changes"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(CURRENT, "access", "Password changes not overdue",
                    "have changed their password in time",
                    empty="No password cycles yet",
                    url_name="passwords:overdue", permission="passwords.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        counts = current_counts_sql(school_ids, local_date(now))
        return {school_id: {CURRENT: figures} for school_id, figures in counts.items()}


provider = PasswordMeasures()
