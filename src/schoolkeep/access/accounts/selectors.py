"""Reads of the accounts on each system: the list (filtered, with what each row lacks) and
an account's page. A page of the list is four queries whatever the number of accounts: the
sort that chooses the page touches only the accounts and their systems' names, and only
the page's 50 rows are read with their people and DBS facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
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


def dbs_met_people(person_ids: Iterable[int | None]) -> set[int]:
    """Of these people, those with a completed enhanced DBS check on the record or a recorded
    exception, as access/coverage/rules.py counts them (one query; none for nobody)."""
    wanted = {pk for pk in person_ids if pk is not None}
    if not wanted:
        return set()
    done = Exists(Check.objects.filter(person=OuterRef("pk"), check_type=CheckType.ENHANCED_DBS,
                                       status=Check.Status.DONE))
    excepted = Exists(AdministratorDbsException.objects.filter(person=OuterRef("pk")))
    return set(Person.objects.filter(pk__in=wanted).filter(Q(done) | Q(excepted))
               .values_list("pk", flat=True))


def account_list(*, school: School, system: System | None = None,
                 person: Person | None = None, admin: bool | None = None,
                 enabled: bool | None = None, unknown: tuple[str, ...] = (),
                 search: str = "") -> QuerySet[SystemAccount]:
    """The school's accounts by system and username: the filtered, ordered rows, for
    counting and choosing a page (``account_page`` reads the page's rows in full).

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
    return accounts.order_by("system__name_key", "system_id", "username_key", "pk")


def account_page(accounts: QuerySet[SystemAccount], *, number: Any, today: date,
                 per_page: int = 50) -> tuple[Page, list[tuple[SystemAccount, list[Gap]]]]:
    """One page of ``account_list``, each account with the system's and people's names
    (nothing else of the people) and what it lacks. Four queries whatever the size: the
    count, the page's ids (sorting only the accounts and their systems' names), their rows,
    and the DBS facts of their people."""
    page = Paginator(accounts.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    found = {account.pk: account for account in
             SystemAccount.objects.filter(pk__in=ids)
             .select_related("system", "person", "responsible_person").only(*_LIST_FIELDS)}
    rows = [found[pk] for pk in ids]
    dbs_met = dbs_met_people(account.person_id for account in rows
                             if account.is_admin is True)
    return page, [(account, gaps(account, today, dbs_met=dbs_met)) for account in rows]


@dataclass(frozen=True)
class Gap:
    """Something an account lacks, as words in its row (``high``: shown as a warning)."""

    text: str
    high: bool = True


def gaps(account: SystemAccount, today: date, *,
         dbs_met: set[int] | None = None) -> list[Gap]:
    """What the policy asks and this account lacks: a leaver's account still enabled, an
    account that matches nobody, a shared one without a reason, an administrator account
    without two-factor (unknown counts as not on), and facts not known. With ``dbs_met``
    (``dbs_met_people`` of its person), also an administrator account without a DBS check
    or an exception."""
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
    if enabled and account.is_admin is True and dbs_met is not None and \
            not account.dbs_exception and account.person_id not in dbs_met:
        found.append(Gap("Administrator without a DBS check"))
    if account.is_admin is None:
        found.append(Gap("Administrator or not: not known", high=False))
    if account.enabled is None:
        found.append(Gap("Enabled or not: not known", high=False))
    return found


def account_for_page(*, school: School, public_id: UUID | str) -> SystemAccount:
    """One account of the school with its system and people, and who uses it if shared."""
    return get_for_school_or_404(
        SystemAccount.objects.select_related("system", "person", "responsible_person")
        .prefetch_related(Prefetch("shared_with",
                                   queryset=Person.objects.order_by("name_key", "pk"))),
        school=school, public_id=public_id)


def account_gaps(account: SystemAccount, today: date) -> list[Gap]:
    """What one account lacks, its person's DBS facts read for it (one query at most)."""
    dbs_met = dbs_met_people([account.person_id] if account.is_admin is True else [])
    return gaps(account, today, dbs_met=dbs_met)
