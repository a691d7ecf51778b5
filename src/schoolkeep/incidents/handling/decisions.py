"""Decisions about whom to tell, each with who decided, when and why: the ICO (UK GDPR
Article 33), the people affected (Article 34), and others (the police, the local authority,
the insurer, the Risk Protection Arrangement).

One decision of each kind per incident: recording it again changes it, audited with before
and after. The rules follow the effective risk (the DPO's override when there is one):
- the ICO: "no" is refused while the risk is a risk or a high risk; "yes" is either a
  decision to report, not yet sent (the 72-hour clock runs on), or the report sent, with
  when: a report sent after the 72-hour deadline needs the reason for the delay;
- the people affected: when the risk is high they must be told, with the date and the method;
- the others: free, with the reason.
A "no" to the ICO or the people affected needs the risk assessed first: the record of a breach
that was not reported must show why (Article 33(5)).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import diff, snapshot
from schoolkeep.incidents.clock import effective_risk, ico_deadline
from schoolkeep.incidents.handling.services import (
    audit_incident,
    lock_incident,
    stale_message,
    text,
)
from schoolkeep.incidents.models import Decision, Incident, Kind, RiskResult
from schoolkeep.lib.errors import DomainError, StaleVersion
from schoolkeep.tenancy.guards import actor_label, is_user

ACTION_LABELS = {
    "incidents.decision.recorded": "Decision recorded",
    "incidents.decision.changed": "Decision changed",
}

DECISION_FIELDS = ["tell", "reason", "told_at", "method", "ico_reference", "late_reason"]
DECISION_SECRET_FIELDS = ["reason", "late_reason"]
CARRYING_OUT_FIELDS = frozenset({"told_at", "method", "ico_reference", "late_reason"})
# Decisions that only make sense when personal data is involved.
PERSONAL_DATA_DECISIONS = frozenset({Decision.Kind.ICO, Decision.Kind.PEOPLE})


def _told_at(value: datetime | None, *, incident: Incident, required: bool,
             label: str) -> datetime | None:
    if value is None:
        if required:
            raise DomainError(f"Enter when {label}.", field="told_at")
        return None
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise DomainError(f"Enter the date and time when {label}.", field="told_at")
    if value > timezone.now():
        raise DomainError("That moment is in the future: record it once it has happened.",
                          field="told_at")
    if value < incident.aware_at:
        raise DomainError("That is before the school became aware of the incident.",
                          field="told_at")
    return value


def _ico_rules(incident: Incident, *, tell: bool, sent: bool, told_at: datetime | None,
               late_reason: str, risk: str) -> dict[str, Any]:
    if not tell:
        if not risk:
            raise DomainError("Assess the risk before deciding not to report to the ICO.",
                              field="tell")
        if risk in (RiskResult.RISK, RiskResult.HIGH):
            raise DomainError("The risk assessment says there is a risk to people, so the "
                              "breach must be reported to the ICO.", field="tell")
        return {"told_at": None, "ico_reference": "", "late_reason": ""}
    if not sent:
        return {"told_at": None, "late_reason": ""}
    told = _told_at(told_at, incident=incident, required=True,
                    label="the report was sent to the ICO")
    assert told is not None
    late = told > ico_deadline(incident.aware_at)
    if late and not late_reason:
        raise DomainError("The report was made after the 72-hour deadline: give the reason "
                          "for the delay.", field="late_reason")
    return {"told_at": told, "late_reason": late_reason if late else ""}


def _people_rules(incident: Incident, *, tell: bool, told_at: datetime | None, method: str,
                  risk: str) -> dict[str, Any]:
    if not tell:
        if not risk:
            raise DomainError("Assess the risk before deciding not to tell the people "
                              "affected.", field="tell")
        if risk == RiskResult.HIGH:
            raise DomainError("The risk to them is high, so the people affected must be "
                              "told.", field="tell")
        return {"told_at": None, "method": ""}
    told = _told_at(told_at, incident=incident, required=True,
                    label="the people affected were told")
    if not method:
        raise DomainError("Say how the people affected were told.", field="method")
    return {"told_at": told, "method": method}


def decision_record(*, incident: Incident, actor: Any, kind: str, tell: bool, reason: str,
                    told_at: datetime | None = None, method: str = "",
                    ico_reference: str = "", late_reason: str = "", sent: bool = True,
                    version: int | None = None) -> Decision:
    """Record the decision of this kind, or change it. Raises DomainError naming the field
    when a rule is broken, and saves nothing then. ``version`` is the decision's version the
    form was opened with (0 when none was recorded yet): when the SIRO and the DPO open it at
    once, the second save raises StaleVersion naming who saved first, instead of replacing
    the first silently. None skips the comparison (the demo and tests).
    ``sent`` (the ICO only): False records a decision to report that is not sent yet; the
    72-hour clock and its duty run on until it is recorded as sent."""
    if kind not in Decision.Kind.values:
        raise DomainError("Choose which decision this is.", field="kind")
    if not isinstance(tell, bool):
        raise DomainError("Answer yes or no.", field="tell")
    values: dict[str, Any] = {
        "tell": tell,
        "reason": text(reason, field="reason", label="the reason for the decision",
                       required=True),
        "method": text(method, field="method", label="how they were told", limit=200),
        "ico_reference": text(ico_reference, field="ico_reference",
                              label="the ICO case reference", limit=100),
        "late_reason": text(late_reason, field="late_reason", label="the reason for the delay"),
        "told_at": told_at,
    }
    with transaction.atomic():
        current = lock_incident(incident, actor=actor, version=None)
        if kind in PERSONAL_DATA_DECISIONS and current.kind in (Kind.SECURITY, Kind.NEAR_MISS):
            raise DomainError("Triage found no personal data at risk: there is nothing to "
                              "tell the ICO or the people affected.", field="kind")
        risk = effective_risk(current)
        if kind == Decision.Kind.ICO:
            values.update(method="")
            values.update(_ico_rules(current, tell=tell, sent=sent, told_at=told_at,
                                     late_reason=values["late_reason"], risk=risk))
        elif kind == Decision.Kind.PEOPLE:
            values.update(ico_reference="", late_reason="")
            values.update(_people_rules(current, tell=tell, told_at=told_at,
                                        method=values["method"], risk=risk))
        else:
            values.update(ico_reference="", late_reason="",
                          told_at=_told_at(told_at, incident=current, required=False,
                                           label="they were told") if tell else None,
                          method=values["method"] if tell else "")
        decision = (Decision.objects.select_for_update()
                    .filter(incident=current, kind=kind).first())
        if version is not None and (decision.version if decision else 0) != version:
            raise StaleVersion(stale_message(current), field="version")
        created = decision is None
        if decision is None:
            decision = Decision(school_id=current.school_id, incident=current, kind=kind)
        before = None if created else snapshot(decision, DECISION_FIELDS)
        for name, value in values.items():
            setattr(decision, name, value)
        changes = diff(before, snapshot(decision, DECISION_FIELDS),
                       secret_fields=DECISION_SECRET_FIELDS)
        if not changes:
            return decision
        # Recording that a decided report was sent (when, the ICO's reference) is carrying
        # the decision out, not deciding again: who decided and when stay as they were.
        if created or set(changes) - CARRYING_OUT_FIELDS:
            decision.decided_by = actor if is_user(actor) else None
            decision.decided_by_label = actor_label(actor)
            decision.decided_at = timezone.now()
        if not created:
            decision.version += 1
        decision.save()
        audit_incident(action="incidents.decision.recorded" if created
                       else "incidents.decision.changed", incident=current, actor=actor,
                       changes={"decision": decision.get_kind_display(), **changes})
    return decision
