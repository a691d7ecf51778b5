"""Duties of the acceptable use policies: one per audience with people who have not signed
(the business manager's, the SIRO's without one), one per member who has not signed their
own; due 14 days after publication; titles with numbers, never names; counts that agree
with the lists across schools in one query."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from tests.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.personas import Personas

from schoolkeep.agreements.aups.duties import MODULE, unsigned_title
from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, SigningMethod
from schoolkeep.agreements.aups.services import (
    aup_sign_in_app,
    aups_set_up,
    draft_save,
    version_publish,
)
from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.agreements.signing.services import signature_create
from schoolkeep.duties import registry
from schoolkeep.duties.selectors import duties_for_school, duties_for_user
from schoolkeep.duties.types import DUE, OVERDUE, DutyCounts
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
HORIZON = timedelta(days=14)
# Members of the personas' school who sign the staff AUP by their roles.
STAFF_ROLE_PERSONAS = ["siro", "dpo", "iao", "business_manager", "it_lead", "dsl", "hr_admin",
                       "data_admin", "staff"]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def provider() -> Any:
    (found,) = [p for p in registry.providers() if p.module == MODULE]
    return found


def listed(school: School, kind: str = "") -> list[Any]:
    duties = provider().for_school(school.pk, now=NOW, horizon=NOW + HORIZON)
    return [d for d in duties if d.key.startswith(f"{MODULE}.{kind}")]


def agree(school: School, kind: str = "") -> list[Any]:
    duties = listed(school)
    expected = DutyCounts(due=sum(d.status == DUE for d in duties),
                          overdue=sum(d.status == OVERDUE for d in duties))
    counted = provider().counts([school.pk], now=NOW, horizon=NOW + HORIZON).get(
        school.pk, DutyCounts())
    assert counted == expected
    return [d for d in duties if d.key.startswith(f"{MODULE}.{kind}")]


def set_up(school: School, manager: Any) -> dict[str, Aup]:
    return {aup.audience: aup for aup in aups_set_up(school=school, actor=manager)}


def published(days_ago: int) -> datetime:
    """When ``publish`` publishes: ``days_ago`` days and an hour before NOW."""
    return NOW - timedelta(days=days_ago, hours=1)


def publish(aup: Aup, manager: Any, *, days_ago: int = 0, everyone: bool = True,
            text: str = "") -> Aup:
    with time_machine.travel(published(days_ago), tick=False):
        if text:
            draft_save(aup=aup, actor=manager, text=text)
        draft = AupVersion.objects.get(aup=aup, published_at__isnull=True)
        version_publish(draft=draft, actor=manager, requires_everyone_to_sign=everyone)
    aup.refresh_from_db()
    return aup


def person(school: School, name: str, kind: str = "support", **fields: Any) -> Person:
    return Person.objects.create(school=school, full_name=name, name_key=fold(name),
                                 kind=kind, **fields)


def sign(aup: Aup, **signer: Any) -> None:
    signature_create(aup=aup, method=SigningMethod.IN_APP, typed_name="Some Signer",
                     **signer)


@pytest.fixture
def aups(personas: Personas) -> dict[str, Aup]:
    return set_up(personas.school, personas.business_manager)


def unsigned(school: School) -> dict[str, Any]:
    return {d.subject: d for d in agree(school, "unsigned")}


def members(school: School) -> dict[int, Any]:
    return {d.owner_user_id: d for d in agree(school, "member-unsigned")}


# ---------------------------------------------------------------------------- per audience


def test_the_provider_is_registered() -> None:
    assert registry.label_for(MODULE) == "Acceptable use policies"
    assert registry.view_permission_for(MODULE) == "aups.records"


def test_unpublished_policies_raise_nothing(personas, aups) -> None:
    person(personas.school, "Ada Lovelace")
    assert agree(personas.school) == []


def test_unsigned_staff_are_counted_without_names(personas, aups) -> None:
    staff = publish(aups[Audience.STAFF], personas.business_manager, days_ago=3)
    ada = person(personas.school, "Ada Lovelace")
    person(personas.school, "Grace Hopper", kind="agency")
    person(personas.school, "Alan Turing", kind="teaching")
    person(personas.school, "Off Network", kind="contractor", uses_school_network=False)
    person(personas.school, "Long Gone", leaving_date=TODAY - timedelta(days=1))
    person(personas.school, "Jo Governor", kind="governor")
    sign(staff, person=ada)
    duty = unsigned(personas.school)[staff.title]
    assert duty.title == "2 staff have not signed the acceptable use policy"
    assert "Grace" not in duty.title and "Alan" not in duty.title
    assert duty.due_at == published(3) + timedelta(days=14) and duty.status == DUE
    assert duty.url == reverse("agreements:aup-detail", args=[staff.public_id])
    assert duty.owner_role == Role.BUSINESS_MANAGER
    assert duty.key == f"aups.unsigned:{staff.public_id}"


def test_listed_from_publication_and_overdue_after_fourteen_days(personas, aups) -> None:
    staff = publish(aups[Audience.STAFF], personas.business_manager)
    person(personas.school, "Ada Lovelace")
    duty = unsigned(personas.school)[staff.title]
    assert (duty.due_at, duty.status) == (published(0) + timedelta(days=14), DUE)
    with time_machine.travel(NOW - timedelta(days=14, minutes=1), tick=False):
        draft_save(aup=staff, actor=personas.business_manager, text="Version two.")
        version_publish(draft=AupVersion.objects.get(aup=staff, published_at__isnull=True),
                        actor=personas.business_manager, requires_everyone_to_sign=True)
    # Publication dates only go forwards in real life; here the later version is older.
    staff.refresh_from_db()
    duty = unsigned(personas.school)[staff.title]
    assert (duty.due_at, duty.status) == (NOW - timedelta(minutes=1), OVERDUE)


def test_a_minor_version_keeps_the_due_date_and_a_version_for_everyone_moves_it(
        personas, aups) -> None:
    staff = publish(aups[Audience.STAFF], personas.business_manager, days_ago=20)
    ada = person(personas.school, "Ada Lovelace")
    person(personas.school, "Grace Hopper")
    sign(staff, person=ada)
    publish(staff, personas.business_manager, days_ago=2, everyone=False, text="Typo fixed.")
    duty = unsigned(personas.school)[staff.title]
    assert duty.title == "1 member of staff has not signed the acceptable use policy"
    assert duty.status == OVERDUE and duty.due_at == published(20) + timedelta(days=14)
    publish(staff, personas.business_manager, days_ago=1, text="New rules for everyone.")
    duty = unsigned(personas.school)[staff.title]
    assert duty.title == "2 staff have not signed the acceptable use policy"
    assert duty.status == DUE and duty.due_at == published(1) + timedelta(days=14)


def test_everyone_signed_raises_no_audience_duty(personas, aups) -> None:
    staff = publish(aups[Audience.STAFF], personas.business_manager, days_ago=30)
    sign(staff, person=person(personas.school, "Ada Lovelace"))
    assert staff.title not in unsigned(personas.school)


def test_governors_and_parents(personas, aups) -> None:
    governors = publish(aups[Audience.GOVERNORS], personas.business_manager)
    parents = publish(aups[Audience.PARENTS], personas.business_manager)
    visitors = publish(aups[Audience.VISITORS], personas.business_manager, days_ago=40)
    person(personas.school, "Jo Governor", kind="governor")
    person(personas.school, "Tam Trustee", kind="trustee")
    for name in ("Pat Parent", "Sam Carer"):
        parent_create(school=personas.school, actor=personas.business_manager, full_name=name)
    signed = parent_create(school=personas.school, actor=personas.business_manager,
                           full_name="Lee Signed")
    sign(parents, parent=signed)
    duties = unsigned(personas.school)
    assert duties[governors.title].title == "2 governors have not signed the acceptable use policy"
    assert duties[parents.title].title == (
        "2 parents and carers have not signed the acceptable use policy")
    assert visitors.title not in duties  # visitors have no list


def test_titles_for_one() -> None:
    assert unsigned_title("governors", 1) == "1 governor has not signed the acceptable use policy"
    assert unsigned_title("parents", 1) == (
        "1 parent or carer has not signed the acceptable use policy")


def test_the_siro_owns_it_without_a_business_manager(personas) -> None:
    school = SchoolFactory(slug="elmwood")
    siro = UserFactory(email="siro@elmwood.example")
    MembershipFactory(user=siro, school=school, roles=[Role.SIRO])
    staff = publish(set_up(school, siro)[Audience.STAFF], siro)
    person(school, "Ada Lovelace")
    (duty,) = [d for d in duties_for_school(school, NOW) if d.key.startswith("aups.unsigned")]
    assert duty.owner_user_ids == (siro.pk,)
    assert "Business manager" in duty.owner_label
    assert staff.title == duty.subject


# ---------------------------------------------------------------------------- members


def test_each_member_who_has_not_signed_has_a_duty_of_their_own(personas, aups) -> None:
    staff = publish(aups[Audience.STAFF], personas.business_manager, days_ago=1)
    duties = members(personas.school)
    assert set(duties) == {getattr(personas, name).pk for name in STAFF_ROLE_PERSONAS}
    duty = duties[personas.staff.pk]
    assert duty.title == "Sign the acceptable use policy"
    assert duty.url == reverse("agreements:aup-sign", args=[staff.public_id])
    assert duty.oversight_url == reverse("agreements:aup-detail", args=[staff.public_id])
    assert duty.due_at == published(1) + timedelta(days=14) and duty.status == DUE
    assert duty.owner_label == personas.staff.full_name
    # The governor signs the governors' AUP (not published), the auditor none.
    assert personas.governor.pk not in duties and personas.auditor.pk not in duties
    mine = [d for d in duties_for_user(personas.staff, personas.school, NOW)
            if d.module == MODULE]
    assert [d.key for d in mine] == [duty.key]


def test_signing_in_the_application_ends_the_members_duty(personas, aups) -> None:
    staff = publish(aups[Audience.STAFF], personas.business_manager, days_ago=1)
    aup_sign_in_app(aup=staff, user=personas.staff, typed_name="Staff Person", agreed=True)
    assert personas.staff.pk not in members(personas.school)
    assert personas.dpo.pk in members(personas.school)


def test_the_governors_aup_for_the_governor(personas, aups) -> None:
    governors = publish(aups[Audience.GOVERNORS], personas.business_manager, days_ago=20)
    duties = members(personas.school)
    assert set(duties) == {personas.governor.pk}
    assert duties[personas.governor.pk].status == OVERDUE
    aup_sign_in_app(aup=governors, user=personas.governor, typed_name="Gov Person",
                    agreed=True)
    assert members(personas.school) == {}


def test_a_person_record_decides_over_roles(personas, aups) -> None:
    governors = publish(aups[Audience.GOVERNORS], personas.business_manager)
    publish(aups[Audience.STAFF], personas.business_manager)
    # The DPO's person record is a governor's: they sign the governors' AUP.
    record = person(personas.school, "Dee Pio", kind="governor", user=personas.dpo)
    duties = members(personas.school)
    assert duties[personas.dpo.pk].url == reverse("agreements:aup-sign",
                                                  args=[governors.public_id])
    sign(governors, person=record)
    assert personas.dpo.pk not in members(personas.school)
    # A signature as the account alone does not count for a member with a person record.
    sign(aups[Audience.STAFF], user=personas.hr_admin)
    person(personas.school, "Hal Admin", user=personas.hr_admin)
    assert personas.hr_admin.pk in members(personas.school)


@pytest.mark.parametrize("fields", [{"uses_school_network": False},
                                    {"leaving_date": TODAY}])
def test_a_person_off_the_list_has_no_duty(personas, aups, fields) -> None:
    publish(aups[Audience.STAFF], personas.business_manager)
    person(personas.school, "Sue Staff", user=personas.staff, **fields)
    assert personas.staff.pk not in members(personas.school)


def test_inactive_members_have_no_duty(personas, aups) -> None:
    publish(aups[Audience.STAFF], personas.business_manager)
    personas.staff.memberships.update(is_active=False)
    assert personas.staff.pk not in members(personas.school)


# ---------------------------------------------------------------------------- figures


def _raise_many(school: School, manager: Any, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        person(school, f"Staff {n:02d}")
        person(school, f"Governor {n:02d}", kind="governor")
        parent_create(school=school, actor=manager, full_name=f"Parent {n:02d}")
        member = UserFactory()
        MembershipFactory(user=member, school=school, roles=[Role.STAFF])


def test_counts_agree_across_schools_in_one_query_and_lists_in_two(
        personas, aups, django_assert_num_queries) -> None:
    other = SchoolFactory(slug="elmwood")
    siro = UserFactory(email="siro@elmwood.example")
    MembershipFactory(user=siro, school=other, roles=[Role.SIRO])
    other_aups = set_up(other, siro)
    for audience in (Audience.STAFF, Audience.GOVERNORS, Audience.PARENTS):
        publish(aups[audience], personas.business_manager, days_ago=20)
        publish(other_aups[audience], siro, days_ago=5)
    _raise_many(personas.school, personas.business_manager, 2)
    _raise_many(other, siro, 1)
    ids = [personas.school.pk, other.pk]
    with django_assert_num_queries(1):
        provider().counts(ids, now=NOW, horizon=NOW + HORIZON)
    with django_assert_num_queries(2):
        few = provider().for_school(personas.school.pk, now=NOW, horizon=NOW + HORIZON)
    _raise_many(personas.school, personas.business_manager, 20, start=2)
    _raise_many(other, siro, 6, start=1)
    with django_assert_num_queries(1):
        counts = provider().counts(ids, now=NOW, horizon=NOW + HORIZON)
    with django_assert_num_queries(2):
        many = provider().for_school(personas.school.pk, now=NOW, horizon=NOW + HORIZON)
    assert len(many) > len(few)
    for school in (personas.school, other):
        duties = listed(school)
        assert counts[school.pk] == DutyCounts(
            due=sum(d.status == DUE for d in duties),
            overdue=sum(d.status == OVERDUE for d in duties))
    assert counts[personas.school.pk].overdue == 3 + len(STAFF_ROLE_PERSONAS) + 1 + 22
    assert counts[other.pk] == DutyCounts(due=3 + 1 + 7, overdue=0)


def test_kept_counts_put_in_the_day(personas, aups) -> None:
    """The counts run from SQL kept per schools (``duties.compiled``), the local day put in:
    a leaver drops out of the count after their leaving date, as in SQL compiled afresh,
    and the later day compiles nothing more."""
    from schoolkeep.duties import compiled

    publish(aups[Audience.STAFF], personas.business_manager, days_ago=3)
    person(personas.school, "Leaving Soon", leaving_date=TODAY + timedelta(days=1))
    moments = [NOW, NOW + timedelta(days=2)]

    def counted(moment: datetime) -> DutyCounts:
        return provider().counts([personas.school.pk], now=moment,
                                 horizon=moment + HORIZON)[personas.school.pk]

    fresh = []
    for moment in moments:
        compiled.forget()
        fresh.append(counted(moment))
    compiled.forget()
    assert [counted(moment) for moment in moments] == fresh
    assert [key[2][0] for key in compiled._kept] == ["aups.counts"]  # one, kept for both days
    assert fresh[0] != fresh[1]  # the leaver counted on the first day only
