"""The decision form's date of telling: its messages name it in words, and the ICO's "When
was the report sent?" is not marked optional, since it is needed once the report is sent."""

from __future__ import annotations

from schoolkeep.incidents.handling.forms import DecisionForm
from schoolkeep.incidents.models import Decision, IcoStage, RiskResult

PARTIAL = {"told_at_0": "3", "told_at_1": "6", "told_at_2": "",
           "told_at_3": "10", "told_at_4": "30"}


def _form(kind: str, **data: str) -> DecisionForm:
    return DecisionForm({"version": "0", "reason": "A reason", **data}, kind=kind,
                        risk=RiskResult.RISK)


def test_the_ico_date_is_not_marked_optional_and_its_hint_says_when() -> None:
    html = str(DecisionForm(initial={"version": 0}, kind=Decision.Kind.ICO,
                            risk=RiskResult.RISK))
    assert "When was the report sent?</legend>" in html
    assert "(optional)" not in html.split("When was the report sent?")[1].split("</legend>")[0]
    assert "Only once the report has been sent" in html
    boxes = str(DecisionForm(initial={"version": 0}, kind=Decision.Kind.ICO,
                             risk=RiskResult.RISK)["told_at"])
    assert 'name="told_at_0"' in boxes and "required" not in boxes  # empty before sending


def test_the_ico_date_is_asked_for_only_once_the_report_is_sent() -> None:
    assert _form(Decision.Kind.ICO, tell=IcoStage.TO_SEND).is_valid()
    sent = _form(Decision.Kind.ICO, tell=IcoStage.SENT)
    assert not sent.is_valid()
    assert sent.errors["told_at"] == ["Enter when the report was sent"]
    partial = _form(Decision.Kind.ICO, tell=IcoStage.SENT, **PARTIAL)
    assert not partial.is_valid()
    assert partial.errors["told_at"] == ["When the report was sent must include a year"]


def test_other_decisions_name_the_date_in_words() -> None:
    for kind in (Decision.Kind.POLICE, Decision.Kind.PEOPLE):
        form = _form(kind, tell="yes", **PARTIAL)
        assert not form.is_valid()
        assert form.errors["told_at"] == ["When they were told must include a year"], kind
