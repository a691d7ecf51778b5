"""The product's one risk scale (lib.risk): incidents still import it from where they did,
and a DPIA risk's residual result is high exactly at 6 and 9."""

from __future__ import annotations

import pytest

from schoolkeep.incidents import clock
from schoolkeep.incidents import models as incident_models
from schoolkeep.lib import risk
from schoolkeep.privacy.dpias.models import DpiaRisk
from schoolkeep.privacy.dpias.selectors import has_high_residual, residual_result


def test_incidents_re_export_the_one_scale() -> None:
    assert incident_models.RiskResult is risk.RiskResult
    assert clock.risk_result is risk.risk_result


@pytest.mark.parametrize(("likelihood", "severity", "high"), [
    (1, 1, False), (2, 2, False), (1, 3, False), (2, 3, True), (3, 3, True)])
def test_a_high_residual_risk_is_6_or_9(likelihood: int, severity: int, high: bool) -> None:
    row = DpiaRisk(description="x", likelihood=3, severity=3,
                   residual_likelihood=likelihood, residual_severity=severity)
    assert (residual_result(row) == risk.RiskResult.HIGH) is high
    assert has_high_residual([row]) is high


def test_an_unscored_residual_is_empty_not_high() -> None:
    row = DpiaRisk(description="x", likelihood=3, severity=3)
    assert residual_result(row) == "" and has_high_residual([row]) is False
    assert risk.SHORT_LABELS[risk.risk_result(3, 3)] == "High"
