"""The demo's password cycles: Larkspur's SIMS, FMS and USO cycles, a holder overdue on
SIMS (the change-due duty shows), and building again changes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from schoolkeep.duties.types import HORIZON
from schoolkeep.passwords.duties import provider
from schoolkeep.passwords.models import PasswordChange, PasswordCycle
from schoolkeep.passwords.selectors import holder_dues
from schoolkeep.tenancy.models import School

# Each test finds the demo built once (tests/fixtures_demo.py) and rolls back its own writes.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def build() -> None:
    call_command("demo", "--no-logins", stdout=StringIO(), stderr=StringIO())


def test_the_demo_has_the_cycles_and_one_overdue_holder_on_sims():
    school = School.objects.get(slug="larkspur")
    cycles = {(c.system.name, c.name, c.cadence, c.every_days)
              for c in PasswordCycle.objects.filter(school=school).select_related("system")}
    assert cycles == {("SIMS", "Admin staff", "termly", None),
                      ("FMS", "Admin staff", "termly", None),
                      ("USO", "Nominated contacts", "every_n_days", 90)}
    overdue = [(d.system.name, d.person.full_name)
               for d in holder_dues(school=school, today=timezone.localdate()) if d.overdue]
    assert overdue == [("SIMS", "Sofia Novak")]
    now = timezone.now()
    titles = [d.title for d in provider.for_school(school.pk, now=now, horizon=now + HORIZON)]
    assert "Change the SIMS password" in titles
    changes = PasswordChange.objects.filter(school=school).count()
    build()
    assert PasswordChange.objects.filter(school=school).count() == changes
    assert PasswordCycle.objects.filter(school=school).count() == 3
