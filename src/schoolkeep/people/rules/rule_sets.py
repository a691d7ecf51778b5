"""Which checks a person needs: the rules, resolved for a school, as Python and as SQL.

The same decision is made in two places that must agree: ``required_checks`` for one person
(the person page) and ``required_q`` for a queryset (lists, counts, duties). A test compares
them for every kind and post.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, OuterRef, Q

from schoolkeep.people.models import Check, CheckOverride, CheckRule, CheckType, Person
from schoolkeep.tenancy.models import School

# The Person field each condition reads; ALWAYS reads none.
CONDITION_FIELDS: dict[str, str | None] = {
    CheckRule.Condition.ALWAYS: None,
    CheckRule.Condition.TEACHING_WORK: "does_teaching_work",
    CheckRule.Condition.MANAGEMENT_POST: "is_management_post",
    CheckRule.Condition.QUALIFICATIONS: "post_needs_qualifications",
    CheckRule.Condition.LIVED_ABROAD: "lived_or_worked_abroad",
    CheckRule.Condition.CHILDCARE: "childcare_disqualification_applies",
}


@dataclass(frozen=True)
class Rule:
    check_type: str
    person_kind: str
    condition: str

    def applies_to(self, person: Person) -> bool:
        if person.kind != self.person_kind:
            return False
        field = CONDITION_FIELDS[self.condition]
        return field is None or bool(getattr(person, field))

    def as_q(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}kind": self.person_kind})
        field = CONDITION_FIELDS[self.condition]
        if field is not None:
            q &= Q(**{f"{prefix}{field}": True})
        return q


@dataclass(frozen=True)
class RuleSet:
    source: str  # "school", "organisation" or "default"
    rules: tuple[Rule, ...]

    def for_check(self, check_type: str) -> list[Rule]:
        return list(self._by_check.get(check_type, ()))

    @cached_property
    def _by_check(self) -> dict[str, tuple[Rule, ...]]:
        """The rules of each check type, grouped once: required_checks asks for every type
        of every person on a page."""
        grouped: dict[str, list[Rule]] = {}
        for rule in self.rules:
            grouped.setdefault(rule.check_type, []).append(rule)
        return {check_type: tuple(rules) for check_type, rules in grouped.items()}


def default_for(school: School) -> str:
    return (CheckRule.DefaultFor.MAINTAINED if school.kind == School.Kind.MAINTAINED
            else CheckRule.DefaultFor.ACADEMY)


def rule_set_for(school: School) -> RuleSet:
    """The school's own rules, else its organisation's, else the default: one query."""
    owner = Q(school=school) | Q(school__isnull=True, organisation__isnull=True,
                                 default_for=default_for(school))
    if school.organisation_id:
        owner |= Q(organisation_id=school.organisation_id)
    rows = list(CheckRule.objects.filter(owner).values_list(
        "school_id", "organisation_id", "check_type", "person_kind", "condition"))
    for source, pick in (("school", lambda r: r[0] is not None),
                         ("organisation", lambda r: r[1] is not None),
                         ("default", lambda r: r[0] is None and r[1] is None)):
        chosen = [Rule(r[2], r[3], r[4]) for r in rows if pick(r)]
        if chosen or source == "default":
            return RuleSet(source=source, rules=tuple(chosen))
    raise AssertionError("unreachable")


def rule_sets_for(schools: Iterable[School]) -> dict[int, RuleSet]:
    """Rule sets for many schools in one query (for aggregates across a trust)."""
    schools = list(schools)
    org_ids = {s.organisation_id for s in schools if s.organisation_id}
    rows = list(CheckRule.objects.filter(
        Q(school__in=schools) | Q(organisation_id__in=org_ids)
        | Q(school__isnull=True, organisation__isnull=True)
    ).values_list("school_id", "organisation_id", "default_for", "check_type", "person_kind",
                  "condition"))
    result = {}
    for school in schools:
        own = [r for r in rows if r[0] == school.pk]
        trust = [r for r in rows if school.organisation_id and r[1] == school.organisation_id]
        default = [r for r in rows if r[0] is None and r[1] is None
                   and r[2] == default_for(school)]
        source, chosen = ("school", own) if own else (
            ("organisation", trust) if trust else ("default", default))
        result[school.pk] = RuleSet(source, tuple(Rule(r[3], r[4], r[5]) for r in chosen))
    return result


def _override_exists(check_type: str, required: bool, prefix: str = "") -> Exists:
    return Exists(CheckOverride.objects.filter(
        person=OuterRef(f"{prefix}pk" if prefix else "pk"), check_type=check_type,
        required=required))


def required_q(rule_set: RuleSet, check_type: str) -> Q:
    """People (a Person queryset) who need ``check_type``: a rule applies and no override
    says not required, or an override says required."""
    by_rule = Q(pk__in=[])
    for rule in rule_set.for_check(check_type):
        by_rule |= rule.as_q()
    return (by_rule & ~_override_exists(check_type, False)) | _override_exists(check_type, True)


def done_exists(check_type: str) -> Exists:
    return Exists(Check.objects.filter(person=OuterRef("pk"), check_type=check_type,
                                       status=Check.Status.DONE))


def missing_q(rule_set: RuleSet, check_type: str) -> Q:
    """People who need ``check_type`` and do not have it done."""
    return required_q(rule_set, check_type) & ~Q(done_exists(check_type))


def incomplete_q(rule_set: RuleSet) -> Q:
    """People missing at least one required check."""
    q = Q(pk__in=[])
    for check_type in CheckType.values:
        q |= missing_q(rule_set, check_type)
    return q


@dataclass(frozen=True)
class CheckState:
    check_type: str
    label: str
    required: bool
    status: str  # "done", "pending", "required" (missing), "not_required"
    reason: str  # why required or not, in plain English
    check: Check | None
    override: CheckOverride | None

    @property
    def missing(self) -> bool:
        return self.required and self.status != "done"


def required_checks(person: Person, rule_set: RuleSet,
                    overrides: Iterable[CheckOverride] = ()) -> dict[str, tuple[bool, str]]:
    """{check type: (required, why)} for one person."""
    by_type = {o.check_type: o for o in overrides}
    result: dict[str, tuple[bool, str]] = {}
    kind = ""  # the kind's label, read once and only when a rule applies
    for check_type in CheckType.values:
        override = by_type.get(check_type)
        if override is not None:
            state = "required" if override.required else "not required"
            result[check_type] = (override.required, f"Marked {state}: {override.reason}")
            continue
        matching = next((rule for rule in rule_set._by_check.get(check_type, ())
                         if rule.applies_to(person)), None)
        if matching is not None:
            kind = kind or person.get_kind_display().lower()
            condition = CheckRule.Condition(matching.condition).label.lower()
            result[check_type] = (True, f"Required for {kind}: {condition}")
        else:
            result[check_type] = (False, "Not required by the school's rules")
    return result


def check_states(person: Person, rule_set: RuleSet) -> list[CheckState]:
    """Every check type's state for one person. Uses prefetched checks and overrides."""
    checks = {c.check_type: c for c in person.checks.all()}
    overrides = list(person.overrides.all())
    by_override = {o.check_type: o for o in overrides}
    states = []
    for check_type, (required, why) in required_checks(person, rule_set, overrides).items():
        check = checks.get(check_type)
        if check is not None and check.status == Check.Status.DONE:
            status = "done"
        elif check is not None:
            status = "pending"
        else:
            status = "required" if required else "not_required"
        states.append(CheckState(check_type, CheckType(check_type).label, required, status, why,
                                 check, by_override.get(check_type)))
    return states
