"""The product's one risk scale: likelihood (1-3) times severity (1-3).

Incidents score a breach's risk to people on it, and DPIAs score each risk of the
processing (before and after its measures) on the same scale, so that "high" means one
thing everywhere: a product of 6 or 9.
"""

from __future__ import annotations

from django.db import models

SCALE = (1, 2, 3)
LIKELIHOOD_LABELS = {1: "Remote", 2: "Possible", 3: "Probable"}
SEVERITY_LABELS = {1: "Minimal", 2: "Significant", 3: "Severe"}


class RiskResult(models.TextChoices):
    # The labels are the incident wording (what the result means for a breach report);
    # other parts show SHORT_LABELS.
    UNLIKELY = "unlikely", "Unlikely to result in a risk: record it; the ICO need not be told"
    RISK = "risk", "A risk: tell the ICO"
    HIGH = "high", "A high risk: tell the ICO and the people affected"


SHORT_LABELS: dict[str, str] = {
    RiskResult.UNLIKELY: "Low",
    RiskResult.RISK: "Medium",
    RiskResult.HIGH: "High",
}


def risk_result(likelihood: int | None, severity: int | None) -> str:
    """The result of likelihood (1-3) times severity (1-3): 1 or 2 unlikely to be a risk,
    3 or 4 a risk, 6 or 9 a high risk. Empty until both are given."""
    if likelihood is None or severity is None:
        return ""
    if not (1 <= likelihood <= 3 and 1 <= severity <= 3):
        raise ValueError("Likelihood and severity are each 1, 2 or 3.")
    product = likelihood * severity
    if product <= 2:
        return RiskResult.UNLIKELY
    if product <= 4:
        return RiskResult.RISK
    return RiskResult.HIGH
