"""The demo's password change cycles at Larkspur, as its policy asks:

- SIMS and FMS, termly, for admin staff (Sofia Novak and Grace Adeyemi);
- USO, every 90 days, for the nominated contact (Grace Adeyemi).

Grace changed her SIMS and FMS passwords this term and her USO password 40 days ago. Sofia
last changed her SIMS password early in the term before last, so her SIMS change is overdue
(the ``passwords.change-due`` duty); her FMS change was made last week.

Written through the services (attestations included) after the accounts step (order 320).
A cycle already in place (same system and name) is left as it is, and attestations are added
only once, so running the step again changes nothing. People are fictional.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from schoolkeep.demo.builder import DemoContext, register_step
from schoolkeep.lib.text import fold
from schoolkeep.passwords.models import Cadence, PasswordChange, PasswordCycle
from schoolkeep.passwords.services import cycle_create, password_change_record
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.calendar import TermCalendar
from schoolkeep.tenancy.models import School

SCHOOL = "larkspur"
ADMIN_STAFF = ("Sofia Novak", "Grace Adeyemi")
CYCLES = [
    ("SIMS", "Admin staff", Cadence.TERMLY, None, ADMIN_STAFF),
    ("FMS", "Admin staff", Cadence.TERMLY, None, ADMIN_STAFF),
    ("USO", "Nominated contacts", Cadence.EVERY_N_DAYS, 90, ("Grace Adeyemi",)),
]


def _term_before_last_starts(school: School, today: date) -> date:
    """The first day of the term before last (a change then is due again by the end of the
    last term, which is over)."""
    calendar = TermCalendar(school)
    current = calendar.term_for_date(today)
    terms = sorted((t for year in range(current.academic_year - 2, current.academic_year + 1)
                    for t in calendar.terms(year)), key=lambda t: t.starts_on)
    index = next(i for i, t in enumerate(terms) if t.pk == current.pk)
    return terms[index - 2].starts_on


def build_demo_password_cycles(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    today = timezone.localdate()
    systems = {s.name_key: s for s in System.objects.filter(school=school,
                                                            archived_at__isnull=True)}
    people = {p.name_key: p for p in Person.objects.filter(school=school)}
    made: dict[str, tuple[System, list[Person]]] = {}
    for system_name, name, cadence, every_days, holder_names in CYCLES:
        system = systems.get(fold(system_name))
        holders = [people[fold(n)] for n in holder_names if fold(n) in people]
        if system is None or not holders:
            continue
        made[system_name] = (system, holders)
        if PasswordCycle.objects.filter(school=school, system=system, name=name,
                                        archived_at__isnull=True).exists():
            continue
        cycle_create(school=school, actor=None, system=system, name=name, cadence=cadence,
                     every_days=every_days, holders=holders,
                     starts_on=today - timedelta(days=365))
    if PasswordChange.objects.filter(school=school).exists():
        return
    long_ago = max(_term_before_last_starts(school, today) + timedelta(days=7),
                   today - timedelta(days=360))
    changes = [("SIMS", "Sofia Novak", long_ago),
               ("SIMS", "Grace Adeyemi", today - timedelta(days=3)),
               ("FMS", "Sofia Novak", today - timedelta(days=7)),
               ("FMS", "Grace Adeyemi", today - timedelta(days=3)),
               ("USO", "Grace Adeyemi", today - timedelta(days=40))]
    for system_name, person_name, day in changes:
        if system_name not in made:
            continue
        system, holders = made[system_name]
        person = next((p for p in holders if p.name_key == fold(person_name)), None)
        if person is not None:
            password_change_record(school=school, system=system, person=person,
                                   changed_on=day, via=PasswordChange.Via.DASHBOARD,
                                   actor=None)


def register() -> None:
    register_step("passwords", build_demo_password_cycles, order=330)  # after accounts (320)
