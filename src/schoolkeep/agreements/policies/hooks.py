"""When a school's term dates change, the policies whose next review was given as a term
follow them: ``policies_follow_terms`` resolves each such ``next_review_on`` again (one audit
event per policy whose date moves).

Tenancy's term services call it through ``register_terms_changed_hook``, in the same
transaction, after a school's or a trust's dates for a year are saved or cleared. The pages
and the API also read a term's date from the calendar when they show it, to say whether it
is still an estimate.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from schoolkeep.agreements.policies.models import Policy
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.tenancy.calendar import TermCalendar, parse_term_name, term_label
from schoolkeep.tenancy.models import Organisation, School


def _terms_of_year(academic_year: int) -> list[str]:
    return [term_label(name, academic_year) for name in ("autumn", "spring", "summer")]


def policies_follow_terms(*, school: School | None = None,
                          organisation: Organisation | None = None, academic_year: int,
                          actor: Any = None, **_: Any) -> int:
    """Resolve again the next review of every current policy given as a term of
    ``academic_year`` in ``school`` (or in every school of ``organisation``). Returns how
    many dates moved."""
    schools = [school] if school is not None else (
        list(School.objects.filter(organisation=organisation)) if organisation is not None
        else [])
    moved = 0
    with transaction.atomic():
        for each in schools:
            moved += _follow(each, academic_year, actor)
    return moved


def _follow(school: School, academic_year: int, actor: Any) -> int:
    policies = list(Policy.objects.select_for_update().filter(
        school=school, archived_at__isnull=True,
        next_review_term__in=_terms_of_year(academic_year)))
    if not policies:
        return 0
    calendar = TermCalendar(school)
    moved = 0
    for policy in policies:
        name, year = parse_term_name(policy.next_review_term)
        ends_on = next(t.ends_on for t in calendar.terms(year) if t.name == name)
        if ends_on == policy.next_review_on:
            continue
        before = {"next_review_on": policy.next_review_on}
        policy.next_review_on = ends_on
        policy.version += 1
        policy.save(update_fields=["next_review_on", "version", "updated_at"])
        audit_record(action="agreements.policy.review_date_resolved", school=school,
                     actor=actor, target=policy,
                     changes=diff(before, {"next_review_on": ends_on}))
        moved += 1
    return moved


def register() -> None:
    from schoolkeep.tenancy.services_terms import register_terms_changed_hook

    register_terms_changed_hook(policies_follow_terms)
