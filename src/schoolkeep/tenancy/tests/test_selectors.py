"""Tenancy reads: their query counts do not grow with the data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from tests.factories import MembershipFactory, UserFactory

from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.selectors import (
    access_list_for_user,
    active_role_holders,
    get_for_school_or_404,
    member_list,
)


def test_access_list_queries_do_not_grow_with_schools(db, django_assert_num_queries):
    one, four = UserFactory(), UserFactory()
    MembershipFactory(user=one, roles=["dpo", "staff"])
    for _ in range(4):
        MembershipFactory(user=four, roles=["dpo", "staff"])
    with CaptureQueriesContext(connection) as queries:
        assert len(access_list_for_user(one)) == 1
    with django_assert_num_queries(len(queries)):
        accesses = access_list_for_user(four)
    assert [set(a.roles) for a in accesses] == [{"dpo", "staff"}] * 4


def test_member_list_search_and_role(personas):
    names = [m.user.email for m in member_list(school=personas.school, search="GOVERNOR@")]
    assert names == [personas.governor.email]
    holders = [m.user for m in member_list(school=personas.school, role="auditor")]
    assert holders == [personas.auditor]
    assert not member_list(school=personas.school, active=False).exists()


def test_role_holders_are_only_active_members(personas):
    Membership.objects.filter(user=personas.dsl).update(is_active=False)
    holders = active_role_holders(school=personas.school, roles=["dsl", "siro"])
    assert holders == {"dsl": [], "siro": [personas.siro]}


def test_another_schools_record_or_a_bad_id_is_404(personas):
    outsider = Membership.objects.get(user=personas.outsider)
    with pytest.raises(Http404):
        get_for_school_or_404(Membership, school=personas.school, public_id=outsider.public_id)
    with pytest.raises(Http404):
        get_for_school_or_404(Membership, school=personas.school, public_id="not-a-uuid")
