"""The record read as values agrees with the rules engine read through the models.

``record.Requirements`` asks ``rules.required_checks`` once per kind and conditions and applies
a person's exceptions itself; ``record_rows`` reads people, checks and exceptions as values.
Both must give what the person's own page (``rules.check_states``, from model instances)
gives for every person.
"""

from __future__ import annotations

from datetime import date
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from schoolkeep.people.models import CheckOverride, CheckRule, CheckType, Person, PersonKind
from schoolkeep.people.record.rows import (
    CONDITIONS,
    DONE,
    MISSING,
    NOT_REQUIRED,
    PENDING,
    RecordFilters,
    RecordPerson,
    Requirements,
    record_rows,
)
from schoolkeep.people.rules.rule_sets import (
    Rule,
    RuleSet,
    check_states,
    required_checks,
    rule_set_for,
)
from schoolkeep.people.services import check_save, override_set, person_create

rules = st.builds(Rule, st.sampled_from(CheckType.values), st.sampled_from(PersonKind.values),
                  st.sampled_from(CheckRule.Condition.values))
people = st.tuples(st.sampled_from(PersonKind.values),
                   st.tuples(*(st.booleans() for _ in CONDITIONS)),
                   st.dictionaries(st.sampled_from(CheckType.values), st.booleans()))


@settings(max_examples=200, deadline=None)
@given(st.lists(rules, max_size=25), st.lists(people, min_size=1, max_size=8))
def test_requirements_equal_required_checks_for_every_person(rule_list, persons):
    rule_set = RuleSet(source="school", rules=tuple(rule_list))
    requirements = Requirements(rule_set)  # one for all: its answers are kept per kind
    for kind, conditions, exceptions in persons:
        person = Person(kind=kind, **dict(zip(CONDITIONS, conditions, strict=True)))
        overrides = [CheckOverride(check_type=check_type, required=required, reason="r")
                     for check_type, required in exceptions.items()]
        expected = {check_type: required for check_type, (required, _why)
                    in required_checks(person, rule_set, overrides).items()}
        values = RecordPerson(1, uuid4(), "A", kind, "", None, None, conditions)
        assert requirements.of(values, exceptions) == expected


STATES = {"done": DONE, "pending": PENDING, "required": MISSING, "not_required": NOT_REQUIRED}


def test_rows_equal_each_persons_own_page(personas):
    school = personas.school
    made = []
    for n, kind in enumerate(PersonKind.values * 2):
        someone = person_create(school=school, actor=None, full_name=f"Person {n:02d}",
                                kind=kind, does_teaching_work=n % 2 == 0,
                                is_management_post=n % 3 == 0, lived_or_worked_abroad=n % 4 == 0)
        if n % 3:
            check_save(person=someone, actor=None, check_type=CheckType.IDENTITY,
                       status="done", done_on=date(2024, 9, 2))
        if n % 4 == 1:
            check_save(person=someone, actor=None, check_type=CheckType.ENHANCED_DBS,
                       status="pending")
        if n % 5 == 2:
            override_set(person=someone, actor=None, check_type=CheckType.PROHIBITION,
                         required=True, reason="Teaches a class on Fridays")
        if n % 5 == 3:
            override_set(person=someone, actor=None, check_type=CheckType.IDENTITY,
                         required=False, reason="Seen at the trust's office")
        made.append(someone)
    rule_set = rule_set_for(school)
    found = record_rows(school=school, rule_set=rule_set, filters=RecordFilters(), per_page=7,
                        page=1)
    rows = list(found.rows)
    for number in found.page.paginator.page_range[1:]:
        rows += record_rows(school=school, rule_set=rule_set, filters=RecordFilters(),
                            per_page=7, page=number).rows
    assert [row.person.full_name for row in rows] == sorted(p.full_name for p in made)
    by_name = {p.full_name: Person.objects.prefetch_related("checks", "overrides").get(pk=p.pk)
               for p in made}
    for row in rows:
        states = check_states(by_name[row.person.full_name], rule_set)
        assert [(cell.check_type, cell.required, cell.state) for cell in row.cells] == [
            (state.check_type, state.required, STATES[state.status]) for state in states]
        assert row.missing == [state.label for state in states if state.missing]
    assert found.page.paginator.count == len(made)
