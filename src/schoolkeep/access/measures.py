"""Measures of two-factor coverage and of administrators, for the overview's area "access"
(``overview.types``):

- ``access.administrators-dbs``: administrators (people named as a system's administrator
  or holding a live administrator account, and live administrator accounts that match
  nobody) with a completed enhanced DBS check or an exception with its reason, out of all;
  (an administrator account of nobody counts as met only with its own exception text: an
  unmatched one is not known to be checked until it is matched, which is its duty,
  ``access.unmatched-account``);
- ``access.admin-accounts-two-factor``: live administrator accounts whose two-factor is on,
  out of all live administrator accounts (not known counts as not on);
- ``access.systems-two-factor``: current systems that need two-factor (remote access,
  required, or holding OFFICIAL-SENSITIVE data) that have it turned on, out of all that
  need it.

The rules are ``access.coverage.rules``, the duties' own. ONE query whatever the number of
schools: the administrators grouped by school, UNION ALL the administrator accounts that
match nobody with the administrator accounts' two-factor, UNION ALL the systems, each part
giving (met, total) pairs after a marker.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Value

from schoolkeep.access.coverage import rules
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec

DBS = "access.administrators-dbs"
ADMIN_MFA = "access.admin-accounts-two-factor"
SYSTEMS = "access.systems-two-factor"

PEOPLE_ROW, ACCOUNTS_ROW, SYSTEMS_ROW = 1, 2, 3


def _part(rows: QuerySet[Any], marker: int, counts: dict[str, Any]) -> QuerySet[Any]:
    """(school, marker, four counts), zeros after ``counts``."""
    padding = {f"none_{n}": Value(0) for n in range(len(counts), 4)}
    return (rows.order_by().values("school_id")
            .annotate(marker=Value(marker), **counts, **padding)
            .values_list("school_id", "marker", *counts, *padding))


class AccessMeasures:
    module = "access"
    label = "Two-factor and administrators"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(DBS, "access", "Administrators DBS checked or with an exception",
                    "are DBS checked or have an exception with its reason",
                    empty="No administrators are recorded",
                    url_name="access:administrators", permission="access.view"),
        MeasureSpec(ADMIN_MFA, "access", "Administrator accounts with two-factor",
                    "have two-factor sign-in turned on",
                    empty="No administrator accounts are recorded",
                    url_name="access:administrators", permission="access.view"),
        MeasureSpec(SYSTEMS, "access", "Systems needing two-factor that have it on",
                    "have two-factor sign-in turned on",
                    empty="No system needs two-factor sign-in",
                    url_name="access:two-factor", permission="access.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        ids = list(school_ids)
        if not ids:
            return {}
        today = local_date(now)
        # Met: as the duty's rule (an account's own exception text excuses that account).
        needing = rules.administrators(ids, today, needing_dbs=True).values("pk")
        people = _part(rules.administrators(ids, today), PEOPLE_ROW, {
            "met": Count("pk", filter=~Q(pk__in=needing)), "total": Count("pk")})
        accounts = _part(rules.live_accounts(ids).filter(rules.ADMIN), ACCOUNTS_ROW, {
            "nobody_met": Count("pk", filter=rules.NOBODY_ADMIN & rules.OWN_DBS_EXCEPTION),
            "nobody": Count("pk", filter=rules.NOBODY_ADMIN),
            "on": Count("pk", filter=Q(mfa_on=True)), "admins": Count("pk")})
        systems = _part(rules.current_systems(ids).filter(rules.needs_two_factor_q()),
                        SYSTEMS_ROW, {"on": Count("pk", filter=Q(mfa_enabled=True)),
                                      "total": Count("pk")})
        result: dict[int, dict[str, list[int]]] = {}
        for school_id, marker, a, b, c, d in people.union(accounts, systems, all=True):
            found = result.setdefault(school_id, {})
            if marker == PEOPLE_ROW:
                _add(found, DBS, a, b)
            elif marker == ACCOUNTS_ROW:
                _add(found, DBS, a, b)
                _add(found, ADMIN_MFA, c, d)
            else:
                _add(found, SYSTEMS, a, b)
        return {school_id: {key: (met, total) for key, (met, total) in found.items() if total}
                for school_id, found in result.items()}


def _add(found: dict[str, list[int]], key: str, met: int, total: int) -> None:
    pair = found.setdefault(key, [0, 0])
    pair[0] += int(met)
    pair[1] += int(total)


provider = AccessMeasures()
