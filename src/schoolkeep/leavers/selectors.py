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


def _settled(records: list[StepRecord]) -> set[str]:
    return {record.subject_id for record in records if record.kind in SETTLING}


def _account_label(account: Any) -> str:
    words = f"{account.system.name}: {account.username}"
    return f"{words} (administrator)" if account.is_admin else words


def _leaver_steps(checklist: Checklist, person: Person) -> list[Step]:
    from schoolkeep.access.models import SystemAccount
    from schoolkeep.assets.models import Asset
    from schoolkeep.passwords.models import ForcedChange, PasswordCycle
    from schoolkeep.systems.models import System

    school_id = checklist.school_id
    steps = [
        Step(Kind.DISABLE_ACCOUNT, str(account.public_id), _account_label(account),
             url=reverse("access:account-detail", args=[account.public_id]),
             actions=(Kind.DISABLE_ACCOUNT,))
        for account in SystemAccount.objects.filter(
            school_id=school_id, person=person, disabled_on__isnull=True)
        .exclude(enabled=False).select_related("system").order_by("system__name", "username")
    ]
    steps += [
        Step(Kind.HAND_OVER_ASSET, str(asset.public_id), asset.name,
             url=reverse("assets:asset-detail", args=[asset.public_id]),
             actions=(Kind.HAND_OVER_ASSET,))
        for asset in Asset.objects.filter(school_id=school_id, owner_person=person,
                                          archived_at__isnull=True).order_by("name", "pk")
    ]
    steps += [
        Step(Kind.REPLACE_ADMINISTRATOR, str(system.public_id), system.name,
             url=reverse("systems:system-detail", args=[system.public_id]),
             actions=(Kind.REPLACE_ADMINISTRATOR,))
        for system in System.objects.filter(school_id=school_id, administrators=person,
                                            archived_at__isnull=True).order_by("name", "pk")
    ]
    steps += [
        Step(Kind.REPLACE_CYCLE_HOLDER, str(cycle.public_id),
             f"{cycle.system.name}: {cycle.name}",
             url=reverse("passwords:cycle-detail", args=[cycle.public_id]),
             actions=(Kind.REPLACE_CYCLE_HOLDER,))
        for cycle in PasswordCycle.objects.filter(school_id=school_id, holders=person,
                                                  archived_at__isnull=True)
        .select_related("system").order_by("system__name", "name", "pk")
    ]
    shared = (SystemAccount.objects.filter(school_id=school_id, is_shared=True)
              .filter(Q(shared_with=person) | Q(responsible_person=person))
              .select_related("system").distinct().order_by("system__name", "username")
              .prefetch_related(Prefetch(
                  "forced_changes", to_attr="for_leaver",
                  queryset=ForcedChange.objects.filter(leaver=person).order_by("-raised_at"))))
    for account in shared:
        forced = account.for_leaver[0] if account.for_leaver else None
        if forced is None:
            detail, url, done = "No change has been asked for yet.", "", False
        elif forced.settled_at is not None:
            detail = f"Changed ({timezone.localtime(forced.settled_at):%d/%m/%Y})."
            url, done = reverse("passwords:forced-change", args=[forced.public_id]), True
        else:
            detail = f"A change is due by {forced.due_on:%d/%m/%Y}: the person responsible does it."
            url, done = reverse("passwords:forced-change", args=[forced.public_id]), False
        steps.append(Step(Kind.CHANGE_SHARED_PASSWORD, str(account.public_id),
                          f"{account.system.name}: {account.username} (shared)", done=done,
                          url=url, detail=detail, actionable=False))
    return steps


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
        steps = _leaver_steps(checklist, person)
        steps += [Step(kind, step.subject_id, step.label, done=step.done, url=step.url,
                       actionable=False)
                  for kind, step in steps_from_sources(checklist)]
    elif checklist.kind == Checklist.Kind.STARTER:
        steps = _starter_steps(checklist, person, today)
    else:
        steps = _mover_steps(checklist, person)
    settled = _settled(records)
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
