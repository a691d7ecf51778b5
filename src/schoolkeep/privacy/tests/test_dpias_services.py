"""The DPIA services: one current DPIA per asset, the screening's decision kept, the
sign-off order (never before the DPO's advice; a high residual risk waits for the ICO),
permissions, versions, nothing written on a refusal, audited without free text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.services import CHANGED
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.privacy.dpias import selectors, services
from schoolkeep.privacy.dpias.models import Dpia, DpiaState
from schoolkeep.privacy.tests.dpias_support import (
    advised,
    answers,
    make_asset,
    screened,
    sign_off,
    started,
    with_risk,
)


def _events(dpia: Dpia, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target_id=str(dpia.public_id)))


def test_start_fills_the_description_from_the_register(personas: Personas) -> None:
    dpia = started(personas, purpose="Keeping children safe", lawful_basis="legal_obligation",
                   data_subjects=["pupils"], children_data=True, recipients="Social care")
    assert dpia.state == DpiaState.SCREENING
    assert dpia.description["purpose"] == "Keeping children safe"
    assert dpia.description["lawful_basis"] == "Legal obligation (Article 6(1)(c))"
    assert "People: Pupils" in dpia.description["categories"]
    assert "Includes children's data" in dpia.description["categories"]
    [event] = _events(dpia, "dpias.started")
    assert event.target_label == "DPIA: Child protection files"


def test_a_second_current_dpia_for_one_asset_is_refused(personas: Personas) -> None:
    dpia = started(personas)
    with pytest.raises(DomainError) as error:
        services.dpia_start(school=personas.school, actor=personas.iao, asset=dpia.asset)
    assert error.value.field == "asset"
    services.dpia_archive(dpia, actor=personas.iao, version=dpia.version)
    again = services.dpia_start(school=personas.school, actor=personas.iao, asset=dpia.asset)
    assert again.pk != dpia.pk


def test_another_schools_asset_and_a_project_without_a_name_are_refused(
        personas: Personas) -> None:
    theirs = make_asset(personas.other_school, "Their files")
    with pytest.raises(DomainError) as error:
        services.dpia_start(school=personas.school, actor=personas.iao, asset=theirs)
    assert error.value.field == "asset"
    with pytest.raises(DomainError) as error:
        services.dpia_start(school=personas.school, actor=personas.iao, project_name="  ")
    assert error.value.field == "project_name"
    assert not Dpia.objects.exists()


def test_staff_may_not_start_one(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        services.dpia_start(school=personas.school, actor=personas.staff,
                            project_name="New app")


def test_screening_keeps_the_decision_and_reasons(personas: Personas) -> None:
    dpia = screened(personas, "edpb_vulnerable")
    assert (dpia.screening_required, dpia.state) == (False, DpiaState.NOT_REQUIRED)
    assert "two are needed" in dpia.screening_reasons
    assert dpia.screening["edpb_vulnerable"] == {"answer": True, "note": ""}
    again = services.dpia_screen(dpia, actor=personas.iao, version=dpia.version,
                                 answers=answers("ico_tracking", "edpb_vulnerable"))
    assert (again.screening_required, again.state) == (True, DpiaState.IN_PROGRESS)


def test_an_unanswered_question_is_named_and_nothing_is_saved(personas: Personas) -> None:
    dpia = started(personas)
    partial = answers()
    del partial["ico_tracking"]
    with pytest.raises(DomainError) as error:
        services.dpia_screen(dpia, actor=personas.iao, version=dpia.version, answers=partial)
    assert error.value.field == "ico_tracking"
    assert Dpia.objects.get(pk=dpia.pk).screening_required is None


def test_a_stale_version_is_refused(personas: Personas) -> None:
    dpia = started(personas)
    with pytest.raises(StaleVersion):
        services.dpia_screen(dpia, actor=personas.iao, version=dpia.version + 1,
                             answers=answers())


def test_no_sign_off_before_the_dpos_advice(personas: Personas) -> None:
    dpia = with_risk(personas)
    with pytest.raises(DomainError) as error:
        sign_off(personas, dpia)
    assert "The DPO's advice must be recorded first." in error.value.message
    assert Dpia.objects.get(pk=dpia.pk).signed_off_on is None
    done = sign_off(personas, advised(personas, dpia))
    assert done.state == DpiaState.SIGNED_OFF and done.signed_off_by == personas.siro
    [event] = _events(done, "dpias.signed-off")
    assert event.target_label == "DPIA: Child protection files"


def test_only_the_dpo_advises_and_only_the_siro_signs(personas: Personas) -> None:
    dpia = with_risk(personas)
    with pytest.raises(NotAllowed):
        services.dpia_record_advice(dpia, actor=personas.siro, version=dpia.version,
                                    advice="Fine", advised_on=timezone.localdate(),
                                    followed=True)
    dpia = advised(personas, dpia)
    with pytest.raises(NotAllowed):
        services.dpia_sign_off(dpia, actor=personas.dpo, version=dpia.version,
                               signed_off_on=timezone.localdate(),
                               review_on=timezone.localdate() + timedelta(days=30))


def test_advice_not_followed_needs_the_reason(personas: Personas) -> None:
    dpia = with_risk(personas)
    with pytest.raises(DomainError) as error:
        services.dpia_record_advice(dpia, actor=personas.dpo, version=dpia.version,
                                    advice="Do not", advised_on=timezone.localdate(),
                                    followed=False)
    assert error.value.field == "not_followed_reason"


def test_a_high_residual_risk_waits_for_the_icos_response(personas: Personas) -> None:
    dpia = advised(personas, with_risk(personas, residual=(3, 2)))
    assert dpia.state == DpiaState.AWAITING_ICO
    with pytest.raises(DomainError) as error:
        sign_off(personas, dpia)
    assert "ICO's prior consultation" in error.value.message
    today = timezone.localdate()
    dpia = services.dpia_record_ico(dpia, actor=personas.iao, version=dpia.version,
                                    consulted_on=today, reference="RFA0001")
    assert dpia.state == DpiaState.AWAITING_ICO  # consulted, no response yet
    dpia = services.dpia_record_ico(dpia, actor=personas.iao, version=dpia.version,
                                    consulted_on=today, reference="RFA0001",
                                    response_on=today, response="Proceed with care.")
    assert dpia.state == DpiaState.IN_PROGRESS
    assert sign_off(personas, dpia).state == DpiaState.SIGNED_OFF


def test_every_risk_needs_its_residual_score_before_sign_off(personas: Personas) -> None:
    dpia = with_risk(personas, residual=None)
    with pytest.raises(DomainError) as error:  # nothing scored after the measures yet
        advised(personas, dpia)
    assert error.value.field == "advice"
    assert selectors.sign_off_blockers(dpia) == [
        "Score the risk left after the measures (residual likelihood and severity) of "
        "every risk.", "The DPO's advice must be recorded first."]
    with pytest.raises(DomainError):
        sign_off(personas, dpia)


def test_a_risk_scores_on_the_one_scale_and_both_residuals_or_neither(
        personas: Personas) -> None:
    dpia = screened(personas)
    with pytest.raises(DomainError) as error:
        services.risk_add(dpia, actor=personas.iao, version=dpia.version, description="x",
                          likelihood=4, severity=1)
    assert error.value.field == "likelihood"
    with pytest.raises(DomainError) as error:
        services.risk_add(dpia, actor=personas.iao, version=dpia.version, description="x",
                          likelihood=1, severity=1, residual_likelihood=1)
    assert error.value.field == "residual_severity"
    assert not dpia.risks.exists()


def test_risk_change_and_removal_are_audited_without_the_text(personas: Personas) -> None:
    dpia = with_risk(personas)
    risk = dpia.risks.get()
    services.risk_update(risk, actor=personas.iao, version=dpia.version,
                         description="Files left on a desk", residual_severity=1)
    [event] = _events(dpia, "dpias.risk-changed")
    assert event.changes["description"] == {"before": CHANGED, "after": CHANGED}
    assert event.changes["residual_severity"] == {"before": 2, "after": 1}
    dpia.refresh_from_db()
    services.risk_remove(risk, actor=personas.iao, version=dpia.version)
    assert not dpia.risks.exists()
    assert _events(dpia, "dpias.risk-removed")


def test_a_signed_off_dpia_keeps_its_text_but_its_review_date_moves(
        personas: Personas) -> None:
    dpia = sign_off(personas, advised(personas, with_risk(personas)))
    with pytest.raises(DomainError):
        services.dpia_update(dpia, actor=personas.iao, version=dpia.version,
                             necessity="Changed")
    later = timezone.localdate() + timedelta(days=500)
    moved = services.dpia_update(dpia, actor=personas.iao, version=dpia.version,
                                 review_on=later)
    assert moved.review_on == later


def test_update_keeps_the_notes_by_heading(personas: Personas) -> None:
    dpia = screened(personas)
    updated = services.dpia_update(dpia, actor=personas.iao, version=dpia.version,
                                   description={"purpose": "Safeguarding"},
                                   necessity="No other way")
    assert updated.description["purpose"] == "Safeguarding"
    assert set(updated.description) >= {"purpose", "retention", "transfers"}
    [event] = _events(dpia, "dpias.updated")
    assert event.changes["necessity"] == {"before": CHANGED, "after": CHANGED}
    with pytest.raises(DomainError) as error:
        services.dpia_update(dpia, actor=personas.iao, version=updated.version, state="x")
    assert error.value.field == "state"


def test_summaries_in_one_query(personas: Personas, django_assert_num_queries) -> None:
    first = sign_off(personas, advised(personas, with_risk(personas)))
    second = started(personas, "CCTV")
    with django_assert_num_queries(1):
        found = selectors.dpia_summaries(asset_ids=[first.asset_id, second.asset_id, 999])
    assert found[("asset", first.asset_id)].completed_on == timezone.localdate()
    assert found[("asset", first.asset_id)].required is True
    assert found[("asset", second.asset_id)].state == DpiaState.SCREENING
    assert ("asset", 999) not in found
