"""Which records settle a leavers duty (review15b #1, #6): a "not needed" only on the
person's own checklist for it and for that kind of step; a mover duty only while an account
is still to review."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from tests.personas import Personas

from schoolkeep.access.accounts.services import account_create
from schoolkeep.duties.types import HORIZON, DutyCounts
from schoolkeep.leavers import duties, selectors, services
from schoolkeep.leavers.models import Checklist, StepRecord
from schoolkeep.leavers.tests.records import make_leaver, make_person
from schoolkeep.people.services import person_mark_leaver, person_update

Kind = StepRecord.Kind


def _kinds(personas: Personas) -> dict[str, int]:
    now = timezone.now()
    found: dict[str, int] = {}
    for duty in duties.LeaverDuties().for_school(personas.school.pk, now=now,
                                                 horizon=now + HORIZON):
        kind = duty.key.split(":", 1)[0]
        found[kind] = found.get(kind, 0) + 1
    counts = duties.LeaverDuties().counts([personas.school.pk], now=now,
                                          horizon=now + HORIZON).get(personas.school.pk,
                                                                     DutyCounts())
    assert counts.due + counts.overdue == sum(found.values())  # the count agrees
    return found


def test_a_not_needed_on_a_mover_checklist_does_not_hide_a_leavers_account(
        personas: Personas) -> None:
    today = timezone.localdate()
    person = make_person(personas.school, "Mo Mover", job_title="Teacher")
    leaver = make_leaver(personas, name="Other Leaver")
    account = account_create(school=personas.school, actor=None, system=leaver.system,
                             username="mo", person=person)
    person = person_update(person=person, actor=None, version=person.version,
                           job_title="Head of year")
    mover = Checklist.objects.get(person=person, kind=Checklist.Kind.MOVER)
    services.step_record(checklist=mover, kind=Kind.REVIEW_ACCESS,
                         subject_id=str(account.public_id), actor=personas.it_lead,
                         not_needed=True, note="Same access")
    services.checklist_close(checklist=mover, actor=personas.it_lead)
    person_mark_leaver(person=person, actor=None, leaving_date=today - timedelta(days=1))
    checklist = Checklist.objects.get(person=person, kind=Checklist.Kind.LEAVER)
    assert [s.kind for s in selectors.outstanding_for(checklist)] == [Kind.DISABLE_ACCOUNT]
    assert _kinds(personas)[duties.ACCOUNT] == 2  # Mo's, and the other leaver's


def test_only_the_same_kind_on_the_current_leaver_checklist_settles(
        personas: Personas) -> None:
    leaver = make_leaver(personas)
    system_id = str(leaver.system.public_id)
    assert _kinds(personas)[duties.ADMINISTRATOR] == 1
    # A starter's "account on SIMS: not needed" has SIMS's id: it settles no leaver step.
    starter = Checklist.objects.create(school=personas.school, person=leaver.person,
                                       kind=Checklist.Kind.STARTER,
                                       effective_on=timezone.localdate() - timedelta(days=900),
                                       created_by_label="test", closed_at=timezone.now())
    StepRecord.objects.create(school=personas.school, checklist=starter, kind=Kind.NOT_NEEDED,
                              subject_id=system_id, subject_label="Create an account: SIMS",
                              done_at=timezone.now(), done_by_label="test")
    # An earlier leaving's checklist (another date) settles nothing either.
    earlier = Checklist.objects.create(school=personas.school, person=leaver.person,
                                       kind=Checklist.Kind.LEAVER,
                                       effective_on=timezone.localdate() - timedelta(days=400),
                                       created_by_label="test", closed_at=timezone.now())
    StepRecord.objects.create(school=personas.school, checklist=earlier, kind=Kind.NOT_NEEDED,
                              subject_id=system_id,
                              subject_label="Replace as a system's administrator: SIMS",
                              done_at=timezone.now(), done_by_label="test")
    assert _kinds(personas)[duties.ADMINISTRATOR] == 1
    # On the current checklist, for that step: settled, as the page says.
    services.step_record(checklist=leaver.checklist, kind=Kind.REPLACE_ADMINISTRATOR,
                         subject_id=system_id, actor=personas.business_manager,
                         not_needed=True, note="The system is being retired")
    assert duties.ADMINISTRATOR not in _kinds(personas)
    assert Kind.REPLACE_ADMINISTRATOR not in {
        s.kind for s in selectors.outstanding_for(leaver.checklist)}


def test_a_mover_duty_only_while_an_account_is_to_review(personas: Personas) -> None:
    leaver = make_leaver(personas, leaves_on=timezone.localdate() + timedelta(days=60))
    person = make_person(personas.school, "Mo Mover", job_title="Teacher")
    person = person_update(person=person, actor=None, version=person.version,
                           job_title="Head of year")
    assert duties.MOVER not in _kinds(personas)  # no account: nothing to review
    first = account_create(school=personas.school, actor=None, system=leaver.system,
                           username="mo", person=person)
    second = account_create(school=personas.school, actor=None, system=leaver.system,
                            username="mo2", person=person, enabled=None)
    assert _kinds(personas)[duties.MOVER] == 1
    mover = Checklist.objects.get(person=person, kind=Checklist.Kind.MOVER)
    services.step_record(checklist=mover, kind=Kind.REVIEW_ACCESS,
                         subject_id=str(first.public_id), actor=personas.it_lead)
    assert _kinds(personas)[duties.MOVER] == 1  # the second is still to review
    services.step_record(checklist=mover, kind=Kind.REVIEW_ACCESS,
                         subject_id=str(second.public_id), actor=personas.it_lead,
                         not_needed=True, note="A test account")
    assert duties.MOVER not in _kinds(personas)
