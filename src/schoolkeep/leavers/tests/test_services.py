"""Checklists follow the people register (leaving date set, moved, cleared; a starter; a
change of post), their steps are read from the real registers, and each step's service does
the work through the register's own service and records who did it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.access.accounts.services import account_create
from schoolkeep.access.models import SystemAccount
from schoolkeep.assets.models import Asset
from schoolkeep.audit.models import AuditEvent
from schoolkeep.leavers import selectors, services, step_sources
from schoolkeep.leavers.models import Checklist, StepRecord
from schoolkeep.leavers.step_sources import (
    SourceStep,
    register_step_source,
    unregister_step_source,
)
from schoolkeep.leavers.tests.records import make_leaver, make_person
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.passwords.models import ForcedChange
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_update

Kind = StepRecord.Kind


def _kinds(checklist: Checklist) -> list[tuple[str, str]]:
    return [(step.kind, step.subject_id) for step in selectors.outstanding_for(checklist)
            if not step.done]


def test_a_leaving_date_starts_a_checklist_generated_from_the_registers(
        personas: Personas) -> None:
    leaver = make_leaver(personas)
    assert leaver.checklist.effective_on == leaver.person.leaving_date
    assert _kinds(leaver.checklist) == [
        (Kind.DISABLE_ACCOUNT, str(leaver.account.public_id)),
        (Kind.HAND_OVER_ASSET, str(leaver.asset.public_id)),
        (Kind.REPLACE_ADMINISTRATOR, str(leaver.system.public_id)),
        (Kind.REPLACE_CYCLE_HOLDER, str(leaver.cycle.public_id)),
    ]
    assert AuditEvent.objects.filter(action="leavers.checklist.opened").count() == 1


def test_a_moved_date_moves_the_checklist_and_a_cleared_one_closes_it(
        personas: Personas) -> None:
    leaver = make_leaver(personas)
    later = timezone.localdate() + timedelta(days=20)
    person = person_update(person=leaver.person, actor=None, version=leaver.person.version,
                           leaving_date=later)
    checklist = Checklist.objects.get(person=person)
    assert checklist.effective_on == later and checklist.closed_at is None
    person_update(person=person, actor=None, version=person.version, leaving_date=None)
    checklist.refresh_from_db()
    assert checklist.closed_at is not None
    assert Checklist.objects.filter(person=person).count() == 1


def test_a_leaver_of_a_shared_account_makes_a_change_due_shown_on_the_checklist(
        personas: Personas) -> None:
    person = make_person(personas.school, "Sam Shared")
    responsible = make_person(personas.school, "Rita Responsible")
    leaver = make_leaver(personas, name="Other Leaver")
    shared = account_create(school=personas.school, actor=None, system=leaver.system,
                            username="office", display_name="Office", is_shared=True,
                            shared_reason="Front desk",
                            responsible_person=responsible, shared_with=[person])
    person_update(person=person, actor=None, version=person.version,
                  leaving_date=timezone.localdate() + timedelta(days=5))
    forced = ForcedChange.objects.get(account=shared, leaver=person)
    checklist = Checklist.objects.get(person=person, kind=Checklist.Kind.LEAVER)
    [step] = selectors.outstanding_for(checklist)
    assert step.kind == Kind.CHANGE_SHARED_PASSWORD and not step.actionable
    assert str(forced.public_id) in step.url and not step.done


def test_a_new_person_starting_soon_gets_a_starter_checklist(personas: Personas) -> None:
    today = timezone.localdate()
    starter = make_person(personas.school, "Daniel Price", start_date=today - timedelta(days=10))
    make_person(personas.school, "Long Serving", start_date=today - timedelta(days=400))
    [checklist] = Checklist.objects.filter(kind=Checklist.Kind.STARTER)
    assert checklist.person == starter and checklist.effective_on == starter.start_date


def test_a_change_of_post_gets_a_mover_checklist_of_their_accounts(personas: Personas) -> None:
    person = make_person(personas.school, "Mo Mover", job_title="Teacher")
    leaver = make_leaver(personas)
    account = account_create(school=personas.school, actor=None, system=leaver.system,
                             username="mo", person=person)
    person = person_update(person=person, actor=None, version=person.version,
                           job_title="Business manager")
    checklist = Checklist.objects.get(person=person, kind=Checklist.Kind.MOVER)
    assert checklist.change == "Teacher → Business manager"
    assert _kinds(checklist) == [(Kind.REVIEW_ACCESS, str(account.public_id))]
    services.step_record(checklist=checklist, kind=Kind.REVIEW_ACCESS,
                         subject_id=str(account.public_id), actor=personas.it_lead)
    assert _kinds(checklist) == []
    services.checklist_close(checklist=checklist, actor=personas.it_lead)
    checklist.refresh_from_db()
    assert checklist.closed_at is not None


def test_each_step_does_its_work_through_the_registers(personas: Personas) -> None:
    leaver = make_leaver(personas)
    checklist, new = leaver.checklist, leaver.colleague
    services.step_record(checklist=checklist, kind=Kind.DISABLE_ACCOUNT,
                         subject_id=str(leaver.account.public_id), actor=personas.it_lead)
    services.step_record(checklist=checklist, kind=Kind.HAND_OVER_ASSET,
                         subject_id=str(leaver.asset.public_id), actor=personas.siro,
                         new_holder=new)
    services.step_record(checklist=checklist, kind=Kind.REPLACE_ADMINISTRATOR,
                         subject_id=str(leaver.system.public_id), actor=personas.it_lead,
                         new_holder=new)
    services.step_record(checklist=checklist, kind=Kind.REPLACE_CYCLE_HOLDER,
                         subject_id=str(leaver.cycle.public_id), actor=personas.it_lead,
                         new_holder=new)
    assert SystemAccount.objects.get(pk=leaver.account.pk).enabled is False
    assert Asset.objects.get(pk=leaver.asset.pk).owner_person == new
    assert list(leaver.system.administrators.all()) == [new]
    assert list(leaver.cycle.holders.all()) == [new]
    assert _kinds(checklist) == []
    records = selectors.records_of(checklist)
    assert [(r.kind, r.done_by_label) for r in records] == [
        (Kind.DISABLE_ACCOUNT, str(personas.it_lead)), (Kind.HAND_OVER_ASSET, str(personas.siro)),
        (Kind.REPLACE_ADMINISTRATOR, str(personas.it_lead)),
        (Kind.REPLACE_CYCLE_HOLDER, str(personas.it_lead))]
    assert records[1].new_holder == new
    assert AuditEvent.objects.filter(action="leavers.step.recorded").count() == 4
    assert AuditEvent.objects.filter(action="access.account.disabled").count() == 1


def test_a_step_done_in_the_register_is_done_on_the_checklist(personas: Personas) -> None:
    leaver = make_leaver(personas)
    Asset.objects.filter(pk=leaver.asset.pk).update(owner_person=leaver.colleague)
    assert (Kind.HAND_OVER_ASSET, str(leaver.asset.public_id)) not in _kinds(leaver.checklist)


def test_not_needed_needs_a_reason_and_settles_the_step(personas: Personas) -> None:
    leaver = make_leaver(personas)
    subject = str(leaver.asset.public_id)
    with pytest.raises(DomainError) as error:
        services.step_record(checklist=leaver.checklist, kind=Kind.HAND_OVER_ASSET,
                             subject_id=subject, actor=personas.business_manager,
                             not_needed=True)
    assert error.value.field == "note"
    record = services.step_record(checklist=leaver.checklist, kind=Kind.HAND_OVER_ASSET,
                                  subject_id=subject, actor=personas.business_manager,
                                  not_needed=True, note="To be archived at the year end")
    assert record.kind == Kind.NOT_NEEDED and record.note == "To be archived at the year end"
    assert (Kind.HAND_OVER_ASSET, subject) not in _kinds(leaver.checklist)


def test_refusals_name_the_field_and_leave_nothing_behind(personas: Personas) -> None:
    leaver = make_leaver(personas)
    asset = str(leaver.asset.public_id)
    with pytest.raises(DomainError) as no_one:
        services.step_record(checklist=leaver.checklist, kind=Kind.HAND_OVER_ASSET,
                             subject_id=asset, actor=personas.siro)
    assert no_one.value.field == "new_holder"
    with pytest.raises(DomainError) as themselves:
        services.step_record(checklist=leaver.checklist, kind=Kind.HAND_OVER_ASSET,
                             subject_id=asset, actor=personas.siro, new_holder=leaver.person)
    assert themselves.value.field == "new_holder"
    with pytest.raises(DomainError) as elsewhere:
        services.step_record(checklist=leaver.checklist, kind=Kind.DISABLE_ACCOUNT,
                             subject_id=asset, actor=personas.it_lead)
    assert elsewhere.value.field == "subject_id"
    with pytest.raises(NotAllowed):  # the DPO may change systems, not record leavers' steps
        services.step_record(checklist=leaver.checklist, kind=Kind.REPLACE_ADMINISTRATOR,
                             subject_id=str(leaver.system.public_id),
                             actor=personas.dpo, new_holder=leaver.colleague)
    with pytest.raises(NotAllowed):  # the business manager may not disable accounts
        services.step_record(checklist=leaver.checklist, kind=Kind.DISABLE_ACCOUNT,
                             subject_id=str(leaver.account.public_id),
                             actor=personas.business_manager)
    with pytest.raises(NotAllowed):
        services.step_record(checklist=leaver.checklist, kind=Kind.HAND_OVER_ASSET,
                             subject_id=asset, actor=personas.staff, not_needed=True,
                             note="No")
    assert not StepRecord.objects.exists()
    assert list(leaver.system.administrators.all()) == [leaver.person]


def test_a_checklist_with_steps_left_is_not_closed(personas: Personas) -> None:
    leaver = make_leaver(personas)
    with pytest.raises(DomainError, match="4 steps still to do"):
        services.checklist_close(checklist=leaver.checklist, actor=personas.business_manager)


def test_other_modules_add_steps_through_a_source(personas: Personas) -> None:
    leaver = make_leaver(personas)

    def loans(checklists: list[Checklist]) -> dict[int, list[SourceStep]]:
        return {checklist.pk: [SourceStep(subject_id="loan-1", label="Laptop HP-0142",
                                          done=False)]
                for checklist in checklists if checklist.kind == Checklist.Kind.LEAVER}

    assert all(step.kind != Kind.RETURN_EQUIPMENT
               for step in selectors.outstanding_for(leaver.checklist))
    before = step_sources._sources.get(Kind.RETURN_EQUIPMENT)  # the loans' own, when installed
    register_step_source(Kind.RETURN_EQUIPMENT, loans)
    try:
        steps = selectors.outstanding_for(leaver.checklist)
    finally:
        unregister_step_source(Kind.RETURN_EQUIPMENT)
        if before is not None:
            register_step_source(Kind.RETURN_EQUIPMENT, before)
    assert [(s.kind, s.label) for s in steps][-1] == (Kind.RETURN_EQUIPMENT, "Laptop HP-0142")


def test_the_membership_ending_is_shown_as_a_fact(personas: Personas) -> None:
    leaver = make_leaver(personas)
    Person.objects.filter(pk=leaver.person.pk).update(user=personas.staff)
    checklist = selectors.checklist_for_page(school=personas.school,
                                             public_id=leaver.checklist.public_id)
    view = selectors.checklist_view(checklist)
    assert view.facts == [f"Their access to Schoolkeep at this school ends on "
                          f"{leaver.person.leaving_date:%d/%m/%Y}."]


def test_past_staff_added_long_after_leaving_get_no_checklist(personas: Personas) -> None:
    today = timezone.localdate()
    make_person(personas.school, "Long Gone", start_date=today - timedelta(days=2000),
                leaving_date=today - timedelta(days=400))
    recent = make_person(personas.school, "Just Left", start_date=today - timedelta(days=2000),
                         leaving_date=today - timedelta(days=3))
    assert [(c.person, c.kind) for c in Checklist.objects.all()] == [
        (recent, Checklist.Kind.LEAVER)]


def test_two_changes_of_post_before_the_review_make_one_checklist(personas: Personas) -> None:
    person = make_person(personas.school, "Mo Mover", job_title="Teacher")
    person = person_update(person=person, actor=None, version=person.version,
                           job_title="Head of year")
    person_update(person=person, actor=None, version=person.version,
                  job_title="Deputy headteacher")
    [checklist] = Checklist.objects.filter(person=person, kind=Checklist.Kind.MOVER)
    assert checklist.change == "Teacher → Deputy headteacher"
