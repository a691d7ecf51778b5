# ruff: noqa: E501  (one row per line keeps the table readable)
"""The trust-level pages' rows of the permission matrix (issue 12).

The trust's rules: reading them needs ``trust.overview``, changing or resetting them
``trust.rules.manage``; both are the trust administrator's alone. Every school role, however
much it may write inside the school (the SIRO, the HR administrator who manages the school's
own rules), gets 403; the outsider, whose school is in no trust, has no trust's rules page
(404). (The old trust overview page is gone: a trust's schools are on ``overview:schools``,
in the overview's own rows.)

The writes are real: the trust's rules are set in ``build`` so that a reset has something to
reset, and the edit posts a valid form turning the enhanced DBS and barred-list checks off
(what the review posted), so only the trust administrator's request changes anything (302).
The school's own rules page gets the same valid form: the trust administrator stays
read-only inside the school (403), while its SIRO and HR administrator save (302).
"""

from __future__ import annotations

from typing import Any

from schoolkeep.people.models import CheckType, PersonKind
from schoolkeep.people.rules.forms import NOT_REQUIRED, RulesForm, field_name
from schoolkeep.people.rules.rule_sets import RuleSet, rule_set_for
from schoolkeep.people.rules.services import (
    organisation_rule_set,
    rules_fingerprint,
    rules_set_for_organisation,
)
from tests.personas import Personas

TURNED_OFF = (CheckType.ENHANCED_DBS, CheckType.BARRED_LIST)


def build(personas: Personas) -> dict[str, Any]:
    # The trust's rules start as the standard ones, so the school's record shows the same.
    standard = rule_set_for(personas.school)
    rules_set_for_organisation(
        organisation=personas.school.organisation, actor=None,
        rules=[(r.check_type, r.person_kind, r.condition) for r in standard.rules])
    return {}


def _form_turning_checks_off(shown: RuleSet, based_on: RuleSet) -> dict[str, str]:
    data = RulesForm(rule_set=shown).current_data()
    for check_type in TURNED_OFF:
        for kind in PersonKind.values:
            data[field_name(check_type, kind)] = NOT_REQUIRED
    data["based_on"] = rules_fingerprint(based_on)
    return data


def _trust_form(targets: Any) -> dict[str, str]:
    rules = organisation_rule_set(targets.personas.school.organisation)
    return _form_turning_checks_off(rules, rules)


def _school_form(targets: Any) -> dict[str, str]:
    rules = rule_set_for(targets.personas.school)
    return _form_turning_checks_off(rules, rules)


FORM_BODIES = {
    ("people:trust-rules-edit", "POST"): _trust_form,
    ("people:rules-edit", "POST"): _school_form,
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("people:trust-rules", "GET"): "302 403 403 403 403 403 403 403 403 403 403 403 200 404",
    ("people:trust-rules", "POST"): "302 403 403 403 403 403 403 403 403 403 403 403 405 404",
    ("people:trust-rules-edit", "GET"): "302 403 403 403 403 403 403 403 403 403 403 403 200 404",
    ("people:trust-rules-edit", "POST"): "302 403 403 403 403 403 403 403 403 403 403 403 302 404",
    ("people:trust-rules-reset", "GET"): "302 403 403 403 403 403 403 403 403 403 403 403 405 404",
    ("people:trust-rules-reset", "POST"): "302 403 403 403 403 403 403 403 403 403 403 403 302 404",
}
