"""Who the training rules are about: the kinds of person each rule reads, and the people who
use the school's network today.

The DfE's rule asks for every member of staff with access to the network (STAFF_KINDS) and at
least one governor (GOVERNANCE_KINDS); the RPA's rule asks for every employee (EMPLOYEE_KINDS)
and governor with access to the school's IT. "Uses the network" is the person's own flag
(``Person.uses_school_network``, the same one the acceptable use policy reads); someone whose
leaving date has passed is out of every rule.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from schoolkeep.people.models import Person, PersonKind

STAFF_KINDS: tuple[str, ...] = (
    PersonKind.TEACHING, PersonKind.SUPPORT, PersonKind.AGENCY, PersonKind.CONTRACTOR,
    PersonKind.VOLUNTEER,
)
GOVERNANCE_KINDS: tuple[str, ...] = (PersonKind.GOVERNOR, PersonKind.TRUSTEE)
EMPLOYEE_KINDS: tuple[str, ...] = (PersonKind.TEACHING, PersonKind.SUPPORT)


def not_left(today: date, prefix: str = "") -> Q:
    """People still with the school on ``today`` (no leaving date, or leaving today or later)."""
    return Q(**{f"{prefix}leaving_date__isnull": True}) | Q(**{f"{prefix}leaving_date__gte": today})


def network_users_q(today: date, prefix: str = "") -> Q:
    """The network users of the rules: flagged as using the network and not left."""
    return Q(**{f"{prefix}uses_school_network": True}) & not_left(today, prefix)


def network_users(school_ids: list[int], *, today: date) -> QuerySet[Person]:
    """Every network user of these schools (any kind): callers narrow it by kind."""
    return Person.objects.filter(network_users_q(today), school_id__in=school_ids)


# The columns the rules and their pages read of a person: a large school's people load
# without their encrypted and unused fields.
RULE_FIELDS = ("id", "public_id", "school_id", "full_name", "preferred_name", "name_key",
               "kind", "start_date", "leaving_date", "created_at", "uses_school_network",
               "user_id")
