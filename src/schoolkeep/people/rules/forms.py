"""Forms of the record's rules and settings. They validate input only; services hold the
rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from schoolkeep.people.models import CheckRule, CheckType, PeopleSettings, PersonKind
from schoolkeep.people.rules.rule_sets import RuleSet
from schoolkeep.people.rules.services import SETTINGS_FIELDS, RuleTuple

NOT_REQUIRED = "none"
# Short labels for the grid of choices (the full ones are on the rules page).
SHORT_CONDITIONS = {
    CheckRule.Condition.ALWAYS: "Always",
    CheckRule.Condition.TEACHING_WORK: "If teaching work",
    CheckRule.Condition.MANAGEMENT_POST: "If a management post",
    CheckRule.Condition.QUALIFICATIONS: "If the post needs qualifications",
    CheckRule.Condition.LIVED_ABROAD: "If lived or worked abroad",
    CheckRule.Condition.CHILDCARE: "If childcare disqualification applies",
}
BASE_CHOICES = [(NOT_REQUIRED, "Not required"), *SHORT_CONDITIONS.items()]


def field_name(check_type: str, person_kind: str) -> str:
    return f"rule__{check_type}__{person_kind}"


def conditions_by_cell(rule_set: RuleSet) -> dict[tuple[str, str], list[str]]:
    """{(check type, person kind): [conditions]} of a rule set, in the conditions' order."""
    order = list(CheckRule.Condition.values)
    cells: dict[tuple[str, str], list[str]] = {}
    for rule in rule_set.rules:
        cells.setdefault((rule.check_type, rule.person_kind), []).append(rule.condition)
    return {key: sorted(set(value), key=order.index) for key, value in cells.items()}


def rules_grid(rule_set: RuleSet) -> list[tuple[str, list[list[str]]]]:
    """[(check, [the conditions' labels in each kind of person's column])]: the rules table."""
    cells = conditions_by_cell(rule_set)
    return [(label, [[CheckRule.Condition(c).label for c in cells.get((check, kind), [])]
                     for kind in PersonKind.values])
            for check, label in CheckType.choices]


class RulesForm(forms.Form):
    """One choice per check type and kind of person: not required, always, or a condition.
    A cell that holds several conditions (set by a trust, say) keeps them as one choice."""

    based_on = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, rule_set: RuleSet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cells = conditions_by_cell(rule_set)
        for check_type, check_label in CheckType.choices:
            for person_kind, kind_label in PersonKind.choices:
                name = field_name(check_type, person_kind)
                current = cells.get((check_type, person_kind), [])
                choices = list(BASE_CHOICES)
                if len(current) > 1:
                    choices.append(("+".join(current), ", or ".join(
                        SHORT_CONDITIONS[CheckRule.Condition(c)].lower() for c in current
                    ).capitalize()))
                self.fields[name] = forms.ChoiceField(
                    label=f"{check_label} for {kind_label.lower()}", choices=choices,
                    initial="+".join(current) if current else NOT_REQUIRED,
                )

    def current_data(self) -> dict[str, Any]:
        """The form's initial values as posted data (to show a refused edit's fresh rules)."""
        return {name: self.get_initial_for_field(field, name)
                for name, field in self.fields.items()}

    def by_kind(self) -> list[tuple[str, list[tuple[str, forms.BoundField]]]]:
        """[(kind of person, [(check, its field)])]: the page's fieldsets."""
        return [(kind_label, [(check_label, self[field_name(check_type, kind)])
                              for check_type, check_label in CheckType.choices])
                for kind, kind_label in PersonKind.choices]

    def rules(self) -> list[RuleTuple]:
        chosen = []
        for check_type in CheckType.values:
            for person_kind in PersonKind.values:
                value = self.cleaned_data[field_name(check_type, person_kind)]
                if value != NOT_REQUIRED:
                    chosen += [(check_type, person_kind, c) for c in value.split("+")]
        return chosen


def _model_field(name: str) -> models.Field[Any, Any]:
    field = PeopleSettings._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{name} is not a concrete field of the people settings.")
    return field


def _bounds(name: str) -> tuple[int, int]:
    field = _model_field(name)
    low = next(v.limit_value for v in field.validators if isinstance(v, MinValueValidator))
    high = next(v.limit_value for v in field.validators if isinstance(v, MaxValueValidator))
    return int(low), int(high)  # type: ignore[arg-type]


def _settings_field(name: str, help_text: str) -> forms.IntegerField:
    low, high = _bounds(name)
    label = str(_model_field(name).verbose_name)
    return forms.IntegerField(label=label, min_value=low, max_value=high,
                              help_text=help_text.format(low=low, high=high))


class PeopleSettingsForm(forms.Form):
    certificate_copy_months = _settings_field(
        "certificate_copy_months",
        "Between {low} and {high} months. Uploaded copies are deleted automatically after "
        "this; the check's details stay.")
    update_service_interval_days = _settings_field(
        "update_service_interval_days",
        "Between {low} and {high} days. For people on the DBS Update Service, a status check "
        "older than this becomes a duty for the HR administrator.")
    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, settings: PeopleSettings) -> dict[str, Any]:
        return {name: getattr(settings, name) for name in [*SETTINGS_FIELDS, "version"]}
