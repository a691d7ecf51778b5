"""Triage, the moment of awareness and the risk assessment. The helpers at the top are shared
by the other test_handling_* modules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from tests.personas import Personas

from schoolkeep.assets.services import asset_create, group_get_or_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.incidents.clock import clock_runs, effective_risk, ico_deadline
from schoolkeep.incidents.handling.triage import (
    incident_assess_risk,
    incident_override_risk,
    incident_set_aware_at,
    incident_triage,
)
from schoolkeep.incidents.models import Channel, Incident, Kind, RiskResult, Status
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.systems.services import system_create

# ---------------------------------------------------------------------------- helpers


def report(personas: Personas, *, school: Any = None, actor: Any = None,
           title: str = "Laptop left on a train", **fields: Any) -> Incident:
    incident, _ = incident_report(
        school=school or personas.school, actor=actor or personas.staff, channel=Channel.APP,
        title=title, description="A laptop with pupils' reports was left on the 8:12.",
        personal_data=True, **fields)
    return incident


def triage(incident: Incident, actor: Any, **fields: Any) -> Incident:
    values: dict[str, Any] = {"kind": Kind.BREACH, "breach_confidentiality": True,
                              "people_affected": 30, "people_categories": ["pupils"],
                              "data_categories": ["basic_identifiers"]}
    values.update(fields)
    return incident_triage(incident=incident, actor=actor, version=incident.version, **values)


def assess(incident: Incident, actor: Any, likelihood: int, severity: int) -> Incident:
    return incident_assess_risk(incident=incident, actor=actor, version=incident.version,
                                likelihood=likelihood, likelihood_rationale="It was found.",
                                severity=severity, severity_rationale="Names only.")


def events(incident: Incident) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_id=str(incident.public_id)).order_by("id"))


# ---------------------------------------------------------------------------- triage


def test_triage_opens_a_breach_and_records_who_and_when(personas: Personas) -> None:
    incident = report(personas)
    group = group_get_or_create(school=personas.school, name="Pupils", actor=personas.siro)
    asset = asset_create(school=personas.school, actor=personas.siro, name="Reports",
                         group=group)
    system = system_create(school=personas.school, actor=personas.siro, name="SIMS")
    triaged = triage(incident, personas.dpo, breach_integrity=True, is_cyber=False,
                     records_affected=31, people_categories=["staff", "pupils"],
                     children_or_vulnerable=True,
                     data_categories=["health", "other"], data_categories_other="Diaries",
                     assets=[asset], systems=[system])
    triaged.refresh_from_db()
    assert triaged.status == Status.OPEN and triaged.kind == Kind.BREACH
    assert triaged.triaged_at is not None and triaged.triaged_by_label == str(personas.dpo)
    assert triaged.breach_confidentiality and triaged.breach_integrity
    assert not triaged.breach_availability
    assert triaged.people_categories == ["pupils", "staff"]  # in the order of the choices
    assert triaged.data_categories == ["health", "other"]
    assert list(triaged.assets.all()) == [asset] and list(triaged.systems.all()) == [system]
    assert triaged.version == 2
    event = events(triaged)[-1]
    assert event.action == "incidents.incident.triaged"
    assert event.changes["data_categories_other"] == {"before": "changed", "after": "changed"}
    assert event.changes["assets"] == {"before": [], "after": ["Reports"]}
    assert "Diaries" not in str(event.changes)


def test_a_breach_needs_confidentiality_integrity_or_availability(personas: Personas) -> None:
    incident = report(personas)
    with pytest.raises(DomainError) as error:
        triage(incident, personas.siro, breach_confidentiality=False)
    assert error.value.field == "breach_confidentiality"
    incident.refresh_from_db()
    assert incident.status == Status.REPORTED and incident.kind == ""


@pytest.mark.parametrize(("fields", "field"), [
    ({"kind": "flood"}, "kind"),
    ({"data_categories": ["shoe_size"]}, "data_categories"),
    ({"people_categories": ["aliens"]}, "people_categories"),
    ({"data_categories": ["other"]}, "data_categories_other"),
    ({"people_affected": -1}, "people_affected"),
    ({"is_cyber": "maybe"}, "is_cyber"),
])
def test_triage_refuses_values_outside_the_choices(personas: Personas, fields: dict[str, Any],
                                                   field: str) -> None:
    with pytest.raises(DomainError) as error:
        triage(report(personas), personas.siro, **fields)
    assert error.value.field == field


def test_triage_refuses_another_schools_assets_and_systems(personas: Personas) -> None:
    other = personas.other_school
    group = group_get_or_create(school=other, name="Theirs", actor=None)
    asset = asset_create(school=other, actor=None, name="Their asset", group=group)
    system = system_create(school=other, actor=None, name="Their system")
    incident = report(personas)
    with pytest.raises(DomainError) as error:
        triage(incident, personas.siro, assets=[asset])
    assert error.value.field == "assets"
    with pytest.raises(DomainError) as error:
        triage(incident, personas.siro, systems=[system])
    assert error.value.field == "systems"


def test_a_security_incident_or_near_miss_stops_the_clock(personas: Personas) -> None:
    for kind in (Kind.SECURITY, Kind.NEAR_MISS):
        incident = triage(report(personas), personas.siro, kind=kind)
        assert not clock_runs(kind=incident.kind, ico_settled=False)
        assert not incident.breach_confidentiality  # only a breach has C/I/A
    assert clock_runs(kind=triage(report(personas), personas.siro).kind, ico_settled=False)


def test_only_the_dpo_and_siro_triage(personas: Personas) -> None:
    for who in ("staff", "auditor", "iao", "governor"):
        incident = report(personas)
        with pytest.raises(NotAllowed):
            triage(incident, personas.users[who])


def test_a_stale_version_names_who_changed_it(personas: Personas) -> None:
    incident = report(personas)
    triage(incident, personas.siro)
    with pytest.raises(StaleVersion) as error:
        triage(incident, personas.dpo, people_affected=3)  # still holds version 1
    assert str(personas.siro) in error.value.message
    assert error.value.field == "version"


def test_a_closed_report_cannot_be_triaged_again(personas: Personas) -> None:
    from schoolkeep.incidents.handling.services import incident_close

    incident = triage(report(personas), personas.siro, kind=Kind.NEAR_MISS)
    closed = incident_close(incident=incident, actor=personas.siro, version=incident.version)
    with pytest.raises(DomainError, match="closed"):
        triage(closed, personas.siro)


# ---------------------------------------------------------------------------- aware_at


def test_changing_awareness_needs_a_reason_and_moves_the_deadline(personas: Personas) -> None:
    start = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)  # the Friday before the clocks go forward
    with time_machine.travel(start, tick=False):
        incident = report(personas)
    assert ico_deadline(incident.aware_at) == start + timedelta(hours=72)
    earlier = start - timedelta(hours=20)
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        with pytest.raises(DomainError) as error:
            incident_set_aware_at(incident=incident, actor=personas.dpo,
                                  version=incident.version, aware_at=earlier, reason=" ")
        assert error.value.field == "reason"
        changed = incident_set_aware_at(incident=incident, actor=personas.dpo,
                                        version=incident.version, aware_at=earlier,
                                        reason="The IT lead saw the alert on Thursday.")
    changed.refresh_from_db()
    assert changed.aware_at == earlier
    assert ico_deadline(changed.aware_at) == earlier + timedelta(hours=72)
    event = events(changed)[-1]
    assert event.action == "incidents.incident.aware_at_changed"
    assert event.changes["aware_at"]["after"] == earlier.isoformat()
    assert event.changes["ico_deadline"] == {
        "before": (start + timedelta(hours=72)).isoformat(),
        "after": (earlier + timedelta(hours=72)).isoformat()}
    assert event.changes["reason"] == "recorded"  # a narrative: not in the trail
    assert changed.aware_at_reason == "The IT lead saw the alert on Thursday."


def test_awareness_cannot_be_in_the_future_or_before_it_happened(personas: Personas) -> None:
    now = datetime(2026, 5, 4, 12, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        incident = report(personas, occurred_at=now - timedelta(days=1))
        for moment in (now + timedelta(minutes=5), now - timedelta(days=2)):
            with pytest.raises(DomainError) as error:
                incident_set_aware_at(incident=incident, actor=personas.siro,
                                      version=incident.version, aware_at=moment,
                                      reason="Because")
            assert error.value.field == "aware_at"


# ---------------------------------------------------------------------------- risk


@pytest.mark.parametrize(("likelihood", "severity", "result"), [
    (1, 1, RiskResult.UNLIKELY), (1, 2, RiskResult.UNLIKELY), (2, 1, RiskResult.UNLIKELY),
    (1, 3, RiskResult.RISK), (3, 1, RiskResult.RISK), (2, 2, RiskResult.RISK),
    (2, 3, RiskResult.HIGH), (3, 2, RiskResult.HIGH), (3, 3, RiskResult.HIGH),
])
def test_the_risk_product_table(personas: Personas, likelihood: int, severity: int,
                                result: str) -> None:
    incident = assess(triage(report(personas), personas.siro), personas.dpo,
                      likelihood, severity)
    assert effective_risk(incident) == result
    event = events(incident)[-1]
    assert event.action == "incidents.incident.risk_assessed"
    assert event.changes["product"] == {"before": None, "after": likelihood * severity}
    assert event.changes["likelihood_rationale"] == {"before": "changed", "after": "changed"}


@pytest.mark.parametrize(("fields", "field"), [
    ({"likelihood": 4}, "likelihood"), ({"severity": 0}, "severity"),
    ({"likelihood": True}, "likelihood"), ({"likelihood_rationale": ""}, "likelihood_rationale"),
    ({"severity_rationale": "  "}, "severity_rationale"),
])
def test_risk_needs_scores_1_to_3_each_with_a_rationale(personas: Personas,
                                                        fields: dict[str, Any],
                                                        field: str) -> None:
    incident = triage(report(personas), personas.siro)
    values: dict[str, Any] = {"likelihood": 2, "likelihood_rationale": "Found",
                              "severity": 2, "severity_rationale": "Names"}
    values.update(fields)
    with pytest.raises(DomainError) as error:
        incident_assess_risk(incident=incident, actor=personas.siro, version=incident.version,
                             **values)
    assert error.value.field == field


def test_only_the_dpo_overrides_the_result_with_a_reason(personas: Personas) -> None:
    incident = assess(triage(report(personas), personas.siro), personas.siro, 3, 3)
    with pytest.raises(NotAllowed):
        incident_override_risk(incident=incident, actor=personas.siro,
                               version=incident.version, result=RiskResult.RISK,
                               reason="Encrypted")
    with pytest.raises(DomainError) as error:
        incident_override_risk(incident=incident, actor=personas.dpo, version=incident.version,
                               result=RiskResult.RISK, reason="")
    assert error.value.field == "reason"
    overridden = incident_override_risk(incident=incident, actor=personas.dpo,
                                        version=incident.version, result=RiskResult.UNLIKELY,
                                        reason="The laptop was encrypted.")
    assert effective_risk(overridden) == RiskResult.UNLIKELY
    assert overridden.risk_override_by_label == str(personas.dpo)
    event = events(overridden)[-1]
    assert event.action == "incidents.incident.risk_overridden"
    assert event.changes["effective_result"] == {"before": "high", "after": "unlikely"}
    assert event.changes["risk_override_reason"] == {"before": "changed", "after": "changed"}
    cleared = incident_override_risk(incident=overridden, actor=personas.dpo,
                                     version=overridden.version, result="", reason="")
    assert effective_risk(cleared) == RiskResult.HIGH and cleared.risk_override_reason == ""


def test_no_risk_to_assess_without_personal_data(personas: Personas) -> None:
    incident = triage(report(personas), personas.siro, kind=Kind.SECURITY)
    with pytest.raises(DomainError, match="no personal data"):
        assess(incident, personas.siro, 2, 2)
