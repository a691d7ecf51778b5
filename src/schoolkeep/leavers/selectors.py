"""What a checklist still asks for, read live from the registers, and the lists of
checklists.

A leaver's steps: their accounts not yet disabled, the assets they own, the systems they
administer, the password cycles they hold, the shared accounts they used (the change of
each shared password is the password register's duty: shown with its state and link),
steps other modules add (``step_sources``: equipment on loan) and, as a fact, the day their
access to Schoolkeep at this school ends. A starter's: the accounts their access labels call
for that they do not have, the acceptable use policy to sign and their missing Single
Central Record checks. A mover's: each of their accounts, to keep (reviewed) or disable.

A step marked "not needed" (or an account kept on a mover's review) is recorded and no
longer asked for. Every other step is done when the register says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import F, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from schoolkeep.leavers.models import Checklist, StepRecord
from schoolkeep.leavers.step_sources import steps_from_sources
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import get_for_school_or_404

Kind = StepRecord.Kind
# Records that settle a step without the register changing.
SETTLING = (Kind.NOT_NEEDED, Kind.REVIEW_ACCESS)
# Steps that are another register's to settle (shown with their state and link only).
SIGN_AUP, SCR_CHECKS = "sign_aup", "scr_checks"
WORDS = {**dict(Kind.choices), SIGN_AUP: "Sign the acceptable use policy",
         SCR_CHECKS: "Complete the Single Central Record checks"}
# Steps that may be recorded as not needed, with a reason.
SKIPPABLE = frozenset({Kind.DISABLE_ACCOUNT, Kind.HAND_OVER_ASSET, Kind.REPLACE_ADMINISTRATOR,
                       Kind.REPLACE_CYCLE_HOLDER, Kind.CREATE_ACCOUNT, Kind.RETURN_EQUIPMENT,
                       Kind.REVIEW_ACCESS})


@dataclass(frozen=True)
class Step:
    """One thing a checklist asks for."""

    kind: str  # a StepRecord.Kind value, or SIGN_AUP or SCR_CHECKS
    subject_id: str  # the public id of the account, asset, system or cycle
    label: str
    done: bool = False
    url: str = ""  # where it is seen or done in its register
    detail: str = ""  # more words (a shared password change's state)
    actionable: bool = True  # recorded from the checklist (else done in its register)
    # The actions this step offers on the checklist (StepRecord.Kind values).
    actions: tuple[str, ...] = ()

    @property
    def kind_label(self) -> str:
        return WORDS[self.kind]

    @property
    def may_skip(self) -> bool:
        return not self.done and self.kind in SKIPPABLE


@dataclass
class ChecklistView:
    checklist: Checklist
    steps: list[Step] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    records: list[StepRecord] = field(default_factory=list)

    @property
    def outstanding(self) -> list[Step]:
        return [step for step in self.steps if not step.done]


def checklist_list(*, school: School, show: str = "open") -> QuerySet[Checklist]:
    """The school's checklists, open first then the newest; ``show`` "open" or "all"."""
    checklists = Checklist.objects.filter(school=school).select_related("person")
    if show != "all":
        checklists = checklists.filter(closed_at__isnull=True)
    return checklists.order_by(F("closed_at").desc(nulls_first=True), "-effective_on",
                               "-created_at", "pk")


def checklist_for_page(*, school: School, public_id: UUID | str) -> Checklist:
    return get_for_school_or_404(Checklist.objects.select_related("person", "school"),
                                 school=school, public_id=public_id)


def records_of(checklist: Checklist) -> list[StepRecord]:
    return list(checklist.records.select_related("new_holder").order_by("done_at", "pk"))


def settled_by(records: list[StepRecord]) -> set[str]:
    """The subjects of steps recorded as not needed (or kept on a review)."""
    return {record.subject_id for record in records if record.kind in SETTLING}


def _account_label(account: Any) -> str:
    words = f"{account.system.name}: {account.username}"
    return f"{words} (administrator)" if account.is_admin else words


def _by_person(rows: Any, person: str = "person_id") -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, person)].append(row)
    return grouped


def leaver_steps(checklists: Sequence[Checklist]) -> dict[int, list[Step]]:
    """{checklist pk: its steps} for leaver checklists of one school: one query per register
    (and one per step source), whatever the number of checklists."""
    from schoolkeep.access.models import SystemAccount
    from schoolkeep.assets.models import Asset
    from schoolkeep.passwords.models import ForcedChange, PasswordCycle
    from schoolkeep.systems.models import System

    if not checklists:
        return {}
    school_id = checklists[0].school_id
    people = {checklist.person_id for checklist in checklists}
    accounts = _by_person(
        SystemAccount.objects.filter(school_id=school_id, person_id__in=people,
                                     disabled_on__isnull=True)
        .exclude(enabled=False).select_related("system").order_by("system__name", "username"))
    assets = _by_person(
        Asset.objects.filter(school_id=school_id, owner_person_id__in=people,
                             archived_at__isnull=True).order_by("name", "pk"),
        "owner_person_id")
    systems = _by_person(
        System.administrators.through.objects.filter(
            person_id__in=people, system__school_id=school_id, system__archived_at__isnull=True)
        .select_related("system").order_by("system__name", "system_id"))
    cycles = _by_person(
        PasswordCycle.holders.through.objects.filter(
            person_id__in=people, passwordcycle__school_id=school_id,
            passwordcycle__archived_at__isnull=True)
        .select_related("passwordcycle__system")
        .order_by("passwordcycle__system__name", "passwordcycle__name", "passwordcycle_id"))
    forced = {(change.account_id, change.leaver_id): change for change in
              ForcedChange.objects.filter(school_id=school_id, leaver_id__in=people,
                                          account__isnull=False).order_by("raised_at")}
    shared: dict[int, list[Any]] = defaultdict(list)
    for account in (SystemAccount.objects.filter(school_id=school_id, is_shared=True)
                    .filter(Q(shared_with__in=people) | Q(responsible_person_id__in=people))
                    .select_related("system").prefetch_related(
                        Prefetch("shared_with", to_attr="users",
                                 queryset=Person.objects.filter(pk__in=people).only("pk")))
                    .distinct().order_by("system__name", "username")):
        for person_id in {*(p.pk for p in account.users), account.responsible_person_id}:
            if person_id in people:
                shared[person_id].append(account)
    sourced = steps_from_sources(list(checklists))
    result = {}
    for checklist in checklists:
        person_id = checklist.person_id
        steps = [
            Step(Kind.DISABLE_ACCOUNT, str(account.public_id), _account_label(account),
                 url=reverse("access:account-detail", args=[account.public_id]),
                 actions=(Kind.DISABLE_ACCOUNT,))
            for account in accounts[person_id]]
        steps += [
            Step(Kind.HAND_OVER_ASSET, str(asset.public_id), asset.name,
                 url=reverse("assets:asset-detail", args=[asset.public_id]),
                 actions=(Kind.HAND_OVER_ASSET,))
            for asset in assets[person_id]]
        steps += [
            Step(Kind.REPLACE_ADMINISTRATOR, str(row.system.public_id), row.system.name,
                 url=reverse("systems:system-detail", args=[row.system.public_id]),
                 actions=(Kind.REPLACE_ADMINISTRATOR,))
            for row in systems[person_id]]
        steps += [
            Step(Kind.REPLACE_CYCLE_HOLDER, str(row.passwordcycle.public_id),
                 f"{row.passwordcycle.system.name}: {row.passwordcycle.name}",
                 url=reverse("passwords:cycle-detail", args=[row.passwordcycle.public_id]),
                 actions=(Kind.REPLACE_CYCLE_HOLDER,))
            for row in cycles[person_id]]
        steps += [_shared_step(account, forced.get((account.pk, person_id)))
                  for account in shared[person_id]]
        steps += [Step(kind, step.subject_id, step.label, done=step.done, url=step.url,
                       actionable=False)
                  for kind, step in sourced.get(checklist.pk, [])]
        result[checklist.pk] = steps
    return result


def _shared_step(account: Any, forced: Any) -> Step:
    """A shared account the leaver used: its password change is the password register's
    duty, shown here with its state and link."""
    if forced is None:
        detail, url, done = "No change has been asked for yet.", "", False
    elif forced.settled_at is not None:
        detail = f"Changed ({timezone.localtime(forced.settled_at):%d/%m/%Y})."
        url, done = reverse("passwords:forced-change", args=[forced.public_id]), True
    else:
        detail = (f"A change is due by {forced.due_on:%d/%m/%Y}: the person responsible "
                  "for the account does it.")
        url, done = reverse("passwords:forced-change", args=[forced.public_id]), False
    return Step(Kind.CHANGE_SHARED_PASSWORD, str(account.public_id),
                f"{account.system.name}: {account.username} (shared)", done=done, url=url,
                detail=detail, actionable=False)


def _aup_step(checklist: Checklist, person: Person) -> Step | None:
    from schoolkeep.agreements.aups import audience as who
    from schoolkeep.agreements.aups.models import Aup

    aup = Aup.objects.filter(school_id=checklist.school_id,
                             audience=who.audience_of_kind(person.kind)).first()
    if aup is None:
        return None
    signed = who.signer_has_signed(aup=aup, person=person)
    return Step(SIGN_AUP, str(aup.public_id), str(aup),
                done=signed, url=reverse("agreements:aup-detail", args=[aup.public_id]),
                detail="Signed." if signed else "Not signed yet.", actionable=False)


def _starter_steps(checklist: Checklist, person: Person, today: date) -> list[Step]:
    from schoolkeep.access.accounts.expected import expected_systems
    from schoolkeep.access.models import SystemAccount

    have = set(SystemAccount.objects.filter(school_id=checklist.school_id, person=person)
               .values_list("system_id", flat=True))
    create = reverse("access:account-create")
    steps = [
        Step(Kind.CREATE_ACCOUNT, str(system.public_id), system.name,
             url=f"{create}?system={system.public_id}", actionable=False,
             detail="Their access labels call for an account here.")
        for system in expected_systems(school=checklist.school, person=person, today=today)
        if system.pk not in have
    ]
    aup = _aup_step(checklist, person)
    if aup is not None:
        steps.append(aup)
    if person.checks_missing:
        steps.append(Step(SCR_CHECKS, str(person.public_id), "Their missing checks",
                          url=reverse("people:person-detail", args=[person.public_id]),
                          detail="Some required checks are not recorded yet.",
                          actionable=False))
    return steps


def _mover_steps(checklist: Checklist, person: Person) -> list[Step]:
    from schoolkeep.access.models import SystemAccount

    return [
        Step(Kind.REVIEW_ACCESS, str(account.public_id), _account_label(account),
             url=reverse("access:account-detail", args=[account.public_id]),
             actions=(Kind.REVIEW_ACCESS, Kind.DISABLE_ACCOUNT))
        for account in SystemAccount.objects.filter(
            school_id=checklist.school_id, person=person, disabled_on__isnull=True)
        .exclude(enabled=False).select_related("system").order_by("system__name", "username")
    ]


def membership_fact(checklist: Checklist, person: Person) -> str:
    if checklist.kind != Checklist.Kind.LEAVER or person.user_id is None:
        return ""
    return (f"Their access to Schoolkeep at this school ends on "
            f"{checklist.effective_on:%d/%m/%Y}.")


def outstanding_for(checklist: Checklist, *, records: list[StepRecord] | None = None,
                    today: date | None = None) -> list[Step]:
    """Every step the checklist asks for now, from the registers (done ones marked), less
    those recorded as not needed or kept."""
    today = today or timezone.localdate()
    person = checklist.person
    if records is None:
        records = records_of(checklist)
    if checklist.kind == Checklist.Kind.LEAVER:
        steps = leaver_steps([checklist])[checklist.pk]
    elif checklist.kind == Checklist.Kind.STARTER:
        steps = _starter_steps(checklist, person, today)
    else:
        steps = _mover_steps(checklist, person)
    settled = settled_by(records)
    return [step for step in steps if step.subject_id not in settled]


def checklist_view(checklist: Checklist) -> ChecklistView:
    records = records_of(checklist)
    view = ChecklistView(checklist=checklist, records=records,
                         steps=outstanding_for(checklist, records=records))
    fact = membership_fact(checklist, checklist.person)
    if fact:
        view.facts.append(fact)
    return view


def open_checklists_of(person: Person) -> list[Checklist]:
    return list(Checklist.objects.filter(person=person, closed_at__isnull=True)
                .order_by("-effective_on", "-created_at"))
