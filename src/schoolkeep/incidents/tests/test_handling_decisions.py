"""Every decision rule: the ICO, the people affected, and the others."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from tests.personas import Personas

from schoolkeep.incidents.clock import clock_runs, ico_deadline
from schoolkeep.incidents.handling.decisions import decision_record
from schoolkeep.incidents.handling.triage import incident_override_risk
from schoolkeep.incidents.models import Decision, Kind, RiskResult
from schoolkeep.incidents.tests.test_handling_triage import assess, events, report, triage
from schoolkeep.lib.errors import DomainError, NotAllowed

START = datetime(2026, 10, 23, 15, 0, tzinfo=UTC)  # the clocks go back in between


def breach(personas: Personas, likelihood: int | None = None, severity: int | None = None):
    with time_machine.travel(START, tick=False):
        incident = triage(report(personas), personas.siro)
        if likelihood is not None and severity is not None:
            incident = assess(incident, personas.dpo, likelihood, severity)
    return incident


def record(incident, actor, kind: str, tell: bool, *, at: datetime | None = None,
           **fields: Any) -> Decision:
    with time_machine.travel(at or START + timedelta(hours=5), tick=False):
        return decision_record(incident=incident, actor=actor, kind=kind, tell=tell,
                               reason=fields.pop("reason", "Considered at the weekly meeting."),
                               **fields)


# ---------------------------------------------------------------------------- the ICO


@pytest.mark.parametrize(("likelihood", "severity"), [(1, 3), (2, 2), (3, 3)])
def test_no_to_the_ico_is_refused_when_there_is_a_risk(personas: Personas, likelihood: int,
                                                       severity: int) -> None:
    incident = breach(personas, likelihood, severity)
    with pytest.raises(DomainError) as error:
        record(incident, personas.dpo, Decision.Kind.ICO, False)
    assert error.value.field == "tell"
    assert not Decision.objects.filter(incident=incident).exists()


def test_no_to_the_ico_is_allowed_when_unlikely_and_stops_the_clock(personas: Personas) -> None:
    incident = breach(personas, 1, 2)
    decision = record(incident, personas.dpo, Decision.Kind.ICO, False,
                      reason="Sent to one parent who deleted it.")
    assert not decision.tell and decision.decided_by == personas.dpo
    assert decision.decided_by_label == str(personas.dpo)
    assert decision.decided_at == START + timedelta(hours=5)
    assert not clock_runs(kind=incident.kind, ico_settled=True)


def test_no_to_the_ico_is_allowed_once_the_dpo_overrides_the_result(personas: Personas) -> None:
    incident = breach(personas, 2, 2)
    with time_machine.travel(START + timedelta(hours=1), tick=False):
        incident = incident_override_risk(incident=incident, actor=personas.dpo,
                                          version=incident.version, result=RiskResult.UNLIKELY,
                                          reason="The file was encrypted.")
    assert not record(incident, personas.siro, Decision.Kind.ICO, False).tell


def test_no_to_the_ico_needs_the_risk_assessed_first(personas: Personas) -> None:
    with pytest.raises(DomainError, match="Assess the risk"):
        record(breach(personas), personas.dpo, Decision.Kind.ICO, False)


def test_yes_to_the_ico_records_when_it_was_reported(personas: Personas) -> None:
    incident = breach(personas, 3, 2)
    with pytest.raises(DomainError) as error:
        record(incident, personas.dpo, Decision.Kind.ICO, True)
    assert error.value.field == "told_at"
    told = START + timedelta(hours=30)
    decision = record(incident, personas.dpo, Decision.Kind.ICO, True, told_at=told,
                      ico_reference="IC-123456-A1B2", at=told + timedelta(minutes=5))
    assert decision.told_at == told and decision.ico_reference == "IC-123456-A1B2"
    assert decision.late_reason == ""


def test_a_late_report_to_the_ico_needs_the_reason_for_the_delay(personas: Personas) -> None:
    incident = breach(personas, 3, 3)
    deadline = ico_deadline(incident.aware_at)
    late = deadline + timedelta(minutes=1)
    with pytest.raises(DomainError) as error:
        record(incident, personas.dpo, Decision.Kind.ICO, True, told_at=late,
               at=late + timedelta(hours=1))
    assert error.value.field == "late_reason"
    decision = record(incident, personas.dpo, Decision.Kind.ICO, True, told_at=late,
                      late_reason="The DPO was away.", at=late + timedelta(hours=1))
    assert decision.late_reason == "The DPO was away."
    # Exactly at the deadline is in time.
    on_time = record(incident, personas.dpo, Decision.Kind.ICO, True, told_at=deadline,
                     late_reason="Not needed", at=late + timedelta(hours=2))
    assert on_time.late_reason == ""


def test_told_at_cannot_be_in_the_future_or_before_awareness(personas: Personas) -> None:
    incident = breach(personas, 3, 3)
    for moment in (START + timedelta(hours=6), START - timedelta(hours=1)):
        with pytest.raises(DomainError) as error:
            record(incident, personas.dpo, Decision.Kind.ICO, True, told_at=moment)
        assert error.value.field == "told_at"


def test_recording_again_updates_the_decision_and_audits_it(personas: Personas) -> None:
    incident = breach(personas, 1, 1)
    first = record(incident, personas.dpo, Decision.Kind.ICO, False, reason="Harmless.")
    again = record(incident, personas.siro, Decision.Kind.ICO, True,
                   told_at=START + timedelta(hours=6), reason="On reflection.",
                   at=START + timedelta(hours=7))
    assert again.pk == first.pk and again.tell and again.decided_by == personas.siro
    assert Decision.objects.filter(incident=incident).count() == 1
    recorded, changed = [e for e in events(incident) if e.action.startswith("incidents.decision")]
    assert recorded.action == "incidents.decision.recorded"
    assert changed.action == "incidents.decision.changed"
    assert changed.changes["tell"] == {"before": False, "after": True}
    assert changed.changes["reason"] == {"before": "changed", "after": "changed"}
    assert changed.changes["decision"] == "Report to the ICO"
    assert "reflection" not in str(changed.changes)


# ---------------------------------------------------------------------------- the people


def test_high_risk_means_the_people_affected_are_told_with_date_and_method(
        personas: Personas) -> None:
    incident = breach(personas, 3, 2)
    with pytest.raises(DomainError) as error:
        record(incident, personas.dpo, Decision.Kind.PEOPLE, False)
    assert error.value.field == "tell"
    with pytest.raises(DomainError) as error:
        record(incident, personas.dpo, Decision.Kind.PEOPLE, True)
    assert error.value.field == "told_at"
    with pytest.raises(DomainError) as error:
        record(incident, personas.dpo, Decision.Kind.PEOPLE, True,
               told_at=START + timedelta(hours=2))
    assert error.value.field == "method"
    decision = record(incident, personas.dpo, Decision.Kind.PEOPLE, True,
                      told_at=START + timedelta(hours=2), method="A letter to each family")
    assert decision.method == "A letter to each family"


def test_below_high_risk_the_people_need_not_be_told(personas: Personas) -> None:
    decision = record(breach(personas, 2, 2), personas.dpo, Decision.Kind.PEOPLE, False,
                      reason="No risk to them beyond the ICO's view.")
    assert not decision.tell and decision.method == ""


# ---------------------------------------------------------------------------- the others


@pytest.mark.parametrize("kind", [Decision.Kind.POLICE, Decision.Kind.LOCAL_AUTHORITY,
                                  Decision.Kind.INSURER, Decision.Kind.RPA])
def test_others_are_free_with_a_reason(personas: Personas, kind: str) -> None:
    incident = breach(personas)  # not even assessed
    with pytest.raises(DomainError) as error:
        record(incident, personas.siro, kind, True, reason="")
    assert error.value.field == "reason"
    assert not record(incident, personas.siro, kind, False).tell
    assert record(incident, personas.siro, kind, True).tell


def test_no_ico_or_people_decision_without_personal_data(personas: Personas) -> None:
    with time_machine.travel(START, tick=False):
        incident = triage(report(personas), personas.siro, kind=Kind.NEAR_MISS)
    with pytest.raises(DomainError, match="no personal data"):
        record(incident, personas.siro, Decision.Kind.ICO, False)
    assert record(incident, personas.siro, Decision.Kind.POLICE, False)


def test_only_handlers_decide(personas: Personas) -> None:
    incident = breach(personas, 1, 1)
    for who in ("auditor", "staff", "business_manager"):
        with pytest.raises(NotAllowed):
            record(incident, personas.users[who], Decision.Kind.POLICE, False)
