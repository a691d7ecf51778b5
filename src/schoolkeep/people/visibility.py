"""How much of a person record the current member may see. Every page, export and API
response of this app decides what to show through ``person_visibility`` and nothing else.

Levels, each including the ones before it:
- NAMES: name, preferred name, kind, job title, sites (every member of the school);
- DETAILS: the rest of the person (dates, e-mail, staff number, account) but no checks
  (the business manager);
- RECORD: the checks of the Single Central Record, without their sensitive fields
  (DSL and auditor see more: see SENSITIVE; the trust administrator stops here);
- SENSITIVE: DBS certificate numbers, dates of birth and certificate copies (SIRO, HR
  administrator, designated safeguarding lead, auditor).

A member always sees their own person page at SENSITIVE, except that the copy of their own
certificate is offered only to roles that may see copies.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from schoolkeep.tenancy.access import SchoolAccess


class Level(IntEnum):
    NONE = 0
    NAMES = 1
    DETAILS = 2
    RECORD = 3
    SENSITIVE = 4


def school_level(access: SchoolAccess | None) -> Level:
    """What the member may see of anyone in the school."""
    if access is None:
        return Level.NONE
    if access.can("scr.sensitive.view"):
        return Level.SENSITIVE
    if access.can("scr.view"):
        return Level.RECORD
    if access.can("people.view"):
        return Level.DETAILS
    return Level.NAMES


def person_visibility(access: SchoolAccess | None, person: Any, user: Any) -> Level:
    """What the member may see of this person: their school level, or SENSITIVE for
    their own record."""
    level = school_level(access)
    if level and person.user_id is not None and person.user_id == getattr(user, "pk", None):
        return Level.SENSITIVE
    return level


def can_manage(access: SchoolAccess | None) -> bool:
    return access is not None and access.can("people.manage")


# Fields of a check shown only at SENSITIVE: who checked, the evidence and notes (identity
# documents and names), and the DBS certificate's own details. Below it a check shows its
# status and dates.
SENSITIVE_CHECK_FIELDS = frozenset({
    "checked_by", "evidence", "notes", "dbs_with_barred_list", "dbs_certificate_number",
    "dbs_issued_on", "on_update_service", "update_service_checked_on",
})
