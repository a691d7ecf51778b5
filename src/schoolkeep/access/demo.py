"""The demo's accounts on Larkspur's systems (SIMS, FMS, USO, CPOMS and RDP), as a school
would find them when it first records them, so that each duty about accounts shows once:

- Peter Gray left 60 days ago and his SIMS account is still enabled (his USO account was
  disabled on his leaving date);
- Daniel Price, whose enhanced DBS check is still pending, holds an administrator account on
  USO (the administrator without a DBS check);
- ``r.hale`` on SIMS matches nobody on the Single Central Record;
- the shared ``office`` account on SIMS has a person responsible but no reason recorded;
- Tom Whitfield's administrator account on RDP has no two-factor (RDP requires it but does
  not have it on).

Every other account is matched to its person. A system missing from the demo's register is
skipped (the systems step, order 300, adds them). Running the step again changes nothing.
Usernames and people are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.access.accounts.services import account_create
from schoolkeep.access.keys import username_key
from schoolkeep.access.models import SystemAccount
from schoolkeep.demo.builder import DemoContext
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System

SCHOOL = "larkspur"
DOMAIN = "larkspur.example"


@dataclass(frozen=True)
class DemoAccount:
    system: str  # the system's name in the register
    username: str
    person: str = ""  # a demo person's full name; "" nobody
    is_admin: bool | None = False
    mfa_on: bool | None = None
    signed_in_days_ago: int | None = 2
    fields: dict[str, Any] = field(default_factory=dict)


def _mine(name: str, username: str, **kw: Any) -> DemoAccount:
    return DemoAccount("SIMS", username, name, mfa_on=False, **kw)


ACCOUNTS = [
    # SIMS: no two-factor yet (the systems step leaves it off).
    _mine("Amara Osei", "aosei"),
    _mine("Sofia Novak", "snovak", is_admin=True),
    _mine("Grace Adeyemi", "gadeyemi"),
    _mine("Hannah Brooks", "hbrooks"),
    _mine("Ellie Morgan", "emorgan"),
    _mine("Mateo Silva", "msilva"),
    # Left 60 days ago; the account is still enabled and was last used the week before.
    _mine("Peter Gray", "pgray", signed_in_days_ago=67),
    # Matches nobody on the record: a supply teacher's account from last year.
    DemoAccount("SIMS", "r.hale", mfa_on=False, signed_in_days_ago=240,
                fields={"display_name": "Ruth Hale", "email": f"ruth.hale@{DOMAIN}"}),
    # The office's shared account, used at reception; nobody has said why it is needed.
    DemoAccount("SIMS", "office", mfa_on=False, signed_in_days_ago=1,
                fields={"is_shared": True, "display_name": "Office"}),
    # FMS: two-factor on for finance staff.
    DemoAccount("FMS", "gadeyemi", "Grace Adeyemi", is_admin=True, mfa_on=True),
    DemoAccount("FMS", "snovak", "Sofia Novak", mfa_on=True),
    DemoAccount("FMS", "aosei", "Amara Osei", mfa_on=True, signed_in_days_ago=20),
    # USO: two-factor on for all staff; Daniel Price is the school's nominated contact.
    DemoAccount("USO", f"aosei@{DOMAIN}", "Amara Osei", mfa_on=True),
    DemoAccount("USO", f"hbrooks@{DOMAIN}", "Hannah Brooks", mfa_on=True),
    DemoAccount("USO", f"emorgan@{DOMAIN}", "Ellie Morgan", mfa_on=True),
    DemoAccount("USO", f"gadeyemi@{DOMAIN}", "Grace Adeyemi", mfa_on=True),
    DemoAccount("USO", f"dprice@{DOMAIN}", "Daniel Price", is_admin=True, mfa_on=True),
    DemoAccount("USO", f"pgray@{DOMAIN}", "Peter Gray", mfa_on=True, signed_in_days_ago=61,
                fields={"enabled": False}),
    # CPOMS: the safeguarding team, with two-factor.
    DemoAccount("CPOMS", "hbrooks", "Hannah Brooks", is_admin=True, mfa_on=True),
    DemoAccount("CPOMS", "aosei", "Amara Osei", mfa_on=True, signed_in_days_ago=9),
    # An administrator account without two-factor on a system that has it for everyone else.
    DemoAccount("CPOMS", "aosei-admin", "Amara Osei", is_admin=True, mfa_on=False,
                signed_in_days_ago=30),
    # RDP: two-factor required but not on.
    DemoAccount("RDP", "twhitfield-admin", "Tom Whitfield", is_admin=True, mfa_on=False,
                signed_in_days_ago=5),
    DemoAccount("RDP", "hbrooks", "Hannah Brooks", mfa_on=False, signed_in_days_ago=12),
]

# Who is responsible for the shared office account, and who uses it.
OFFICE_RESPONSIBLE = "Sofia Novak"
OFFICE_USERS = ("Sofia Novak", "Mateo Silva", "Peter Gray")


def build_demo_accounts(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    now = timezone.now()
    systems = {system.name_key: system for system in
               System.objects.filter(school=school, archived_at__isnull=True)}
    people = {person.name_key: person for person in Person.objects.filter(school=school)}
    taken = set(SystemAccount.objects.filter(school=school)
                .values_list("system_id", "username_key"))
    for spec in ACCOUNTS:
        system = systems.get(fold(spec.system))
        if system is None or (system.pk, username_key(spec.username)) in taken:
            continue
        fields: dict[str, Any] = dict(spec.fields)
        person = people.get(fold(spec.person)) if spec.person else None
        if spec.person and person is None:
            continue  # the people step did not make them: leave the account out
        if person is not None:
            fields.update(person=person, display_name=person.full_name,
                          email=person.email or fields.get("email", ""))
            if fields.get("enabled") is False and person.leaving_date:
                fields["disabled_on"] = person.leaving_date
        if fields.get("is_shared"):
            fields["responsible_person"] = people[fold(OFFICE_RESPONSIBLE)]
            fields["shared_with"] = [people[fold(name)] for name in OFFICE_USERS
                                     if fold(name) in people]
        if spec.signed_in_days_ago is not None:
            fields["last_sign_in_at"] = now - timedelta(days=spec.signed_in_days_ago)
        account_create(school=school, actor=None, system=system, username=spec.username,
                       is_admin=spec.is_admin, mfa_on=spec.mfa_on, **fields)
