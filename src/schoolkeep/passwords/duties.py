"""Duties of the password change cycles, computed when read.

- ``passwords.change-due``: a holder's next change on a system (the earliest of the cycles
  they hold on it, or sooner when the system may have been compromised), due within the
  horizon or overdue. Owner: the holder's own account while they are an active member of the
  school; the IT lead once it is 14 days overdue, and for a holder without an account (or
  whose account is no longer a member). Link: the holder's own page (``passwords:mine``,
  passwords.attest); who oversees it follows the cycle list (passwords.view).
- ``passwords.shared-change-due``: a shared account's password that a leaver knew, to be
  changed by its due date (an open leaver forced change). Owner: the account's responsible
  person's account, else the IT lead. Link: ``passwords:forced-change``.

Titles name the system only, never a person: they leave the school in e-mails and feeds.

Counts. The termly rule (a change in a holiday counts for the next term; estimated terms)
gives due dates that are worked out in Python, so ``counts`` does not run one aggregate. It
reads, for all the schools asked, the cycles, then in ONE query only the holders whose due
date may fall within the horizon (compared in SQL: ``passwords.selectors._candidates``), the
open compromises and the term dates (``passwords.selectors.dues_for_schools``), plus the
active members and the open leaver forced changes, and works out the due dates of those few
holders only. The number of queries is fixed whatever the number of schools;
``bench/passwords_overdue.py`` measures the time for a trust of 200 schools.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.urls import reverse

from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import (
    Duty,
    DutyCounts,
    is_before_horizon,
    local_date,
    status_for,
)
from schoolkeep.passwords.models import ForcedChange
from schoolkeep.passwords.selectors import COMPROMISE, HolderDue, dues_for_schools
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.roles import Role

MODULE = "passwords"
CHANGE_DUE = "passwords.change-due"
SHARED_CHANGE_DUE = "passwords.shared-change-due"
ESCALATE_AFTER = timedelta(days=14)


def _active_users(school_ids: list[int]) -> set[tuple[int, int]]:
    """{(school id, user id)} of the active members, one query."""
    return set(Membership.objects.filter(
        school_id__in=school_ids, is_active=True, user__is_active=True,
    ).values_list("school_id", "user_id"))


def _open_shared(school_ids: list[int]) -> list[ForcedChange]:
    return list(ForcedChange.objects.filter(
        school_id__in=school_ids, reason=ForcedChange.Reason.LEAVER, settled_at__isnull=True,
    ).select_related("system", "account", "account__responsible_person").order_by(
        "due_on", "pk"))


def _forced_url(forced: ForcedChange) -> str:
    return reverse("passwords:forced-change", args=[forced.public_id])


def _change_duty(due: HolderDue, school_id: int, today: date, now: datetime,
                 members: set[tuple[int, int]], urls: tuple[str, str]) -> Duty:
    person, system = due.person, due.system
    user_id = person.user_id if (school_id, person.user_id) in members else None
    escalated = user_id is None or today - due.due_on >= ESCALATE_AFTER
    if due.reason == COMPROMISE:
        title = f"Change the {system.name} password now: the system may have been compromised"
    else:
        title = f"Change the {system.name} password"
    subject = f"{person.full_name}'s {system.name} password"
    if escalated and user_id is not None:
        subject += " (overdue for 14 days or more: follow it up with them)"
    elif user_id is None:
        subject += " (they have no Schoolkeep account: follow it up with them)"
    return Duty(
        key=f"{CHANGE_DUE}:{system.public_id}:{person.public_id}", module=MODULE, title=title,
        subject=subject, due_at=due.due_on, status=status_for(due.due_on, now),
        # Passed to the IT lead, the duty leads to the overdue list, where the holder is
        # (the holder's own page would show the IT lead their own passwords instead).
        url=urls[1] if escalated else urls[0],
        permission="passwords.view" if escalated else "passwords.attest",
        oversight_url=urls[1], oversight_permission="passwords.view",
        owner_user_id=None if escalated else user_id,
        owner_role=Role.IT_LEAD.value if escalated else None,
        action=f"Say you changed your {system.name} password", school_id=school_id)


def _shared_duty(forced: ForcedChange, now: datetime,
                 members: set[tuple[int, int]]) -> Duty:
    account = forced.account
    responsible = account.responsible_person if account is not None else None
    user_id = responsible.user_id if responsible is not None else None
    # The leaver never owns the change of a password they knew: the IT lead does.
    if (forced.school_id, user_id) not in members or (
            responsible is not None and responsible.pk == forced.leaver_id):
        user_id = None
    name = account.username if account is not None else "shared"
    return Duty(
        key=f"{SHARED_CHANGE_DUE}:{forced.public_id}", module=MODULE,
        title=f"Change the password of a shared {forced.system.name} account",
        subject=f"The shared account “{name}” on {forced.system.name}: someone who knew its "
                "password has left",
        # The page itself lets in those it asks (a responsible person may hold no
        # passwords.view), so the link is shown to whoever the duty falls to.
        due_at=forced.due_on, status=status_for(forced.due_on, now), url=_forced_url(forced),
        owner_user_id=user_id,
        owner_role=None if user_id is not None else Role.IT_LEAD.value,
        action="Change it and say so", school_id=forced.school_id)


class PasswordDuties:
    module = MODULE
    label = "Password changes"
    view_permission = "passwords.view"
    kind_labels = {CHANGE_DUE: "Password changes due",
                   SHARED_CHANGE_DUE: "Shared passwords to change after a leaver"}

    def _duties(self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
                ) -> dict[int, list[Duty]]:
        ids = sorted(set(school_ids))
        found: dict[int, list[Duty]] = defaultdict(list)
        if not ids:
            return found
        today = local_date(now)
        members = _active_users(ids)
        urls = (reverse("passwords:mine"), reverse("passwords:overdue"))  # once, not per duty
        for due in dues_for_schools(school_ids=ids, today=today, before=local_date(horizon)):
            school_id = due.person.school_id
            found[school_id].append(_change_duty(due, school_id, today, now, members, urls))
        for forced in _open_shared(ids):
            if is_before_horizon(forced.due_on, horizon):
                found[forced.school_id].append(_shared_duty(forced, now, members))
        return found

    def counts(self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
               ) -> dict[int, DutyCounts]:
        return {school_id: sum((DutyCounts.of(d.status) for d in duties), DutyCounts())
                for school_id, duties in self._duties(school_ids, now=now,
                                                      horizon=horizon).items()}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        return sorted(self._duties([school_id], now=now, horizon=horizon).get(school_id, []),
                      key=Duty.sort_key)


provider = PasswordDuties()


def register() -> None:
    register_provider(provider)
