"""The access duties: remote access and systems without two-factor, administrators without a
DBS check or two-factor, accounts that match nobody and shared accounts without a reason.
Counts agree with the lists, per kind and per viewer, in one query whatever the size."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from tests.factories import SchoolFactory

from schoolkeep.access import duties
from schoolkeep.access.accounts.services import account_create, account_disable
from schoolkeep.access.coverage.services import dbs_exception_record
from schoolkeep.access.duties import provider
from schoolkeep.access.models import SystemAccount
from schoolkeep.assets.models import Asset, AssetGroup, Classification
from schoolkeep.duties.registry import provider_for
from schoolkeep.duties.tests.per_kind import assert_per_kind_agrees
from schoolkeep.duties.types import DUE, OVERDUE, DutyCounts
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Check, CheckType, Person, PersonKind
from schoolkeep.people.services import person_create, person_mark_leaver
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_archive, system_create
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
HORIZON = timedelta(days=14)
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _aged(model: Any, pk: int, added: int) -> None:
    model.objects.filter(pk=pk).update(created_at=NOW + timedelta(days=added))


def system(school: School, *, added: int = -30, **fields: Any) -> System:
    fields.setdefault("mfa_enabled", True)
    made = system_create(school=school, actor=None,
                         name=fields.pop("name", f"System {next(_numbers)}"), **fields)
    _aged(System, made.pk, added)
    made.refresh_from_db()
    return made


def person(school: School, *, dbs: bool = False, **fields: Any) -> Person:
    made = person_create(school=school, actor=None, full_name=f"Person {next(_numbers)}",
                         kind=PersonKind.SUPPORT, start_date=date(2020, 9, 1), **fields)
    if dbs:
        Check.objects.create(school=school, person=made, check_type=CheckType.ENHANCED_DBS,
                             status=Check.Status.DONE, done_on=date(2021, 1, 1))
    return made


def account(school: School, on: System, *, added: int = -10, **fields: Any) -> SystemAccount:
    fields.setdefault("mfa_on", True)
    if fields.get("is_shared"):
        fields.setdefault("display_name", "Office")
        if "responsible_person" not in fields:
            fields["responsible_person"] = person(school)
    made = account_create(school=school, actor=None, system=on,
                          username=fields.pop("username", f"user{next(_numbers)}"), **fields)
    _aged(SystemAccount, made.pk, added)
    made.refresh_from_db()
    return made


def sensitive_asset(school: School, *holders: System) -> Asset:
    group, _ = AssetGroup.objects.get_or_create(school=school, name_key="pupils",
                                                defaults={"name": "Pupils"})
    name = f"Asset {next(_numbers)}"
    made = Asset.objects.create(school=school, group=group, name=name, name_key=fold(name),
                                classification=Classification.OFFICIAL_SENSITIVE)
    made.systems.add(*holders)
    return made


def listed(school: School, kind: str = "") -> list[Any]:
    found = provider.for_school(school.pk, now=NOW, horizon=NOW + HORIZON)
    return [d for d in found if d.key.startswith(f"access.{kind}")]


def agree(school: School) -> list[Any]:
    found = listed(school)
    counts = provider.counts([school.pk], now=NOW, horizon=NOW + HORIZON).get(
        school.pk, DutyCounts())
    assert counts == DutyCounts(due=sum(d.status == DUE for d in found),
                                overdue=sum(d.status == OVERDUE for d in found))
    return found


def test_the_provider_is_registered_and_remote_access_is_listed_first():
    assert provider_for("access") is provider
    assert next(iter(provider.kind_labels)) == duties.REMOTE
    assert "assets.system-mfa-missing" not in provider_for("assets").kind_labels  # type: ignore[union-attr]


def test_remote_access_without_two_factor_is_a_high_risk_for_the_it_lead(personas):
    school = personas.school
    rdp = system(school, name="RDP", kind=System.Kind.REMOTE_ACCESS, mfa_required=True,
                 mfa_enabled=False, added=-5)
    by_method = system(school, name="Staff laptops", remote_access_method="Freedom2Roam",
                       mfa_enabled=False, added=0)
    system(school, name="RAV3", kind=System.Kind.REMOTE_ACCESS)  # two-factor on
    found = {d.subject: d for d in listed(school, "remote-access")}
    assert set(found) == {"RDP", "Staff laptops"}
    assert (found["RDP"].status, found["RDP"].due_at) == (OVERDUE, TODAY - timedelta(days=5))
    assert found["Staff laptops"].status == DUE
    duty = found["RDP"]
    assert duty.owner_role == Role.IT_LEAD and "ransomware" in duty.title
    assert duty.title.startswith("High risk") and "RDP" not in duty.title
    assert duty.key == f"{duties.REMOTE}:{rdp.public_id}"
    assert duty.permission == "systems.view" and str(rdp.public_id) in duty.url
    assert by_method.public_id
    assert listed(school, "system-two-factor") == []  # one fact, one duty
    agree(school)


def test_a_system_that_needs_two_factor_whatever_its_classification(personas):
    school = personas.school
    required = system(school, name="CPOMS", mfa_required=True, mfa_enabled=False)
    holder = system(school, name="SIMS", mfa_enabled=False)
    sensitive_asset(school, holder)
    system(school, name="Website", mfa_enabled=False)  # nothing asks for it
    gone = system(school, name="Old MIS", mfa_required=True, mfa_enabled=False)
    system_archive(system=gone, actor=None)
    found = {d.subject: d for d in listed(school, "system-two-factor")}
    assert set(found) == {"CPOMS", "SIMS"}
    assert found["CPOMS"].key == f"{duties.SYSTEM}:{required.public_id}"
    assert all(d.owner_role == Role.IT_LEAD and d.status == OVERDUE for d in found.values())
    assert "CPOMS" not in found["CPOMS"].title
    agree(school)


def test_administrators_without_dbs_are_the_siros(personas):
    school = personas.school
    sims = system(school, name="SIMS")
    checked = person(school, dbs=True)
    named = person(school)
    excepted = person(school)
    with_account = person(school)
    account_excused = person(school)
    left = person(school)
    sims.administrators.add(checked, named, excepted, left)
    dbs_exception_record(school=school, actor=None, person=excepted,
                         reason="Supplier's engineer, covered by its contract")
    account(school, sims, person=with_account, is_admin=True, added=-3)
    account(school, sims, person=account_excused, is_admin=True,
            dbs_exception="Capita support account, contract clause 7")
    account(school, sims, person=checked, is_admin=True)
    nobody = account(school, sims, username="capita-support", is_admin=True, is_shared=True,
                     shared_reason="Supplier support", added=-1)
    account(school, sims, username="itsupport", is_admin=True, is_shared=True,
            shared_reason="Supplier support", dbs_exception="Supplier's own staff, vetted")
    person_mark_leaver(person=left, actor=None, leaving_date=TODAY - timedelta(days=1))
    found = {d.key: d for d in listed(school, "admin-without-dbs")}
    assert set(found) == {f"{duties.ADMIN_DBS}:{named.public_id}",
                          f"{duties.ADMIN_DBS}:{with_account.public_id}",
                          f"{duties.ADMIN_DBS}:{nobody.public_id}"}
    duty = found[f"{duties.ADMIN_DBS}:{with_account.public_id}"]
    assert duty.subject == with_account.full_name
    assert with_account.full_name not in duty.title
    assert (duty.status, duty.due_at) == (OVERDUE, TODAY - timedelta(days=3))
    assert duty.owner_role == Role.SIRO and duty.permission == "access.view"
    # Named on a system added 30 days ago: an administrator since then.
    assert found[f"{duties.ADMIN_DBS}:{named.public_id}"].due_at == TODAY - timedelta(days=30)
    assert found[f"{duties.ADMIN_DBS}:{nobody.public_id}"].subject == "capita-support on SIMS"
    agree(school)


def test_account_duties_and_what_raises_none(personas):
    school = personas.school
    sims = system(school, name="SIMS")
    staff = person(school, dbs=True)
    no_mfa = account(school, sims, person=staff, is_admin=True, mfa_on=None)
    account(school, sims, person=staff, username="plain", mfa_on=False)  # not an admin
    unmatched = account(school, sims, username="jbloggs")
    shared = account(school, sims, username="office", is_shared=True)
    account(school, sims, username="reception", is_shared=True, shared_reason="Front desk PC")
    off = account(school, sims, username="old", is_admin=True, mfa_on=False)
    account_disable(account=off, actor=None)
    assert [d.key for d in listed(school, "admin-without-two-factor")] == [
        f"{duties.ADMIN_MFA}:{no_mfa.public_id}"]
    assert [d.key for d in listed(school, "unmatched-account")] == [
        f"{duties.UNMATCHED}:{unmatched.public_id}"]  # the disabled one raises nothing
    [shared_duty] = listed(school, "shared-without-reason")
    assert shared_duty.key == f"{duties.SHARED}:{shared.public_id}"
    assert shared_duty.subject == "office on SIMS" and "office" not in shared_duty.title
    assert all(d.owner_role == Role.IT_LEAD for d in listed(school, "unmatched")
               + listed(school, "shared") + listed(school, "admin-without-two"))
    agree(school)


def test_archived_systems_and_their_accounts_raise_nothing(personas):
    school = personas.school
    gone = system(school, kind=System.Kind.REMOTE_ACCESS, mfa_enabled=False)
    account(school, gone, username="nobody", is_admin=True, mfa_on=False)
    system_archive(system=gone, actor=None)
    assert agree(school) == []


def raise_each(school: School, n: int) -> None:
    for i in range(n):
        added = -1 - i % 4 if i % 2 else 0
        rdp = system(school, kind=System.Kind.REMOTE_ACCESS, mfa_enabled=False, added=added)
        system(school, mfa_required=True, mfa_enabled=False, added=added)
        admin = person(school)
        rdp.administrators.add(admin)
        account(school, rdp, person=admin, is_admin=True, mfa_on=False, added=added)
        account(school, rdp, added=added)
        account(school, rdp, is_shared=True, added=added)
        account(school, rdp, is_admin=True, added=added)
        account(school, rdp, is_shared=True, is_admin=True, added=added)
        # Two-factor on for the system: an administrator account without it is its own duty.
        office = system(school, added=added)
        account(school, office, person=admin, is_admin=True, mfa_on=False, added=added)


def test_counts_agree_with_the_lists_across_two_schools_and_per_kind(personas):
    other = SchoolFactory(slug="elmwood")
    raise_each(personas.school, 3)
    raise_each(other, 1)
    counts = provider.counts([personas.school.pk, other.pk], now=NOW, horizon=NOW + HORIZON)
    for school in (personas.school, other):
        found = listed(school)
        assert {d.key.split(":")[0] for d in found} == set(provider.kind_labels)
        assert counts[school.pk] == DutyCounts(
            due=sum(d.status == DUE for d in found),
            overdue=sum(d.status == OVERDUE for d in found))
    viewers = [personas.siro.pk, personas.it_lead.pk, personas.staff.pk]
    assert assert_per_kind_agrees(provider, personas.school.pk, NOW, viewers,
                                  horizon=HORIZON) > 20
    assert provider.counts([], now=NOW, horizon=NOW + HORIZON) == {}


@pytest.mark.parametrize("limit", [None, 2])
def test_counts_and_lists_keep_their_queries_at_3_and_40_rows(personas, limit,
                                                              django_assert_num_queries):
    school = personas.school
    raise_each(school, 3)
    # One query per kind, two for administrators without DBS (people, then accounts).
    lists = len(provider.kind_labels) + 1
    with django_assert_num_queries(1):
        provider.counts([school.pk], now=NOW, horizon=NOW + HORIZON)
    with django_assert_num_queries(lists):
        few = provider.for_school(school.pk, now=NOW, horizon=NOW + HORIZON, limit=limit)
    raise_each(school, 37)
    with django_assert_num_queries(1):
        provider.counts([school.pk], now=NOW, horizon=NOW + HORIZON)
    with django_assert_num_queries(lists):
        many = provider.for_school(school.pk, now=NOW, horizon=NOW + HORIZON, limit=limit)
    assert len(many) > len(few) if limit is None else len(many) == len(few)
