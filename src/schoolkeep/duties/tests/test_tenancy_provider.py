"""The foundation's duties: who lacks two-factor, locked accounts, open invitations and
estimated term dates; counts agree with lists, in one aggregate query."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from tests.factories import OrganisationFactory, SchoolFactory

from schoolkeep.duties.types import DUE, OVERDUE, DutyCounts
from schoolkeep.tenancy.duties import provider
from schoolkeep.tenancy.models import Invitation
from schoolkeep.tenancy.roles import Role

from .conftest import confirm_terms, lock_account, make_invitation, make_member

HORIZON = timedelta(days=14)


def listed(school, now, kind=""):
    duties = provider.for_school(school.pk, now=now, horizon=now + HORIZON)
    return [d for d in duties if d.key.startswith(f"tenancy.{kind}")]


def counted(school, now):
    return provider.counts([school.pk], now=now, horizon=now + HORIZON).get(
        school.pk, DutyCounts()
    )


def agree(school, now):
    duties = listed(school, now)
    expected = DutyCounts(
        due=sum(d.status == DUE for d in duties), overdue=sum(d.status == OVERDUE for d in duties)
    )
    assert counted(school, now) == expected
    return duties


# --- two-factor ------------------------------------------------------------------------


def test_privileged_member_without_two_factor_is_due_a_week_after_joining(personas, now):
    user = make_member(personas.school, [Role.IAO], created_at=now - timedelta(days=2))
    [duty] = listed(personas.school, now, "mfa-missing")
    assert duty.owner_user_id == user.pk
    assert duty.status == DUE
    assert duty.due_at == user.memberships.get().created_at + timedelta(days=7)
    assert duty.title == "Set up two-factor sign-in"
    assert user.full_name not in duty.title


def test_without_two_factor_after_a_week_is_overdue(personas, now):
    make_member(personas.school, [Role.DPO], created_at=now - timedelta(days=8))
    assert [d.status for d in listed(personas.school, now, "mfa-missing")] == [OVERDUE]
    agree(personas.school, now)


def test_plain_staff_needs_no_two_factor_unless_the_school_requires_it(personas, now):
    newcomer = make_member(personas.school, [Role.STAFF])
    assert listed(personas.school, now, "mfa-missing") == []
    personas.school.require_mfa_for_all = True
    personas.school.save()
    owners = {d.owner_user_id for d in listed(personas.school, now, "mfa-missing")}
    assert owners == {newcomer.pk, personas.staff.pk}
    agree(personas.school, now)


def test_members_with_two_factor_or_inactive_have_no_such_duty(personas, now):
    make_member(personas.school, [Role.SIRO], mfa=True)
    gone = make_member(personas.school, [Role.IAO])
    gone.memberships.update(is_active=False)
    blocked = make_member(personas.school, [Role.IAO])
    blocked.is_active = False
    blocked.save()
    assert listed(personas.school, now, "mfa-missing") == []
    assert counted(personas.school, now).total == len(listed(personas.school, now))


# --- locked accounts -------------------------------------------------------------------


def test_account_locked_at_the_failure_limit_falls_to_the_siro(personas, now):
    user = make_member(personas.school, [Role.STAFF], email="Locked.Person@example.org")
    lock_account("locked.person@EXAMPLE.org", failures=6, agent="one")
    lock_account("locked.person@example.org", failures=4, agent="two")  # same address: 10
    [duty] = listed(personas.school, now, "account-locked")
    assert duty.owner_role == Role.SIRO
    assert duty.status == DUE
    assert duty.subject == user.full_name
    assert duty.due_at > now  # the lock lifts by itself within the cool-off
    agree(personas.school, now)


def test_below_the_limit_expired_or_unknown_is_not_locked(personas, now):
    make_member(personas.school, [Role.STAFF], email="a@example.org")
    make_member(personas.school, [Role.STAFF], email="b@example.org")
    lock_account("a@example.org", failures=9)
    lock_account("b@example.org", failures=5, ip="192.0.2.1")
    lock_account("b@example.org", failures=5, ip="192.0.2.2")  # two addresses: no lock
    lock_account("nobody@example.org", failures=50)
    make_member(personas.school, [Role.STAFF], email="c@example.org")
    lock_account("c@example.org", failures=10, when=now - timedelta(minutes=16))
    assert listed(personas.school, now, "account-locked") == []
    assert counted(personas.school, now).total == len(listed(personas.school, now))


def test_lock_of_another_schools_member_stays_there(personas, now):
    lock_account(personas.outsider.email)
    assert listed(personas.school, now, "account-locked") == []
    assert len(listed(personas.other_school, now, "account-locked")) == 1


# --- invitations -----------------------------------------------------------------------


def test_open_invitations_are_due_at_expiry_and_overdue_after(personas, now):
    soon = make_invitation(personas.school, expires_at=now + timedelta(days=3))
    expired = make_invitation(personas.school, expires_at=now - timedelta(days=1))
    make_invitation(personas.school, expires_at=now + timedelta(days=20))  # beyond 14 days
    make_invitation(personas.school, expires_at=now + timedelta(days=1), accepted_at=now)
    make_invitation(personas.school, expires_at=now + timedelta(days=1), revoked_at=now)
    duties = {d.key: d for d in listed(personas.school, now, "invitation-open")}
    assert duties.keys() == {
        f"tenancy.invitation-open:{soon.public_id}",
        f"tenancy.invitation-open:{expired.public_id}",
    }
    assert duties[f"tenancy.invitation-open:{soon.public_id}"].status == DUE
    assert duties[f"tenancy.invitation-open:{expired.public_id}"].status == OVERDUE
    assert all(d.owner_role == Role.SIRO for d in duties.values())
    assert all(soon.email not in d.title for d in duties.values())
    agree(personas.school, now)
    assert Invitation.objects.count() == 5


# --- term dates ------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 10, 5, 9, tzinfo=UTC), tick=False)
def test_estimated_term_dates_are_overdue_for_the_current_year(personas):
    now = timezone.now()
    [duty] = listed(personas.school, now, "terms-estimated")
    assert duty.key == "tenancy.terms-estimated:2026"
    assert duty.due_at == date(2026, 8, 1)
    assert duty.all_day
    assert duty.status == OVERDUE
    assert duty.owner_role == Role.BUSINESS_MANAGER
    assert duty.url == "/school/terms/2026/"


@time_machine.travel(datetime(2027, 7, 20, 9, tzinfo=UTC), tick=False)
def test_next_years_dates_fall_due_on_1_august(personas):
    now = timezone.now()
    confirm_terms(year=2026, school=personas.school)
    [duty] = listed(personas.school, now, "terms-estimated")
    assert duty.key == "tenancy.terms-estimated:2027"
    assert duty.status == DUE
    agree(personas.school, now)


@time_machine.travel(datetime(2026, 10, 5, 9, tzinfo=UTC), tick=False)
def test_school_or_trust_dates_settle_it_but_estimated_defaults_do_not(personas):
    now = timezone.now()
    confirm_terms(year=2026, school=None)  # stored default rows would be estimated...
    from schoolkeep.tenancy.models import Term

    Term.objects.filter(school=None, organisation=None).update(estimated=True)
    assert len(listed(personas.school, now, "terms-estimated")) == 1
    confirm_terms(year=2026, organisation=personas.school.organisation)
    assert listed(personas.school, now, "terms-estimated") == []
    lone = SchoolFactory(organisation=None)
    assert len(listed(lone, now, "terms-estimated")) == 1
    confirm_terms(year=2026, school=lone)
    assert listed(lone, now, "terms-estimated") == []
    assert counted(lone, now) == DutyCounts()


# --- counts: one aggregate, agreeing with the lists ------------------------------------


@pytest.mark.parametrize("schools", [2, 12])
def test_counts_are_one_query_for_any_number_of_schools(
    db, schools, raise_duties, django_assert_num_queries, now
):
    trust = OrganisationFactory()
    ids = []
    for i in range(schools):
        school = SchoolFactory(organisation=trust)
        raise_duties(school, 1 + i % 3, now=now)
        ids.append(school.pk)
    with django_assert_num_queries(1):
        counts = provider.counts(ids, now=now, horizon=now + HORIZON)
    for school_id in ids:
        duties = provider.for_school(school_id, now=now, horizon=now + HORIZON)
        assert counts[school_id] == DutyCounts(
            due=sum(d.status == DUE for d in duties),
            overdue=sum(d.status == OVERDUE for d in duties),
        )
        assert counts[school_id].total > 0


@pytest.mark.parametrize("rows", [3, 40])
def test_list_is_one_query_per_kind_whatever_the_number_of_duties(
    personas, rows, raise_duties, django_assert_num_queries, now
):
    raise_duties(personas.school, rows, now=now)
    with django_assert_num_queries(4):
        duties = provider.for_school(personas.school.pk, now=now, horizon=now + HORIZON)
    assert len(duties) >= 2 * rows
