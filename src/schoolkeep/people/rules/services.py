"""Writes of the record's rules (which checks each kind of person needs) and settings, and
the few reads the trust's pages need.

A school follows its own rules, else its trust's, else the default for its kind
(rules.rule_set_for). Editing starts the school's own copy; resetting removes it. A trust's
administrator sets the trust's rules the same way (``trust.rules.manage``), for every school
of the trust without its own; resetting them sends those schools back to the standard rules.
Each trust-level change is written to the audit chain of every school of the trust.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.people.missing_checks import refresh_for_schools, refresh_missing_checks
from schoolkeep.people.models import CheckRule, CheckType, PeopleSettings, PersonKind
from schoolkeep.people.rules.rule_sets import Rule, RuleSet, default_for, rule_set_for
from schoolkeep.tenancy.guards import require_organisation_permission
from schoolkeep.tenancy.models import Organisation, School
from schoolkeep.tenancy.selectors import access_list_for_user
from schoolkeep.tenancy.services import audit_in_every_school

RuleTuple = tuple[str, str, str]  # (check type, person kind, condition)

# How long leavers are kept is the retention schedule's (privacy.schedule, OWN_LEAVERS).
SETTINGS_FIELDS = ["certificate_copy_months", "update_service_interval_days"]

ACTION_LABELS = {
    "people.rules.changed": "Required checks changed",
    "people.rules.reset": "Required checks reset to the trust's or the standard rules",
    "people.rules.organisation_changed": "Required checks changed for the trust's schools",
    "people.rules.organisation_reset": "Required checks of the trust's schools reset to the "
                                       "standard rules",
    "people.settings.changed": "Settings of the Single Central Record changed",
}


def _is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _require_permission(*, school: School, actor: Any, permission: str) -> None:
    """A person acting (not the CLI or the system) must hold ``permission`` in the school."""
    if not _is_user(actor):
        return
    access = next((a for a in access_list_for_user(actor) if a.school.pk == school.pk), None)
    if access is None or not access.can(permission) or access.read_only:
        raise NotAllowed("You may not change the rules or settings of this school's record.")


def rule_key(rule: RuleTuple) -> str:
    return "/".join(rule)


def rules_fingerprint(rule_set: RuleSet) -> str:
    """A short digest of the rules in force: an edit made from older rules is refused."""
    keys = sorted(rule_key((r.check_type, r.person_kind, r.condition)) for r in rule_set.rules)
    text = rule_set.source + "\n" + "\n".join(keys)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _clean_rules(rules: Iterable[RuleTuple]) -> list[RuleTuple]:
    cleaned = set()
    for check_type, person_kind, condition in rules:
        if check_type not in CheckType.values:
            raise DomainError(f"{check_type!r} is not a kind of check.", field="rules")
        if person_kind not in PersonKind.values:
            raise DomainError(f"{person_kind!r} is not a kind of person.", field="rules")
        if condition not in CheckRule.Condition.values:
            raise DomainError(f"{condition!r} is not a condition.", field="rules")
        cleaned.add((check_type, person_kind, condition))
    if not cleaned:
        raise DomainError("Choose at least one check that someone needs. To follow the trust's "
                          "or the standard rules again, reset the rules instead.", field="rules")
    return sorted(cleaned)


def _replace(owner: dict[str, Any], rules: list[RuleTuple]) -> None:
    CheckRule.objects.filter(**owner).delete()
    rows = [CheckRule(check_type=c, person_kind=k, condition=cond, **owner)
            for c, k, cond in rules]
    for row in rows:
        try:
            row.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as exc:  # pragma: no cover - choices were checked above
            raise DomainError(" ".join(exc.messages), field="rules") from None
    CheckRule.objects.bulk_create(rows)


def _keys(rule_set: RuleSet) -> list[str]:
    return sorted(rule_key((r.check_type, r.person_kind, r.condition)) for r in rule_set.rules)


def _lock(school: School) -> School:
    # Serialises edits of one school's rules (a row lock on PostgreSQL; SQLite's IMMEDIATE
    # transactions already serialise writers).
    return School.objects.select_for_update().get(pk=school.pk)


def rules_set_for_school(*, school: School, actor: Any, rules: Iterable[RuleTuple],
                         based_on: str | None = None) -> RuleSet:
    """Replace the school's own rules with ``rules`` (starting its own copy when it followed
    the trust's or the default). ``based_on``: the fingerprint of the rules the editor saw."""
    with transaction.atomic():
        _require_permission(school=school, actor=actor, permission="scr.rules.manage")
        school = _lock(school)
        current = rule_set_for(school)
        if based_on is not None and based_on != rules_fingerprint(current):
            raise StaleVersion("Someone else changed the rules while you were editing. The "
                               "form now shows their rules; make your changes again.")
        cleaned = _clean_rules(rules)
        after = [rule_key(rule) for rule in cleaned]
        changes = diff({"source": current.source, "rules": _keys(current)},
                       {"source": "school", "rules": after})
        if not changes:
            return current
        _replace({"school": school}, cleaned)
        refresh_missing_checks(school.pk)
        audit_record(action="people.rules.changed", school=school, actor=actor,
                     target_type="people.rules", target_id=str(school.public_id),
                     target_label=f"Required checks of {school.name}", changes=changes)
        return rule_set_for(school)


def rules_reset_for_school(*, school: School, actor: Any) -> RuleSet:
    """Remove the school's own rules: it follows its trust's, or the default, again."""
    with transaction.atomic():
        _require_permission(school=school, actor=actor, permission="scr.rules.manage")
        school = _lock(school)
        current = rule_set_for(school)
        if current.source != "school":
            raise DomainError("The school already follows the trust's or the standard rules.")
        CheckRule.objects.filter(school=school).delete()
        refresh_missing_checks(school.pk)
        after = rule_set_for(school)
        audit_record(action="people.rules.reset", school=school, actor=actor,
                     target_type="people.rules", target_id=str(school.public_id),
                     target_label=f"Required checks of {school.name}",
                     changes=diff({"source": current.source, "rules": _keys(current)},
                                  {"source": after.source, "rules": _keys(after)}))
        return after


def organisation_rule_set(organisation: Organisation) -> RuleSet:
    """The trust's own rules (none when its schools follow the standard rules)."""
    rows = CheckRule.objects.filter(organisation=organisation).values_list(
        "check_type", "person_kind", "condition")
    return RuleSet(source="organisation", rules=tuple(Rule(*row) for row in rows))


def default_rule_set(school: School) -> RuleSet:
    """The standard rules for the school's kind (maintained school or academy)."""
    rows = CheckRule.objects.filter(
        school__isnull=True, organisation__isnull=True, default_for=default_for(school)
    ).values_list("check_type", "person_kind", "condition")
    return RuleSet(source="default", rules=tuple(Rule(*row) for row in rows))


def schools_with_own_rules(organisation: Organisation) -> list[School]:
    """The trust's schools that follow their own rules rather than the trust's."""
    return list(School.objects.filter(organisation=organisation, check_rules__isnull=False)
                .distinct().order_by("name"))


def _require_trust_rules_permission(*, organisation: Organisation, actor: Any) -> None:
    """A person acting (not the CLI) must hold ``trust.rules.manage`` for this trust."""
    require_organisation_permission(
        organisation=organisation, actor=actor, permission="trust.rules.manage",
        message="Only the trust's administrator can change the trust's rules.")


def _refresh_trust(organisation: Organisation) -> None:
    """The trust's rules changed: its schools' people's stored facts follow (a school with
    rules of its own keeps its facts; recomputing them changes nothing)."""
    refresh_for_schools(School.objects.filter(organisation=organisation)
                        .values_list("pk", flat=True))


def _lock_organisation(organisation: Organisation) -> None:
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def _audit_in_every_school(*, organisation: Organisation, action: str, actor: Any,
                           changes: dict[str, Any]) -> None:
    """The trust's rules changed: audited in every school of the trust. A school with rules
    of its own is named so in the event: the change is not in force there until it resets
    its rules."""
    own = {school.pk for school in schools_with_own_rules(organisation)}
    label = f"Required checks of {organisation.name}'s schools"
    audit_in_every_school(
        organisation=organisation, action=action, actor=actor, target_type="people.rules",
        target_id=str(organisation.public_id), target_label=label, changes=changes,
        label_in=lambda school: (f"{label} (not in force here: {school.name} follows its own "
                                 "rules)" if school.pk in own else label))


def rules_set_for_organisation(*, organisation: Organisation, actor: Any,
                               rules: Iterable[RuleTuple],
                               based_on: str | None = None) -> list[RuleTuple]:
    """Replace a trust's rules, which every school of the trust without its own follows.
    Needs ``trust.rules.manage`` (the trust's administrator) or the CLI; audited in every
    school of the trust. ``based_on``: the fingerprint of
    the trust's rules (``organisation_rule_set``) the editor saw."""
    with transaction.atomic():
        _require_trust_rules_permission(organisation=organisation, actor=actor)
        _lock_organisation(organisation)
        current = organisation_rule_set(organisation)
        if based_on is not None and based_on != rules_fingerprint(current):
            raise StaleVersion("Someone else changed the trust's rules while you were editing. "
                               "The form now shows their rules; make your changes again.")
        cleaned = _clean_rules(rules)
        changes = diff({"rules": _keys(current)}, {"rules": [rule_key(rule) for rule in cleaned]})
        if not changes:
            return cleaned
        _replace({"organisation": organisation}, cleaned)
        _refresh_trust(organisation)
        _audit_in_every_school(organisation=organisation, actor=actor, changes=changes,
                               action="people.rules.organisation_changed")
        return cleaned


def rules_reset_for_organisation(*, organisation: Organisation, actor: Any) -> None:
    """Remove the trust's rules: its schools without their own follow the standard rules
    again. Needs ``trust.rules.manage`` (or the CLI); audited in every school of the trust."""
    with transaction.atomic():
        _require_trust_rules_permission(organisation=organisation, actor=actor)
        _lock_organisation(organisation)
        current = organisation_rule_set(organisation)
        if not current.rules:
            raise DomainError("The trust's schools already follow the standard rules.")
        CheckRule.objects.filter(organisation=organisation).delete()
        _refresh_trust(organisation)
        _audit_in_every_school(organisation=organisation, actor=actor,
                               action="people.rules.organisation_reset",
                               changes=diff({"rules": _keys(current)}, {"rules": []}))


def people_settings_update(*, school: School, actor: Any, version: int,
                           **fields: Any) -> PeopleSettings:
    """Change the record's settings (certificate copies, the Update Service)."""
    unknown = set(fields) - set(SETTINGS_FIELDS)
    if unknown:
        raise DomainError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        _require_permission(school=school, actor=actor, permission="scr.rules.manage")
        _lock(school)
        current, _ = PeopleSettings.objects.select_for_update().get_or_create(school=school)
        if current.version != version:
            raise StaleVersion("Someone else changed these settings while you were editing. "
                               "The form now shows their changes; make yours again.")
        before = snapshot(current, SETTINGS_FIELDS)
        for name, value in fields.items():
            setattr(current, name, value)
        full_clean_or_error(current)
        changes = diff(before, snapshot(current, SETTINGS_FIELDS))
        if not changes:
            return current
        current.version += 1
        current.save(update_fields=[*SETTINGS_FIELDS, "version"])
        audit_record(action="people.settings.changed", school=school, actor=actor,
                     target=current, changes=changes)
        return current
