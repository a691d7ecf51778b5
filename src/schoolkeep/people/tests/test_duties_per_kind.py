"""The people duties per kind: each kind's counts equal the statuses of its listed duties,
``for_kind`` slices the full list sorted by urgency, owners split the kinds, constant
queries."""

from __future__ import annotations

import pytest
from tests.factories import SchoolFactory

from schoolkeep.duties.types import Duty, DutyCounts, OwnedCounts, Owners
from schoolkeep.people.duties import KINDS, provider
from schoolkeep.people.tests.test_duties import (  # noqa: F401 (autouse fixtures)
    HORIZON,
    NOW,
    frozen,
    raise_everything,
    uploads_dir,
)
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db
UNTIL = NOW + HORIZON


def whole(school_id: int, kind: str) -> list[Duty]:
    duties = provider.for_school(school_id, now=NOW, horizon=UNTIL)
    return sorted((d for d in duties if d.key.startswith(f"{kind}:")), key=Duty.sort_key)


def statuses(duties: list[Duty]) -> DutyCounts:
    return sum((DutyCounts.of(d.status) for d in duties), DutyCounts())


def hr(user_id: int = 1, *, holds_hr: bool = True) -> Owners:
    roles = frozenset({Role.HR_ADMIN} if holds_hr else {Role.SIRO})
    return Owners(user_id=user_id, members=frozenset({user_id}), roles=roles, is_siro=False)


def test_each_kind_counts_and_slices_its_sorted_list(personas):
    school = personas.school
    raise_everything(school, 4)
    counts = provider.kind_counts(school.pk, now=NOW, horizon=UNTIL)
    for kind in KINDS:
        full = whole(school.pk, kind)
        assert full, kind
        assert counts[kind] == OwnedCounts(others=statuses(full))
        listed = provider.for_kind(school.pk, kind, now=NOW, horizon=UNTIL)
        assert listed == full
        assert provider.for_kind(school.pk, kind, now=NOW, horizon=UNTIL,
                                 limit=2, offset=1) == full[1:3]
    assert sum((c.total for c in counts.values()), DutyCounts()) == provider.counts(
        [school.pk], now=NOW, horizon=UNTIL)[school.pk]


def test_every_kind_falls_to_the_hr_administrator(personas):
    school = personas.school
    raise_everything(school, 1)
    mine = provider.kind_counts(school.pk, now=NOW, horizon=UNTIL, owners=hr())
    theirs = provider.kind_counts(school.pk, now=NOW, horizon=UNTIL,
                                  owners=hr(holds_hr=False))
    for kind in KINDS:
        assert mine[kind].others == DutyCounts() and mine[kind].mine.total > 0
        assert theirs[kind].mine == DutyCounts() and theirs[kind].others == mine[kind].mine
        assert provider.for_kind(school.pk, kind, now=NOW, horizon=UNTIL, owners=hr(),
                                 mine=False) == []
        assert provider.for_kind(school.pk, kind, now=NOW, horizon=UNTIL,
                                 owners=hr(holds_hr=False), mine=True) == []
        assert provider.for_kind(school.pk, kind, now=NOW, horizon=UNTIL,
                                 owners=hr()) == whole(school.pk, kind)


def test_an_unknown_kind_is_refused(personas):
    with pytest.raises(ValueError, match="no kind of duty"):
        provider.for_kind(personas.school.pk, "people.nothing", now=NOW, horizon=UNTIL)


@pytest.mark.parametrize("rows", [1, 6])
def test_kind_queries_stay_constant(personas, django_assert_num_queries, rows):
    school = personas.school
    other = SchoolFactory()
    for each in (school, other):
        raise_everything(each, rows)
    with django_assert_num_queries(2):  # the school's settings, then one UNION ALL
        provider.kind_counts(school.pk, now=NOW, horizon=UNTIL)
    for kind in KINDS:
        expected = 2 if kind == "people.update-service-due" else 1  # + the interval
        with django_assert_num_queries(expected):
            provider.for_kind(school.pk, kind, now=NOW, horizon=UNTIL, limit=5)
