"""Triage and risk: what kind of incident a report is, what and whom it touches, when the school
became aware of it, and how likely and how severe the harm to people is.

Triage as a security incident or a near miss records that no personal data is at risk, which
stops the 72-hour clock (clock.clock_runs). Moving ``aware_at`` moves the ICO deadline with it,
so it needs a reason, kept in the audit trail.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.assets.models import Asset
from schoolkeep.audit.services import diff, snapshot
from schoolkeep.incidents.clock import effective_risk, ico_deadline, risk_result
from schoolkeep.incidents.handling.services import (
    SECRET_FIELDS,
    audit_incident,
    lock_incident,
    save_incident,
    text,
)
from schoolkeep.incidents.models import (
    DataCategory,
    Incident,
    Kind,
    PeopleCategory,
    RiskResult,
    Status,
)
from schoolkeep.lib.errors import DomainError
from schoolkeep.systems.models import System
from schoolkeep.tenancy.guards import actor_label, require_permission

ACTION_LABELS = {
    "incidents.incident.triaged": "Incident triaged",
    "incidents.incident.triage_changed": "Incident's triage changed",
    "incidents.incident.aware_at_changed": "Moment the school became aware changed",
    "incidents.incident.risk_assessed": "Risk assessed",
    "incidents.incident.risk_overridden": "Risk result overridden by the DPO",
    "incidents.incident.risk_override_cleared": "Risk result override removed",
}

TRIAGE_FIELDS = ["kind", "breach_confidentiality", "breach_integrity", "breach_availability",
                 "is_cyber", "people_affected", "records_affected", "people_categories",
                 "children_or_vulnerable", "data_categories", "data_categories_other"]
RISK_FIELDS = ["likelihood", "likelihood_rationale", "severity", "severity_rationale"]
OVERRIDE_FIELDS = ["risk_override", "risk_override_reason", "risk_override_by_label"]
MAX_COUNT = 100_000_000
TEXT_LIMIT_REASON = 5000


def _yes_no_unknown(value: Any, *, field: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise DomainError("Answer yes, no or not known.", field=field)


def _count(value: Any, *, field: str, label: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_COUNT:
        raise DomainError(f"Enter about how many {label} as a whole number, 0 or more.",
                          field=field)
    return value


def _choices(values: Iterable[str] | None, allowed: list[str], *, field: str,
             label: str) -> list[str]:
    """The chosen values in the order of their choices, each known."""
    chosen = set(values or [])
    unknown = chosen - set(allowed)
    if unknown:
        raise DomainError(f"Choose {label} from the list.", field=field)
    return [value for value in allowed if value in chosen]


def _same_school(records: Iterable[Any] | None, school_id: int, *, field: str,
                 label: str) -> list[Any]:
    result = list(records or [])
    if any(record.school_id != school_id for record in result):
        raise DomainError(f"Choose {label} of this school.", field=field)
    return sorted(result, key=lambda record: (record.name, record.pk))


def _names(records: Iterable[Any]) -> list[str]:
    return [record.name for record in records]


def incident_triage(
    *,
    incident: Incident,
    actor: Any,
    version: int,
    kind: str,
    breach_confidentiality: bool = False,
    breach_integrity: bool = False,
    breach_availability: bool = False,
    is_cyber: bool | None = None,
    people_affected: int | None = None,
    records_affected: int | None = None,
    people_categories: Iterable[str] | None = None,
    children_or_vulnerable: bool | None = None,
    data_categories: Iterable[str] | None = None,
    data_categories_other: str = "",
    assets: Iterable[Asset] | None = None,
    systems: Iterable[System] | None = None,
) -> Incident:
    """Record (or change) the triage. A personal data breach is a breach of confidentiality,
    integrity or availability, any combination; a security incident or a near miss records
    that no personal data is at risk, which stops the clock. The report becomes open."""
    if kind not in Kind.values:
        raise DomainError("Choose what kind of incident this is.", field="kind")
    breach = kind == Kind.BREACH
    flags = [bool(breach_confidentiality), bool(breach_integrity), bool(breach_availability)]
    if breach and not any(flags):
        raise DomainError("Choose how personal data was affected: its confidentiality, its "
                          "integrity or its availability.", field="breach_confidentiality")
    data = _choices(data_categories, DataCategory.values, field="data_categories",
                    label="the categories of personal data")
    other = text(data_categories_other, field="data_categories_other",
                 label="the other categories of data", limit=2000)
    if DataCategory.OTHER in data and not other:
        raise DomainError("Say what the other categories of personal data are.",
                          field="data_categories_other")
    fields: dict[str, Any] = {
        "kind": kind,
        "breach_confidentiality": breach and flags[0],
        "breach_integrity": breach and flags[1],
        "breach_availability": breach and flags[2],
        "is_cyber": _yes_no_unknown(is_cyber, field="is_cyber"),
        "people_affected": _count(people_affected, field="people_affected", label="people"),
        "records_affected": _count(records_affected, field="records_affected",
                                   label="records"),
        "people_categories": _choices(people_categories, PeopleCategory.values,
                                      field="people_categories",
                                      label="the categories of people"),
        "children_or_vulnerable": _yes_no_unknown(children_or_vulnerable,
                                                  field="children_or_vulnerable"),
        "data_categories": data,
        "data_categories_other": other if DataCategory.OTHER in data else "",
    }
    with transaction.atomic():
        current = lock_incident(incident, actor=actor, version=version)
        new_assets = _same_school(assets, current.school_id, field="assets",
                                  label="information assets")
        new_systems = _same_school(systems, current.school_id, field="systems",
                                   label="systems")
        old_assets = sorted(current.assets.all(), key=lambda a: (a.name, a.pk))
        old_systems = sorted(current.systems.all(), key=lambda s: (s.name, s.pk))
        before = {**snapshot(current, [*TRIAGE_FIELDS, "status"]),
                  "assets": _names(old_assets), "systems": _names(old_systems)}
        first = current.triaged_at is None
        for name, value in fields.items():
            setattr(current, name, value)
        current.status = Status.OPEN
        if first:
            current.triaged_at = timezone.now()
            current.triaged_by_label = actor_label(actor)
        after = {**snapshot(current, [*TRIAGE_FIELDS, "status"]),
                 "assets": _names(new_assets), "systems": _names(new_systems)}
        changes = diff(before, after, secret_fields=SECRET_FIELDS)
        if not changes and not first:
            return current
        save_incident(current, [*TRIAGE_FIELDS, "status", "triaged_at", "triaged_by_label"])
        if [a.pk for a in new_assets] != [a.pk for a in old_assets]:
            current.assets.set(new_assets)
        if [s.pk for s in new_systems] != [s.pk for s in old_systems]:
            current.systems.set(new_systems)
        audit_incident(action="incidents.incident.triaged" if first
                       else "incidents.incident.triage_changed",
                       incident=current, actor=actor, changes=changes)
    return current


def incident_set_aware_at(*, incident: Incident, actor: Any, version: int,
                          aware_at: datetime | None, reason: str) -> Incident:
    """Change the moment the school became aware, which moves the ICO deadline. Needs a
    reason; not in the future, nor before the incident happened."""
    why = text(reason, field="reason", label="why the moment of awareness changes",
               required=True, limit=2000)
    if (not isinstance(aware_at, datetime) or aware_at.tzinfo is None
            or aware_at.utcoffset() is None):
        raise DomainError("Enter the date and time the school became aware.", field="aware_at")
    if aware_at > timezone.now():
        raise DomainError("The moment the school became aware cannot be in the future.",
                          field="aware_at")
    with transaction.atomic():
        current = lock_incident(incident, actor=actor, version=version)
        if current.occurred_at is not None and aware_at < current.occurred_at:
            raise DomainError("The school cannot have become aware before the incident "
                              "happened.", field="aware_at")
        if aware_at == current.aware_at:
            raise DomainError("That is already the moment recorded.", field="aware_at")
        changes = diff(
            {"aware_at": current.aware_at, "ico_deadline": ico_deadline(current.aware_at)},
            {"aware_at": aware_at, "ico_deadline": ico_deadline(aware_at)})
        current.aware_at = aware_at
        current.aware_at_reason = why  # a narrative: encrypted here, "recorded" in the trail
        # The reminders count from the new moment: each is due (once) again.
        current.reminded_24_at = current.reminded_48_at = current.reminded_66_at = None
        save_incident(current, ["aware_at", "aware_at_reason", "reminded_24_at",
                                "reminded_48_at", "reminded_66_at"])
        audit_incident(action="incidents.incident.aware_at_changed", incident=current,
                       actor=actor, changes={**changes, "reason": "recorded"})
    return current


def _risk_snapshot(incident: Incident) -> dict[str, Any]:
    return {**snapshot(incident, RISK_FIELDS),
            "product": (incident.likelihood or 0) * (incident.severity or 0) or None,
            "result": risk_result(incident.likelihood, incident.severity),
            "effective_result": effective_risk(incident)}


def _score(value: Any, *, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 3:
        raise DomainError(f"Choose the {label}: 1, 2 or 3.", field=field)
    return value


def _refuse_without_personal_data(incident: Incident) -> None:
    if incident.kind in (Kind.SECURITY, Kind.NEAR_MISS):
        raise DomainError("Triage found no personal data at risk, so there is no risk to "
                          "people to assess.")


def incident_assess_risk(*, incident: Incident, actor: Any, version: int, likelihood: int,
                         likelihood_rationale: str, severity: int,
                         severity_rationale: str) -> Incident:
    """Likelihood (remote 1, possible 2, likely 3) and severity (minimal 1, significant 2,
    severe 3), each with its rationale; their product gives the result."""
    values = {
        "likelihood": _score(likelihood, field="likelihood", label="likelihood"),
        "likelihood_rationale": text(likelihood_rationale, field="likelihood_rationale",
                                     label="why that likelihood", required=True),
        "severity": _score(severity, field="severity", label="severity"),
        "severity_rationale": text(severity_rationale, field="severity_rationale",
                                   label="why that severity", required=True),
    }
    with transaction.atomic():
        current = lock_incident(incident, actor=actor, version=version)
        _refuse_without_personal_data(current)
        before = _risk_snapshot(current)
        for name, value in values.items():
            setattr(current, name, value)
        changes = diff(before, _risk_snapshot(current), secret_fields=SECRET_FIELDS)
        if not changes:
            return current
        save_incident(current, RISK_FIELDS)
        audit_incident(action="incidents.incident.risk_assessed", incident=current,
                       actor=actor, changes=changes)
    return current


def incident_override_risk(*, incident: Incident, actor: Any, version: int, result: str,
                           reason: str) -> Incident:
    """The DPO overrides the assessed result, with a reason; an empty result removes the
    override, so that the assessed result applies again."""
    if result and result not in RiskResult.values:
        raise DomainError("Choose the result that applies.", field="result")
    why = text(reason, field="reason", label="why the result is overridden",
               required=bool(result), limit=TEXT_LIMIT_REASON)
    with transaction.atomic():
        current = lock_incident(incident, actor=actor, version=version)
        require_permission(school=current.school_id, actor=actor,
                           permission="incidents.risk.override",
                           message="Only the data protection officer may override the "
                                   "result of a risk assessment.")
        _refuse_without_personal_data(current)
        if not result and not current.risk_override:
            raise DomainError("There is no override to remove.", field="result")
        if result and not risk_result(current.likelihood, current.severity):
            raise DomainError("Assess the risk before overriding its result.", field="result")
        before = {**snapshot(current, OVERRIDE_FIELDS),
                  "effective_result": effective_risk(current)}
        current.risk_override = result
        current.risk_override_reason = why if result else ""
        current.risk_override_by_label = actor_label(actor) if result else ""
        after = {**snapshot(current, OVERRIDE_FIELDS), "effective_result": effective_risk(current)}
        changes = diff(before, after, secret_fields=SECRET_FIELDS)
        if not changes:
            return current
        save_incident(current, OVERRIDE_FIELDS)
        audit_incident(action="incidents.incident.risk_overridden" if result
                       else "incidents.incident.risk_override_cleared",
                       incident=current, actor=actor, changes=changes)
    return current

