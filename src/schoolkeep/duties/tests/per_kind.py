"""One check for every provider with the per-kind methods: ``for_kind`` and ``kind_counts``
give what ``for_school`` gives, sorted, cut and split by owner as the duties layer would.

``assert_per_kind_agrees`` reads the provider's whole list, resolves its owners with
``selectors.resolve_owners`` and then, for nobody in particular and for each viewer given:

- every kind's duties are all running legal clocks or none (``Duty.legal_clock``);
- every kind's ``for_kind`` (no limit) equals that kind's duties in ``Duty.sort_key`` order,
  the viewer's (``mine``) and the others', and with ``limit``/``offset`` the same slice;
- ``kind_counts`` equals the statuses of those lists, the viewer's and the others'.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from schoolkeep.duties.selectors import _members, kind_of, owners_for, resolve_owners
from schoolkeep.duties.types import HORIZON, Duty, DutyCounts, KindProvider, OwnedCounts
from schoolkeep.tenancy.selectors import user_ids_by_role


def _counts(duties: Iterable[Duty]) -> DutyCounts:
    summed = DutyCounts()
    for duty in duties:
        summed = summed + DutyCounts.of(duty.status)
    return summed


def assert_per_kind_agrees(provider: KindProvider, school_id: int, now: datetime,
                           viewers: Iterable[int], *, horizon: timedelta = HORIZON) -> int:
    """Assert the agreement above; returns how many duties the whole list holds (so that a
    test can also check its data raised some)."""
    until = now + horizon
    holders = user_ids_by_role([school_id])
    members = _members(holders, school_id)

    def resolved(duties: Iterable[Duty]) -> list[Duty]:
        return [resolve_owners(d, school_id=school_id, holders=holders, members=members)
                for d in duties]

    whole = sorted(resolved(provider.for_school(school_id, now=now,  # type: ignore[attr-defined]
                                                horizon=until)), key=Duty.sort_key)
    assert {kind_of(d) for d in whole} <= set(provider.kind_labels)
    for kind in provider.kind_labels:
        of_kind = [d for d in whole if kind_of(d) == kind]
        # A kind is a legal clock or not as a whole: its SQL order is then Duty.sort_key's.
        assert len({d.legal_clock for d in of_kind}) <= 1, kind
        listed = provider.for_kind(school_id, kind, now=now, horizon=until)
        assert resolved(listed) == of_kind, kind
        assert provider.for_kind(school_id, kind, now=now, horizon=until, limit=2,
                                 offset=1) == listed[1:3], kind
    nobody = provider.kind_counts(school_id, now=now, horizon=until)
    for kind in provider.kind_labels:
        of_kind = [d for d in whole if kind_of(d) == kind]
        assert nobody.get(kind, OwnedCounts()) == OwnedCounts(others=_counts(of_kind)), kind

    for user_id in viewers:
        owners = owners_for(holders, school_id, user_id)
        counted = provider.kind_counts(school_id, now=now, horizon=until, owners=owners)
        for kind in provider.kind_labels:
            mine = [d for d in whole if kind_of(d) == kind and user_id in d.owner_user_ids]
            others = [d for d in whole if kind_of(d) == kind and user_id not in d.owner_user_ids]
            for wanted, expected in ((True, mine), (False, others)):
                found = provider.for_kind(school_id, kind, now=now, horizon=until,
                                          owners=owners, mine=wanted)
                assert resolved(found) == expected, (kind, user_id, wanted)
                first = provider.for_kind(school_id, kind, now=now, horizon=until,
                                          owners=owners, mine=wanted, limit=3)
                assert resolved(first) == expected[:3], (kind, user_id, wanted)
            assert counted.get(kind, OwnedCounts()) == OwnedCounts(
                mine=_counts(mine), others=_counts(others)), (kind, user_id)
    return len(whole)


def lists_of(provider: KindProvider, kinds: Iterable[str], school_id: int, now: datetime,
             owners: object, mine: bool, limit: int | None) -> dict[str, list[Duty]]:
    """Each kind's list as ``provider.for_kind`` gives it (to compare kept SQL with fresh)."""
    return {kind: provider.for_kind(school_id, kind, now=now, horizon=now + HORIZON,
                                    owners=owners, mine=mine, limit=limit)
            for kind in kinds}
