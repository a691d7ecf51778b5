"""A person's missing checks, stored on the person so that counts across a trust are cheap.

Which checks a person needs follows from the rules, their kind and post, and overrides
(``people.rules``). Applying that per person in every count is slow at a trust's scale, so
two facts are kept on ``Person``:

- ``checks_missing``: a required check other than the agency's confirmation is not done;
- ``agency_confirmation_missing``: the agency's confirmation is required and not done.

They are computed in SQL from ``rules.missing_q`` (one UPDATE per group of schools that
follow the same rules), so they cannot mean anything else than the rules. Every write that
can change them calls ``refresh_missing_checks`` in its own transaction: a check saved, an
override set or cleared, a person added or changed, rules changed, an import. Leaving does
not change them: whether someone is current depends on the day, and is asked when counting.
``differences`` recomputes them from scratch (the ``recount-duty-facts`` command).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When

from schoolkeep.audit.actions import register_action_labels
from schoolkeep.audit.services import audit_record
from schoolkeep.people.models import CheckType, Person
from schoolkeep.people.rules.rule_sets import RuleSet, missing_q, rule_sets_for
from schoolkeep.tenancy.models import School

# The agency's confirmation has a duty of its own; "missing checks" covers the others.
CHECKS_OF_MISSING_DUTY = tuple(ct for ct in CheckType.values
                               if ct != CheckType.AGENCY_CONFIRMATION)
FIELDS = ("checks_missing", "agency_confirmation_missing")
ACTION_LABELS = {"people.missing_checks.repaired":
                 "Stored missing checks repaired to match the rules"}
register_action_labels(ACTION_LABELS)
# At most this many ids in one UPDATE (below SQLite's limit on parameters in one
# statement); more people refresh their whole school.
CHUNK = 500


def checks_missing_q(rule_set: RuleSet) -> Q:
    """People missing a required check other than the agency's confirmation."""
    q = Q(pk__in=[])
    for check_type in CHECKS_OF_MISSING_DUTY:
        q |= missing_q(rule_set, check_type)
    return q


def agency_missing_q(rule_set: RuleSet) -> Q:
    """People whose agency's confirmation is required and not done."""
    return missing_q(rule_set, CheckType.AGENCY_CONFIRMATION)


def _as_bool(condition: Q) -> Case:
    return Case(When(condition, then=Value(True)), default=Value(False),
                output_field=BooleanField())


def _computed(rule_set: RuleSet) -> dict[str, Case]:
    return {"checks_missing": _as_bool(checks_missing_q(rule_set)),
            "agency_confirmation_missing": _as_bool(agency_missing_q(rule_set))}


def _groups(school_ids: Iterable[int]) -> list[tuple[RuleSet, list[int]]]:
    """The schools grouped by the rules they follow (two queries for any number)."""
    # Only the columns the rules read: this also runs from a data migration.
    schools = School.objects.filter(pk__in=list(set(school_ids))).only(
        "pk", "kind", "organisation_id")
    groups: dict[RuleSet, list[int]] = defaultdict(list)
    for school_id, rule_set in rule_sets_for(schools).items():
        groups[rule_set].append(school_id)
    return list(groups.items())


def refresh_missing_checks(school_id: int, person_ids: Iterable[int] | None = None) -> None:
    """Recompute the stored facts of the school's people (all, or only ``person_ids``).

    Call it inside the transaction of the write that changed what they depend on. More
    people than one UPDATE takes (a large import) refresh the whole school in one UPDATE:
    the facts of the others are recomputed to what they already are, and building the
    rules' expression once costs less than once per chunk of ids."""
    ids = None if person_ids is None else sorted(set(person_ids))
    if ids is None or len(ids) > CHUNK:
        refresh_for_schools([school_id])
        return
    if not ids:
        return
    for rule_set, school_ids in _groups([school_id]):
        Person.objects.filter(school_id__in=school_ids, pk__in=ids).update(
            **_computed(rule_set))


def refresh_for_schools(school_ids: Iterable[int]) -> None:
    """Recompute the stored facts of every person of these schools: one UPDATE per group of
    schools that follow the same rules (a trust's rules changed, the school's kind)."""
    for rule_set, ids in _groups(school_ids):
        Person.objects.filter(school_id__in=ids).update(**_computed(rule_set))


@dataclass(frozen=True)
class Difference:
    """A person whose stored facts differ from the rules applied now."""

    person_id: int
    school_id: int
    field: str
    stored: bool
    computed: bool


def _differing(rule_set: RuleSet, school_ids: list[int]) -> QuerySet[Person]:
    computed = {f"computed_{name}": expression
                for name, expression in _computed(rule_set).items()}
    # exclude(a, b) keeps the rows where a or b does not hold: either fact differs.
    return (Person.objects.filter(school_id__in=school_ids).annotate(**computed)
            .exclude(**{name: F(f"computed_{name}") for name in FIELDS})
            .order_by("school_id", "pk"))


def differences(school_ids: Iterable[int] | None = None) -> list[Difference]:
    """Every stored fact that differs from a full recomputation (all schools by default)."""
    if school_ids is None:
        school_ids = School.objects.values_list("pk", flat=True)
    found = []
    for rule_set, ids in _groups(school_ids):
        rows = _differing(rule_set, ids).values_list(
            "pk", "school_id", *FIELDS, *(f"computed_{name}" for name in FIELDS))
        for pk, school_id, *values in rows:
            stored, computed = values[:len(FIELDS)], values[len(FIELDS):]
            for name, old, new in zip(FIELDS, stored, computed, strict=True):
                if bool(old) != bool(new):
                    found.append(Difference(pk, school_id, name, bool(old), bool(new)))
    return found


def repair(school_ids: Iterable[int] | None = None) -> list[Difference]:
    """Find every difference and recompute the facts of the schools that had one, in one
    transaction; each such school's audit trail records how many people were repaired."""
    with transaction.atomic():
        found = differences(school_ids)
        people: dict[int, set[int]] = defaultdict(set)
        for difference in found:
            people[difference.school_id].add(difference.person_id)
        if not people:
            return found
        refresh_for_schools(people)
        for school in School.objects.filter(pk__in=list(people)).only("pk", "public_id",
                                                                        "name"):
            audit_record(action="people.missing_checks.repaired", school=school, actor=None,
                         target_type="people.record", target_id=str(school.public_id),
                         target_label=f"Single Central Record of {school.name}",
                         changes={"people": len(people[school.pk])})
    return found
