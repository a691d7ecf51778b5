"""What the DPIA pages show, worked out from records already read (no queries): the list's
rows and the assessment page's sections."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse

from schoolkeep.lib.risk import LIKELIHOOD_LABELS, SEVERITY_LABELS, SHORT_LABELS, risk_result
from schoolkeep.privacy.dpias import description, screening, selectors
from schoolkeep.privacy.dpias.models import Dpia, DpiaRisk, DpiaState
from schoolkeep.privacy.legacy import LEGACY_NOTE

STATE_COLOURS = {DpiaState.SCREENING: "grey", DpiaState.NOT_REQUIRED: "blue",
                 DpiaState.IN_PROGRESS: "yellow", DpiaState.AWAITING_ICO: "red",
                 DpiaState.SIGNED_OFF: "green"}
RESULT_COLOURS = {"unlikely": "green", "risk": "yellow", "high": "red", "": "grey"}


@dataclass(frozen=True)
class DpiaRow:
    url: str
    subject: str
    kind: str
    state: str
    colour: str
    completed_on: date | None
    review_on: date | None
    review_due: bool
    legacy: bool


def dpia_rows(dpias: list[Dpia], *, today: date) -> list[DpiaRow]:
    return [DpiaRow(
        url=reverse("dpias:dpia-detail", args=[dpia.public_id]),
        subject=selectors.subject_name(dpia),
        kind="Asset" if dpia.asset_id else "System" if dpia.system_id else "Project",
        state=str(DpiaState(dpia.state).label), colour=STATE_COLOURS[DpiaState(dpia.state)],
        completed_on=dpia.signed_off_on, review_on=dpia.review_on,
        review_due=bool(dpia.signed_off_on and dpia.review_on and dpia.review_on < today),
        legacy=dpia.legacy) for dpia in dpias]


@dataclass(frozen=True)
class RiskRow:
    risk: DpiaRisk
    likelihood: str
    severity: str
    result: str
    result_colour: str
    residual: str
    residual_colour: str


def _result(likelihood: int | None, severity: int | None) -> tuple[str, str]:
    value = risk_result(likelihood, severity)
    return (SHORT_LABELS.get(value, "Not scored yet"), RESULT_COLOURS[value])


def risk_rows(risks: list[DpiaRisk]) -> list[RiskRow]:
    rows = []
    for risk in risks:
        result, colour = _result(risk.likelihood, risk.severity)
        residual, residual_colour = _result(risk.residual_likelihood, risk.residual_severity)
        rows.append(RiskRow(
            risk=risk, likelihood=f"{risk.likelihood}: {LIKELIHOOD_LABELS[risk.likelihood]}",
            severity=f"{risk.severity}: {SEVERITY_LABELS[risk.severity]}", result=result,
            result_colour=colour, residual=residual, residual_colour=residual_colour))
    return rows


def screening_rows(dpia: Dpia) -> list[dict[str, Any]]:
    """The answers given, by group (questions not answered yet are left out)."""
    saved = dpia.screening or {}
    groups = []
    for group, title in screening.GROUP_TITLES.items():
        rows = [{"text": q.text, "answer": "Yes" if saved[q.key]["answer"] else "No",
                 "note": saved[q.key].get("note", "")}
                for q in screening.QUESTIONS if q.group == group and q.key in saved]
        if rows:
            groups.append({"title": title, "rows": rows})
    return groups


def assessment_context(dpia: Dpia, *, access: Any) -> dict[str, Any]:
    """The assessment page: its sections in the order of the ICO's template, and what the
    member may do on it."""
    risks = list(dpia.risks.all())
    notes = dpia.description or {}
    open_for_changes = dpia.archived_at is None and dpia.signed_off_on is None
    can_manage = access.can("dpias.manage") and dpia.archived_at is None
    return {
        "subject": selectors.subject_name(dpia),
        "state_colour": STATE_COLOURS[DpiaState(dpia.state)],
        "legacy_note": LEGACY_NOTE,
        "reasons": [line for line in dpia.screening_reasons.splitlines() if line],
        "screening_groups": screening_rows(dpia),
        "notes": [(label, notes.get(key, "")) for key, label in description.HEADINGS],
        "risk_rows": risk_rows(risks),
        "ico_needed": selectors.ico_consultation_needed(dpia, risks),
        "ico_note": selectors.ICO_RESPONSE_NOTE,
        "blockers": selectors.sign_off_blockers(dpia, risks),
        "can_manage": can_manage,
        "can_change": can_manage and open_for_changes,
        "can_advise": access.can("dpias.advise") and open_for_changes,
        "can_sign_off": access.can("dpias.signoff") and open_for_changes,
    }
