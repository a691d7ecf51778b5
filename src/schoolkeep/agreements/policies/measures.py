"""Measures of the policy register, for the overview (``overview.types``).

- ``policies.in-date``: current (not archived) policies with an approved version in force
  whose next review date has not passed (or has none), out of all current policies. A
  policy never approved is not in date: nothing of it is in force.
- ``policies.online-security-in-date``: the school's Online Security Policy (the current
  policy of kind "Online security"): 1 of 1 when it is in date by the same rule, else 0 of 1.
  A school with no such policy in the register has no figure for it (nothing to count).

ONE aggregate over the policies grouped by school, whatever the number of schools, for both.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Count, Q

from schoolkeep.agreements.policies.models import Policy
from schoolkeep.duties.types import local_date
from schoolkeep.overview.types import Figures, MeasureSpec

IN_DATE = "policies.in-date"
ONLINE_SECURITY_IN_DATE = "policies.online-security-in-date"


class PolicyMeasures:
    module = "policies"
    label = "Policies"
    view_permission = "overview.view"
    specs = [
        MeasureSpec(IN_DATE, "policies", "Policies approved and not past their review date",
                    "are approved and in date", empty="No policies are registered yet",
                    url_name="policies:policy-list", permission="policies.view"),
        MeasureSpec(ONLINE_SECURITY_IN_DATE, "policies",
                    "Online Security Policy approved and not past its review date",
                    "is approved and in date",
                    empty="No Online Security Policy is registered yet",
                    url_name="policies:policy-list", permission="policies.view"),
    ]

    def figures(self, school_ids: Sequence[int], *, now: datetime) -> Figures:
        today = local_date(now)
        in_date = Q(current_version__isnull=False) & (
            Q(next_review_on__isnull=True) | Q(next_review_on__gte=today))
        online_security = Q(kind=Policy.Kind.ONLINE_SECURITY)
        rows = (Policy.objects.filter(school_id__in=list(school_ids), archived_at__isnull=True)
                .order_by().values("school_id")
                .annotate(total=Count("pk"), met=Count("pk", filter=in_date),
                          security=Count("pk", filter=online_security),
                          security_met=Count("pk", filter=online_security & in_date))
                .values_list("school_id", "total", "met", "security", "security_met"))
        result: Figures = {}
        for school_id, total, met, security, security_met in rows:
            found = result[school_id] = {IN_DATE: (met, total)}
            if security:
                # Should a school keep two, both must be in date for its policy to be.
                found[ONLINE_SECURITY_IN_DATE] = (1 if security_met == security else 0, 1)
        return result


provider = PolicyMeasures()
