"""Duties of leavers, starters and movers, read live from the registers.

- ``account-enabled``: an account of a person whose leaving date has come (or comes within
  the horizon) that is not disabled. IT lead. Due on the leaving date.
- ``hand-over-asset``: a current information asset whose owner is leaving or has left. It
  replaces the leaver part of ``assets.owner-missing`` (one fact, one duty). Business
  manager. Due on the leaving date.
- ``replace-administrator``: a leaver named as a current system's administrator. Business
  manager. Due on the leaving date.
- ``replace-cycle-holder``: a leaver named as holder of a current password cycle. Business
  manager. Due on the leaving date.
- ``starter-accounts``: an open starter checklist of someone whose access labels call for an
  account on a system where they have none (``access.accounts.expected``). IT lead. Due on
  the start date.
- ``mover-review``: an open mover checklist with an account of the person still to review
  (keep or disable). IT lead. Due on the day of the change.

A step recorded as not needed on the person's checklist for it (the leaver checklist of the
current leaving date; the starter checklist), for that kind of step, is no longer a duty. Each duty
links to the person's open checklist when there is one, else to the record in its register.
``counts`` is one UNION ALL aggregate for any number of schools; ``for_school`` one query per
kind. Titles name no person: the subject (shown only inside Schoolkeep) does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Replace
from django.urls import reverse

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import (
    Duty,
    DutyCounts,
    OwnedCounts,
    Owners,
    local_date,
    status_for,
)
from schoolkeep.leavers.models import Checklist, StepRecord
from schoolkeep.tenancy.roles import Role

MODULE = "leavers"
ACCOUNT = f"{MODULE}.account-enabled"
ASSET = f"{MODULE}.hand-over-asset"
ADMINISTRATOR = f"{MODULE}.replace-administrator"
CYCLE_HOLDER = f"{MODULE}.replace-cycle-holder"
STARTER = f"{MODULE}.starter-accounts"
MOVER = f"{MODULE}.mover-review"
KINDS = (ACCOUNT, ASSET, ADMINISTRATOR, CYCLE_HOLDER, STARTER, MOVER)
EVERY = slice(None)  # every row of a kind
OWNERS = {ACCOUNT: Role.IT_LEAD, ASSET: Role.BUSINESS_MANAGER,
          ADMINISTRATOR: Role.BUSINESS_MANAGER, CYCLE_HOLDER: Role.BUSINESS_MANAGER,
          STARTER: Role.IT_LEAD, MOVER: Role.IT_LEAD}


def _bare(expression: Any) -> Replace:
    """A public id as text without dashes: SQLite keeps UUIDs as 32 hex digits, PostgreSQL
    prints them with dashes, and a step record keeps ``str(uuid)``."""
    return Replace(Cast(expression, CharField()), Value("-"), Value(""))


def _not_needed(step: str) -> QuerySet[StepRecord]:
    """Records marking a step of kind ``step`` as not needed."""
    return StepRecord.objects.filter(kind=StepRecord.Kind.NOT_NEEDED, skipped_kind=step)


def _same_subject(records: QuerySet[StepRecord], public_id: Any) -> QuerySet[StepRecord]:
    return (records.annotate(bare=Replace("subject_id", Value("-"), Value("")))
            .filter(bare=_bare(public_id)))


def _not_settled(public_id: str, person: str, leaving_date: str, step: str) -> Q:
    """Rows whose step (of kind ``step``) is not recorded as not needed on the person's
    leaver checklist for their current leaving date. A record on another checklist (a mover's
    or starter's, an earlier leaving) or for another kind of step settles nothing here, as on
    the checklist's own page."""
    settled = _same_subject(
        _not_needed(step).filter(checklist__person=OuterRef(person),
                                 checklist__kind=Checklist.Kind.LEAVER,
                                 checklist__effective_on=OuterRef(leaving_date)),
        OuterRef(public_id))
    return ~Q(Exists(settled))


def _open_leaver_checklist(person: str) -> Subquery:
    return Subquery(Checklist.objects.filter(
        person=OuterRef(person), kind=Checklist.Kind.LEAVER, closed_at__isnull=True)
        .order_by("-created_at").values("public_id")[:1])


def _accounts(until: date) -> QuerySet[Any]:
    from schoolkeep.access.models import SystemAccount

    return (SystemAccount.objects.filter(person__leaving_date__lt=until,
                                         disabled_on__isnull=True)
            .exclude(enabled=False)
            .filter(_not_settled("public_id", "person_id", "person__leaving_date",
                                 StepRecord.Kind.DISABLE_ACCOUNT)))


def _assets(until: date) -> QuerySet[Any]:
    from schoolkeep.assets.models import Asset

    return (Asset.objects.filter(archived_at__isnull=True, owner_person__leaving_date__lt=until)
            .filter(_not_settled("public_id", "owner_person_id", "owner_person__leaving_date",
                                 StepRecord.Kind.HAND_OVER_ASSET)))


def _administrators(until: date) -> QuerySet[Any]:
    from schoolkeep.systems.models import System

    return (System.administrators.through.objects
            .filter(system__archived_at__isnull=True, person__leaving_date__lt=until)
            .filter(_not_settled("system__public_id", "person_id", "person__leaving_date",
                                 StepRecord.Kind.REPLACE_ADMINISTRATOR)))


def _holders(until: date) -> QuerySet[Any]:
    from schoolkeep.passwords.models import PasswordCycle

    return (PasswordCycle.holders.through.objects
            .filter(passwordcycle__archived_at__isnull=True, person__leaving_date__lt=until)
            .filter(_not_settled("passwordcycle__public_id", "person_id", "person__leaving_date",
                                 StepRecord.Kind.REPLACE_CYCLE_HOLDER)))


def _starters(until: date) -> QuerySet[Any]:
    """Open starter checklists of people who should have an account on a current system
    (as ``access.accounts.expected`` says: an access label of a current asset it holds lists
    their membership) and have none there, unless that account is recorded as not needed."""
    from schoolkeep.access.models import SystemAccount
    from schoolkeep.systems.models import System

    missing = (System.objects.filter(
        school_id=OuterRef("school_id"), archived_at__isnull=True,
        assets__archived_at__isnull=True,
        assets__access_labels__members__user_id=OuterRef("person__user_id"),
        assets__access_labels__members__school_id=OuterRef("school_id"),
        assets__access_labels__members__is_active=True)
        .filter(~Exists(SystemAccount.objects.filter(
            system_id=OuterRef("pk"), person_id=OuterRef(OuterRef("person_id")))))
        .filter(~Exists(_same_subject(
            _not_needed(StepRecord.Kind.CREATE_ACCOUNT)
            .filter(checklist_id=OuterRef(OuterRef("pk"))), OuterRef("public_id")))))
    return (Checklist.objects.filter(kind=Checklist.Kind.STARTER, closed_at__isnull=True,
                                     effective_on__lt=until, person__user__isnull=False)
            .filter(Exists(missing)))


def _movers(until: date) -> QuerySet[Any]:
    """Open mover checklists with something to review: an enabled (or unknown) account of
    the person with no review, disable or not-needed record on that checklist (as
    ``selectors._mover_steps`` and ``SETTLING`` list them)."""
    from schoolkeep.access.models import SystemAccount

    recorded = (StepRecord.objects.filter(
        checklist_id=OuterRef(OuterRef("pk")),
        kind__in=[StepRecord.Kind.REVIEW_ACCESS, StepRecord.Kind.DISABLE_ACCOUNT,
                  StepRecord.Kind.NOT_NEEDED])
        .annotate(bare=Replace("subject_id", Value("-"), Value("")))
        .filter(bare=_bare(OuterRef("public_id"))))
    to_review = (SystemAccount.objects.filter(
        school_id=OuterRef("school_id"), person_id=OuterRef("person_id"),
        disabled_on__isnull=True).exclude(enabled=False).filter(~Exists(recorded)))
    return Checklist.objects.filter(kind=Checklist.Kind.MOVER, closed_at__isnull=True,
                                    effective_on__lt=until).filter(Exists(to_review))


# (kind, rows, the path to the school's id, the path to the date it is due on)
def _sources(until: date) -> list[tuple[str, QuerySet[Any], str, str]]:
    return [
        (ACCOUNT, _accounts(until), "school_id", "person__leaving_date"),
        (ASSET, _assets(until), "school_id", "owner_person__leaving_date"),
        (ADMINISTRATOR, _administrators(until), "system__school_id", "person__leaving_date"),
        (CYCLE_HOLDER, _holders(until), "passwordcycle__school_id", "person__leaving_date"),
        (STARTER, _starters(until), "school_id", "effective_on"),
        (MOVER, _movers(until), "school_id", "effective_on"),
    ]


def counted(school_ids: Sequence[int], *, today: date, until: date
            ) -> dict[int, dict[str, DutyCounts]]:
    """{school: {kind: counts}}: ONE query (a UNION ALL of each kind's GROUP BY school)."""
    parts = []
    for index, (_kind, rows, school, due_on) in enumerate(_sources(until)):
        parts.append(rows.filter(**{f"{school}__in": list(school_ids)}).order_by()
                     .values(school).annotate(
                         kind=Value(index),
                         overdue=Count("pk", filter=Q(**{f"{due_on}__lt": today})),
                         due=Count("pk", filter=Q(**{f"{due_on}__gte": today})))
                     .values_list(school, "kind", "overdue", "due"))
    result: dict[int, dict[str, DutyCounts]] = {}
    for school_id, index, overdue, due in parts[0].union(*parts[1:], all=True):
        per_kind = result.setdefault(school_id, {})
        kind = KINDS[index]
        per_kind[kind] = per_kind.get(kind, DutyCounts()) + DutyCounts(due=due, overdue=overdue)
    return result


def _duty(kind: str, key: str, *, title: str, subject: str, due_on: date, now: datetime,
          checklist_id: Any, register_url: str, register_permission: str,
          action: str) -> Duty:
    if checklist_id is not None:
        url, permission = reverse("leavers:checklist-detail", args=[checklist_id]), "leavers.view"
    else:
        url, permission = register_url, register_permission
    return Duty(key=f"{kind}:{key}", module=MODULE, title=title, subject=subject,
                due_at=due_on, status=status_for(due_on, now), url=url,
                owner_role=OWNERS[kind], action=action, permission=permission)


class LeaverDuties:
    module = MODULE
    label = "Leavers, starters and movers"
    view_permission = "leavers.view"
    kind_labels = {
        ACCOUNT: "Leavers' accounts still enabled",
        ASSET: "Information assets to hand over from a leaver",
        ADMINISTRATOR: "Systems to give a new administrator",
        CYCLE_HOLDER: "Password change cycles to give a new holder",
        STARTER: "Starters' accounts to set up",
        MOVER: "Accounts to review after a change of post",
    }

    def counts(self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
               ) -> dict[int, DutyCounts]:
        if not school_ids:
            return {}
        found = counted(school_ids, today=local_date(now), until=local_date(horizon))
        return {school_id: sum(per_kind.values(), DutyCounts())
                for school_id, per_kind in found.items()}

    def kind_counts(self, school_id: int, *, now: datetime, horizon: datetime,
                    owners: Owners | None = None) -> dict[str, OwnedCounts]:
        """Every kind's counts in the one aggregate; each kind falls wholly to its role."""
        per_kind = counted([school_id], today=local_date(now),
                           until=local_date(horizon)).get(school_id, {})
        return {kind: OwnedCounts(mine=counts)
                if owners is not None and owners.owns(None, OWNERS[kind])
                else OwnedCounts(others=counts) for kind, counts in per_kind.items()}

    def for_kind(self, school_id: int, kind: str, *, now: datetime, horizon: datetime,
                 owners: Owners | None = None, mine: bool = True, limit: int | None = None,
                 offset: int = 0) -> list[Duty]:
        """One kind's duties, most urgent first, ``offset`` and ``limit`` applied in SQL."""
        if kind not in self.kind_labels:
            raise ValueError(f"The leavers module has no kind of duty {kind!r}.")
        if owners is not None and owners.owns(None, OWNERS[kind]) != mine:
            return []  # the whole kind falls to someone else
        rows = slice(offset, None if limit is None else offset + limit)
        method = {ACCOUNT: self._accounts, ASSET: self._assets,
                  ADMINISTRATOR: self._administrators, CYCLE_HOLDER: self._holders,
                  STARTER: self._starters, MOVER: self._movers}[kind]
        return method(school_id, local_date(horizon), now, rows)

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        until = local_date(horizon)
        return [*self._accounts(school_id, until, now), *self._assets(school_id, until, now),
                *self._administrators(school_id, until, now),
                *self._holders(school_id, until, now), *self._starters(school_id, until, now),
                *self._movers(school_id, until, now)]

    def _accounts(self, school_id: int, until: date, now: datetime,
                  rows: slice = EVERY) -> list[Duty]:
        found = (_accounts(until).filter(school_id=school_id)
                 .select_related("system", "person")
                 .annotate(checklist_id=_open_leaver_checklist("person_id"))
                 .order_by("person__leaving_date", "public_id"))[rows]
        return [_duty(ACCOUNT, str(account.public_id),
                      title="Disable the account of someone who is leaving or has left",
                      subject=f"{account.person.full_name}: {account.system.name} "
                              f"({account.username})",
                      due_on=account.person.leaving_date, now=now,
                      checklist_id=account.checklist_id,
                      register_url=reverse("access:account-detail", args=[account.public_id]),
                      register_permission="access.view", action="Disable the account")
                for account in found]

    def _assets(self, school_id: int, until: date, now: datetime,
                rows: slice = EVERY) -> list[Duty]:
        found = (_assets(until).filter(school_id=school_id).select_related("owner_person")
                 .annotate(checklist_id=_open_leaver_checklist("owner_person_id"))
                 .order_by("owner_person__leaving_date", "public_id"))[rows]
        return [_duty(ASSET, str(asset.public_id),
                      title="Hand over an information asset: its owner is leaving or has left",
                      subject=f"{asset.name} (owned by {asset.owner_person.full_name})",
                      due_on=asset.owner_person.leaving_date, now=now,
                      checklist_id=asset.checklist_id,
                      register_url=reverse("assets:asset-detail", args=[asset.public_id]),
                      register_permission="assets.view", action="Choose the new owner")
                for asset in found]

    def _administrators(self, school_id: int, until: date, now: datetime,
                        rows: slice = EVERY) -> list[Duty]:
        found = (_administrators(until).filter(system__school_id=school_id)
                 .select_related("system", "person")
                 .annotate(checklist_id=_open_leaver_checklist("person_id"))
                 .order_by("person__leaving_date", "system__public_id", "person__public_id"))[rows]
        return [_duty(ADMINISTRATOR, f"{row.system.public_id}:{row.person.public_id}",
                      title="Name a new administrator of a system: one is leaving or has left",
                      subject=f"{row.system.name} (administered by {row.person.full_name})",
                      due_on=row.person.leaving_date, now=now, checklist_id=row.checklist_id,
                      register_url=reverse("systems:system-detail",
                                           args=[row.system.public_id]),
                      register_permission="systems.view", action="Name the new administrator")
                for row in found]

    def _holders(self, school_id: int, until: date, now: datetime,
                 rows: slice = EVERY) -> list[Duty]:
        found = (_holders(until).filter(passwordcycle__school_id=school_id)
                 .select_related("passwordcycle__system", "person")
                 .annotate(checklist_id=_open_leaver_checklist("person_id"))
                 .order_by("person__leaving_date", "passwordcycle__public_id",
                          "person__public_id"))[rows]
        return [_duty(CYCLE_HOLDER, f"{row.passwordcycle.public_id}:{row.person.public_id}",
                      title="Name a new holder of a password change cycle: one is leaving",
                      subject=f"{row.passwordcycle.system.name}, {row.passwordcycle.name} "
                              f"(held by {row.person.full_name})",
                      due_on=row.person.leaving_date, now=now, checklist_id=row.checklist_id,
                      register_url=reverse("passwords:cycle-detail",
                                           args=[row.passwordcycle.public_id]),
                      register_permission="passwords.view", action="Name the new holder")
                for row in found]

    def _starters(self, school_id: int, until: date, now: datetime,
                  rows: slice = EVERY) -> list[Duty]:
        found = (_starters(until).filter(school_id=school_id).select_related("person")
                 .order_by("effective_on", "public_id"))[rows]
        return [_duty(STARTER, str(checklist.public_id),
                      title="Set up a starter's accounts",
                      subject=f"{checklist.person.full_name}, starting "
                              f"{checklist.effective_on:%d/%m/%Y}",
                      due_on=checklist.effective_on, now=now, checklist_id=checklist.public_id,
                      register_url="", register_permission="",
                      action="Open the starter's checklist")
                for checklist in found]

    def _movers(self, school_id: int, until: date, now: datetime,
                rows: slice = EVERY) -> list[Duty]:
        found = (_movers(until).filter(school_id=school_id).select_related("person")
                 .order_by("effective_on", "public_id"))[rows]
        return [_duty(MOVER, str(checklist.public_id),
                      title="Review the accounts of someone who changed post",
                      subject=f"{checklist.person.full_name}: {checklist.change}",
                      due_on=checklist.effective_on, now=now, checklist_id=checklist.public_id,
                      register_url="", register_permission="",
                      action="Review their accounts")
                for checklist in found]


def register() -> None:
    register_provider(LeaverDuties())
