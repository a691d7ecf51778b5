"""The foundation's per-kind answers (``for_kind``, ``kind_counts``) equal the full list cut
and split by owner, for each viewer; the terms' duty is the business manager's, or the
SIRO's when nobody is; and the per-kind reads keep their queries as duties grow."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from schoolkeep.duties.selectors import owners_for
from schoolkeep.duties.types import DutyCounts, OwnedCounts
from schoolkeep.tenancy.duties import MFA, TERMS, provider
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.selectors import user_ids_by_role

from .conftest import make_member
from .per_kind import assert_per_kind_agrees

NOW = datetime(2026, 11, 4, 10, tzinfo=UTC)  # term time: the year's dates are estimated
HORIZON = timedelta(days=14)


@time_machine.travel(NOW, tick=False)
def test_per_kind_equals_the_full_list_for_every_viewer(personas, raise_duties):
    raise_duties(personas.school, 6, now=NOW)
    for _n in range(3):  # ties: joined at the same instant
        make_member(personas.school, [Role.GOVERNOR], created_at=NOW - timedelta(days=3))
    viewers = [personas.siro.pk, personas.business_manager.pk, personas.iao.pk,
               personas.staff.pk, personas.outsider.pk]
    assert assert_per_kind_agrees(provider, personas.school.pk, NOW, viewers,
                                  horizon=HORIZON) > 20


@time_machine.travel(NOW, tick=False)
def test_terms_fall_to_the_siro_when_nobody_is_business_manager(db):
    school = SchoolFactory()
    siro, staff = UserFactory(), UserFactory()
    MembershipFactory(user=siro, school=school, roles=[Role.SIRO])
    MembershipFactory(user=staff, school=school, roles=[Role.STAFF])
    holders = user_ids_by_role([school.pk])
    counted = provider.kind_counts(school.pk, now=NOW, horizon=NOW + HORIZON,
                                   owners=owners_for(holders, school.pk, siro.pk))
    assert counted[TERMS] == OwnedCounts(mine=DutyCounts(overdue=1))
    assert assert_per_kind_agrees(provider, school.pk, NOW, [siro.pk, staff.pk],
                                  horizon=HORIZON) >= 1


@pytest.mark.parametrize("kind", list(provider.kind_labels))
@time_machine.travel(NOW, tick=False)
def test_kind_counts_and_for_kind_keep_one_query_at_3_and_40(
        personas, raise_duties, kind, django_assert_num_queries):
    def read() -> int:
        owners = owners_for(user_ids_by_role([personas.school.pk]), personas.school.pk,
                            personas.siro.pk)
        with django_assert_num_queries(1):
            counted = provider.kind_counts(personas.school.pk, now=NOW,
                                           horizon=NOW + HORIZON, owners=owners)
        with django_assert_num_queries(1):
            provider.for_kind(personas.school.pk, kind, now=NOW, horizon=NOW + HORIZON,
                              owners=owners, mine=False, limit=5)
        return counted[MFA].others.total

    raise_duties(personas.school, 3, now=NOW)
    few = read()
    raise_duties(personas.school, 37, now=NOW)
    assert read() > few
