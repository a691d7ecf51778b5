"""The demo's leavers, starters and movers at Larkspur, so that each leavers' duty shows:

- Peter Gray, the Year 6 teacher who left 60 days ago: his leaver checklist (started by the
  people step when his leaving date was set). His SIMS account is still enabled (the
  accounts step); he is still one of SIMS's administrators and holds the SIMS admin staff
  password cycle, and nobody has taken them over yet (named here, through the registers'
  services, when nothing of his exists). He still owns the "Staff personnel files" asset
  (given to him here, through the owners' service, as when he kept them for the office), so
  the business manager has a hand-over to do; he used the office's shared SIMS account, so its
  password must be changed (a duty of the account's responsible person);
- Daniel Price, who started ten days ago: his starter checklist;
- Kieran Walsh, the data administrator, who started twelve days ago (added here, linked to
  the data administrator's Schoolkeep account, with his checks done): his starter checklist,
  and as he holds the "Pupil Data Administrator" access label of the pupil information kept
  in SIMS but has no SIMS account yet, the IT lead has a starter's account to set up;
- Mateo Silva, a teaching assistant now a higher level teaching assistant: his mover
  checklist, to review his accounts.

Running the step again changes nothing. People are fictional.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

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
# An asset no other demo test pins, for the hand-over duty (leavers.hand-over-asset).
LEAVER_ASSET = "Staff personnel files"
# The starter who needs an account (leavers.starter-accounts): a demo member with no person
# yet, and the access label (of an asset SIMS holds) that calls for the account.
NEW_STARTER = "Kieran Walsh"
NEW_STARTER_MEMBER = "larkspur.data_admin"
NEW_STARTER_DAYS_AGO = 12
NEW_STARTER_LABEL = "Pupil Data Administrator"


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


def _shared_password(school: Any, person: Person) -> None:
    """He used the office's shared SIMS account (the accounts step, after his leaving date was
    set by the people step): its password must be changed, as when his leaving date is set
    once the account exists. Idempotent."""
    from schoolkeep.passwords.events.services import forced_changes_for_leaver

    forced_changes_for_leaver(school=school, person=person, actor=None)


def _leaver_asset(school: Any, person: Person) -> None:
    """Peter Gray still owns an asset: its hand-over is outstanding."""
    from schoolkeep.assets.models import Asset
    from schoolkeep.assets.owners.services import OwnerChoice, asset_owners_choose
    from schoolkeep.leavers.models import StepRecord

    if Asset.objects.filter(school=school, owner_person=person).exists() or \
            StepRecord.objects.filter(checklist__person=person,
                                      kind=StepRecord.Kind.HAND_OVER_ASSET).exists():
        return
    asset = Asset.objects.filter(school=school, name_key=fold(LEAVER_ASSET),
                                 archived_at__isnull=True).first()
    if asset is None:
        return
    asset_owners_choose(school=school, actor=None, choices=[
        OwnerChoice(asset_id=asset.pk, version=asset.version, person=person)])


def _new_starter(ctx: DemoContext, school: Any, people: dict[str, Person]) -> None:
    """Kieran Walsh, the data administrator, started twelve days ago: the people hook opens
    his starter checklist; the access label of SIMS's pupil data lists his membership."""
    from schoolkeep.assets.models import AccessLabel
    from schoolkeep.assets.services import label_update
    from schoolkeep.people.demo import DemoPerson, _add_person
    from schoolkeep.people.models import PersonKind
    from schoolkeep.tenancy.models import Membership

    user = ctx.users.get(NEW_STARTER_MEMBER)
    label = AccessLabel.objects.filter(school=school,
                                       label_key=fold(NEW_STARTER_LABEL)).first()
    if user is None or label is None or fold(NEW_STARTER) in people:
        return
    if Person.objects.filter(school=school, user=user).exists():
        return  # the member has a person already: they are not a new starter
    spec = DemoPerson(NEW_STARTER, PersonKind.SUPPORT, "Data administrator",
                      NEW_STARTER_DAYS_AGO, NEW_STARTER_MEMBER,
                      fields={"staff_number": "L010"})
    _add_person(ctx, school, spec, 13, timezone.localdate())  # after the 12 of Larkspur
    membership = Membership.objects.get(school=school, user=user, is_active=True)
    label_update(label=label, actor=None, label_text=label.label,
                 members=[*label.members.all(), membership])


def build_demo_leavers(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    people = {p.name_key: p for p in Person.objects.filter(school=school)}
    leaver = people.get(fold(LEAVER))
    if leaver is not None and leaver.leaving_date is not None:
        _checklists(school, leaver, created=False)
        _leaver_records(school, leaver)
        _leaver_asset(school, leaver)
        _shared_password(school, leaver)
    for name in STARTERS:
        if (starter := people.get(fold(name))) is not None:
            _checklists(school, starter, created=True)
    _new_starter(ctx, school, people)
    mover_name, new_post = MOVER
    mover = people.get(fold(mover_name))
    if mover is not None and mover.job_title != new_post:
        person_update(person=mover, actor=None, version=mover.version, job_title=new_post)


def register() -> None:
    register_step("leavers", build_demo_leavers, order=350)
