"""Writes of the accounts on each system: add one, change one, disable one. Pages, the API,
the user-list import, the leaver checklist and the demo call these functions; each runs in
one transaction, checks that the acting member may manage accounts, and audits the account
it changes with its before and after.

The rules an account keeps: its username is unique on its system (compared case-folded);
it is one person's, or a shared account with a label and a person responsible, never both;
every person named is one of the school's people; a fact not known (administrator,
two-factor, enabled) stays unknown (None), never "no". No password is ever taken.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.access.keys import username_key
from schoolkeep.access.models import SystemAccount
from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.lib.values import as_date
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import PERMISSIONS

ACTION_LABELS = {
    "access.account.created": "Account on a system added",
    "access.account.updated": "Account on a system changed",
    "access.account.disabled": "Account on a system disabled",
}

# What account_create and account_update accept besides ``username`` and ``shared_with``.
ACCOUNT_FIELDS = [
    "display_name", "email", "person", "matched_by", "is_shared", "shared_reason",
    "responsible_person", "is_admin", "mfa_on", "enabled", "enabled_on", "disabled_on",
    "last_sign_in_at", "dbs_exception", "source", "listed_at", "missing_from_list_at",
]
# Recorded in the audit trail (people by name; shared_with as a list of names).
AUDITED_FIELDS = ["username", *ACCOUNT_FIELDS]

_LINE_FIELDS = {"display_name", "email"}
_TEXT_FIELDS = {"shared_reason", "dbs_exception"}
_FACTS = {"is_admin", "mfa_on", "enabled"}  # yes, no or not known (None)
_DATES = {"enabled_on", "disabled_on"}
_MOMENTS = {"last_sign_in_at", "listed_at", "missing_from_list_at"}
_PEOPLE = {"person", "responsible_person"}


# ---------------------------------------------------------------------------- helpers


def _require_manager(*, school: School | int, actor: Any) -> None:
    """A person acting (not the command line or the demo) must hold access.manage."""
    if not getattr(actor, "is_authenticated", False):
        return
    _, roles = PERMISSIONS["access.manage"]
    allowed = MembershipRole.objects.filter(
        membership__school=school, membership__user=actor, membership__is_active=True,
        role__in=list(roles),
    ).exists()
    if not allowed:
        raise NotAllowed("You may not change the accounts of this school's systems.")


def _refuse_unknown(fields: Iterable[str]) -> None:
    for name in fields:
        if name not in ACCOUNT_FIELDS and name not in ("username", "shared_with"):
            raise DomainError(f"An account has no field {name!r}.", field=name)


def _person(school_id: int, name: str, value: Any) -> Person | None:
    if value in (None, ""):
        return None
    if not isinstance(value, Person) or value.school_id != school_id:
        raise DomainError("Choose a person from the people of this school.", field=name)
    return value


def _people(school_id: int, values: Iterable[Any]) -> list[Person]:
    chosen = list(values)
    for person in chosen:
        if not isinstance(person, Person) or person.school_id != school_id:
            raise DomainError("Choose the people who use the account from the people of "
                              "this school.", field="shared_with")
    return sorted({person.pk: person for person in chosen}.values(),
                  key=lambda person: (person.name_key, person.pk))


def _moment(name: str, value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise DomainError("Enter a real date and time.", field=name) from None
    if not isinstance(value, datetime):
        raise DomainError("Enter a real date and time.", field=name)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _apply(account: SystemAccount, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if name == "username":
            value = " ".join(str(value or "").split())
            account.username_key = username_key(value)
        elif name in _LINE_FIELDS:
            value = tidy(str(value or ""))
        elif name in _TEXT_FIELDS:
            value = str(value or "").strip()
        elif name in _FACTS:
            if value is not None and not isinstance(value, bool):
                raise DomainError("Answer yes, no or not known.", field=name)
        elif name == "is_shared":
            if not isinstance(value, bool):
                raise DomainError("Answer yes or no.", field=name)
        elif name in _DATES:
            value = as_date(name, value)
        elif name in _MOMENTS:
            value = _moment(name, value)
        elif name in _PEOPLE:
            value = _person(account.school_id, name, value)
        elif name in ("matched_by", "source"):
            value = str(value or "")
        setattr(account, name, value)


def _validate(account: SystemAccount, shared_with: list[Person]) -> None:
    if not account.username:
        raise DomainError("Enter the account's username.", field="username")
    if account.is_shared:
        if account.person_id is not None:
            raise DomainError("A shared account is not one person's: leave the person empty "
                              "and choose the person responsible.", field="person")
        if not account.display_name:
            raise DomainError("Give the shared account a name, such as \"Office\".",
                              field="display_name")
        if account.responsible_person_id is None:
            raise DomainError("Choose the person responsible for the shared account.",
                              field="responsible_person")
    elif shared_with:
        raise DomainError("Only a shared account has people who use it besides its holder.",
                          field="shared_with")
    if account.person_id is None and account.matched_by:
        account.matched_by = ""
    enabled_on, disabled_on = account.enabled_on, account.disabled_on
    if enabled_on and disabled_on and disabled_on < enabled_on:
        raise DomainError("The account cannot be disabled before it was enabled.",
                          field="disabled_on")
    if account.enabled is True and disabled_on is not None:
        raise DomainError("An enabled account has no date it was disabled: clear the date, "
                          "or say that the account is disabled.", field="disabled_on")
    clash = SystemAccount.objects.filter(system_id=account.system_id,
                                         username_key=account.username_key
                                         ).exclude(pk=account.pk)
    if clash.exists():
        raise DomainError(f"This system already has an account {account.username}.",
                          field="username")
    full_clean_or_error(account, exclude=["school", "system", "person", "responsible_person"])


def _snapshot(account: SystemAccount, shared_with: list[Person]) -> dict[str, Any]:
    values = snapshot(account, AUDITED_FIELDS)
    for name in _PEOPLE:
        person = values[name]
        values[name] = person.full_name if person is not None else None
    values["shared_with"] = [person.full_name for person in shared_with]
    return values


def _save(account: SystemAccount) -> None:
    """Save, turning a username clash found only by the database into the same message."""
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError:
        raise DomainError(f"This system already has an account {account.username}.",
                          field="username") from None


# ---------------------------------------------------------------------------- writes


def account_create(*, school: School, actor: Any, system: System, username: str,
                   **fields: Any) -> SystemAccount:
    """Add an account to a system of the school. ``fields``: any of ACCOUNT_FIELDS, and
    ``shared_with`` (people of the school, for a shared account). A person chosen here
    without ``matched_by`` counts as chosen by hand."""
    _refuse_unknown(fields)
    given = fields.pop("shared_with", None)
    with transaction.atomic():
        _require_manager(school=school, actor=actor)
        if not isinstance(system, System) or system.school_id != school.pk:
            raise DomainError("Choose a system of this school.", field="system")
        if system.archived_at is not None:
            raise DomainError(f"{system.name} is archived: its accounts cannot be added to.",
                              field="system")
        account = SystemAccount(school=school, system=system)
        _apply(account, {"username": username, **fields})
        if account.person_id is not None and "matched_by" not in fields:
            account.matched_by = SystemAccount.MatchedBy.HAND
        shared_with = _people(school.pk, given or [])
        _validate(account, shared_with)
        _save(account)
        if shared_with:
            account.shared_with.set(shared_with)
        audit_record(action="access.account.created", school=school, actor=actor,
                     target=account, changes=diff(None, _snapshot(account, shared_with)))
    return account


def account_update(*, account: SystemAccount, actor: Any, version: int,
                   **changes: Any) -> SystemAccount:
    """Change an account. ``version`` is the one the editor read: a newer one in the database
    raises StaleVersion. Changing nothing saves nothing. A person newly chosen without
    ``matched_by`` counts as chosen by hand."""
    _refuse_unknown(changes)
    given = changes.pop("shared_with", None)
    with transaction.atomic():
        _require_manager(school=account.school_id, actor=actor)
        current = (SystemAccount.objects.select_for_update(of=("self",))
                   .select_related("person", "responsible_person").get(pk=account.pk))
        if current.version != version:
            raise stale_error(school=current.school_id, target=current, what="this account")
        old_shared = list(current.shared_with.order_by("name_key", "pk"))
        before = _snapshot(current, old_shared)
        old_person_id = current.person_id
        _apply(current, changes)
        if (current.person_id is not None and current.person_id != old_person_id
                and "matched_by" not in changes):
            current.matched_by = SystemAccount.MatchedBy.HAND
        if "enabled" in changes and current.enabled is not False and "disabled_on" not in \
                changes:
            current.disabled_on = None  # enabled again (or not known): no disabled date
        new_shared = old_shared if given is None else _people(current.school_id, given)
        if not current.is_shared and given is None:
            new_shared = []  # no longer shared: nobody else uses it
        _validate(current, new_shared)
        after = _snapshot(current, new_shared)
        recorded = diff(before, after)
        if not recorded:
            return current
        current.version += 1
        _save(current)
        if [p.pk for p in new_shared] != [p.pk for p in old_shared]:
            current.shared_with.set(new_shared)
        audit_record(action="access.account.updated", school=current.school_id, actor=actor,
                     target=current, changes=recorded)
    return current


def account_disable(*, account: SystemAccount, actor: Any,
                    disabled_on: date | None = None) -> SystemAccount:
    """Record that an account is disabled on its system (today unless ``disabled_on`` says
    when). Disabling a disabled account changes nothing."""
    with transaction.atomic():
        _require_manager(school=account.school_id, actor=actor)
        current = SystemAccount.objects.select_for_update().get(pk=account.pk)
        if current.enabled is False:
            return current
        when = as_date("disabled_on", disabled_on) or timezone.localdate()
        if current.enabled_on and when < current.enabled_on:
            raise DomainError("The account cannot be disabled before it was enabled.",
                              field="disabled_on")
        before = {"enabled": current.enabled, "disabled_on": current.disabled_on}
        current.enabled = False
        current.disabled_on = when
        current.version += 1
        current.save(update_fields=["enabled", "disabled_on", "version", "updated_at"])
        audit_record(action="access.account.disabled", school=current.school_id, actor=actor,
                     target=current,
                     changes=diff(before, {"enabled": False, "disabled_on": when}))
    return current
