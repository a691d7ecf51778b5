"""Reads of the coverage pages: each current system's two-factor coverage, and every
administrator with their DBS state and two-factor. A fixed number of queries whatever the
number of systems, accounts or administrators; gaps first, by the rules of
``access.coverage.rules`` (the duties' own)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When

from schoolkeep.access.coverage import rules
from schoolkeep.access.models import AdministratorDbsException, SystemAccount
from schoolkeep.duties.types import count_subquery
from schoolkeep.people.models import Check, CheckType, Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School

# The gap of a system, in the order shown (the worst first).
REMOTE_GAP, NEEDED_GAP, ADMIN_GAP, NO_GAP = 0, 1, 2, 3


@dataclass
class SystemCoverage:
    system: System
    remote: bool
    needs: bool  # remote access, required, or holding OFFICIAL-SENSITIVE data
    sensitive: bool
    accounts: int  # live accounts
    accounts_on: int  # of which two-factor is on
    admins: int  # live administrator accounts
    admins_on: int

    @property
    def gap(self) -> int:
        if self.remote and not self.system.mfa_enabled:
            return REMOTE_GAP
        if self.needs and not self.system.mfa_enabled:
            return NEEDED_GAP
        if self.admins_on < self.admins:
            return ADMIN_GAP
        return NO_GAP

    @property
    def why_needed(self) -> str:
        reasons = []
        if self.remote:
            reasons.append("remote access")
        if self.system.mfa_required:
            reasons.append("the school requires it")
        if self.sensitive:
            reasons.append("holds OFFICIAL-SENSITIVE data")
        return "; ".join(reasons).capitalize() if reasons else "Not needed by the policy"


def two_factor_coverage(*, school: School) -> list[SystemCoverage]:
    """Every current system of the school with its two-factor coverage, gaps first (remote
    access without two-factor first of all), then by name: one query."""
    live = rules.live_accounts([school.pk]).filter(system=OuterRef("pk"))
    rows = (rules.current_systems([school.pk])
            .annotate(remote=Case(When(rules.REMOTE, then=Value(1)), default=Value(0),
                                  output_field=IntegerField()),
                      sensitive=rules.holds_sensitive(),
                      accounts_n=count_subquery(live),
                      accounts_on_n=count_subquery(live.filter(mfa_on=True)),
                      admins_n=count_subquery(live.filter(rules.ADMIN)),
                      admins_on_n=count_subquery(live.filter(rules.ADMIN, mfa_on=True)))
            .order_by("name_key"))
    found = [SystemCoverage(system=row, remote=bool(row.remote), sensitive=bool(row.sensitive),
                            needs=bool(row.remote) or row.mfa_required or bool(row.sensitive),
                            accounts=row.accounts_n, accounts_on=row.accounts_on_n,
                            admins=row.admins_n, admins_on=row.admins_on_n)
             for row in rows]
    return sorted(found, key=lambda c: c.gap)


@dataclass
class Administrator:
    """A person who administers systems, or an administrator account matching nobody."""

    person: Person | None
    dbs_done_on: date | None = None
    dbs_done: bool = False
    exception: str = ""  # the person's exception's reason
    named_on: list[System] = field(default_factory=list)
    accounts: list[SystemAccount] = field(default_factory=list)

    @property
    def key(self) -> str:
        if self.person is not None:
            return str(self.person.public_id)
        return str(self.accounts[0].public_id)

    @property
    def needs_dbs(self) -> bool:
        """The duty's rule: no check, no exception, and named or an account without its own
        exception text."""
        if self.dbs_done or self.exception:
            return False
        return bool(self.named_on) or any(not a.dbs_exception for a in self.accounts)

    @property
    def accounts_on(self) -> int:
        return sum(account.mfa_on is True for account in self.accounts)

    @property
    def two_factor_gap(self) -> bool:
        return self.accounts_on < len(self.accounts)

    @property
    def rank(self) -> tuple[int, int]:
        return (0 if self.needs_dbs else 1, 0 if self.two_factor_gap else 1)


def administrators(*, school: School, today: date) -> list[Administrator]:
    """Every current administrator of the school and every live administrator account that
    matches nobody, those without a DBS check or exception first, then those with an
    administrator account without two-factor: three queries."""
    done = Check.objects.filter(person=OuterRef("pk"), check_type=CheckType.ENHANCED_DBS,
                                status=Check.Status.DONE)
    people = (rules.administrators([school.pk], today)
              .annotate(dbs_done_n=count_subquery(done),
                        dbs_on=Subquery(done.values("done_on")[:1]),
                        excepted=Subquery(AdministratorDbsException.objects.filter(
                            person=OuterRef("pk")).values("reason")[:1]))
              .order_by("name_key", "pk"))
    found: dict[int, Administrator] = {
        person.pk: Administrator(person=person, dbs_done=person.dbs_done_n > 0,
                                 dbs_done_on=person.dbs_on, exception=person.excepted or "")
        for person in people}
    accounts = (rules.live_accounts([school.pk]).filter(rules.ADMIN)
                .filter(Q(person_id__in=list(found)) | Q(person__isnull=True))
                .select_related("system").order_by("system__name_key", "username_key"))
    nobody: list[Administrator] = []
    for account in accounts:
        if account.person_id is None:
            nobody.append(Administrator(person=None, accounts=[account]))
        else:
            found[account.person_id].accounts.append(account)
    named: dict[int, list[System]] = defaultdict(list)
    links = (System.administrators.through.objects
             .filter(person_id__in=list(found), system__archived_at__isnull=True)
             .select_related("system").order_by("system__name_key"))
    for link in links:
        named[link.person_id].append(link.system)
    for person_id, systems in named.items():
        found[person_id].named_on = systems
    everyone = [*found.values(), *nobody]
    return sorted(everyone, key=lambda admin: admin.rank)


def person_dbs(*, person: Person) -> dict[str, Any]:
    """A person's DBS state and exception, for the exception page: one query."""
    row = (Person.objects.filter(pk=person.pk)
           .annotate(done_n=Count("checks", filter=Q(checks__check_type=CheckType.ENHANCED_DBS,
                                                     checks__status=Check.Status.DONE)))
           .values("done_n").get())
    exception = AdministratorDbsException.objects.filter(person=person).first()
    return {"dbs_done": row["done_n"] > 0, "exception": exception}
