"""Reading duties: ask every provider, resolve owners, sort. Nothing here is stored.

Owners: a provider names a user (``owner_user_id``) or a role (``owner_role``). A role
resolves, when read, to the active members of that school holding it. When nobody holds
the role, or the named user is not an active member with an account, the duty falls to the
school's SIRO(s). Every call asks ``tenancy.selectors.user_ids_by_role`` once, whatever the
number of duties or schools.

Query counts: ``counts_for_schools`` runs one aggregate per provider, whatever the number
of schools; ``duties_for_school`` runs one query for the role holders plus each provider's
(constant) list queries.

Bounds: a school may hold thousands of duties of one kind (2,000 assets without an owner).
Pages and e-mails never list them all: ``group_by_kind`` keeps each kind's counts and only its
``KIND_PREVIEW`` most urgent duties, and the page of one kind (``duties:duty-kind-list``)
shows the rest 50 at a time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from schoolkeep.duties import registry
from schoolkeep.duties.types import HORIZON, OVERDUE, Duty, DutyCounts
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.roles import Role, role_label
from schoolkeep.tenancy.selectors import user_ids_by_role

# How many duties of one kind the dashboard and the reminder e-mails list; the rest are
# counted and one link away.
KIND_PREVIEW = 5

# Roles that see all of a school's duties on the dashboard, not only their own.
SCHOOL_DUTY_ROLES = frozenset({Role.SIRO, Role.DPO, Role.AUDITOR, Role.TRUST_ADMIN})

Holders = dict[tuple[int, str], list[int]]


def sees_school_duties(roles: Iterable[str]) -> bool:
    return any(role in SCHOOL_DUTY_ROLES for role in roles)


def _members(holders: Holders, school_id: int) -> set[int]:
    """Everyone holding a role in the school."""
    members: set[int] = set()
    for (holder_school, _role), user_ids in holders.items():
        if holder_school == school_id:
            members.update(user_ids)
    return members


def resolve_owners(duty: Duty, *, school_id: int, holders: Holders,
                   members: set[int] | None = None) -> Duty:
    """The duty with ``owner_user_ids``, ``owner_label`` and ``school_id`` filled in.

    ``members`` (``_members(holders, school_id)``) may be passed in when resolving many
    duties of one school, so that the holders are not walked once per duty."""
    if members is None:
        members = _members(holders, school_id)
    siros = tuple(sorted(set(holders.get((school_id, Role.SIRO), []))))
    siro_label = role_label(Role.SIRO)
    if duty.owner_user_id is not None and duty.owner_user_id in members:
        owners: tuple[int, ...] = (duty.owner_user_id,)
        label = duty.owner_label
    elif duty.owner_user_id is None and duty.owner_role:
        holding = tuple(sorted(set(holders.get((school_id, duty.owner_role), []))))
        if holding:
            owners, label = holding, duty.owner_label or role_label(duty.owner_role)
        else:
            owners = siros
            label = f"{siro_label} (nobody is {role_label(duty.owner_role)})"
    else:
        # Nobody named, or the person named has no account or active membership here.
        owners, label = siros, siro_label
    if not owners:
        label = f"Nobody: the school has no {siro_label}"
    return replace(duty, owner_user_ids=owners, owner_label=label, school_id=school_id)


def _sorted(duties: Iterable[Duty]) -> list[Duty]:
    return sorted(duties, key=Duty.sort_key)


def duties_for_schools(
    school_ids: Sequence[int], now: datetime, *, horizon: timedelta = HORIZON
) -> dict[int, list[Duty]]:
    """Each school's duties (overdue, or due before ``now + horizon``), owners resolved.

    One query for the role holders of all the schools, then each provider per school.
    """
    ids = list(dict.fromkeys(school_ids))
    result: dict[int, list[Duty]] = {school_id: [] for school_id in ids}
    if not ids:
        return result
    holders = user_ids_by_role(ids)
    until = now + horizon
    for school_id in ids:
        members = _members(holders, school_id)
        duties: list[Duty] = []
        for provider in registry.providers():
            for duty in provider.for_school(school_id, now=now, horizon=until):
                duties.append(resolve_owners(duty, school_id=school_id, holders=holders,
                                             members=members))
        result[school_id] = _sorted(duties)
    return result


def duties_for_school(school: Any, now: datetime, *, horizon: timedelta = HORIZON) -> list[Duty]:
    """The school's duties, overdue first, then those due in the next 14 days."""
    school_id = getattr(school, "pk", school)
    return duties_for_schools([school_id], now, horizon=horizon)[school_id]


def owned_by(duties: Iterable[Duty], user_id: int) -> list[Duty]:
    return [duty for duty in duties if user_id in duty.owner_user_ids]


def visible_duties(access: SchoolAccess, user_id: int,
                   now: datetime) -> tuple[list[Duty], list[Duty], bool]:
    """(mine, others, sees_all) in the access's school: the member's own duties, and the
    others' duties they may see (none unless their roles oversee the school's duties, and
    only of modules they may view)."""
    school_duties = duties_for_school(access.school, now)
    mine = owned_by(school_duties, user_id)
    sees_all = sees_school_duties(access.roles)
    others = [d for d in school_duties if user_id not in d.owner_user_ids
              and access.can(registry.view_permission_for(d.module))] if sees_all else []
    return mine, others, sees_all


def duties_for_user(
    user: Any, school: Any, now: datetime, *, horizon: timedelta = HORIZON
) -> list[Duty]:
    """The duties this person owns in this school, overdue first."""
    return owned_by(duties_for_school(school, now, horizon=horizon), user.pk)


def counts_for_schools(
    school_ids: Sequence[int], now: datetime, *, horizon: timedelta = HORIZON
) -> dict[int, dict[str, DutyCounts]]:
    """{school id: {module: counts}} with every school and module present.

    Each provider's ``counts`` runs once for all the schools: one aggregate per provider.
    """
    ids = list(dict.fromkeys(school_ids))
    modules = [provider.module for provider in registry.providers()]
    result = {school_id: dict.fromkeys(modules, DutyCounts()) for school_id in ids}
    if not ids:
        return result
    until = now + horizon
    for provider in registry.providers():
        for school_id, counts in provider.counts(ids, now=now, horizon=until).items():
            if school_id in result:
                result[school_id][provider.module] = counts
    return result


@dataclass(frozen=True)
class ModuleCounts:
    module: str
    label: str
    counts: DutyCounts


def module_counts(per_module: dict[str, DutyCounts]) -> list[ModuleCounts]:
    """Counts per module with their plain-English labels, in registration order."""
    return [
        ModuleCounts(module, registry.label_for(module), counts)
        for module, counts in per_module.items()
    ]


def _counted(duty: Duty) -> DutyCounts:
    """One duty as counts: overdue, or due soon."""
    return DutyCounts(overdue=1) if duty.status == OVERDUE else DutyCounts(due=1)


def counts_from_duties(duties: Iterable[Duty]) -> dict[str, DutyCounts]:
    """Counts per module of a list of duties (every registered module present)."""
    result = {provider.module: DutyCounts() for provider in registry.providers()}
    for duty in duties:
        result[duty.module] = result.get(duty.module, DutyCounts()) + _counted(duty)
    return result


def total(per_module: dict[str, DutyCounts]) -> DutyCounts:
    summed = DutyCounts()
    for counts in per_module.values():
        summed = summed + counts
    return summed


def duties_by_owner(
    per_school: dict[int, list[Duty]],
) -> dict[int, list[Duty]]:
    """{user id: [duties they own, in every school]}, each list overdue first."""
    result: dict[int, list[Duty]] = defaultdict(list)
    for duties in per_school.values():
        for duty in duties:
            for user_id in duty.owner_user_ids:
                result[user_id].append(duty)
    return {user_id: _sorted(duties) for user_id, duties in result.items()}


def kind_of(duty: Duty) -> str:
    """The duty's kind: its key up to the colon, such as ``assets.owner-missing``."""
    return duty.key.split(":", 1)[0]


@dataclass(frozen=True)
class KindGroup:
    """The duties of one kind: how many, and the most urgent few to show."""

    kind: str
    label: str
    counts: DutyCounts
    first: list[Duty]

    @property
    def total(self) -> int:
        return self.counts.total

    @property
    def more(self) -> int:
        """How many are counted but not listed."""
        return self.total - len(self.first)


def group_by_kind(duties: Iterable[Duty], *, limit: int = KIND_PREVIEW) -> list[KindGroup]:
    """The duties grouped by kind, each group with its counts and at most ``limit`` duties.

    ``duties`` come sorted (overdue first, then soonest), so each group's first duties are
    its most urgent, and the groups follow the order of their most urgent duty.
    """
    counts: dict[str, DutyCounts] = {}
    first: dict[str, list[Duty]] = {}
    for duty in duties:
        kind = kind_of(duty)
        counts[kind] = counts.get(kind, DutyCounts()) + _counted(duty)
        shown = first.setdefault(kind, [])
        if len(shown) < limit:
            shown.append(duty)
    return [KindGroup(kind, registry.kind_label(kind), counts[kind], first[kind])
            for kind in counts]


def of_kind(duties: Iterable[Duty], kind: str) -> list[Duty]:
    """The duties of this kind, in the order given."""
    return [duty for duty in duties if kind_of(duty) == kind]
