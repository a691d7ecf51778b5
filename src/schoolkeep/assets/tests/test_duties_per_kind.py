"""The assets' per-kind answers (``for_kind``, ``kind_counts``) equal the full list cut and
split by owner as the duties layer would, owners' fallbacks included; and they keep their
queries as the register grows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from schoolkeep.assets.duties import (
    ASSET_KINDS,
    LAWFUL_BASIS,
    OWNER_MISSING,
    UNCLASSIFIED_KIND,
    provider,
)
from schoolkeep.assets.models import Classification
from schoolkeep.duties.selectors import owners_for
from schoolkeep.duties.tests.per_kind import assert_per_kind_agrees
from schoolkeep.people.services import person_mark_leaver
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.selectors import user_ids_by_role

from .test_duties import HORIZON, NOW, OS, asset, days, frozen, organisation, owner, system

__all__ = ["frozen"]  # the frozen clock, autouse

UNCLASSIFIED = Classification.UNCLASSIFIED


def every_owner(school, personas) -> None:
    """Assets and systems whose duties fall to each kind of owner, with ties of due date."""
    iao = owner(school, user=personas.iao)
    no_account = owner(school)
    away = UserFactory()
    MembershipFactory(user=away, school=school, roles=[Role.STAFF])
    not_member = owner(school, user=away)
    Membership.objects.filter(user=away).update(is_active=False)  # no longer a member
    leaver = owner(school, user=personas.staff)
    for n in range(3):  # three of each, added the same day: ties sorted by public id
        asset(school, owner_person=iao, classification=UNCLASSIFIED,
              last_reviewed_on=date(2025, 3, 1) + timedelta(days=n), added=-2)
        asset(school, owner_person=no_account, classification=UNCLASSIFIED, added=-2)
        asset(school, owner_person=not_member, classification=UNCLASSIFIED,
              last_reviewed_on=date(2025, 3, 5), added=-1 - n)
        asset(school, owner_unmatched="", added=-n)
        asset(school, owner_organisation=organisation(school), classification=UNCLASSIFIED)
        sensitive = asset(school, classification=OS, lawful_basis="", added=-n)
        system(school, mfa=False, holds=[sensitive], added=-n)
        system(school, checked=-370 + n)
    asset(school, owner_person=leaver, classification=UNCLASSIFIED, added=-100)
    person_mark_leaver(person=leaver, actor=None, leaving_date=days(-2))


def test_per_kind_equals_the_full_list_for_every_owner(personas):
    every_owner(personas.school, personas)
    viewers = [personas.siro.pk, personas.iao.pk, personas.dpo.pk, personas.it_lead.pk,
               personas.staff.pk, personas.outsider.pk]
    assert assert_per_kind_agrees(provider, personas.school.pk, NOW, viewers,
                                  horizon=HORIZON) > 25


def test_roles_nobody_holds_fall_to_the_siro_per_kind(personas):
    school = SchoolFactory(slug="elmwood")
    siro, staff = UserFactory(), UserFactory()
    MembershipFactory(user=siro, school=school, roles=[Role.SIRO])
    MembershipFactory(user=staff, school=school, roles=[Role.STAFF])
    asset(school, classification=OS, lawful_basis="")  # the DPO's: nobody is
    system(school, checked=None)  # the IT lead's (log-off): nobody is
    assert assert_per_kind_agrees(provider, school.pk, NOW, [siro.pk, staff.pk],
                                  horizon=HORIZON) == 2
    owners = owners_for(user_ids_by_role([school.pk]), school.pk, siro.pk)
    counts = provider.kind_counts(school.pk, now=NOW, horizon=NOW + HORIZON, owners=owners)
    assert counts["assets.lawful-basis-missing"].mine.total == 1


def test_a_school_without_a_siro_leaves_unowned_duties_to_nobody(personas):
    school = SchoolFactory(slug="nosiro")
    staff = UserFactory()
    MembershipFactory(user=staff, school=school, roles=[Role.STAFF])
    asset(school, owner_unmatched="", classification=UNCLASSIFIED)
    assert assert_per_kind_agrees(provider, school.pk, NOW, [staff.pk], horizon=HORIZON) == 2


def test_an_unknown_kind_is_refused(personas):
    with pytest.raises(ValueError, match="no kind of duty"):
        provider.for_kind(personas.school.pk, "assets.nothing", now=NOW, horizon=NOW + HORIZON)


@pytest.mark.parametrize("kind", ASSET_KINDS)
def test_for_kind_and_kind_counts_keep_their_queries_at_3_and_40_assets(
        personas, kind, django_assert_num_queries):
    holders = user_ids_by_role([personas.school.pk])
    owners = owners_for(holders, personas.school.pk, personas.siro.pk)

    def read() -> tuple[int, int]:
        with django_assert_num_queries(1):
            counts = provider.kind_counts(personas.school.pk, now=NOW, horizon=NOW + HORIZON,
                                          owners=owners)
        with django_assert_num_queries(1):
            listed = provider.for_kind(personas.school.pk, kind, now=NOW,
                                       horizon=NOW + HORIZON, owners=owners, limit=5)
        return counts[OWNER_MISSING].mine.total, len(listed)

    def add(n: int) -> None:
        for i in range(n):
            asset(personas.school, owner_unmatched="", classification=OS, lawful_basis="",
                  last_reviewed_on=date(2025, 1, 1), added=-i)

    add(3)
    assert read()[0] == 3
    add(37)
    total, shown = read()
    assert total == 40
    # The SIRO's: reviews and owners; none unclassified; the lawful basis is the DPO's.
    assert shown == (0 if kind in (UNCLASSIFIED_KIND, LAWFUL_BASIS) else 5)
