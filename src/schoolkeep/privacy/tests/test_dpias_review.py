"""What the review of the DPIA pages and services found, each held by a test: the ICO list's
combination condition, advice and the ICO's response tied to what they were given on, the
order of the dates, the review date of a signed-off DPIA, an empty assessment, the names in
the labels erased, the description's retention, races on the one current DPIA, unknown
headings, a project's audit label, an archived DPIA and the ICO's form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db.models.query import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.privacy.dpias import description, screening, selectors, services
from schoolkeep.privacy.dpias.exports.document import dpia_document
from schoolkeep.privacy.dpias.models import Dpia
from schoolkeep.privacy.erasure.registry import provider
from schoolkeep.privacy.legacy import LEGACY_NOTE
from schoolkeep.privacy.schedule.models import AssetRecordType, LegacyRetentionText, RecordType
from schoolkeep.privacy.tests.dpias_support import (
    advised,
    answers,
    make_asset,
    screened,
    sign_off,
    started,
    with_risk,
)
from schoolkeep.systems.models import System

Login = Callable[[User], Client]
TODAY = timezone.localdate


def _days(n: int) -> date:
    return TODAY() + timedelta(days=n)


# ----------------------------------------------------------------------- the screening


@pytest.mark.parametrize("key", ["ico_genetic", "ico_invisible", "ico_tracking"])
def test_ico_types_with_the_combination_condition_need_another_criterion(key: str) -> None:
    assert screening.decide({key: True}).required is False
    assert screening.decide({key: True, "edpb_vulnerable": True}).required is True


@pytest.mark.parametrize(("key", "implied"), [("ico_biometric", "edpb_sensitive"),
                                              ("ico_genetic", "edpb_sensitive"),
                                              ("ico_tracking", "edpb_monitoring")])
def test_the_criterion_a_type_itself_is_does_not_meet_its_condition(key: str,
                                                                    implied: str) -> None:
    assert screening.decide({key: True, implied: True}).required is False


def test_data_matching_needs_nothing_else_on_the_icos_list() -> None:
    assert screening.BY_KEY["ico_data_matching"].needs_criterion is False
    assert screening.decide({"ico_data_matching": True}).required is True


# ----------------------------------------------------------------------- advice and ICO


def test_no_advice_on_an_assessment_without_a_scored_risk(personas: Personas) -> None:
    dpia = screened(personas)
    with pytest.raises(DomainError) as error:
        advised(personas, dpia)
    assert error.value.field == "advice"
    assert Dpia.objects.get(pk=dpia.pk).dpo_advice_on is None


def test_a_new_risk_after_the_advice_asks_the_dpo_again(personas: Personas) -> None:
    dpia = advised(personas, with_risk(personas))
    assert selectors.sign_off_blockers(dpia) == []
    services.risk_add(dpia, actor=personas.iao, version=dpia.version, description="New",
                      likelihood=1, severity=1, residual_likelihood=1, residual_severity=1)
    dpia = Dpia.objects.get(pk=dpia.pk)
    assert ("The assessment changed after the DPO's advice: ask the DPO again and record "
            "their new advice.") in selectors.sign_off_blockers(dpia)
    with pytest.raises(DomainError):
        sign_off(personas, dpia)
    assert sign_off(personas, advised(personas, dpia)).signed_off_on == TODAY()


def test_changed_text_after_the_advice_asks_the_dpo_again(personas: Personas) -> None:
    dpia = advised(personas, with_risk(personas))
    dpia = services.dpia_update(dpia, actor=personas.iao, version=dpia.version,
                                necessity="A different case")
    assert any("changed after the DPO's advice" in line
               for line in selectors.sign_off_blockers(dpia))


def test_a_risk_changed_after_the_icos_response_needs_the_ico_again(
        personas: Personas) -> None:
    dpia = with_risk(personas, residual=(3, 3))
    dpia = services.dpia_record_ico(dpia, actor=personas.iao, version=dpia.version,
                                    consulted_on=TODAY(), response_on=TODAY(),
                                    response="Proceed")
    risk = dpia.risks.get()
    services.risk_update(risk, actor=personas.iao, version=dpia.version,
                         measures="Fewer measures")
    dpia = advised(personas, Dpia.objects.get(pk=dpia.pk))
    assert selectors.sign_off_blockers(dpia) == [
        "A risk changed after the ICO's response: consult the ICO again on the risks as "
        "they are now and record its response."]
    dpia = services.dpia_record_ico(dpia, actor=personas.iao, version=dpia.version,
                                    consulted_on=TODAY(), response_on=TODAY(),
                                    response="Still fine")
    assert selectors.sign_off_blockers(dpia) == []


# ----------------------------------------------------------------------- dates


def test_advice_before_the_screening_is_refused(personas: Personas) -> None:
    dpia = with_risk(personas)
    with pytest.raises(DomainError) as error:
        services.dpia_record_advice(dpia, actor=personas.dpo, version=dpia.version,
                                    advice="Fine", advised_on=date(1901, 1, 1), followed=True)
    assert error.value.field == "advised_on"


def test_an_earlier_screening_date_is_kept_but_never_in_the_future(
        personas: Personas) -> None:
    dpia = started(personas)
    with pytest.raises(DomainError) as error:
        services.dpia_screen(dpia, actor=personas.iao, version=dpia.version,
                             answers=answers("edpb_sensitive", "edpb_vulnerable"),
                             screened_on=_days(1))
    assert error.value.field == "screened_on"
    dpia = services.dpia_screen(dpia, actor=personas.iao, version=dpia.version,
                                answers=answers("edpb_sensitive", "edpb_vulnerable"),
                                screened_on=_days(-30))
    assert dpia.screened_on == _days(-30)


def test_a_sign_off_dated_before_the_advice_is_refused(personas: Personas) -> None:
    dpia = advised(personas, with_risk(personas))
    with pytest.raises(DomainError) as error:
        services.dpia_sign_off(dpia, actor=personas.siro, version=dpia.version,
                               signed_off_on=_days(-1), review_on=_days(300))
    assert error.value.field == "signed_off_on"
    assert Dpia.objects.get(pk=dpia.pk).signed_off_on is None


def test_a_sign_off_dated_before_the_icos_response_is_refused(personas: Personas) -> None:
    dpia = with_risk(personas, residual=(3, 3))
    dpia = services.dpia_screen(dpia, actor=personas.iao, version=dpia.version,
                                answers=answers("edpb_sensitive", "edpb_vulnerable"),
                                screened_on=_days(-100))
    dpia = services.dpia_record_advice(dpia, actor=personas.dpo, version=dpia.version,
                                       advice="Consult", advised_on=_days(-90), followed=True)
    dpia = services.dpia_record_ico(dpia, actor=personas.iao, version=dpia.version,
                                    consulted_on=_days(-20), response_on=_days(-2),
                                    response="Proceed")
    with pytest.raises(DomainError) as error:
        services.dpia_sign_off(dpia, actor=personas.siro, version=dpia.version,
                               signed_off_on=_days(-10), review_on=_days(300))
    assert error.value.field == "signed_off_on" and "ICO's response" in error.value.message
    done = services.dpia_sign_off(dpia, actor=personas.siro, version=dpia.version,
                                  signed_off_on=_days(-2), review_on=_days(300))
    assert done.signed_off_on == _days(-2)


def test_the_icos_response_cannot_come_before_the_consultation(personas: Personas) -> None:
    dpia = with_risk(personas, residual=(3, 3))
    with pytest.raises(DomainError) as error:
        services.dpia_record_ico(dpia, actor=personas.iao, version=dpia.version,
                                 consulted_on=_days(-5), response_on=_days(-6),
                                 response="Proceed")
    assert error.value.field == "response_on"
    assert Dpia.objects.get(pk=dpia.pk).ico_consulted_on is None


def test_a_signed_off_dpia_keeps_a_review_date_after_its_sign_off(personas: Personas) -> None:
    dpia = sign_off(personas, advised(personas, with_risk(personas)))
    for review_on in (None, "", TODAY(), _days(-1)):
        with pytest.raises(DomainError) as error:
            services.dpia_update(dpia, actor=personas.iao, version=dpia.version,
                                 review_on=review_on)
        assert error.value.field == "review_on"
    assert Dpia.objects.get(pk=dpia.pk).review_on == _days(365)


def test_the_review_date_is_required_on_the_form_once_signed_off(personas: Personas,
                                                                 login: Login) -> None:
    dpia = sign_off(personas, advised(personas, with_risk(personas)))
    client = login(personas.iao)
    response = client.post(reverse("dpias:dpia-edit", args=[dpia.public_id]),
                           {"version": str(dpia.version)})
    assert response.status_code == 200
    assert response.context["form"].errors["review_on"]
    assert Dpia.objects.get(pk=dpia.pk).review_on == _days(365)


# ----------------------------------------------------------------------- empty assessment


def test_an_empty_assessment_cannot_be_signed_off(personas: Personas) -> None:
    dpia = screened(personas)
    services.risk_add(dpia, actor=personas.iao, version=dpia.version, description="Lost",
                      likelihood=1, severity=1, residual_likelihood=1, residual_severity=1)
    dpia = advised(personas, Dpia.objects.get(pk=dpia.pk))
    assert selectors.sign_off_blockers(dpia) == [
        "Write the necessity and proportionality.",
        "Describe the purpose of the processing.",
        "Record the views of the people affected, or why they were not asked."]
    with pytest.raises(DomainError):
        sign_off(personas, dpia)


# ----------------------------------------------------------------------- erasure


def test_erasing_the_person_who_signed_off_blanks_their_name(personas: Personas) -> None:
    siro = personas.siro
    person = Person.objects.create(school=personas.school, full_name=siro.full_name,
                                   name_key=siro.full_name.lower(), email=siro.email,
                                   kind=PersonKind.SUPPORT, user=siro)
    dpia = sign_off(personas, advised(personas, with_risk(personas)))
    other = services.dpia_start(school=personas.other_school, actor=None,
                                project_name="Their app")
    Dpia.objects.filter(pk=other.pk).update(signed_off_by_label=str(siro))
    assert str(siro) in dpia_document(dpia, today=TODAY()).text
    found = provider("privacy.dpias")
    assert found is not None and "privacy.dpia" in found.covers
    found.erase_person_data(personas.school, [person.pk], now=timezone.now())
    dpia = Dpia.objects.get(pk=dpia.pk)
    assert dpia.signed_off_by_label == ""
    assert dpia.dpo_advice_by_label == str(personas.dpo)  # someone else's name stays
    assert str(siro) not in dpia_document(dpia, today=TODAY()).text
    assert Dpia.objects.get(pk=other.pk).signed_off_by_label == str(siro)  # another school


# ----------------------------------------------------------------------- description


def _record_type(name: str, years: int, **fields: Any) -> RecordType:
    return RecordType.objects.create(name=name, years=years, event="leaving", **fields)


def test_the_retention_note_gives_each_record_types_period_in_force(
        personas: Personas) -> None:
    asset = make_asset(personas.school, "Staff files")
    shipped = _record_type("Staff personnel file", 6, key="review_staff_files")
    _record_type("Staff personnel file", 7, key="review_staff_files", school=personas.school)
    AssetRecordType.objects.create(asset=asset, record_type=shipped)
    notes = description.from_asset(asset)
    assert notes["retention"] == "Staff personnel file: 7 years after leaving"


def test_the_retention_note_falls_back_to_the_text_from_before(personas: Personas) -> None:
    asset = make_asset(personas.school, "Old files")
    LegacyRetentionText.objects.create(asset=asset, text="Keep for 6 years")
    assert description.from_asset(asset)["retention"] == f"{LEGACY_NOTE}: Keep for 6 years"


def test_a_systems_notes_gather_its_assets_basis_and_retention(personas: Personas) -> None:
    system = System.objects.create(school=personas.school, name="MIS", name_key="mis")
    first = make_asset(personas.school, "Admissions", lawful_basis="public_task")
    second = make_asset(personas.school, "Attendance", lawful_basis="legal_obligation")
    LegacyRetentionText.objects.create(asset=second, text="3 years")
    system.assets.add(first, second)
    notes = description.from_system(system)
    assert notes["lawful_basis"].startswith("Admissions: ")
    assert "Attendance: Legal obligation" in notes["lawful_basis"]
    assert notes["retention"] == f"Attendance: {LEGACY_NOTE}: 3 years"


# ----------------------------------------------------------------------- services


def test_a_race_on_the_one_current_dpia_is_the_same_refusal(personas: Personas,
                                                            monkeypatch: Any) -> None:
    dpia = started(personas)
    exists = QuerySet.exists
    # The other start is not seen (it commits between the check and the insert).
    monkeypatch.setattr(QuerySet, "exists",
                        lambda self: False if self.model is Dpia else exists(self))
    with pytest.raises(DomainError) as error:
        services.dpia_start(school=personas.school, actor=personas.iao, asset=dpia.asset)
    monkeypatch.undo()
    assert error.value.field == "asset"
    assert Dpia.objects.filter(asset=dpia.asset).count() == 1


def test_an_unknown_heading_of_the_description_is_refused(personas: Personas) -> None:
    dpia = screened(personas)
    with pytest.raises(DomainError) as error:
        services.dpia_update(dpia, actor=personas.iao, version=dpia.version,
                             description={"purpose": "Fine", "made_up": "x"})
    assert error.value.field == "description.made_up"
    assert Dpia.objects.get(pk=dpia.pk).version == dpia.version


def test_a_projects_audit_label_does_not_carry_its_name(personas: Personas) -> None:
    dpia = services.dpia_start(school=personas.school, actor=personas.iao,
                               project_name="Jane Smith's reading app")
    [event] = AuditEvent.objects.filter(action="dpias.started",
                                        target_id=str(dpia.public_id))
    assert event.target_label == f"DPIA: a new project ({str(dpia.public_id)[:8]})"


def test_an_archived_dpia_cannot_be_changed(personas: Personas) -> None:
    dpia = with_risk(personas)
    dpia = services.dpia_archive(dpia, actor=personas.iao, version=dpia.version)
    with pytest.raises(DomainError) as error:
        services.dpia_update(dpia, actor=personas.iao, version=dpia.version, necessity="x")
    assert "archived" in error.value.message
    with pytest.raises(DomainError):
        services.risk_add(dpia, actor=personas.iao, version=dpia.version, description="x",
                          likelihood=1, severity=1)
    with pytest.raises(DomainError):
        advised(personas, dpia)
    assert Dpia.objects.get(pk=dpia.pk).necessity == "No other way to keep children safe"


# ----------------------------------------------------------------------- the ICO's form


@pytest.mark.usefixtures("steady_session")
def test_the_icos_form_records_the_consultation_and_names_a_wrong_date(
        personas: Personas, login: Login) -> None:
    dpia = with_risk(personas, residual=(3, 3))
    client = login(personas.iao)
    url = reverse("dpias:dpia-ico", args=[dpia.public_id])
    html = client.get(url).content.decode()
    assert "8 weeks" in html and "Article 36" in html

    def day(name: str, value: date) -> dict[str, str]:
        return {f"{name}_0": str(value.day), f"{name}_1": str(value.month),
                f"{name}_2": str(value.year)}

    body = {"version": str(dpia.version), "reference": "RFA1", "response": "Proceed",
            **day("consulted_on", _days(-3)), **day("response_on", _days(-4))}
    response = client.post(url, body)
    assert response.status_code == 200
    assert response.context["form"].errors["response_on"]
    assert Dpia.objects.get(pk=dpia.pk).ico_consulted_on is None
    body.update(day("response_on", _days(-1)))
    assert client.post(url, body)["Location"] == reverse("dpias:dpia-detail",
                                                         args=[dpia.public_id])
    saved = Dpia.objects.get(pk=dpia.pk)
    assert (saved.ico_consulted_on, saved.ico_response_on) == (_days(-3), _days(-1))
    assert saved.ico_response_digest == selectors.risks_digest(saved.risks.all())


def test_a_screening_answer_not_given_as_yes_or_no_with_a_note_is_named(
        personas: Personas) -> None:
    dpia = started(personas)
    bare = {key: value[0] for key, value in answers().items()}
    with pytest.raises(DomainError) as error:
        services.dpia_screen(dpia, actor=personas.iao, version=dpia.version,
                             answers=bare)  # type: ignore[arg-type]
    assert error.value.field == screening.QUESTIONS[0].key
    assert Dpia.objects.get(pk=dpia.pk).screening_required is None
