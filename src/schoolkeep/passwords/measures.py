"""Measures of the password change cycles, for the overview (area "access").

- ``passwords.changes-current``: holders whose password change on a system is not overdue,
  out of every holder of a system with a due date (one per person and system, whatever the
  number of cycles they hold on it).

ONE query for any number of schools (``changes_current_sql``). Being overdue needs no due
date worked out, only a comparison with today:

- every N days: the last change counted (on or after the cycle's start; else the start) plus
  N days is before today;
- once a year: that day is on or before the last day whose next anniversary is before today
  (worked out here, 29 February included, and passed as a literal);
- once a term (a change covers its term, a holiday counting for the term that follows, and
  the next change is due at the end of the following term): with E1 and E2 the last days of
  the two latest terms of the school that ended before today, a holder is overdue when the
  cycle started on or before E1 and their counted change, if any, is on or before E2;
- a possible compromise: the open one first raised after their last change is due before
  today.

The school's terms are read as ``TermCalendar`` reads them, year by year: its own dates for a
year, else its trust's, else the estimated default pattern (computed here as literals).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection

from schoolkeep.assets.models import AccessLabel
from schoolkeep.duties.cadence import EVENTS_ONLY, EVERY_N_DAYS, TERMLY, YEARLY, add_years
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec
from schoolkeep.passwords.models import ForcedChange, PasswordChange, PasswordCycle
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.calendar import default_term_dates
from schoolkeep.tenancy.models import Membership, School, Term

CURRENT = "passwords.changes-current"


def last_yearly_day(today: date) -> date:
    """The last day whose next anniversary (``add_years(day, 1)``) is before ``today``."""
    day = add_years(today - timedelta(days=1), -1)
    if add_years(day + timedelta(days=1), 1) < today:  # 29 February of a leap year
        day += timedelta(days=1)
    return day


def _tables() -> dict[str, str]:
    return {
        "cycle": PasswordCycle._meta.db_table,
        "holders": PasswordCycle.holders.through._meta.db_table,
        "label_members": AccessLabel.members.through._meta.db_table,
        "membership": Membership._meta.db_table,
        "person": Person._meta.db_table,
        "system": System._meta.db_table,
        "change": PasswordChange._meta.db_table,
        "forced": ForcedChange._meta.db_table,
        "school": School._meta.db_table,
        "term": Term._meta.db_table,
    }


def changes_current_sql(school_ids: list[int], today: date) -> tuple[str, list[Any]]:
    """The SQL and parameters of (school id, holders, holders not overdue) per school."""
    postgres = connection.vendor == "postgresql"
    t = _tables()
    ids = ", ".join(["%s"] * len(school_ids))
    day = "CAST(%s AS date)" if postgres else "%s"
    adapt = connection.ops.adapt_datefield_value
    years = [today.year - 2, today.year - 1, today.year]
    defaults = [(year, ends_on) for year in years
                for _starts_on, ends_on in default_term_dates(year).values()]
    default_rows = " UNION ALL ".join([f"SELECT %s AS academic_year, {day} AS ends_on"]
                                      * len(defaults))
    year_list = ", ".join(["%s"] * len(years))
    raised_on, raised_params = connection.ops.datetime_cast_date_sql(
        "f.raised_at", (), settings.TIME_ZONE)
    if postgres:
        every_n_due = "(x.base + x.every_days) < x.today"
    else:
        every_n_due = "date(x.base, '+' || x.every_days || ' days') < x.today"
    # Only table names (from the models) and placeholders are formatted in.
    sql = f"""
WITH sch AS (
    SELECT s.id, s.organisation_id FROM {t['school']} s WHERE s.id IN ({ids})
),
dflt AS ({default_rows}),
eff AS (
    SELECT sch.id AS school_id, tm.ends_on FROM sch
    JOIN {t['term']} tm ON tm.school_id = sch.id AND tm.academic_year IN ({year_list})
    UNION ALL
    SELECT sch.id, tm.ends_on FROM sch
    JOIN {t['term']} tm ON tm.organisation_id = sch.organisation_id AND tm.school_id IS NULL
        AND tm.academic_year IN ({year_list})
    WHERE NOT EXISTS (SELECT 1 FROM {t['term']} o WHERE o.school_id = sch.id
                      AND o.academic_year = tm.academic_year)
    UNION ALL
    SELECT sch.id, d.ends_on FROM sch CROSS JOIN dflt d
    WHERE NOT EXISTS (SELECT 1 FROM {t['term']} o WHERE o.school_id = sch.id
                      AND o.academic_year = d.academic_year)
      AND NOT EXISTS (SELECT 1 FROM {t['term']} o WHERE o.school_id IS NULL
                      AND o.organisation_id = sch.organisation_id
                      AND o.academic_year = d.academic_year)
),
ranked AS (
    SELECT school_id, ends_on,
           ROW_NUMBER() OVER (PARTITION BY school_id ORDER BY ends_on DESC) AS n
    FROM eff WHERE ends_on < {day}
),
ends AS (
    SELECT school_id, MAX(CASE WHEN n = 1 THEN ends_on END) AS e1,
           MAX(CASE WHEN n = 2 THEN ends_on END) AS e2
    FROM ranked WHERE n <= 2 GROUP BY school_id
),
cyc AS (
    SELECT c.id, c.system_id, c.cadence, c.every_days, c.starts_on, c.holders_label_id
    FROM {t['cycle']} c JOIN {t['system']} sy ON sy.id = c.system_id
    WHERE c.school_id IN ({ids}) AND c.archived_at IS NULL AND sy.archived_at IS NULL
),
held AS (
    SELECT h.passwordcycle_id AS cycle_id, h.person_id FROM {t['holders']} h
    WHERE h.passwordcycle_id IN (SELECT id FROM cyc)
    UNION
    SELECT cyc.id, p.id FROM cyc
    JOIN {t['label_members']} lm ON lm.accesslabel_id = cyc.holders_label_id
    JOIN {t['membership']} m ON m.id = lm.membership_id AND m.is_active = %s
    JOIN {t['person']} p ON p.user_id = m.user_id AND p.school_id = m.school_id
),
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
    SELECT pc.*, latest.last, ends.e1, ends.e2, {day} AS today,
           CASE WHEN latest.last IS NOT NULL AND latest.last >= pc.starts_on
                THEN latest.last ELSE pc.starts_on END AS base
    FROM pc
    LEFT JOIN latest ON latest.system_id = pc.system_id AND latest.person_id = pc.person_id
    LEFT JOIN ends ON ends.school_id = pc.school_id
),
pairs AS (
    SELECT x.school_id, x.system_id, x.person_id, x.last,
           MAX(CASE WHEN x.cadence = %s THEN 0 ELSE 1 END) AS has_due,
           MAX(CASE
               WHEN x.cadence = %s THEN CASE WHEN {every_n_due} THEN 1 ELSE 0 END
               WHEN x.cadence = %s THEN CASE WHEN x.base <= {day} THEN 1 ELSE 0 END
               WHEN x.cadence = %s THEN CASE
                   WHEN x.starts_on <= x.e1 AND (x.last IS NULL OR x.last < x.starts_on
                                                 OR x.last <= x.e2) THEN 1 ELSE 0 END
               ELSE 0 END) AS overdue
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
"""  # noqa: S608  # nosec B608
    params: list[Any] = [*school_ids]
    for year, ends_on in defaults:
        params += [year, adapt(ends_on)]
    params += years + years + [adapt(today)]  # eff (own, trust), ranked
    params += [*school_ids, True, *school_ids, adapt(today), *school_ids]  # cyc..latest
    params += [adapt(today)]  # x
    params += [EVENTS_ONLY, EVERY_N_DAYS, YEARLY, adapt(last_yearly_day(today)), TERMLY]
    params += [*school_ids, ForcedChange.Reason.COMPROMISE.value, *raised_params]
    params += [adapt(today)]
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
