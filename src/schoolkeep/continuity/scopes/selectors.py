"""Reads of what needs protecting and of the backup sets: the scopes with their sets and
3-2-1 verdicts (the landing page), the sets with their scopes and last successful check, one
scope or set for its page, and the register's cloud systems that are not yet a scope.

Each list runs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Prefetch, Q, QuerySet

from schoolkeep.continuity import rule321
from schoolkeep.continuity.checks.latest import last_success_by_set
from schoolkeep.continuity.models import BackupSet, Scope
from schoolkeep.systems.models import System
from schoolkeep.tenancy.selectors import get_for_school_or_404

ACTIVE, RETIRED, ANY = "active", "retired", "any"
SET_STATUSES = [("", "Sets in use"), (RETIRED, "Retired sets")]
SCHOOLKEEP_STEP = "Add a backup set of the school's own that protects it"


@dataclass(frozen=True)
class ScopeRow:
    scope: Scope
    sets: list[BackupSet]
    verdict: rule321.Verdict

    @property
    def own_sets(self) -> list[BackupSet]:
        """The school's own sets (not Schoolkeep's): the ones it can check or change."""
        return [backup_set for backup_set in self.sets if not backup_set.install_copy]

    @property
    def next_step(self) -> str:
        """What to do next, in a few words (the page links it when ``next_link`` says)."""
        verdict = self.verdict
        if verdict.met:
            return "Keep recording its checks"
        if not self.own_sets:
            if self.scope.kind == Scope.Kind.SCHOOLKEEP:
                # Schoolkeep's own sets never make 3 devices, off site and offline; the
                # school runs the server, so its own backups of it are what can.
                return SCHOOLKEEP_STEP
            return "Record its backups"
        own = {backup_set.name for backup_set in self.own_sets}
        if own.intersection(verdict.unchecked):
            return "Record a check of each backup"
        if verdict.copies >= rule321.COPIES_NEEDED:
            if not verdict.off_site and not verdict.offline:
                return "Keep one copy off site and one offline"
            return "Keep one copy off site" if not verdict.off_site else "Keep one copy offline"
        return "Add a backup on another device"

    @property
    def next_link(self) -> str:
        """Which page the next step links to: "set" (a new set for this scope), "check"
        (record a check of one of the school's own sets) or "" (no link)."""
        step = self.next_step
        if step in (SCHOOLKEEP_STEP, "Record its backups"):
            return "set"
        return "check" if step == "Record a check of each backup" else ""


@dataclass(frozen=True)
class SetRow:
    backup_set: BackupSet
    last_success: date | None
    recent: bool  # its last successful check is within the window
    protects: bool  # it protects at least one scope in use
    window: int  # the school's check window, in days

    @property
    def counts(self) -> bool:
        """It counts in the 3-2-1 rule of some scope: checked recently and protecting one."""
        return self.recent and self.protects


def _sets_in_use() -> Prefetch:
    return Prefetch("backup_sets", queryset=BackupSet.objects.filter(retired_at__isnull=True)
                    .order_by("name", "id"), to_attr="sets_in_use")


def scope_rows(*, school: Any, today: date) -> list[ScopeRow]:
    """The school's scopes in use, by name, each with its sets in use and its verdict."""
    scopes = list(Scope.objects.filter(school=school, archived_at__isnull=True)
                  .select_related("owner", "system").prefetch_related(_sets_in_use()))
    verdicts = rule321.evaluate([school.pk], today=today)
    return [ScopeRow(scope, scope.sets_in_use, verdicts[scope.pk])  # type: ignore[attr-defined]
            for scope in scopes if scope.pk in verdicts]


def scope_for_page(*, school: Any, public_id: UUID | str) -> Scope:
    """One scope of the school (archived ones too); another school's: 404."""
    return get_for_school_or_404(Scope.objects.select_related("owner", "system"),
                                 school=school, public_id=public_id)


def scopes_in_use(*, school: Any) -> QuerySet[Scope]:
    return Scope.objects.filter(school=school, archived_at__isnull=True).order_by("name_key")


def systems_not_in_scope(*, school: Any) -> list[System]:
    """The register's systems in use that are not yet a scope, by name (cloud hosted ones
    are what the school usually picks)."""
    taken = Scope.objects.filter(school=school, archived_at__isnull=True,
                                 system__isnull=False).values("system_id")
    return list(System.objects.filter(school=school, archived_at__isnull=True)
                .exclude(pk__in=taken).order_by("name_key", "id"))


def looks_cloud_hosted(system: System) -> bool:
    """A first guess for the ticks of "start with the usual scopes": the register says it is
    hosted in the cloud or by its supplier. The user decides."""
    hosting = system.hosting.casefold()
    return any(word in hosting for word in ("cloud", "saas", "online", "hosted by", "azure",
                                            "aws", "google", "microsoft 365", "supplier"))


def set_list(*, school: Any, status: str = "", search: str = "",
             scope: Scope | None = None) -> QuerySet[BackupSet]:
    """The school's sets (in use, retired, or ``ANY``), Schoolkeep's own first, then by
    name."""
    sets = (BackupSet.objects.filter(school=school)
            .select_related("provider_system", "provider_organisation", "owner")
            .prefetch_related(Prefetch("scopes", queryset=Scope.objects.order_by("name_key"))))
    if status != ANY:
        sets = sets.filter(retired_at__isnull=status != RETIRED)
    if scope is not None:
        sets = sets.filter(scopes=scope)
    for word in search.split()[:5]:
        sets = sets.filter(Q(name__icontains=word) | Q(location__icontains=word)
                           | Q(provider_system__name__icontains=word)
                           | Q(provider_organisation__name__icontains=word))
    return sets.order_by("-install_copy", "name", "id")


def set_rows(sets: list[BackupSet], *, school: Any, today: date) -> list[SetRow]:
    """The sets with their last successful check, whether it is recent enough and whether
    they protect a scope in use (``scopes`` prefetched by ``set_list``; one query each
    otherwise)."""
    window = rule321.window_days([school.pk])[school.pk]
    last = last_success_by_set([school.pk])
    rows = []
    for backup_set in sets:
        day = last.get(backup_set.pk)
        rows.append(SetRow(backup_set, day,
                           recent=day is not None and (today - day).days <= window,
                           protects=any(scope.archived_at is None
                                        for scope in backup_set.scopes.all()),
                           window=window))
    return rows


def set_for_page(*, school: Any, public_id: UUID | str) -> BackupSet:
    """One set of the school with its provider and owner; another school's: 404."""
    return get_for_school_or_404(
        BackupSet.objects.select_related("provider_system", "provider_organisation", "owner"),
        school=school, public_id=public_id)
