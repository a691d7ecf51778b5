"""Reads of the accounts on each system: the list (filtered, with what each row lacks) and
an account's page. The list reads the accounts with their system's and people's names in
one query, whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from schoolkeep.access.keys import username_key
from schoolkeep.access.models import AdministratorDbsException, SystemAccount
from schoolkeep.lib.text import fold, tidy
from schoolkeep.people.models import Check, CheckType, Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import get_for_school_or_404

# The names a list row shows, and nothing else of the people (no dates of birth).
_PERSON_FIELDS = ("id", "public_id", "full_name", "leaving_date")
_LIST_FIELDS = (
    "public_id", "school", "username", "display_name", "email", "is_shared",
    "shared_reason", "is_admin", "mfa_on", "enabled", "disabled_on", "last_sign_in_at",
    "dbs_exception",
    "system__public_id", "system__name", "system__archived_at",
    *(f"person__{name}" for name in _PERSON_FIELDS),
    *(f"responsible_person__{name}" for name in _PERSON_FIELDS),
)


def _with_dbs(accounts: QuerySet[SystemAccount]) -> QuerySet[SystemAccount]:
    """Each account with ``person_dbs_done`` (its person has a completed enhanced DBS check
    on the record) and ``person_dbs_excepted`` (the person's exception is recorded): two
    subqueries of the same query, as access/coverage/rules.py counts them."""
    return accounts.annotate(
        person_dbs_done=Exists(Check.objects.filter(
            person=OuterRef("person"), check_type=CheckType.ENHANCED_DBS,
            status=Check.Status.DONE)),
        person_dbs_excepted=Exists(AdministratorDbsException.objects.filter(
            person=OuterRef("person"))))


def account_list(*, school: School, system: System | None = None,
                 person: Person | None = None, admin: bool | None = None,
                 enabled: bool | None = None, unknown: tuple[str, ...] = (),
                 search: str = "") -> QuerySet[SystemAccount]:
    """The school's accounts by system and username, with the system, the person and the
    person responsible (their names only), in one query.

    ``person``: their own accounts, the shared ones they are responsible for and the shared
    ones they use. ``admin`` / ``enabled``: True or False keep those answers; a name in
    ``unknown`` ("is_admin", "enabled") keeps the accounts whose answer is not known.
    ``search``: part of the username, the name or e-mail on the system, or the person's name.
    """
    accounts = SystemAccount.objects.filter(school=school)
    if system is not None:
        accounts = accounts.filter(system=system)
    if person is not None:
        used = SystemAccount.shared_with.through.objects.filter(
            person_id=person.pk).values("systemaccount_id")
        accounts = accounts.filter(Q(person=person) | Q(responsible_person=person)
                                   | Q(pk__in=used))
    for name, answer in (("is_admin", admin), ("enabled", enabled)):
        if name in unknown:
            accounts = accounts.filter(**{f"{name}__isnull": True})
        elif answer is not None:
            accounts = accounts.filter(**{name: answer})
    search = tidy(search)
    if search:
        accounts = accounts.filter(
            Q(username_key__contains=username_key(search))
            | Q(display_name__icontains=search) | Q(email__icontains=search)
            | Q(person__name_key__contains=fold(search)))
    return (_with_dbs(accounts).select_related("system", "person", "responsible_person")
            .only(*_LIST_FIELDS)
            .order_by("system__name_key", "system_id", "username_key", "pk"))


@dataclass(frozen=True)
class Gap:
    """Something an account lacks, as words in its row (``high``: shown as a warning)."""

    text: str
    high: bool = True


def gaps(account: SystemAccount, today: date) -> list[Gap]:
    """What the policy asks and this account lacks: a leaver's account still enabled, an
    account that matches nobody, a shared one without a reason, an administrator account
    without two-factor (unknown counts as not on) or without a DBS check (read with the
    list's or the page's selector), and facts not known."""
    found: list[Gap] = []
    enabled = account.enabled is not False
    person = account.person
    if enabled and person is not None and person.leaving_date and person.leaving_date <= today:
        found.append(Gap("Still enabled after the person left"))
    if enabled and person is None and not account.is_shared:
        found.append(Gap("Matches nobody on the record"))
    if account.is_shared and not account.shared_reason:
        found.append(Gap("Shared, with no reason recorded"))
    if enabled and account.is_admin is True and account.mfa_on is not True:
        found.append(Gap("Administrator without two-factor" if account.mfa_on is False
                         else "Administrator, two-factor not known"))
    if enabled and account.is_admin is True and _dbs_missing(account):
        found.append(Gap("Administrator without a DBS check"))
    if account.is_admin is None:
        found.append(Gap("Administrator or not: not known", high=False))
    if account.enabled is None:
        found.append(Gap("Enabled or not: not known", high=False))
    return found


def _dbs_missing(account: SystemAccount) -> bool:
    """No completed enhanced DBS check and no exception (the account's or its person's).
    Only for accounts read with ``_with_dbs``; any other account is not judged here."""
    if account.dbs_exception:
        return False
    if not hasattr(account, "person_dbs_done"):
        return False
    if account.person_id is None:
        return True
    return not (getattr(account, "person_dbs_done", False)
                or getattr(account, "person_dbs_excepted", False))


def account_for_page(*, school: School, public_id: UUID | str) -> SystemAccount:
    """One account of the school with its system and people, and who uses it if shared."""
    return get_for_school_or_404(
        _with_dbs(SystemAccount.objects.all())
        .select_related("system", "person", "responsible_person")
        .prefetch_related(Prefetch("shared_with",
                                   queryset=Person.objects.order_by("name_key", "pk"))),
        school=school, public_id=public_id)
