"""The AUPs' per-kind answers (``for_kind``, ``kind_counts``) equal the full list cut and
split by owner, for each viewer; and they keep their queries as signers grow."""

from __future__ import annotations

import pytest
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from schoolkeep.agreements.aups.duties import MEMBER_UNSIGNED, UNSIGNED
from schoolkeep.agreements.aups.models import Audience
from schoolkeep.duties.selectors import owners_for
from schoolkeep.duties.tests.per_kind import assert_per_kind_agrees
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.selectors import user_ids_by_role

from .test_duties_aups import (
    HORIZON,
    NOW,
    _raise_many,
    aups,
    frozen,
    person,
    provider,
    publish,
    set_up,
)

__all__ = ["aups", "frozen"]  # fixtures: the school's AUPs; the frozen clock, autouse


def test_per_kind_equals_the_full_list_for_every_viewer(personas, aups) -> None:
    publish(aups[Audience.STAFF], personas.business_manager, days_ago=20)
    publish(aups[Audience.GOVERNORS], personas.business_manager, days_ago=3)
    publish(aups[Audience.PARENTS], personas.business_manager, days_ago=1)
    _raise_many(personas.school, personas.business_manager, 4)
    person(personas.school, "Dee Pio", kind="governor", user=personas.dpo)
    viewers = [personas.siro.pk, personas.business_manager.pk, personas.staff.pk,
               personas.governor.pk, personas.dpo.pk, personas.outsider.pk]
    assert assert_per_kind_agrees(provider(), personas.school.pk, NOW, viewers,
                                  horizon=HORIZON) > 10


def test_without_a_business_manager_the_siro_owns_the_audiences_duty(personas) -> None:
    school = SchoolFactory(slug="elmwood")
    siro, staff = UserFactory(), UserFactory()
    MembershipFactory(user=siro, school=school, roles=[Role.SIRO])
    MembershipFactory(user=staff, school=school, roles=[Role.STAFF])
    publish(set_up(school, siro)[Audience.STAFF], siro)
    person(school, "Ada Lovelace")
    owners = owners_for(user_ids_by_role([school.pk]), school.pk, siro.pk)
    counted = provider().kind_counts(school.pk, now=NOW, horizon=NOW + HORIZON, owners=owners)
    assert counted[UNSIGNED].mine.total == 1
    assert assert_per_kind_agrees(provider(), school.pk, NOW, [siro.pk, staff.pk],
                                  horizon=HORIZON) == 3


@pytest.mark.parametrize("kind", [UNSIGNED, MEMBER_UNSIGNED])
def test_kind_counts_one_query_and_for_kind_at_most_two_at_any_size(
        personas, aups, kind, django_assert_num_queries) -> None:
    for audience in (Audience.STAFF, Audience.GOVERNORS, Audience.PARENTS):
        publish(aups[audience], personas.business_manager, days_ago=20)

    def read() -> int:
        owners = owners_for(user_ids_by_role([personas.school.pk]), personas.school.pk,
                            personas.siro.pk)
        with django_assert_num_queries(1):
            counted = provider().kind_counts(personas.school.pk, now=NOW,
                                             horizon=NOW + HORIZON, owners=owners)
        # The AUPs, then (for members) the members.
        with django_assert_num_queries(1 if kind == UNSIGNED else 2):
            provider().for_kind(personas.school.pk, kind, now=NOW, horizon=NOW + HORIZON,
                                owners=owners, mine=False, limit=5)
        return counted[MEMBER_UNSIGNED].others.total

    _raise_many(personas.school, personas.business_manager, 3)
    few = read()
    _raise_many(personas.school, personas.business_manager, 37, start=3)
    assert read() == few + 37
