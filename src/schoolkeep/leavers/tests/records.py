"""Records the leavers tests share: a leaver with an account, an asset, a system they
administer and a password cycle they hold, all made through the registers' own services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from tests.personas import Personas

from schoolkeep.access.accounts.services import account_create
from schoolkeep.access.models import SystemAccount
from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.leavers.models import Checklist
from schoolkeep.lib.text import fold
from schoolkeep.passwords.models import Cadence, PasswordCycle
from schoolkeep.passwords.services import cycle_create
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create, person_mark_leaver
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_create
from schoolkeep.tenancy.models import School


def make_person(school: School, full_name: str, **fields: Any) -> Person:
    return person_create(school=school, actor=None, full_name=full_name, kind="support",
                         **fields)


def make_asset(school: School, name: str, owner: Person, *systems: System) -> Asset:
    group, _ = AssetGroup.objects.get_or_create(school=school, name_key=fold("Pupil data"),
                                                defaults={"name": "Pupil data"})
    asset = Asset.objects.create(school=school, group=group, name=name, name_key=fold(name),
                                 owner_person=owner)
    asset.systems.set(systems)
    return asset


@dataclass
class Leaver:
    person: Person
    system: System
    account: SystemAccount
    asset: Asset
    cycle: PasswordCycle
    colleague: Person
    checklist: Checklist


def make_leaver(personas: Personas, *, leaves_on: date | None = None,
                name: str = "Peter Gray", system_name: str = "SIMS") -> Leaver:
    school = personas.school
    today = timezone.localdate()
    person = make_person(school, name, start_date=today - timedelta(days=900))
    colleague = make_person(school, f"Colleague of {name}",
                            start_date=today - timedelta(days=900))
    system = system_create(school=school, actor=None, name=system_name,
                           administrators=[person])
    account = account_create(school=school, actor=None, system=system,
                             username=fold(name).replace(" ", "."), person=person,
                             is_admin=True)
    asset = make_asset(school, f"Pupil records ({system_name})", person, system)
    cycle = cycle_create(school=school, actor=None, system=system, name="Admin staff",
                         cadence=Cadence.TERMLY, holders=[person],
                         starts_on=today - timedelta(days=400))
    person_mark_leaver(person=person, actor=None,
                       leaving_date=leaves_on or today - timedelta(days=1))
    checklist = Checklist.objects.get(person=person, kind=Checklist.Kind.LEAVER)
    return Leaver(person=Person.objects.get(pk=person.pk), system=system, account=account,
                  asset=asset, cycle=cycle, colleague=colleague, checklist=checklist)
