"""Records the password cycle tests share: systems, people, labels and cycles."""

from __future__ import annotations

from datetime import date

from schoolkeep.assets.models import AccessLabel
from schoolkeep.lib.text import fold
from schoolkeep.passwords.models import PasswordChange, PasswordCycle
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School


def system(school: School, name: str = "SIMS", kind: str = "mis") -> System:
    return System.objects.create(school=school, name=name, name_key=fold(name), kind=kind)


def person(school: School, name: str, *, user=None, leaving_date: date | None = None) -> Person:
    return Person.objects.create(school=school, full_name=name, name_key=fold(name),
                                 kind=PersonKind.SUPPORT, user=user, leaving_date=leaving_date,
                                 email=f"{fold(name).replace(' ', '.')}@example.org")


def label(school: School, text: str, members=()) -> AccessLabel:
    made = AccessLabel.objects.create(school=school, label=text, label_key=fold(text))
    made.members.set(list(members))
    return made


def cycle(school: School, on: System, *, holders=(), cadence: str = "termly",
          every_days: int | None = None, holders_label: AccessLabel | None = None,
          starts_on: date = date(2026, 9, 1), name: str = "Admin staff") -> PasswordCycle:
    made = PasswordCycle.objects.create(school=school, system=on, name=name, cadence=cadence,
                                        every_days=every_days, holders_label=holders_label,
                                        starts_on=starts_on)
    made.holders.set(list(holders))
    return made


def changed(school: School, on: System, who: Person, day: date) -> PasswordChange:
    return PasswordChange.objects.create(school=school, system=on, person=who, changed_on=day,
                                         via="dashboard", recorded_by_label=who.full_name)
