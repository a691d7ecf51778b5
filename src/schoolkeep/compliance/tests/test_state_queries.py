"""The engine reads a constant number of queries whatever the number of controls and
requirements: 3 or 40 own controls (with settings naming owners and confirmations), 3 or 40
computed controls naming measures and duty kinds, 3 or 40 requirements mapped to them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.compliance.models import ControlSetting
from schoolkeep.compliance.state import engine
from schoolkeep.compliance.tests.state_records import attest, attested, computed, framework
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db

MEASURES = [["aups.signed-staff"], ["people.record-complete", "people.agency-confirmed"],
            ["backups.recent"], ["incidents.settled-in-time"]]
KINDS = [["aups.unsigned"], ["people.check-missing"], ["backups.missing"],
         ["incidents.ico-decision", "compliance.control-not-met"]]


def add(personas: Personas, n: int, code: str) -> None:
    school = personas.school
    today = timezone.localdate()
    controls = []
    for number in range(n):
        own = attested(school=school, cadence=("termly", "yearly")[number % 2])
        ControlSetting.objects.create(school=school, control=own,
                                      owner=(personas.dpo, personas.staff)[number % 2])
        attest(school, own, today - timedelta(days=number * 9))
        controls += [own, computed(measures=MEASURES[number % 4], duty_kinds=KINDS[number % 4],
                                   when_empty=("met", "not_assessed")[number % 2])]
    framework(code, requirements=[controls[i:i + 2] for i in range(0, 2 * n, 2)])


def queries(call) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as seen:
        call()
    return len(seen)


def test_control_and_framework_states_at_3_and_40(personas: Personas,
                                                  django_assert_num_queries) -> None:
    school = personas.school
    access = SchoolAccess(school, frozenset({Role.SIRO}))
    now = timezone.now()
    add(personas, 3, "fw-three")
    engine.framework_states(school, now=now, access=access)  # the term dates made once
    controls_at_3 = queries(lambda: engine.control_states(school, now=now, access=access))
    frameworks_at_3 = queries(lambda: engine.framework_states(school, now=now, access=access))
    one_at_3 = queries(lambda: engine.framework_state(school, "fw-three", now=now))
    add(personas, 37, "fw-forty")
    with django_assert_num_queries(controls_at_3):
        states = engine.control_states(school, now=now, access=access)
    with django_assert_num_queries(frameworks_at_3):
        found = engine.framework_states(school, now=now, access=access)
    with django_assert_num_queries(one_at_3):
        forty = engine.framework_state(school, "fw-forty", now=now)
    assert len([s for s in states.values() if s.control.school_id == school.pk]) == 40
    assert {each.framework.code for each in found} >= {"fw-three", "fw-forty"}
    assert len(forty.requirements) == 37
    assert all(len(each.controls) == 2 for each in forty.requirements)
