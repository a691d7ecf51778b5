"""A change of a member's roles opens or updates a mover checklist for their person record
(review15 #5): registered from leavers' registration on the tenancy hook."""

from __future__ import annotations

from django.utils import timezone
from tests.personas import Personas

from schoolkeep.access.accounts.services import account_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.duties.types import HORIZON
from schoolkeep.leavers import duties
from schoolkeep.leavers.models import Checklist
from schoolkeep.leavers.services import on_member_roles_changed
from schoolkeep.leavers.tests.records import make_person
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_update
from schoolkeep.systems.services import system_create
from schoolkeep.tenancy import services as tenancy_services
from schoolkeep.tenancy.models import Membership


def test_the_hook_is_registered() -> None:
    assert on_member_roles_changed in tenancy_services._member_roles_changed_hooks


def test_a_change_of_role_opens_a_mover_checklist(personas: Personas) -> None:
    school = personas.school
    sofia = make_person(school, "Sofia Novak", job_title="Teacher")
    Person.objects.filter(pk=sofia.pk).update(user=personas.staff)
    account_create(school=school, actor=None,
                   system=system_create(school=school, actor=None, name="SIMS"),
                   username="snovak", person=sofia)
    membership = Membership.objects.get(school=school, user=personas.staff)
    tenancy_services.membership_set_roles(membership=membership, roles=["staff", "it_lead"],
                                          actor=personas.siro)
    checklist = Checklist.objects.get(person=sofia, kind=Checklist.Kind.MOVER)
    assert checklist.change == "Roles: Staff → IT lead, Staff"
    assert AuditEvent.objects.filter(action="leavers.checklist.opened",
                                     target_id=str(checklist.public_id)).count() == 1
    now = timezone.now()
    found = duties.LeaverDuties().for_school(school.pk, now=now, horizon=now + HORIZON)
    assert [d.key.split(":", 1)[0] for d in found] == [duties.MOVER]
    assert "Sofia" not in found[0].title

    # A change of post and another of roles before the review: one checklist, both told.
    sofia.refresh_from_db()
    person_update(person=sofia, actor=None, version=sofia.version, job_title="Head of year")
    membership.refresh_from_db()
    tenancy_services.membership_set_roles(membership=membership, roles=["it_lead"],
                                          actor=personas.siro)
    checklist.refresh_from_db()
    assert Checklist.objects.filter(person=sofia, kind=Checklist.Kind.MOVER).count() == 1
    assert checklist.change == "Roles: Staff → IT lead; Teacher → Head of year"


def test_a_member_without_a_person_record_changes_nothing(personas: Personas) -> None:
    membership = Membership.objects.get(school=personas.school, user=personas.staff)
    tenancy_services.membership_set_roles(membership=membership, roles=["staff", "governor"],
                                          actor=personas.siro)
    assert not Checklist.objects.exists()
