"""One fact, one duty, between the access duties and the others: a leaver's account is the
leavers' duty (disable it); an unmatched administrator account is to be matched, which
answers its DBS question; a system without the two-factor it needs is the system's duty,
not also each of its administrator accounts'."""

from __future__ import annotations

from datetime import timedelta

from schoolkeep.access import duties
from schoolkeep.access.tests.test_access_duties import (
    HORIZON,
    NOW,
    TODAY,
    account,
    agree,
    frozen,  # noqa: F401 (the autouse clock)
    person,
    sensitive_asset,
    system,
)
from schoolkeep.leavers.duties import ACCOUNT as LEAVERS_ACCOUNT
from schoolkeep.leavers.duties import LeaverDuties
from schoolkeep.systems.models import System


def keys_on(school, *records) -> dict[str, list[str]]:
    """Each record's public id: the kinds of duty (access and leavers) that name it."""
    found = [d.key for d in agree(school)]
    found += [d.key for d in LeaverDuties().for_school(school.pk, now=NOW,
                                                       horizon=NOW + HORIZON)]
    return {str(r.public_id): sorted(k.split(":")[0] for k in found
                                     if k.endswith(str(r.public_id)))
            for r in records}


def test_a_leavers_account_raises_only_the_leavers_duty(personas):
    """Left yesterday, or leaving before the horizon's day: only ``leavers.account-enabled``.
    Leaving after the horizon: still the access duties (they administer it until then)."""
    school = personas.school
    sims = system(school, name="SIMS")
    left = person(school, dbs=True, leaving_date=TODAY - timedelta(days=1))
    leaving = person(school, dbs=True, leaving_date=TODAY + timedelta(days=5))
    later = person(school, dbs=True, leaving_date=TODAY + timedelta(days=30))
    staying = person(school, dbs=True)
    accounts = [account(school, sims, person=who, is_admin=True, mfa_on=False)
                for who in (left, leaving, later, staying)]
    found = keys_on(school, *accounts)
    assert [found[str(a.public_id)] for a in accounts] == [
        [LEAVERS_ACCOUNT], [LEAVERS_ACCOUNT],
        [duties.ADMIN_MFA], [duties.ADMIN_MFA]]


def test_an_unmatched_administrator_account_is_to_be_matched_only(personas):
    """Unmatched: ``unmatched-account`` only (not also ``admin-without-dbs``). A shared
    administrator account with no person behind it still needs its reason for no check."""
    school = personas.school
    sims = system(school, name="SIMS")
    unmatched = account(school, sims, username="admin1", is_admin=True)
    shared = account(school, sims, username="support", is_admin=True, is_shared=True,
                     shared_reason="The supplier's support desk")
    excused = account(school, sims, username="vendor", is_admin=True, is_shared=True,
                      shared_reason="The supplier's engineer", dbs_exception="Escorted visits")
    assert keys_on(school, unmatched, shared, excused) == {
        str(unmatched.public_id): [duties.UNMATCHED],
        str(shared.public_id): [duties.ADMIN_DBS],
        str(excused.public_id): []}


def test_a_system_without_the_two_factor_it_needs_is_one_duty(personas):
    """Remote access (by kind or by method), required, or holding OFFICIAL-SENSITIVE data,
    with two-factor off: the system's duty only, none on its administrator accounts. On a
    system that needs none, or has it on, the account's own two-factor is its one duty."""
    school = personas.school
    rdp = system(school, kind=System.Kind.REMOTE_ACCESS, mfa_enabled=False)
    by_method = system(school, remote_access_method="RDP", mfa_enabled=False)
    required = system(school, mfa_required=True, mfa_enabled=False)
    holding = system(school, mfa_enabled=False)
    sensitive_asset(school, holding)
    plain = system(school, mfa_enabled=False)
    on = system(school, mfa_required=True)
    staff = person(school, dbs=True)
    admins = {kind: account(school, on_system, person=staff, is_admin=True, mfa_on=False)
              for kind, on_system in [("rdp", rdp), ("method", by_method),
                                      ("required", required), ("holding", holding),
                                      ("plain", plain), ("on", on)]}
    found = keys_on(school, rdp, by_method, required, holding, plain, on, *admins.values())
    assert [found[str(s.public_id)] for s in (rdp, by_method, required, holding, plain, on)] == [
        [duties.REMOTE], [duties.REMOTE], [duties.SYSTEM], [duties.SYSTEM], [], []]
    assert {kind: found[str(a.public_id)] for kind, a in admins.items()} == {
        "rdp": [], "method": [], "required": [], "holding": [],
        "plain": [duties.ADMIN_MFA], "on": [duties.ADMIN_MFA]}
