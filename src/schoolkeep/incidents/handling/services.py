"""Handling a report: what every handling write shares (the permission, the row lock and the
version check), and the end of the handling: lessons learned, closing and reopening.

Triage and risk are in triage.py, decisions in decisions.py, actions in
actions.py. Each write runs in one transaction, is refused for anyone without
``incidents.handle`` (the command line and the demo are trusted), audits what it changed with
the narrative fields only as "changed", and targets the incident in the audit trail, so that
the report's history is its whole timeline: triage, risk, decisions and actions included.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.incidents.clock import effective_risk
from schoolkeep.incidents.models import Action, Decision, Incident, Kind, RiskResult, Status
from schoolkeep.lib.errors import DomainError, StaleVersion
from schoolkeep.lib.stale import last_change, when_words
from schoolkeep.lib.validation import clean_text
from schoolkeep.tenancy.guards import actor_label, require_permission

ACTION_LABELS = {
    "incidents.incident.lessons_recorded": "Lessons learned recorded",
    "incidents.incident.closed": "Incident closed",
    "incidents.incident.reopened": "Incident reopened",
}

TEXT_MAX = 10_000
# Narrative fields: encrypted at rest, and in the audit trail only as "changed".
SECRET_FIELDS = ["title", "description", "data_involved", "reporter_name", "reporter_contact",
                 "data_categories_other", "likelihood_rationale", "severity_rationale",
                 "risk_override_reason", "lessons_learned", "aware_at_reason",
                 "reopen_reason"]


class CannotClose(DomainError):
    """Closing was refused; ``missing`` lists each thing still to do."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__("This report cannot be closed yet: " + " ".join(missing))
        self.missing = missing


# ---------------------------------------------------------------------------- shared


def require_handler(incident: Incident, actor: Any) -> None:
    require_permission(school=incident.school_id, actor=actor, permission="incidents.handle",
                       message="You may not handle incident reports in this school.")


def stale_message(incident: Incident) -> str:
    """Who changed the report last, and when, from its history (one query)."""
    last = last_change(school=incident.school_id, target=incident)
    if last is None:
        return ("Someone else changed this report while you were working on it. Reload the "
                "page to see their changes, then make yours again.")
    label, occurred_at = last
    return (f"{label} changed this report on {when_words(occurred_at)} while you were working "
            "on it. Reload the page to see their changes, then make yours again.")


def lock_incident(incident: Incident, *, actor: Any, version: int | None,
                  allow_closed: bool = False) -> Incident:
    """The incident, row-locked, after checking the actor may handle it, that ``version``
    (the one the form was opened with; None to skip) is still current, and that it is open."""
    require_handler(incident, actor)
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    if version is not None and current.version != version:
        raise StaleVersion(stale_message(current), field="version")
    if current.status == Status.CLOSED and not allow_closed:
        raise DomainError("This report is closed. Reopen it to change it.")
    return current


def text(value: Any, *, field: str, label: str, required: bool = False,
         limit: int = TEXT_MAX) -> str:
    """Free text from a form or the API, trimmed and within its limit (``clean_text``)."""
    return clean_text(value, field=field, label=label, limit=limit, required=required)


def save_incident(incident: Incident, fields: list[str]) -> None:
    incident.version += 1
    incident.save(update_fields=[*fields, "version", "updated_at"])


def audit_incident(*, action: str, incident: Incident, actor: Any,
                   changes: dict[str, Any]) -> None:
    audit_record(action=action, school=incident.school_id, actor=actor, target=incident,
                 target_label=incident.reference, changes=changes)


# ---------------------------------------------------------------------------- lessons


def incident_record_lessons(*, incident: Incident, actor: Any, version: int,
                            lessons_learned: str) -> Incident:
    """Record (or change, or clear) what the school learned from the incident."""
    lessons = text(lessons_learned, field="lessons_learned", label="the lessons learned")
    with transaction.atomic():
        current = lock_incident(incident, actor=actor, version=version)
        before = snapshot(current, ["lessons_learned"])
        current.lessons_learned = lessons
        changes = diff(before, snapshot(current, ["lessons_learned"]),
                       secret_fields=SECRET_FIELDS)
        if not changes:
            return current
        save_incident(current, ["lessons_learned"])
        audit_incident(action="incidents.incident.lessons_recorded", incident=current,
                       actor=actor, changes=changes)
    return current


# ---------------------------------------------------------------------------- closing


def _decision_gaps(incident: Incident, decisions: dict[str, Decision]) -> list[str]:
    """What a breach still lacks: the risk assessment, the ICO decision and the decision
    about the people affected, each consistent with the risk as it now stands."""
    gaps: list[str] = []
    risk = effective_risk(incident)
    if not risk:
        gaps.append("Assess the risk to the people affected.")
    ico = decisions.get(Decision.Kind.ICO)
    if ico is None:
        gaps.append("Record the decision about reporting to the ICO.")
    elif not ico.tell and risk in (RiskResult.RISK, RiskResult.HIGH):
        gaps.append("The decision not to report to the ICO no longer fits the risk: "
                    "record the decision again.")
    elif ico.tell and ico.told_at is None:
        # Closing would stop the clock: a decision to report is not the report.
        gaps.append("The report to the ICO has not been sent yet: send it, then record when.")
    people = decisions.get(Decision.Kind.PEOPLE)
    if people is None:
        gaps.append("Record the decision about telling the people affected.")
    elif not people.tell and risk == RiskResult.HIGH:
        gaps.append("The risk is high, so the people affected must be told: record the "
                    "decision again.")
    return gaps


def close_gaps(incident: Incident) -> list[str]:
    """Everything that stops the report from being closed (empty when it may close)."""
    if incident.status == Status.REPORTED or not incident.kind:
        return ["Triage the report first."]
    gaps: list[str] = []
    if incident.kind == Kind.BREACH:
        decisions = {d.kind: d for d in Decision.objects.filter(incident=incident)}
        gaps += _decision_gaps(incident, decisions)
    still_open = Action.objects.filter(incident=incident, state=Action.State.OPEN).count()
    if still_open:
        gaps.append(f"{still_open} action{'s are' if still_open != 1 else ' is'} still to do: "
                    "mark each one done, or drop it with a reason.")
    return gaps


def incident_close(*, incident: Incident, actor: Any, version: int) -> Incident:
    """Close a triaged report. A breach needs its risk assessed and the decisions about the
    ICO and the people affected recorded; every action must be done or dropped. Refused
    with CannotClose listing what is missing."""
    with transaction.atomic():
        current = lock_incident(incident, actor=actor, version=version)
        gaps = close_gaps(current)
        if gaps:
            raise CannotClose(gaps)
        before = snapshot(current, ["status", "closed_at", "closed_by_label"])
        current.status = Status.CLOSED
        current.closed_at = timezone.now()
        current.closed_by_label = actor_label(actor)
        save_incident(current, ["status", "closed_at", "closed_by_label"])
        audit_incident(action="incidents.incident.closed", incident=current, actor=actor,
                       changes=diff(before, snapshot(current, list(before))))
    return current


def incident_reopen(*, incident: Incident, actor: Any, version: int, reason: str) -> Incident:
    """Reopen a closed report, saying why."""
    why = text(reason, field="reason", label="why the report is reopened", required=True,
               limit=2000)
    with transaction.atomic():
        current = lock_incident(incident, actor=actor, version=version, allow_closed=True)
        if current.status != Status.CLOSED:
            raise DomainError("This report is not closed.")
        before = snapshot(current, ["status", "closed_at", "closed_by_label"])
        current.status = Status.OPEN
        current.closed_at = None
        current.closed_by_label = ""
        current.reopen_reason = why  # a narrative: encrypted here, "recorded" in the trail
        save_incident(current, ["status", "closed_at", "closed_by_label", "reopen_reason"])
        audit_incident(action="incidents.incident.reopened", incident=current, actor=actor,
                       changes={**diff(before, snapshot(current, list(before))),
                                "reason": "recorded"})
    return current
