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
Pages and e-mails never list them all, nor build them: ``DutyReader`` asks each provider
for its kinds' counts (one aggregate, split into the viewer's and the others' by
``types.Owners``) and then, for each kind with duties, its few most urgent
(``KIND_PREVIEW`` in an e-mail, ``DASHBOARD_PREVIEW`` on the dashboard; one limited query),
so the work does not grow with the school. A provider without the
per-kind methods is read whole with ``for_school``, once per reader, and cut in Python.
``group_by_kind`` does the same cut on a list already built. The page of one kind
(``duties:duty-kind-list``) shows the rest 50 at a time through ``KindSequence``.

Urgency: a running legal clock first, then overdue, then due (``Duty.sort_key``); the kinds
come in the order of their most urgent duty, and the dashboard puts them in areas (one per
module) in that order, the viewer's own legal clocks apart, above everything
(``dashboard_for``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.urls import NoReverseMatch, reverse

from schoolkeep.duties import registry
from schoolkeep.duties.types import (
    DUE_RANK,
    HORIZON,
    OVERDUE,
    Duty,
    DutyCounts,
    DutyProvider,
    KindAction,
    KindProvider,
    OwnedCounts,
    Owners,
)
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.roles import PERMISSIONS, Role, role_label
from schoolkeep.tenancy.selectors import user_ids_by_role

# How many duties of one kind the reminder e-mails list; the rest are counted and one link
# away.
KIND_PREVIEW = 5
# How many the dashboard lists of each kind: it shows every kind, so it stays short.
DASHBOARD_PREVIEW = 3

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


def holders_of(school_ids: Sequence[int]) -> Holders:
    """The role holders of these schools (one query), for ``DutyReader``."""
    return user_ids_by_role(list(school_ids))


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
    action: KindAction | None = None  # one step for all of them, when the viewer may take it

    @property
    def total(self) -> int:
        return self.counts.total

    @property
    def module(self) -> str:
        return registry.module_of_kind(self.kind)

    @property
    def legal_clock(self) -> bool:
        """A kind of running legal clocks (the same for every duty of a kind)."""
        return bool(self.first) and self.first[0].legal_clock

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


# --- per kind: counts and the most urgent few, without building every duty -----------------


def owners_for(holders: Holders, school_id: int, user_id: int) -> Owners:
    """What the owner rule (``resolve_owners``) needs about this viewer in this school."""
    members = frozenset(_members(holders, school_id))
    held = {role for (holder_school, role), ids in holders.items()
            if holder_school == school_id and ids}
    is_siro = user_id in holders.get((school_id, Role.SIRO), [])
    roles = {role for (holder_school, role), ids in holders.items()
             if holder_school == school_id and user_id in ids}
    if is_siro:  # roles nobody holds fall to the SIRO
        roles |= {role.value for role in Role if role.value not in held}
    return Owners(user_id=user_id, members=members, roles=frozenset(roles), is_siro=is_siro)


def per_kind(provider: DutyProvider) -> KindProvider | None:
    """The provider, when it answers per kind; None when it is read whole."""
    return provider if isinstance(provider, KindProvider) else None


class DutyReader:
    """The duties of one school for one viewer (or for nobody in particular), per kind.

    Each provider's counts are asked once and kept; a provider without the per-kind methods
    is read whole once and kept. Duties come back with their owners resolved."""

    def __init__(self, school_id: int, now: datetime, *, holders: Holders,
                 user_id: int | None = None, horizon: timedelta = HORIZON,
                 whole: dict[str, list[Duty]] | None = None) -> None:
        """``whole``: where the lists of providers read whole are kept; readers of the same
        school, moment and horizon for different viewers may share one."""
        self.school_id = school_id
        self.now = now
        self.until = now + horizon
        self.holders = holders
        self.members = _members(holders, school_id)
        self.owners = owners_for(holders, school_id, user_id) if user_id is not None else None
        self._counts: dict[str, dict[str, OwnedCounts]] = {}
        self._whole: dict[str, list[Duty]] = {} if whole is None else whole

    def _resolved(self, duty: Duty) -> Duty:
        return resolve_owners(duty, school_id=self.school_id, holders=self.holders,
                              members=self.members)

    def _is_mine(self, duty: Duty) -> bool:
        return self.owners is not None and self.owners.user_id in duty.owner_user_ids

    def _read_whole(self, provider: DutyProvider) -> list[Duty]:
        if provider.module not in self._whole:
            duties = provider.for_school(self.school_id, now=self.now, horizon=self.until)
            self._whole[provider.module] = _sorted(self._resolved(d) for d in duties)
        return self._whole[provider.module]

    def counts(self, provider: DutyProvider) -> dict[str, OwnedCounts]:
        """{kind: counts} of the provider's kinds that have duties."""
        if provider.module in self._counts:
            return self._counts[provider.module]
        kinds = per_kind(provider)
        if kinds is not None:
            found = kinds.kind_counts(self.school_id, now=self.now, horizon=self.until,
                                      owners=self.owners)
        else:
            found = {}
            for duty in self._read_whole(provider):
                one = DutyCounts.of(duty.status)
                owned = OwnedCounts(mine=one) if self._is_mine(duty) else OwnedCounts(others=one)
                found[kind_of(duty)] = found.get(kind_of(duty), OwnedCounts()) + owned
        self._counts[provider.module] = {k: c for k, c in found.items() if c.total.total}
        return self._counts[provider.module]

    def duties(self, provider: DutyProvider, kind: str, *, mine: bool, limit: int | None,
               offset: int = 0) -> list[Duty]:
        """The kind's duties, most urgent first: the viewer's (``mine``) or the others'."""
        kinds = per_kind(provider)
        if kinds is not None:
            found = kinds.for_kind(self.school_id, kind, now=self.now, horizon=self.until,
                                   owners=self.owners, mine=mine, limit=limit, offset=offset)
            return [self._resolved(duty) for duty in found]
        chosen = [d for d in self._read_whole(provider)
                  if kind_of(d) == kind and (self.owners is None or self._is_mine(d) == mine)]
        return chosen[offset:None if limit is None else offset + limit]

    def groups(self, *, mine: bool, modules: Iterable[str] | None = None,
               limit: int = KIND_PREVIEW) -> list[KindGroup]:
        """Each kind with duties (of the viewer, or of the others), its counts and its
        ``limit`` most urgent; the kinds in the order of their most urgent duty."""
        wanted = None if modules is None else set(modules)
        groups = []
        for provider in registry.providers():
            if wanted is not None and provider.module not in wanted:
                continue
            for kind, owned in self.counts(provider).items():
                counts = owned.mine if mine else owned.others
                if counts.total:
                    first = self.duties(provider, kind, mine=mine, limit=limit)
                    groups.append(KindGroup(kind, registry.kind_label(kind), counts, first))
        return sorted(groups, key=lambda group: group.first[0].sort_key() if group.first
                      else (DUE_RANK + 1, self.now, self.now, group.kind))

    def module_counts(self, *, mine: bool, modules: Iterable[str] | None = None
                      ) -> dict[str, DutyCounts]:
        """{module: counts} of the viewer's duties (``mine``) or the others', every module
        present (or every one of ``modules``)."""
        wanted = None if modules is None else set(modules)
        result = {}
        for provider in registry.providers():
            if wanted is not None and provider.module not in wanted:
                continue
            summed = DutyCounts()
            for owned in self.counts(provider).values():
                summed = summed + (owned.mine if mine else owned.others)
            result[provider.module] = summed
        return result


def reader_for(school: Any, now: datetime, *, user_id: int | None = None,
               horizon: timedelta = HORIZON) -> DutyReader:
    """A reader of one school's duties for ``user_id``: one query for the role holders."""
    school_id = getattr(school, "pk", school)
    return DutyReader(school_id, now, holders=user_ids_by_role([school_id]), user_id=user_id,
                      horizon=horizon)


class KindSequence:
    """One kind's duties as a sequence a ``Paginator`` can slice: its length is the kind's
    count and each slice is one limited query."""

    def __init__(self, reader: DutyReader, kind: str, *, mine: bool) -> None:
        self.reader, self.kind, self.mine = reader, kind, mine
        self.provider = registry.provider_for(registry.module_of_kind(kind))
        owned = (self.reader.counts(self.provider).get(kind, OwnedCounts())
                 if self.provider is not None else OwnedCounts())
        self.counts = owned.mine if mine else owned.others

    def __len__(self) -> int:
        return self.counts.total

    def count(self) -> int:
        return self.counts.total

    def __getitem__(self, index: slice) -> list[Duty]:
        if not isinstance(index, slice) or self.provider is None:
            raise TypeError("A kind's duties are read a page (a slice) at a time.")
        start = index.start or 0
        stop = len(self) if index.stop is None else index.stop
        if stop <= start:
            return []
        return self.reader.duties(self.provider, self.kind, mine=self.mine,
                                  limit=stop - start, offset=start)


@dataclass(frozen=True)
class Area:
    """The kinds of one module (an area of work, such as "People and the Single Central
    Record") with duties, most urgent first."""

    module: str
    label: str
    groups: list[KindGroup]

    @property
    def counts(self) -> DutyCounts:
        return sum((group.counts for group in self.groups), DutyCounts())


def areas_of(groups: Iterable[KindGroup]) -> list[Area]:
    """The groups by module: each area where its most urgent kind comes (``groups`` are in
    order of urgency, so the areas are too), its kinds in the order given."""
    by_module: dict[str, list[KindGroup]] = {}
    for group in groups:
        by_module.setdefault(group.module, []).append(group)
    return [Area(module, registry.label_for(module), kinds) for module, kinds in by_module.items()]


@dataclass(frozen=True)
class Dashboard:
    """What a member sees on "what needs doing" (see ``dashboard_for``)."""

    clocks: list[KindGroup]  # the viewer's running legal clocks, shown above everything
    mine: list[Area]
    others: list[Area]
    sees_all: bool
    per_module: dict[str, DutyCounts]
    hidden: list[str]  # labels of the areas whose others' duties the viewer may not see

    @property
    def total(self) -> DutyCounts:
        return total(self.per_module)


def overseen_modules(access: SchoolAccess) -> list[str]:
    """The modules whose others' duties the member may see (none unless their roles oversee
    the school's duties)."""
    if not sees_school_duties(access.roles):
        return []
    return [provider.module for provider in registry.providers()
            if access.can(registry.view_permission_for(provider.module))]


def allowed_url(access: SchoolAccess, permission: str, url: str) -> str:
    """``url`` when the member holds ``permission`` (a permission that exists), else ""."""
    return url if permission in PERMISSIONS and access.can(permission) else ""


def linked_url(access: SchoolAccess, permission: str, name: str) -> str:
    """The path of the URL ``name`` when it exists (another part may not have built it yet)
    and the member holds ``permission``, else ""."""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    return allowed_url(access, permission, url)


def _with_action(group: KindGroup, access: SchoolAccess) -> KindGroup:
    """The group with its provider's ``kind_action``, when the member may take it."""
    provider = registry.provider_for(group.module)
    offer = getattr(provider, "kind_action", None)
    action = offer(group.kind, group.total) if callable(offer) else None
    if isinstance(action, KindAction) and allowed_url(access, action.permission, action.url):
        return replace(group, action=action)
    return group


def dashboard_for(access: SchoolAccess, user_id: int, now: datetime) -> Dashboard:
    """The member's running legal clocks, then their own duties and the others' they may
    see, by area and kind, most urgent first; counted only over what they may see, so no
    count gives away records they may not know of. Each kind lists its
    ``DASHBOARD_PREVIEW`` most urgent, so the page's size does not grow with the school."""
    reader = reader_for(access.school, now, user_id=user_id)
    overseen = overseen_modules(access)
    per_module = reader.module_counts(mine=True)
    for module, counts in reader.module_counts(mine=False, modules=overseen).items():
        per_module[module] = per_module[module] + counts
    per_module = {module: counts for module, counts in per_module.items()
                  if counts.total or access.can(registry.view_permission_for(module))}
    mine = [_with_action(group, access)
            for group in reader.groups(mine=True, limit=DASHBOARD_PREVIEW)]
    others = [_with_action(group, access)
              for group in reader.groups(mine=False, modules=overseen, limit=DASHBOARD_PREVIEW)]
    sees_all = sees_school_duties(access.roles)
    hidden = [provider.label for provider in registry.providers()
              if sees_all and provider.module not in overseen]
    return Dashboard(
        clocks=[group for group in mine if group.legal_clock],
        mine=areas_of(group for group in mine if not group.legal_clock),
        others=areas_of(others),
        sees_all=sees_all,
        per_module=per_module,
        hidden=hidden,
    )
