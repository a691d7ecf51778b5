"""The demo's leavers, starters and movers at Larkspur, so that each leavers' duty shows:

- Peter Gray, the Year 6 teacher who left 60 days ago: his leaver checklist (started by the
  people step when his leaving date was set). His SIMS account is still enabled (the
  accounts step); he is still one of SIMS's administrators and holds the SIMS admin staff
  password cycle, and nobody has taken them over yet (named here, through the registers'
  services, when nothing of his exists). An asset he owns comes from the assets step, when
  it gives him one;
- Daniel Price, who started ten days ago: his starter checklist;
- Mateo Silva, a teaching assistant now a higher level teaching assistant: his mover
  checklist, to review his accounts.

Running the step again changes nothing. People are fictional.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.demo.builder import DemoContext, register_step
from schoolkeep.lib.text import fold
from schoolkeep.people.hooks import person_change
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_update

SCHOOL = "larkspur"
LEAVER = "Peter Gray"
STARTERS = ["Daniel Price"]
MOVER = ("Mateo Silva", "Higher level teaching assistant")
LEAVER_SYSTEM = "SIMS"


def _checklists(school: Any, person: Person, *, created: bool) -> None:
    """The checklist the people hook opens, for a person made before it was registered."""
    from schoolkeep.leavers.models import Checklist
    from schoolkeep.leavers.services import checklist_for_change

    kind = Checklist.Kind.LEAVER if person.leaving_date else Checklist.Kind.STARTER
    if Checklist.objects.filter(person=person, kind=kind).exists():
        return
    new = {"leaving_date": person.leaving_date, "start_date": person.start_date,
           "job_title": person.job_title}
    old = None if created else {**new, "leaving_date": None}
    checklist_for_change(school=school, actor=None, change=person_change(
        person_id=person.pk, school_id=school.pk, old=old, new=new))


def _leaver_records(school: Any, person: Person) -> None:
    """What Peter Gray still holds: a system and a password cycle."""
    from schoolkeep.passwords.models import PasswordCycle
    from schoolkeep.passwords.services import cycle_update
    from schoolkeep.systems.models import System
    from schoolkeep.systems.services import system_update

    system = System.objects.filter(school=school, name_key=fold(LEAVER_SYSTEM),
                                   archived_at__isnull=True).first()
    if system is None:
        return
    if not System.objects.filter(administrators=person).exists():
        system_update(system=system, actor=None, version=system.version,
                      administrators=[*system.administrators.all(), person])
    cycle = PasswordCycle.objects.filter(school=school, system=system,
                                         archived_at__isnull=True).order_by("pk").first()
    if cycle is not None and not PasswordCycle.objects.filter(holders=person).exists():
        cycle_update(cycle=cycle, actor=None, version=cycle.version,
                     holders=[*cycle.holders.all(), person])


def build_demo_leavers(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    people = {p.name_key: p for p in Person.objects.filter(school=school)}
    leaver = people.get(fold(LEAVER))
    if leaver is not None and leaver.leaving_date is not None:
        _checklists(school, leaver, created=False)
        _leaver_records(school, leaver)
    for name in STARTERS:
        if (starter := people.get(fold(name))) is not None:
            _checklists(school, starter, created=True)
    mover_name, new_post = MOVER
    mover = people.get(fold(mover_name))
    if mover is not None and mover.job_title != new_post:
        person_update(person=mover, actor=None, version=mover.version, job_title=new_post)


def register() -> None:
    register_step("leavers", build_demo_leavers, order=350)
