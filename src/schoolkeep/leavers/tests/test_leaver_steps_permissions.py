"""The business manager owns the hand-over duties of a leaver's checklist, so may do them
from the checklist page without the registers' own rights: the registers' services are told
the change is ``authorised_by="leavers.manage"`` and check that instead. Someone without
leavers.manage is still refused, even when they hold the register's own right."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.assets.models import Asset
from schoolkeep.assets.owners.services import OwnerChoice, asset_owners_choose
from schoolkeep.audit.models import AuditEvent
from schoolkeep.leavers import services
from schoolkeep.leavers.models import StepRecord
from schoolkeep.leavers.tests.records import Leaver, make_leaver
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.passwords.models import PasswordCycle
from schoolkeep.passwords.services import cycle_update
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_update

Login = Callable[[User], Client]
Kind = StepRecord.Kind


def _post(browser: Client, leaver: Leaver, kind: str, subject: object) -> None:
    response = browser.post(
        reverse("leavers:step-record", args=[leaver.checklist.public_id]),
        {"kind": kind, "subject_id": str(subject.public_id),  # type: ignore[attr-defined]
         "new_holder": str(leaver.colleague.public_id)})
    assert response.status_code == 302


def _recorded(kind: str, actor: User) -> StepRecord:
    return StepRecord.objects.get(kind=kind, done_by=actor)


def test_the_business_manager_sees_and_does_the_hand_overs(personas: Personas,
                                                            login: Login) -> None:
    manager = personas.business_manager
    leaver = make_leaver(personas)
    browser = login(manager)
    html = browser.get(reverse("leavers:checklist-detail",
                               args=[leaver.checklist.public_id])).content.decode()
    assert 'name="kind" value="hand_over_asset"' in html
    assert 'name="kind" value="replace_cycle_holder"' in html
    assert 'name="kind" value="replace_administrator"' in html
    assert "Disabled on the system today" not in html  # the IT lead's (access.manage)

    _post(browser, leaver, Kind.HAND_OVER_ASSET, leaver.asset)
    _post(browser, leaver, Kind.REPLACE_CYCLE_HOLDER, leaver.cycle)
    _post(browser, leaver, Kind.REPLACE_ADMINISTRATOR, leaver.system)

    assert Asset.objects.get(pk=leaver.asset.pk).owner_person == leaver.colleague
    assert list(PasswordCycle.objects.get(pk=leaver.cycle.pk).holders.all()) \
        == [leaver.colleague]
    assert _recorded(Kind.HAND_OVER_ASSET, manager).new_holder == leaver.colleague
    assert _recorded(Kind.REPLACE_CYCLE_HOLDER, manager).new_holder == leaver.colleague
    assert list(System.objects.get(pk=leaver.system.pk).administrators.all()) \
        == [leaver.colleague]
    assert _recorded(Kind.REPLACE_ADMINISTRATOR, manager).new_holder == leaver.colleague
    by_manager = AuditEvent.objects.filter(actor=manager)
    assert by_manager.filter(action="assets.asset.updated",
                             target_id=str(leaver.asset.public_id)).count() == 1
    assert by_manager.filter(action="passwords.cycle.updated",
                             target_id=str(leaver.cycle.public_id)).count() == 1
    assert by_manager.filter(action="systems.system.updated",
                             target_id=str(leaver.system.public_id)).count() == 1
    assert by_manager.filter(action="leavers.step.recorded").count() == 3


def test_without_leavers_manage_the_steps_are_refused(personas: Personas,
                                                      login: Login) -> None:
    leaver = make_leaver(personas)
    # The DPO may change assets and systems, but not record a leaver's steps.
    for kind, subject in ((Kind.HAND_OVER_ASSET, leaver.asset),
                          (Kind.REPLACE_CYCLE_HOLDER, leaver.cycle),
                          (Kind.REPLACE_ADMINISTRATOR, leaver.system)):
        with pytest.raises(NotAllowed):
            services.step_record(checklist=leaver.checklist, kind=kind,
                                 subject_id=str(subject.public_id), actor=personas.dpo,
                                 new_holder=leaver.colleague)
    assert login(personas.dpo).post(
        reverse("leavers:step-record", args=[leaver.checklist.public_id]),
        {"kind": Kind.HAND_OVER_ASSET, "subject_id": str(leaver.asset.public_id),
         "new_holder": str(leaver.colleague.public_id)}).status_code == 403
    assert not StepRecord.objects.exists()
    assert Asset.objects.get(pk=leaver.asset.pk).owner_person == leaver.person
    assert list(leaver.system.administrators.all()) == [leaver.person]
    assert not AuditEvent.objects.filter(action__in=[
        "assets.asset.updated", "passwords.cycle.updated", "systems.system.updated"]).exists()


def test_the_registers_check_the_authority_they_are_given(personas: Personas) -> None:
    leaver = make_leaver(personas)
    choice = [OwnerChoice(asset_id=leaver.asset.pk, version=leaver.asset.version,
                          person=leaver.colleague)]
    # Under leavers.manage: the DPO (assets.manage, not leavers.manage) is refused...
    with pytest.raises(NotAllowed):
        asset_owners_choose(school=personas.school, actor=personas.dpo, choices=choice,
                            authorised_by="leavers.manage")
    with pytest.raises(NotAllowed):
        cycle_update(cycle=leaver.cycle, actor=personas.dpo, version=leaver.cycle.version,
                     holders=[leaver.colleague], authorised_by="leavers.manage")
    with pytest.raises(NotAllowed):
        system_update(system=leaver.system, actor=personas.dpo, version=leaver.system.version,
                      administrators=[leaver.colleague], authorised_by="leavers.manage")
    # ...without it, the business manager is refused as before.
    with pytest.raises(NotAllowed):
        asset_owners_choose(school=personas.school, actor=personas.business_manager,
                            choices=choice)
    with pytest.raises(NotAllowed):
        cycle_update(cycle=leaver.cycle, actor=personas.business_manager,
                     version=leaver.cycle.version, holders=[leaver.colleague])
    with pytest.raises(NotAllowed):
        system_update(system=leaver.system, actor=personas.business_manager,
                      version=leaver.system.version, administrators=[leaver.colleague])
    # Any other authority is a mistake of the caller, not a refusal of the user.
    for wrong in ("assets.manage", "", "people.manage"):
        with pytest.raises(ValueError):
            asset_owners_choose(school=personas.school, actor=personas.siro, choices=choice,
                                authorised_by=wrong)
        with pytest.raises(ValueError):
            cycle_update(cycle=leaver.cycle, actor=personas.siro,
                         version=leaver.cycle.version, holders=[leaver.colleague],
                         authorised_by=wrong)
        with pytest.raises(ValueError):
            system_update(system=leaver.system, actor=personas.siro,
                          version=leaver.system.version, administrators=[leaver.colleague],
                          authorised_by=wrong)
    assert Asset.objects.get(pk=leaver.asset.pk).owner_person == leaver.person
    # Under leavers.manage the business manager may.
    outcome = asset_owners_choose(school=personas.school, actor=personas.business_manager,
                                  choices=choice, authorised_by="leavers.manage")
    assert outcome.saved == [leaver.asset.name]
    system = system_update(system=leaver.system, actor=personas.business_manager,
                           version=leaver.system.version, administrators=[leaver.colleague],
                           authorised_by="leavers.manage")
    assert list(system.administrators.all()) == [leaver.colleague]
