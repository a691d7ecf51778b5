"""The demo raises each leavers' duty at Larkspur (Peter Gray's enabled account, the asset he
still owns, his administration of SIMS and his password cycle; Kieran Walsh, a starter with
no SIMS account yet; a mover), each to its owner, and building it again changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from schoolkeep.accounts.models import User
from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.leavers import duties
from schoolkeep.leavers.models import Checklist
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import School

# Each test finds the demo built once (tests/fixtures_demo.py) and rolls back its own writes.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def build() -> None:
    call_command("demo", "--no-logins", stdout=StringIO(), stderr=StringIO())


def test_the_demo_raises_each_leavers_duty() -> None:
    larkspur = School.objects.get(slug="larkspur")
    found = [d for d in duties_for_school(larkspur, timezone.now()) if d.module == "leavers"]
    kinds = {duty.key.split(":", 1)[0] for duty in found}
    assert kinds == set(duties.KINDS)  # each of them, the hand-over and starter's too
    assert all("Peter" not in duty.title and "Kieran" not in duty.title for duty in found)
    by_kind = {duty.key.split(":", 1)[0]: duty for duty in found}
    assert "Staff personnel files" in by_kind[duties.ASSET].subject
    assert "Kieran Walsh" in by_kind[duties.STARTER].subject
    business_manager = User.objects.get(email="business.manager@larkspur.example")
    it_lead = User.objects.get(email="it.lead@larkspur.example")
    assert by_kind[duties.ASSET].owner_user_ids == (business_manager.pk,)
    assert by_kind[duties.STARTER].owner_user_ids == (it_lead.pk,)
    kieran = Person.objects.get(school=larkspur, full_name="Kieran Walsh")
    assert kieran.user is not None and kieran.user.email == "data.admin@larkspur.example"
    checklists = {(c.person.full_name, c.kind) for c in Checklist.objects.filter(
        school=larkspur).select_related("person")}
    assert {("Peter Gray", "leaver"), ("Daniel Price", "starter"),
            ("Mateo Silva", "mover"), ("Kieran Walsh", "starter")} <= checklists
    # He used the office's shared SIMS account: its change is its responsible person's duty.
    shared = [d for d in duties_for_school(larkspur, timezone.now())
              if d.key.startswith("passwords.shared-change-due:")]
    sofia = User.objects.get(email="hr.admin@larkspur.example")
    assert [d.owner_user_ids for d in shared] == [(sofia.pk,)]
    before = (Checklist.objects.count(), len(found))
    build()
    again = [d for d in duties_for_school(larkspur, timezone.now()) if d.module == "leavers"]
    assert (Checklist.objects.count(), len(again)) == before
