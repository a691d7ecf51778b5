"""Events that force a password change now, rather than when a cycle says.

- A system marked as possibly compromised (by hand, or from an incident whose systems
  include it): one ``ForcedChange`` for the system, due today. It asks every holder of the
  system's password cycles to change; ``password_change_record`` settles it once each of
  them has changed since it was raised. Marking it again while one is open changes nothing.
- A leaver who used a shared account, or was responsible for it: one ``ForcedChange`` per
  such account (not disabled), due on their leaving date. One change by anyone still
  entitled (the responsible person, or another user of the account) settles it, if it was
  made on or after the leaving date (``selectors.answers``): before then the leaver may
  still learn the new password. The leaver can never settle it. Called by the leavers'
  checklist when a leaving date is set; calling it again changes nothing, and a leaving
  date moved moves the open changes' due dates with it. When the leaving date is cleared,
  ``forced_changes_withdraw_for_leaver`` withdraws the open ones.
- Settling by hand (``forced_change_settle``): a person asked (the responsible person of a
  shared account, say) says "the password has been changed", or someone with
  ``passwords.manage`` records it for one of them (one's own needs ``passwords.attest``,
  which read-only roles such as the auditor do not hold). That is an
  ordinary attestation (``password_change_record``), ``ON_BEHALF`` when recorded for
  someone else.

Nothing here stores or shows a password: only that a change is due, and who said it was made.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from schoolkeep.access.models import SystemAccount
from schoolkeep.audit.services import audit_record
from schoolkeep.incidents.models import Incident
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.passwords.models import ForcedChange, PasswordChange
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.guards import actor_label, is_user, require_permission, user_holds
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "passwords.forced_change.raised": "Password change asked for now (a possible compromise "
                                      "or a leaver who knew a shared password)",
    "passwords.forced_change.moved": "Forced password change moved to the new leaving date",
    "passwords.forced_change.withdrawn": "Forced password change withdrawn (the leaving date "
                                         "was cleared)",
}

MANAGE_MESSAGE = "You may not mark this school's systems as possibly compromised."
SETTLE_MESSAGE = "You may not record this password change."
LEAVER_MESSAGE = ("You are the leaver and know this password: someone else must change it and "
                  "record it.")


def _open(school: School, **lookup: Any) -> ForcedChange | None:
    return (ForcedChange.objects.filter(school=school, settled_at__isnull=True, **lookup)
            .order_by("raised_at", "pk").first())


def _check_incident(school: School, system: System, incident: Incident | None) -> None:
    if incident is None:
        return
    if incident.school_id != school.pk:
        raise DomainError("Choose an incident of this school.", field="incident")
    if not incident.systems.filter(pk=system.pk).exists():
        raise DomainError(f"{system.name} is not among the systems of incident "
                          f"{incident.reference}: add it to the incident first.",
                          field="incident")


def forced_change_compromise(*, school: School, system: System, actor: Any, note: str = "",
                             incident: Incident | None = None) -> ForcedChange:
    """Ask every holder of ``system``'s password cycles to change their password today.
    While an earlier request for the system is still open, that one is returned as it is."""
    from schoolkeep.passwords.events.selectors import system_holders

    with transaction.atomic():
        require_permission(school=school, actor=actor, permission="passwords.manage",
                           message=MANAGE_MESSAGE)
        if system.school_id != school.pk:
            raise DomainError("Choose a system of this school.", field="system")
        if system.archived_at is not None:
            raise DomainError(f"{system.name} is archived: it has no holders to ask.",
                              field="system")
        _check_incident(school, system, incident)
        existing = _open(school, system=system, reason=ForcedChange.Reason.COMPROMISE)
        if existing is not None:
            return existing
        holders = system_holders(school=school, system=system)
        if not holders:
            raise DomainError(f"{system.name} has no password change cycle with holders, so "
                              "there is nobody to ask. Add a cycle and its holders first.",
                              field="system")
        now = timezone.now()
        forced = ForcedChange(
            school=school, system=system, reason=ForcedChange.Reason.COMPROMISE, raised_at=now,
            due_on=timezone.localdate(now), note=note.strip(), incident=incident,
            raised_by_label=actor_label(actor))
        full_clean_or_error(forced)
        forced.save()
        audit_record(action="passwords.forced_change.raised", school=school, actor=actor,
                     target=forced, target_label=f"{system.name}: possibly compromised",
                     changes={"system": system.name, "reason": forced.reason,
                              "due_on": forced.due_on, "holders": len(holders),
                              "incident": incident.reference if incident else None,
                              "note": forced.note})
    return forced


def _shared_accounts(school: School, person: Person) -> list[SystemAccount]:
    """The shared accounts, not disabled, that ``person`` used or was responsible for."""
    return list(
        SystemAccount.objects.filter(school=school, is_shared=True)
        .filter(Q(shared_with=person) | Q(responsible_person=person))
        .exclude(enabled=False).exclude(system__archived_at__isnull=False)
        .select_related("system").distinct().order_by("system__name_key", "username_key", "pk")
    )


def forced_changes_for_leaver(*, school: School, person: Person,
                              actor: Any) -> list[ForcedChange]:
    """One forced change per shared account ``person`` used or was responsible for, due on
    their leaving date; none when they have no leaving date. Idempotent: an open change for
    the same account and leaver is kept (its due date follows a moved leaving date)."""
    if person.school_id != school.pk:
        raise DomainError("Choose a person of this school.", field="person")
    leaving: date | None = person.leaving_date
    if leaving is None:
        return []
    result = []
    with transaction.atomic():
        for account in _shared_accounts(school, person):
            existing = _open(school, account=account, leaver=person,
                             reason=ForcedChange.Reason.LEAVER)
            if existing is not None:
                if existing.due_on != leaving:
                    before = existing.due_on
                    existing.due_on = leaving
                    existing.save(update_fields=["due_on"])
                    audit_record(action="passwords.forced_change.moved", school=school,
                                 actor=actor, target=existing,
                                 target_label=f"{account.system.name}: {account.username}",
                                 changes={"due_on": [before, leaving]})
                result.append(existing)
                continue
            forced = ForcedChange(
                school=school, system=account.system, reason=ForcedChange.Reason.LEAVER,
                raised_at=timezone.now(), due_on=leaving, account=account, leaver=person,
                raised_by_label=actor_label(actor))
            full_clean_or_error(forced)
            forced.save()
            audit_record(action="passwords.forced_change.raised", school=school, actor=actor,
                         target=forced,
                         target_label=f"{account.system.name}: {account.username}",
                         changes={"system": account.system.name, "reason": forced.reason,
                                  "account": account.username, "leaver": person.full_name,
                                  "due_on": leaving})
            result.append(forced)
    return result


def forced_changes_withdraw_for_leaver(*, school: School, person: Person,
                                       actor: Any) -> list[ForcedChange]:
    """Withdraw ``person``'s open leaver forced changes, because their leaving date was
    cleared (set by mistake, or they stay): each is settled (``settled_at``) with an audit
    event ``passwords.forced_change.withdrawn``, so its duty ends. Idempotent: nothing is
    open the second time, and nothing is written. Returns the changes withdrawn now."""
    if person.school_id != school.pk:
        raise DomainError("Choose a person of this school.", field="person")
    withdrawn: list[ForcedChange] = []
    with transaction.atomic():
        now = timezone.now()
        for forced in (ForcedChange.objects.select_for_update(of=("self",))
                       .filter(school=school, leaver=person, reason=ForcedChange.Reason.LEAVER,
                               settled_at__isnull=True)
                       .select_related("system", "account").order_by("raised_at", "pk")):
            forced.settled_at = now
            forced.save(update_fields=["settled_at"])
            label = forced.system.name + (f": {forced.account.username}"
                                          if forced.account is not None else "")
            audit_record(action="passwords.forced_change.withdrawn", school=school,
                         actor=actor, target=forced, target_label=label,
                         changes={"settled_at": [None, now], "leaver": person.full_name,
                                  "why": "The leaving date was cleared."})
            withdrawn.append(forced)
    return withdrawn


def _actor_person(school: School, actor: Any) -> Person | None:
    if not is_user(actor):
        return None
    return Person.objects.filter(school=school, user=actor).order_by("pk").first()


def forced_change_settle(*, forced: ForcedChange, actor: Any, person: Person,
                         changed_on: date | None = None) -> PasswordChange:
    """Record that ``person`` changed the password a forced change asks for (by their own
    word, which needs ``passwords.attest``, or recorded for them by someone who manages
    passwords). The leaver of a leaver's change can never settle it, nor can anyone for
    them; a day before the one from which a change counts (``selectors.answered_from``: the
    leaving date, for a leaver) is refused, naming the field. The attestation settles the
    forced change once it answers it (``password_change_record`` decides)."""
    from schoolkeep.passwords.events.selectors import answered_from, answers, may_answer
    from schoolkeep.passwords.services import password_change_record

    school = forced.school
    if forced.settled_at is not None:
        raise DomainError("This change has already been made: nothing more is needed.")
    if person.school_id != school.pk:
        raise DomainError("Choose a person of this school.", field="person")
    mine = _actor_person(school, actor)
    own = mine is not None and mine.pk == person.pk
    if is_user(actor):
        manager = user_holds(school=school, user=actor, permission="passwords.manage")
        attester = own and user_holds(school=school, user=actor,
                                      permission="passwords.attest")
        if not (attester or manager):
            raise NotAllowed(SETTLE_MESSAGE)
    leaver_change = forced.reason == ForcedChange.Reason.LEAVER
    if leaver_change and mine is not None and forced.leaver_id == mine.pk:
        raise NotAllowed(LEAVER_MESSAGE)
    if leaver_change and forced.leaver_id == person.pk:
        raise DomainError(f"{person.full_name} is the leaver and knows this password: someone "
                          "else must change it.", field="person")
    if not may_answer(forced=forced, person=person):
        raise DomainError(f"{person.full_name} is not asked to make this change.",
                          field="person")
    day = changed_on or timezone.localdate()
    if not answers(forced, day):
        first = answered_from(forced)
        when = f"{first.day} {first:%B %Y}"
        message = (f"Only a change made on or after the leaving date, {when}, counts: until "
                   "then the leaver could still learn the new password." if leaver_change
                   else f"Only a change made on or after {when}, the day the change was "
                   "asked for, counts.")
        raise DomainError(message, field="changed_on")
    via = PasswordChange.Via.DASHBOARD if own else PasswordChange.Via.ON_BEHALF
    return password_change_record(school=school, system=forced.system, person=person,
                                  changed_on=day, via=via, actor=actor)
