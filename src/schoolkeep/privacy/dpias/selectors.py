"""Reads of DPIAs: the state a DPIA is in, what still blocks its sign-off, the summaries the
asset and system registers show, and the list.

``state_of`` is pure (it reads the risks given, or the DPIA's prefetched risks); the
services store its answer in ``Dpia.state`` on every write, so lists and summaries filter
on the column without reading risks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.urls import reverse

from schoolkeep.lib.risk import RiskResult, risk_result
from schoolkeep.privacy.dpias.models import Dpia, DpiaRisk, DpiaState
from schoolkeep.tenancy.selectors import get_for_school_or_404

# The ICO's answer to a prior consultation: within 8 weeks of the request, which it may
# extend by 6 weeks for complex processing (UK GDPR Article 36(2)).
ICO_RESPONSE_NOTE = ("The ICO aims to respond within 8 weeks of receiving the request; it "
                     "may extend this by 6 weeks for complex processing (UK GDPR Article "
                     "36(2)).")


def residual_result(risk: DpiaRisk) -> str:
    """The risk left after its measures: empty until both residual scores are given."""
    return risk_result(risk.residual_likelihood, risk.residual_severity)


def has_high_residual(risks: Iterable[DpiaRisk]) -> bool:
    return any(residual_result(risk) == RiskResult.HIGH for risk in risks)


def _risks(dpia: Dpia, risks: Sequence[DpiaRisk] | None) -> Sequence[DpiaRisk]:
    return list(dpia.risks.all()) if risks is None else risks


def ico_settled(dpia: Dpia) -> bool:
    """The prior consultation is recorded with the ICO's response."""
    return dpia.ico_consulted_on is not None and dpia.ico_response_on is not None


# What a risk is, for the digests: a change to any of these is a changed risk.
RISK_DIGEST_FIELDS = ("description", "likelihood", "severity", "measures",
                      "residual_likelihood", "residual_severity", "measures_approved")
ASSESSMENT_DIGEST_FIELDS = ("processing_notes", "necessity", "consultation_views",
                            "consultation_not_sought_reason")


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _risk_values(risks: Iterable[DpiaRisk]) -> list[list[Any]]:
    ordered = sorted(risks, key=lambda risk: (risk.position, risk.pk or 0))
    return [[getattr(risk, name) for name in RISK_DIGEST_FIELDS] for risk in ordered]


def risks_digest(risks: Iterable[DpiaRisk]) -> str:
    """A digest of the risks as they stand: what the ICO's response was given on."""
    return _digest(_risk_values(risks))


def assessment_digest(dpia: Dpia, risks: Sequence[DpiaRisk] | None = None) -> str:
    """A digest of the assessment as it stands (the description, the text and the risks):
    what the DPO's advice was given on."""
    return _digest({"description": dpia.description or {},
                    **{name: getattr(dpia, name) for name in ASSESSMENT_DIGEST_FIELDS},
                    "risks": _risk_values(_risks(dpia, risks))})


def advice_outdated(dpia: Dpia, risks: Sequence[DpiaRisk] | None = None) -> bool:
    """The DPO advised, and the assessment changed since."""
    return (dpia.dpo_advice_on is not None
            and dpia.dpo_advice_digest != assessment_digest(dpia, risks))


def ico_response_outdated(dpia: Dpia, risks: Sequence[DpiaRisk] | None = None) -> bool:
    """The ICO answered, and a risk changed since."""
    return (dpia.ico_response_on is not None
            and dpia.ico_response_digest != risks_digest(_risks(dpia, risks)))


def state_of(dpia: Dpia, risks: Sequence[DpiaRisk] | None = None) -> str:
    if dpia.screening_required is None:
        return DpiaState.SCREENING
    if not dpia.screening_required:
        return DpiaState.NOT_REQUIRED
    if dpia.signed_off_on is not None:
        return DpiaState.SIGNED_OFF
    if has_high_residual(_risks(dpia, risks)) and not ico_settled(dpia):
        return DpiaState.AWAITING_ICO
    return DpiaState.IN_PROGRESS


def sign_off_blockers(dpia: Dpia, risks: Sequence[DpiaRisk] | None = None) -> list[str]:
    """Why the SIRO cannot sign the DPIA off yet, in plain words ([] when they can)."""
    if dpia.screening_required is None:
        return ["Finish the screening first."]
    if not dpia.screening_required:
        return ["The screening found no DPIA is required: there is nothing to sign off."]
    if dpia.signed_off_on is not None:
        return ["It is already signed off."]
    if dpia.archived_at is not None:
        return ["It is archived."]
    found = _risks(dpia, risks)
    blockers = []
    if not found:
        blockers.append("Record at least one risk, with its measures and the risk left "
                        "after them.")
    if any(residual_result(risk) == "" for risk in found):
        blockers.append("Score the risk left after the measures (residual likelihood and "
                        "severity) of every risk.")
    if not (dpia.necessity or "").strip():
        blockers.append("Write the necessity and proportionality.")
    if not str((dpia.description or {}).get("purpose") or "").strip():
        blockers.append("Describe the purpose of the processing.")
    if not ((dpia.consultation_views or "").strip()
            or (dpia.consultation_not_sought_reason or "").strip()):
        blockers.append("Record the views of the people affected, or why they were not "
                        "asked.")
    if dpia.dpo_advice_on is None:
        blockers.append("The DPO's advice must be recorded first.")
    elif advice_outdated(dpia, found):
        blockers.append("The assessment changed after the DPO's advice: ask the DPO again "
                        "and record their new advice.")
    high = has_high_residual(found)
    if high and not ico_settled(dpia):
        blockers.append("A high risk remains after the measures: record the ICO's prior "
                        "consultation and its response first.")
    elif high and ico_response_outdated(dpia, found):
        blockers.append("A risk changed after the ICO's response: consult the ICO again on "
                        "the risks as they are now and record its response.")
    return blockers


def ico_consultation_needed(dpia: Dpia, risks: Sequence[DpiaRisk] | None = None) -> bool:
    return has_high_residual(_risks(dpia, risks))


@dataclass(frozen=True)
class DpiaSummary:
    public_id: Any
    state: str
    state_label: str
    required: bool | None
    completed_on: date | None
    review_on: date | None
    legacy: bool
    url: str


SUMMARY_FIELDS = ("public_id", "state", "screening_required", "signed_off_on", "review_on",
                  "legacy", "asset_id", "system_id")


def dpia_summary(dpia: Dpia) -> DpiaSummary:
    return DpiaSummary(
        public_id=dpia.public_id, state=dpia.state,
        state_label=str(DpiaState(dpia.state).label), required=dpia.screening_required,
        completed_on=dpia.signed_off_on, review_on=dpia.review_on, legacy=dpia.legacy,
        url=reverse("dpias:dpia-detail", args=[dpia.public_id]))


def dpia_summaries(*, asset_ids: Iterable[int] = (),
                   system_ids: Iterable[int] = ()
                   ) -> dict[tuple[Literal["asset", "system"], int], DpiaSummary]:
    """The current (not archived) DPIA of each asset and system given, in one query.
    Assets and systems without one are absent."""
    asset_ids, system_ids = list(asset_ids), list(system_ids)
    if not asset_ids and not system_ids:
        return {}
    rows = Dpia.objects.filter(
        Q(asset_id__in=asset_ids) | Q(system_id__in=system_ids),
        archived_at__isnull=True).only(*SUMMARY_FIELDS)
    result: dict[tuple[Literal["asset", "system"], int], DpiaSummary] = {}
    for dpia in rows:
        if dpia.asset_id is not None:
            result[("asset", dpia.asset_id)] = dpia_summary(dpia)
        elif dpia.system_id is not None:
            result[("system", dpia.system_id)] = dpia_summary(dpia)
    return result


def dpia_list(*, school: Any, state: str = "", archived: bool = False) -> QuerySet[Dpia]:
    """The school's DPIAs for the list page, newest first, with what the rows show."""
    rows = Dpia.objects.filter(school=school, archived_at__isnull=not archived).select_related(
        "asset", "system")
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("-created_at", "-id")


def dpia_for_page(*, school: Any, public_id: Any) -> Dpia:
    """One DPIA of the school with its subject and risks (another school's: 404)."""
    return get_for_school_or_404(
        Dpia.objects.select_related("asset", "system").prefetch_related("risks"),
        school=school, public_id=public_id)


def subject_name(dpia: Dpia) -> str:
    """What the DPIA is about: the asset's, the system's or the project's name."""
    if dpia.asset_id and dpia.asset is not None:
        return str(dpia.asset.name)
    if dpia.system_id and dpia.system is not None:
        return str(dpia.system.name)
    return dpia.project_name
