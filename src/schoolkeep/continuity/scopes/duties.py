"""Duties of what needs protecting (module ``backup_scopes``), computed when read.

One kind, ``backup_scopes.failing-321``: a scope in use that does not meet the 3-2-1 rule
(``continuity/rule321.py``), a duty of the IT lead. A new scope has two weeks to get its
backups recorded and checked: the duty is due 14 days after the scope was added and overdue
after that (the rule's verdict has no history of its own, so the scope's age is the clock).

``counts`` is ONE aggregate over the scopes of every school, grouped by school (the rule in
SQL, ``rule321.scopes_with_copies``); ``for_school`` runs the rule's few queries to give each
duty its reasons, bounded (LIMIT).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.urls import reverse

from schoolkeep.continuity import rule321
from schoolkeep.continuity.models import BackupSet, Scope
from schoolkeep.continuity.scopes.selectors import SCHOOLKEEP_STEP
from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import LONDON, Duty, DutyCounts, local_date, status_for
from schoolkeep.tenancy.roles import Role

MODULE = "backup_scopes"
KIND = f"{MODULE}.failing-321"
TITLE = "Backups: something that needs protecting does not meet the 3-2-1 rule"
GRACE = timedelta(days=14)  # a new scope's time to get its backups recorded and checked
LIMIT = 1000  # duties listed for one school


def due_on(scope: Scope) -> date:
    return local_date(scope.created_at) + GRACE


def _added_before(day: date) -> datetime:
    """The instant a scope must have been added before for its duty to be due before
    ``day`` (London midnight of ``day`` less the grace)."""
    return datetime.combine(day - GRACE, time.min, tzinfo=LONDON)


def _failing(school_ids: Sequence[int], now: datetime,
             horizon: datetime) -> list[tuple[Scope, rule321.Verdict]]:
    today, until = local_date(now), local_date(horizon)
    verdicts = rule321.evaluate(school_ids, today=today)
    failing = [scope_id for scope_id, verdict in verdicts.items() if not verdict.met]
    if not failing:
        return []
    scopes = Scope.objects.filter(pk__in=failing).order_by("created_at", "id")
    return [(scope, verdicts[scope.pk]) for scope in scopes if due_on(scope) < until]


class ScopeDuties:
    module = MODULE
    label = "Backups and the 3-2-1 rule"
    view_permission = "continuity.view"
    kind_labels = {KIND: "Scopes not meeting the 3-2-1 rule"}

    def counts(self, school_ids: Sequence[int], *, now: datetime,
               horizon: datetime) -> dict[int, DutyCounts]:
        if not school_ids:
            return {}
        today = local_date(now)
        rows = (rule321.scopes_with_copies(school_ids, today=today).exclude(rule321.MET)
                .filter(created_at__lt=_added_before(local_date(horizon)))
                .order_by().values("school_id")
                .annotate(overdue=Count("pk", filter=Q(created_at__lt=_added_before(today))),
                          total=Count("pk"))
                .values_list("school_id", "overdue", "total"))
        return {school_id: DutyCounts(due=total - overdue, overdue=overdue)
                for school_id, overdue, total in rows}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        failing = _failing([school_id], now, horizon)[:LIMIT]
        # Scopes with a set of the school's own (one query): a Schoolkeep scope without one
        # is asked for one, as its install sets alone cannot meet the rule.
        owned = set(BackupSet.scopes.through.objects.filter(
            scope_id__in=[scope.pk for scope, _ in failing], backupset__install_copy="",
            backupset__retired_at__isnull=True).values_list("scope_id", flat=True))
        return [self._duty(scope, verdict, now, needs_own=(
                    scope.kind == Scope.Kind.SCHOOLKEEP and scope.pk not in owned))
                for scope, verdict in failing]

    def _duty(self, scope: Scope, verdict: rule321.Verdict, now: datetime, *,
              needs_own: bool = False) -> Duty:
        due = due_on(scope)
        reasons = "; ".join(verdict.reasons[:3])
        if needs_own:
            url = f"{reverse('continuity:set-create')}?scope={scope.public_id}"
            action = SCHOOLKEEP_STEP
        else:
            url = reverse("continuity:scope-detail", args=[scope.public_id])
            action = "Record its backups, or a check of each"
        return Duty(
            key=f"{KIND}:{scope.public_id}", module=MODULE, title=TITLE,
            subject=f"{scope.name}: {reasons}" if reasons else scope.name,
            due_at=due, status=status_for(due, now),
            url=url, permission="continuity.view", owner_role=Role.IT_LEAD,
            action=action, order_at=scope.created_at)


provider = ScopeDuties()


def register() -> None:
    register_provider(provider)
