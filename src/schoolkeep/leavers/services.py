"""Writes for leavers', starters' and movers' checklists.

``checklist_for_change`` is the people hook's handler: a leaving date set opens (or moves)
a leaver checklist, a cleared one closes it; a person added with a recent or future start
date gets a starter checklist; a current person's new job title gets a mover checklist.

``step_record`` is one user action on one step: it does the step's work through the other
registers' own services (disable an account, hand an asset to a new owner, name a new
administrator or cycle holder), or records that the step is not needed and why, and keeps
who did it and when. What is still outstanding is never stored: ``leavers.selectors`` reads
it from the registers, so a step done on the register's own page is done here too.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.context import current
from schoolkeep.audit.services import audit_record
from schoolkeep.leavers.models import Checklist, StepRecord
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import PERMISSIONS

ACTION_LABELS = {
    "leavers.checklist.opened": "Checklist started",
    "leavers.checklist.moved": "Checklist's date changed",
    "leavers.checklist.closed": "Checklist closed",
    "leavers.step.recorded": "Checklist step recorded",
}

# A person added with a start date this many days ago or later is a starter; one added with
# a leaving date longer ago than this (an import of past staff) gets no leaver checklist.
STARTER_WINDOW = timedelta(days=30)

Kind = StepRecord.Kind
# The steps a person records on the checklist, and the permission each one needs besides
# leavers.manage. Disabling an account needs access.manage (the accounts service checks it);
# the hand-overs need only leavers.manage: the business manager owns those duties, and the
# register's service is called ``authorised_by="leavers.manage"`` so it checks that instead.
STEP_PERMISSIONS: dict[str, str] = {
    Kind.DISABLE_ACCOUNT: "access.manage",
    Kind.HAND_OVER_ASSET: "leavers.manage",
    Kind.REPLACE_ADMINISTRATOR: "leavers.manage",
    Kind.REPLACE_CYCLE_HOLDER: "leavers.manage",
    Kind.REVIEW_ACCESS: "leavers.manage",
    Kind.NOT_NEEDED: "leavers.manage",
}
# What the hand-over steps tell the registers' services they are authorised by.
LEAVER_AUTHORITY = "leavers.manage"
GONE = "That step is already done or no longer applies."
NEEDS_NEW_HOLDER = frozenset({Kind.HAND_OVER_ASSET, Kind.REPLACE_ADMINISTRATOR,
                              Kind.REPLACE_CYCLE_HOLDER})


def _is_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def actor_label(actor: Any) -> str:
    if _is_user(actor):
        return str(actor)[:200]
    return (current().actor_label or "system")[:200]


def may(*, school: School | int, actor: Any, permission: str) -> bool:
    """Whether the actor holds ``permission`` in the school (the command line and the system
    may do anything)."""
    if not _is_user(actor):
        return True
    _, roles = PERMISSIONS[permission]
    return MembershipRole.objects.filter(
        membership__school=school, membership__user=actor, membership__is_active=True,
        role__in=list(roles)).exists()


def _require(*, school: School | int, actor: Any, permission: str, what: str) -> None:
    if not may(school=school, actor=actor, permission=permission):
        raise NotAllowed(f"You may not {what}.")


# ------------------------------------------------------------------- checklists


class _Batch:
    """The checklist writes of one hook call (one chunk of an import at most), done with a
    fixed number of queries whatever its size: the people read in one query and their open
    checklists in one, new checklists inserted together, moved and closed ones updated
    together, and every audit event appended at once."""

    def __init__(self, school: School, actor: Any, people: Sequence[int]) -> None:
        self.school, self.actor = school, actor
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.label = actor_label(actor)
        self.people = {person.pk: person for person in
                       Person.objects.filter(school=school, pk__in=list(people))}
        missing = set(people) - set(self.people)
        if missing:
            raise Person.DoesNotExist(f"No person {sorted(missing)} in {school}.")
        self.open: dict[tuple[int, str], Checklist] = {}
        # Newest first, so the first seen of a person and kind is the one kept open.
        for checklist in (Checklist.objects.select_for_update()
                          .filter(school=school, person_id__in=list(self.people),
                                  closed_at__isnull=True)
                          .order_by("-created_at", "-pk")):
            checklist.person = self.people[checklist.person_id]
            self.open.setdefault((checklist.person_id, checklist.kind), checklist)
        self.new: list[Checklist] = []
        self.moved: dict[int, Checklist] = {}
        self.closed: dict[int, Checklist] = {}
        self.events: list[tuple[Checklist, str, dict[str, Any]]] = []
        self.leavers: dict[int, Person] = {}
        self.cleared: dict[int, Person] = {}  # whose leaving date went from a date to none

    def opened(self, person: Person, kind: str, effective_on: date,
               change: str = "") -> Checklist:
        checklist = Checklist(school=self.school, person=person, kind=kind,
                              effective_on=effective_on, change=change[:300],
                              created_by_label=self.label)
        # The school and person are this school's, read above; the public id is new.
        full_clean_or_error(checklist, exclude=["school", "person", "public_id"])
        self.new.append(checklist)
        self.open[(person.pk, kind)] = checklist
        self.events.append((checklist, "leavers.checklist.opened", {
            "kind": checklist.get_kind_display(), "effective_on": effective_on.isoformat(),
            **({"change": checklist.change} if checklist.change else {})}))
        return checklist

    def changed(self, checklist: Checklist, changes: dict[str, Any]) -> None:
        if checklist.pk is not None:  # one made in this batch is inserted as it is now
            self.moved[checklist.pk] = checklist
        self.events.append((checklist, "leavers.checklist.moved", changes))

    def close(self, checklist: Checklist, why: str) -> None:
        checklist.closed_at = self.now
        del self.open[(checklist.person_id, checklist.kind)]
        if checklist.pk is not None:
            self.moved.pop(checklist.pk, None)
            self.closed[checklist.pk] = checklist
        else:  # opened and closed again within the batch: nothing to write or audit
            self.new.remove(checklist)
            self.events = [event for event in self.events if event[0] is not checklist]
            return
        self.events.append((checklist, "leavers.checklist.closed", {"why": why}))

    def moved_to(self, checklist: Checklist, new: date) -> None:
        before = checklist.effective_on
        checklist.effective_on = new
        self.changed(checklist, {"effective_on": [before.isoformat(), new.isoformat()]})

    def write(self) -> None:
        if self.new:
            Checklist.objects.bulk_create(self.new)
        if self.moved:
            Checklist.objects.bulk_update(list(self.moved.values()),
                                          ["effective_on", "change"])
        if self.closed:
            Checklist.objects.filter(pk__in=list(self.closed)).update(closed_at=self.now)
        from schoolkeep.audit.services import audit_record_many

        audit_record_many([
            {"action": action, "school": self.school, "actor": self.actor,
             "target": checklist, "target_label": str(checklist), "changes": changes}
            for checklist, action, changes in self.events])
        self._forced_changes()
        self._withdrawn()

    def _withdrawn(self) -> None:
        """A cleared leaving date withdraws the person's open leaver forced changes (they
        never left): those with any found in one query, then each one's withdrawn."""
        if not self.cleared:
            return
        from schoolkeep.passwords.events.services import forced_changes_withdraw_for_leaver
        from schoolkeep.passwords.models import ForcedChange

        with_open = set(ForcedChange.objects.filter(
            school=self.school, leaver_id__in=list(self.cleared),
            reason=ForcedChange.Reason.LEAVER, settled_at__isnull=True,
        ).values_list("leaver_id", flat=True))
        for pk in sorted(with_open):
            forced_changes_withdraw_for_leaver(school=self.school, person=self.cleared[pk],
                                               actor=self.actor)

    def _forced_changes(self) -> None:
        """A leaver who used a shared account, or was responsible for one, makes its change
        due: those leavers found in one query, then each one's forced changes."""
        if not self.leavers:
            return
        from django.db.models import Q

        from schoolkeep.access.models import SystemAccount
        from schoolkeep.passwords.events.services import forced_changes_for_leaver

        ids = list(self.leavers)
        found: set[int] = set()
        for responsible, user in (
                SystemAccount.objects.filter(school=self.school, is_shared=True)
                .filter(Q(shared_with__in=ids) | Q(responsible_person__in=ids))
                .exclude(enabled=False).exclude(system__archived_at__isnull=False)
                .values_list("responsible_person_id", "shared_with__id")):
            found.update(pk for pk in (responsible, user) if pk in self.leavers)
        for pk in sorted(found):
            forced_changes_for_leaver(school=self.school, person=self.leavers[pk],
                                      actor=self.actor)


def _leaver(batch: _Batch, person: Person, new: date | None) -> Checklist | None:
    checklist = batch.open.get((person.pk, Checklist.Kind.LEAVER))
    if new is None:
        if checklist is not None:
            batch.close(checklist, "The leaving date was cleared.")
        batch.leavers.pop(person.pk, None)
        batch.cleared[person.pk] = person
        return checklist
    batch.cleared.pop(person.pk, None)
    if checklist is None:
        checklist = batch.opened(person, Checklist.Kind.LEAVER, new)
    elif checklist.effective_on != new:
        batch.moved_to(checklist, new)
    batch.leavers[person.pk] = person
    return checklist


def _starter(batch: _Batch, person: Person, start: date | None) -> Checklist | None:
    if start is None or start < batch.today - STARTER_WINDOW:
        return None
    if (person.pk, Checklist.Kind.STARTER) in batch.open:
        return None
    return batch.opened(person, Checklist.Kind.STARTER, start)


def _starter_moved(batch: _Batch, person: Person, new: date | None) -> None:
    checklist = batch.open.get((person.pk, Checklist.Kind.STARTER))
    if checklist is None or new is None or checklist.effective_on == new:
        return
    batch.moved_to(checklist, new)


def mover_words(old: str, new: str) -> str:
    return f"{old.strip()} → {new.strip()}"


ROLES = "Roles: "  # the start of the part of a mover's change about their roles


def _merged(change: str, old: str, new: str, *, roles: bool) -> str:
    """A mover's change with one more move of their post (or, with ``roles``, of their
    roles): one part each, from the first to the last ("Teacher → Head of year; Roles:
    Staff → IT lead")."""
    parts = [part for part in change.split("; ") if part]
    mine = [i for i, part in enumerate(parts) if part.startswith(ROLES) == roles]
    prefix = ROLES if roles else ""
    if not mine:
        return "; ".join([*parts, prefix + mover_words(old, new)])
    first = parts[mine[0]][len(prefix):].split(" → ", 1)[0] or old
    parts[mine[0]] = prefix + mover_words(first, new)
    return "; ".join(part for i, part in enumerate(parts) if i not in mine[1:])


def _mover(batch: _Batch, person: Person, old: str, new: str, *,
           roles: bool = False) -> Checklist | None:
    today = batch.today
    if not old.strip() or not new.strip() or old.strip() == new.strip():
        return None  # a post filled in for the first time, or cleared, is not a move
    if person.leaving_date is not None and person.leaving_date <= today:
        return None
    checklist = batch.open.get((person.pk, Checklist.Kind.MOVER))
    if checklist is None:
        return batch.opened(person, Checklist.Kind.MOVER, today,
                            change=(ROLES if roles else "") + mover_words(old, new))
    # A second change before the review: one checklist, from the first post to the last.
    before = (checklist.change, checklist.effective_on.isoformat())
    checklist.change = _merged(checklist.change, old, new, roles=roles)[:300]
    checklist.effective_on = today
    batch.changed(checklist, {"change": [before[0], checklist.change],
                              "effective_on": [before[1], today.isoformat()]})
    return checklist


def _role_words(roles: Sequence[str]) -> str:
    from schoolkeep.tenancy.roles import Role

    return ", ".join(Role(value).label if value in Role.values else value for value in roles)


def on_member_roles_changed(*, membership: Any, old_roles: Sequence[str],
                            new_roles: Sequence[str], actor: Any) -> Checklist | None:
    """The tenancy hook: a change of a member's roles is a mover's change for their person
    record at that school (none: nothing to do). Opens or updates the mover checklist
    ("Roles: Staff → IT lead"), inside the roles change's transaction."""
    person_id = (Person.objects.filter(school_id=membership.school_id,
                                       user_id=membership.user_id)
                 .order_by("pk").values_list("pk", flat=True).first())
    if person_id is None:
        return None
    with transaction.atomic():
        batch = _Batch(membership.school, actor, [person_id])
        checklist = _mover(batch, batch.people[person_id], _role_words(old_roles),
                           _role_words(new_roles), roles=True)
        batch.write()
    return checklist


def _long_gone(change: Any, today: date) -> bool:
    return bool(change.created and change.new_leaving_date is not None
                and change.new_leaving_date < today - STARTER_WINDOW)


def _heard(change: Any, today: date) -> bool:
    """Whether a change may touch a checklist at all (read without a query)."""
    if change.old_leaving_date != change.new_leaving_date and not _long_gone(change, today):
        return True
    if change.created:
        return (change.new_start_date is not None
                and change.new_start_date >= today - STARTER_WINDOW)
    if change.old_start_date != change.new_start_date:
        return True
    return bool(change.old_job_title.strip() and change.new_job_title.strip()
                and change.old_job_title.strip() != change.new_job_title.strip())


def checklists_for_changes(*, school: School, changes: Sequence[Any],
                           actor: Any) -> list[Checklist]:
    """Open, move or close the checklists that some ``people.hooks.PersonChange`` call for
    (each in the order given); returns the checklists touched. Runs inside the people
    write's transaction, with a fixed number of queries whatever the number of changes
    (besides one ``forced_changes_for_leaver`` per leaver of a shared account, and one
    ``forced_changes_withdraw_for_leaver`` per cleared leaver with a change still open)."""
    today = timezone.localdate()
    heard = [change for change in changes if _heard(change, today)]
    if not heard:
        return []
    touched: list[Checklist | None] = []
    with transaction.atomic():
        batch = _Batch(school, actor, list(dict.fromkeys(c.person_id for c in heard)))
        for change in heard:
            person = batch.people[change.person_id]
            if (change.old_leaving_date != change.new_leaving_date
                    and not _long_gone(change, today)):
                touched.append(_leaver(batch, person, change.new_leaving_date))
            if change.created:
                touched.append(_starter(batch, person, change.new_start_date))
            elif change.old_start_date != change.new_start_date:
                _starter_moved(batch, person, change.new_start_date)
            if not change.created and change.old_job_title != change.new_job_title:
                touched.append(_mover(batch, person, change.old_job_title,
                                      change.new_job_title))
        batch.write()
    return list({id(c): c for c in touched if c is not None}.values())


def checklist_for_change(*, school: School, change: Any, actor: Any) -> list[Checklist]:
    """Open, move or close the checklists one ``people.hooks.PersonChange`` calls for;
    returns the checklists touched. Runs inside the people write's transaction."""
    return checklists_for_changes(school=school, changes=[change], actor=actor)


def on_people_changed(*, school: School, changes: Sequence[Any], actor: Any) -> None:
    """The people hook: the changes of one write (one chunk of an import at most), together."""
    checklists_for_changes(school=school, changes=changes, actor=actor)


def _checklist_close(checklist: Checklist, *, actor: Any, why: str) -> Checklist:
    checklist.closed_at = timezone.now()
    checklist.save(update_fields=["closed_at"])
    audit_record(action="leavers.checklist.closed", school=checklist.school_id, actor=actor,
                 target=checklist, target_label=str(checklist), changes={"why": why})
    return checklist


def checklist_close(*, checklist: Checklist, actor: Any) -> Checklist:
    """Close a checklist whose steps are all done. One with steps outstanding is refused,
    naming how many."""
    from schoolkeep.leavers.selectors import outstanding_for

    _require(school=checklist.school_id, actor=actor, permission="leavers.manage",
             what="close this checklist")
    with transaction.atomic():
        current_checklist = Checklist.objects.select_for_update().get(pk=checklist.pk)
        if current_checklist.closed_at is not None:
            return current_checklist
        left = [step for step in outstanding_for(current_checklist) if not step.done]
        if left:
            raise DomainError(f"{len(left)} step{'s' if len(left) != 1 else ''} still to do: "
                              "record each one (or mark it not needed) before closing.")
        return _checklist_close(current_checklist, actor=actor, why="Every step is done.")


# ------------------------------------------------------------------- steps


def _new_holder(school: School, person: Person | None, leaver: Person) -> Person:
    today = timezone.localdate()
    if person is None:
        raise DomainError("Choose who takes this over.", field="new_holder")
    if person.school_id != school.pk or person.pk == leaver.pk or (
            person.leaving_date is not None and person.leaving_date <= today):
        raise DomainError("Choose someone else from the school's current people.",
                          field="new_holder")
    return person


def _disable_account(checklist: Checklist, subject_id: str, actor: Any) -> str:
    from schoolkeep.access.accounts.services import account_disable
    from schoolkeep.access.models import SystemAccount

    account = _subject(SystemAccount.objects.select_related("system"), checklist, subject_id,
                       person=checklist.person)
    account_disable(account=account, actor=actor)
    return f"{account.system.name}: {account.username}"


def _hand_over_asset(checklist: Checklist, subject_id: str, actor: Any,
                     new_holder: Person) -> str:
    from schoolkeep.assets.models import Asset
    from schoolkeep.assets.owners.services import OwnerChoice, asset_owners_choose

    asset = _subject(Asset.objects.filter(archived_at__isnull=True), checklist, subject_id,
                     owner_person=checklist.person)
    outcome = asset_owners_choose(school=checklist.school, actor=actor,
                                  authorised_by=LEAVER_AUTHORITY, choices=[
        OwnerChoice(asset_id=asset.pk, version=asset.version, person=new_holder)])
    if outcome.stale:
        raise DomainError(outcome.stale[0])
    return asset.name


def _replace_administrator(checklist: Checklist, subject_id: str, actor: Any,
                           new_holder: Person) -> str:
    from schoolkeep.systems.models import System
    from schoolkeep.systems.services import system_update

    system = _subject(System.objects.filter(archived_at__isnull=True), checklist, subject_id,
                      administrators=checklist.person)
    administrators = [person for person in system.administrators.all()
                      if person.pk != checklist.person_id]
    if new_holder not in administrators:
        administrators.append(new_holder)
    system_update(system=system, actor=actor, version=system.version,
                  administrators=administrators, authorised_by=LEAVER_AUTHORITY)
    return system.name


def _replace_cycle_holder(checklist: Checklist, subject_id: str, actor: Any,
                          new_holder: Person) -> str:
    from schoolkeep.passwords.models import PasswordCycle
    from schoolkeep.passwords.services import cycle_update

    cycle = _subject(PasswordCycle.objects.filter(archived_at__isnull=True)
                     .select_related("system"), checklist, subject_id,
                     holders=checklist.person)
    holders = [person for person in cycle.holders.all() if person.pk != checklist.person_id]
    if new_holder not in holders:
        holders.append(new_holder)
    cycle_update(cycle=cycle, actor=actor, version=cycle.version, holders=holders,
                 authorised_by=LEAVER_AUTHORITY)
    return f"{cycle.system.name}: {cycle.name}"


def _subject(queryset: Any, checklist: Checklist, subject_id: str, **lookup: Any) -> Any:
    """The step's record, of the checklist's school and still about its person."""
    try:
        uuid.UUID(str(subject_id))
    except ValueError:
        raise DomainError(GONE, field="subject_id") from None
    found = queryset.filter(school_id=checklist.school_id, public_id=subject_id,
                            **lookup).first()
    if found is None:
        raise DomainError(GONE, field="subject_id")
    return found


def _label_of(checklist: Checklist, kind: str, subject_id: str) -> str:
    """The label of a step marked not needed, as the checklist lists it now."""
    from schoolkeep.leavers.selectors import outstanding_for

    for step in outstanding_for(checklist):
        if step.subject_id == subject_id and step.kind == kind:
            return step.label
    raise DomainError(GONE, field="subject_id")


def step_record(*, checklist: Checklist, kind: str, subject_id: str, actor: Any,
                new_holder: Person | None = None, note: str = "",
                not_needed: bool = False) -> StepRecord:
    """Do one step and record it: ``kind`` is the step's kind and ``subject_id`` the public
    id of the account, asset, system or cycle it is about. With ``not_needed`` the step is
    only recorded as not needed, with ``note`` saying why (required)."""
    school = checklist.school
    note = (note or "").strip()
    from schoolkeep.leavers.selectors import SKIPPABLE

    allowed = SKIPPABLE if not_needed else set(STEP_PERMISSIONS) - {Kind.NOT_NEEDED}
    if kind not in allowed:
        raise DomainError("Choose a step of the checklist.", field="kind")
    _require(school=school, actor=actor, permission="leavers.manage",
             what="record the steps of this checklist")
    if checklist.closed_at is not None:
        raise DomainError("This checklist is closed.")
    with transaction.atomic():
        if not_needed:
            if not note:
                raise DomainError("Say why this step is not needed.", field="note")
            label = _label_of(checklist, kind, subject_id)
            record_kind: str = Kind.NOT_NEEDED
            new_holder = None
        else:
            _require(school=school, actor=actor, permission=STEP_PERMISSIONS[kind],
                     what="do this step (it needs someone who may change that register)")
            if kind in NEEDS_NEW_HOLDER:
                new_holder = _new_holder(school, new_holder, checklist.person)
            label = _do(checklist, kind, subject_id, actor, new_holder)
            record_kind = kind
        record = StepRecord(
            school=school, checklist=checklist, kind=record_kind, subject_id=str(subject_id),
            subject_label=f"{Kind(kind).label}: {label}"[:300] if not_needed else label[:300],
            skipped_kind=kind if not_needed else "",
            new_holder=new_holder, note=note, done_at=timezone.now(),
            done_by=actor if _is_user(actor) else None, done_by_label=actor_label(actor))
        full_clean_or_error(record, exclude=["checklist", "school"])
        record.save()
        audit_record(action="leavers.step.recorded", school=school, actor=actor,
                     target=checklist, target_label=str(checklist),
                     changes={"step": record.get_kind_display(), "about": label,
                              **({"new_holder": new_holder.full_name} if new_holder else {}),
                              **({"note": note} if note else {})})
    return record


def _do(checklist: Checklist, kind: str, subject_id: str, actor: Any,
        new_holder: Person | None) -> str:
    if kind == Kind.DISABLE_ACCOUNT:
        return _disable_account(checklist, subject_id, actor)
    if kind == Kind.REVIEW_ACCESS:
        from schoolkeep.access.models import SystemAccount

        account = _subject(SystemAccount.objects.select_related("system"), checklist,
                           subject_id, person=checklist.person)
        return f"{account.system.name}: {account.username} kept as it is"
    assert new_holder is not None  # NEEDS_NEW_HOLDER checked it
    if kind == Kind.HAND_OVER_ASSET:
        return _hand_over_asset(checklist, subject_id, actor, new_holder)
    if kind == Kind.REPLACE_ADMINISTRATOR:
        return _replace_administrator(checklist, subject_id, actor, new_holder)
    return _replace_cycle_holder(checklist, subject_id, actor, new_holder)


def register() -> None:
    """Called from ``leavers.registration``: the audit labels, the people hook and the
    members' roles hook."""
    from schoolkeep.audit.actions import register_action_labels
    from schoolkeep.people.hooks import register_person_change_hook
    from schoolkeep.tenancy.services import register_member_roles_changed_hook

    register_action_labels(ACTION_LABELS)
    register_person_change_hook(on_people_changed)
    register_member_roles_changed_hook(on_member_roles_changed)
