"""The state rules on controls and frameworks made here: attested controls (never confirmed,
not done, overdue across a term's end, every N days), computed controls with nothing to
count (``when_empty``), requirement states from their controls, and the score."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from tests.personas import Personas

from schoolkeep.compliance.models import ControlSetting, State
from schoolkeep.compliance.state import engine, selectors
from schoolkeep.compliance.state.engine import requirement_state
from schoolkeep.compliance.tests.state_records import attest, attested, computed, framework
from schoolkeep.tenancy.calendar import TermCalendar

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)


def state_of(school, control, now: datetime) -> str:
    return engine.control_states(school, now=now)[control.pk].state


def test_an_attested_control_never_confirmed_is_not_yet_assessed(personas: Personas) -> None:
    control = attested()
    found = engine.control_states(personas.school, now=noon(date(2026, 10, 5)))[control.pk]
    assert found.state == State.NOT_ASSESSED
    assert found.reasons[0].text == "Nobody has confirmed this yet"
    assert found.cadence_label == "Once a term"


def test_a_termly_control_is_met_within_its_term_and_overdue_after_the_next(
        personas: Personas) -> None:
    school = personas.school
    control = attested()
    calendar = TermCalendar(school)
    autumn = calendar.term_for_date(date(2026, 10, 5))
    spring = calendar.term_for_date(autumn.ends_on + timedelta(days=1))
    attest(school, control, date(2026, 10, 5))
    # Done in the autumn term: covers it, next due at the end of the spring term.
    assert state_of(school, control, noon(autumn.ends_on)) == State.MET
    assert state_of(school, control, noon(spring.ends_on)) == State.MET
    after = noon(spring.ends_on + timedelta(days=1))
    found = engine.control_states(school, now=after)[control.pk]
    assert found.state == State.NOT_MET and found.next_due.on == spring.ends_on
    assert f"again by {spring.ends_on:%-d %B %Y}" in found.reasons[0].text


def test_a_control_found_not_done_is_not_met(personas: Personas) -> None:
    control = attested(cadence="yearly")
    attest(personas.school, control, date(2026, 9, 1))
    attest(personas.school, control, date(2026, 9, 10), outcome="not_done")
    found = engine.control_states(personas.school, now=noon(date(2026, 9, 11)))[control.pk]
    assert found.state == State.NOT_MET
    assert found.next_due.on == date(2026, 9, 10)  # to confirm again once put right
    assert "it was not done" in found.reasons[0].text


def test_every_n_days_from_the_school_setting(personas: Personas) -> None:
    school = personas.school
    control = attested(cadence="yearly")
    ControlSetting.objects.create(school=school, control=control, cadence="every_n_days",
                                  every_days=30)
    attest(school, control, date(2026, 9, 1))
    assert state_of(school, control, noon(date(2026, 10, 1))) == State.MET
    found = engine.control_states(school, now=noon(date(2026, 10, 2)))[control.pk]
    assert found.state == State.NOT_MET and found.cadence_label == "Every 30 days"


def test_a_computed_control_with_nothing_to_count(personas: Personas) -> None:
    met = computed(when_empty="met")
    waiting = computed(when_empty="not_assessed")
    states = engine.control_states(personas.school, now=noon(date(2026, 10, 5)))
    assert states[met.pk].state == State.MET
    assert states[waiting.pk].state == State.NOT_ASSESSED


def test_another_schools_own_control_is_not_read(personas: Personas) -> None:
    mine = attested(school=personas.school)
    theirs = attested(school=personas.other_school)
    states = engine.control_states(personas.school, now=noon(date(2026, 10, 5)))
    assert mine.pk in states and theirs.pk not in states


@pytest.mark.parametrize(("states", "expected"), [
    ([], State.NOT_ASSESSED),
    ([State.NOT_ASSESSED, State.NOT_ASSESSED], State.NOT_ASSESSED),
    ([State.MET, State.MET], State.MET),
    ([State.MET, State.NOT_ASSESSED], State.PARTLY),
    ([State.NOT_MET, State.NOT_ASSESSED], State.NOT_MET),
    ([State.NOT_MET, State.MET], State.PARTLY),
    ([State.PARTLY], State.PARTLY),
])
def test_requirement_state_from_its_controls(states, expected) -> None:
    class Stub:
        def __init__(self, state: str) -> None:
            self.state = state
    assert requirement_state([Stub(state) for state in states]) == expected


def test_framework_states_and_score(personas: Personas) -> None:
    school = personas.school
    done, late, never = attested(), attested(cadence="yearly"), attested()
    empty_met = computed(when_empty="met")
    attest(school, done, date(2026, 10, 1))
    attest(school, late, date(2025, 9, 1))
    framework(requirements=[[done], [done, empty_met], [late], [late, done], [never], []])
    [found] = [each for each in engine.framework_states(school, now=noon(date(2026, 10, 5)))
               if each.framework.code == "test-fw"]
    assert [each.state for each in found.requirements] == [
        State.MET, State.MET, State.NOT_MET, State.PARTLY, State.NOT_ASSESSED,
        State.NOT_ASSESSED]
    assert (found.met, found.partly, found.not_met, found.not_assessed) == (2, 1, 1, 2)
    # (2 met + half of 1 partly) of 6 = 41.6 %
    assert found.score_permille == 416 and found.percent == 41
    assert engine.framework_state(school, "test-fw", now=noon(date(2026, 10, 5))).met == 2
    assert engine.framework_state(school, "nothing", now=noon(date(2026, 10, 5))) is None


def test_owner_named_then_role_then_siro(personas: Personas) -> None:
    school = personas.school
    control = attested(owner_role="it_lead")
    people = selectors.school_people(school)
    owner = selectors.owner_of(control, None, people)
    assert owner.user_ids == (personas.it_lead.pk,) and owner.user_id is None
    assert owner.label == "IT lead Person (IT lead)"
    setting = ControlSetting.objects.create(school=school, control=control,
                                            owner=personas.dpo)
    named = selectors.owner_of(control, setting, people)
    assert named.user_id == personas.dpo.pk and named.label == personas.dpo.full_name
    # Not a member here: the role's holders again.
    setting.owner = personas.outsider
    assert selectors.owner_of(control, setting, people).user_id is None
    personas.it_lead.memberships.update(is_active=False)
    nobody = selectors.owner_of(control, None, selectors.school_people(school))
    assert nobody.user_ids == (personas.siro.pk,)
    assert "nobody is the IT lead" in nobody.label
