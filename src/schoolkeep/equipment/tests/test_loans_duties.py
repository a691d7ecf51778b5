"""``loans.overdue`` (the business manager's, due on the expected return or the borrower's
leaving date if earlier; none for an item lost, stolen or disposed of; the list bounded;
counts agree with the list in one query for any number of schools; titles name nobody), the
leaver checklist's "return equipment" step (listed while out, done once returned, lost,
stolen or disposed of; one query for many checklists), and the demo's two loans."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.demo.builder import DemoContext
from schoolkeep.duties.registry import provider_for
from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.duties.types import DUE, OVERDUE, DutyCounts
from schoolkeep.equipment.loans import duties, services
from schoolkeep.equipment.loans.checklist import return_equipment_steps
from schoolkeep.equipment.loans.demo import build_demo_loans
from schoolkeep.equipment.models import Item, Loan
from schoolkeep.equipment.tests.test_loan_records import lend, make_item, make_person
from schoolkeep.leavers import selectors as leaver_selectors
from schoolkeep.leavers.models import Checklist, StepRecord
from schoolkeep.leavers.step_sources import register_step_source
from schoolkeep.people.services import person_mark_leaver
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db
HORIZON = timedelta(days=14)


@pytest.fixture(autouse=True)
def _our_step_source() -> None:
    """The loans' source of "return equipment" steps, as registration leaves it (a test
    elsewhere may have replaced it with its own and removed it)."""
    register_step_source(StepRecord.Kind.RETURN_EQUIPMENT, return_equipment_steps)


def now() -> datetime:
    return timezone.now()


def listed(school: School) -> list[Any]:
    return duties.provider.for_school(school.pk, now=now(), horizon=now() + HORIZON)


def counted(*schools: School) -> dict[int, DutyCounts]:
    return duties.provider.counts([s.pk for s in schools], now=now(), horizon=now() + HORIZON)


def test_the_provider_is_registered() -> None:
    assert provider_for("loans") is duties.provider
    assert duties.KIND == "loans.overdue"


def test_overdue_due_soon_and_later_loans(personas: Personas) -> None:
    school = personas.school
    ellie = make_person(school, "Ellie Morgan")
    late = lend(make_item(school, "HP-0001"), ellie, days_ago=30, due_in=-3)
    soon = lend(make_item(school, "HP-0002"), ellie, due_in=5)
    lend(make_item(school, "HP-0003"), ellie, due_in=40)  # beyond the horizon
    back = lend(make_item(school, "HP-0004"), ellie, days_ago=30, due_in=-3)
    services.loan_return(loan=back, actor=None)
    found = {duty.key: duty for duty in listed(school)}
    assert set(found) == {f"loans.overdue:{late.public_id}", f"loans.overdue:{soon.public_id}"}
    overdue = found[f"loans.overdue:{late.public_id}"]
    assert overdue.status == OVERDUE and overdue.due_at == late.expected_return_on
    assert overdue.owner_role == Role.BUSINESS_MANAGER
    assert "Ellie" not in overdue.title and "HP-0001" not in overdue.title
    assert "Laptop HP-0001" in overdue.subject and "Ellie Morgan" in overdue.subject
    assert overdue.url == f"/equipment/loans/{late.public_id}/"
    assert found[f"loans.overdue:{soon.public_id}"].status == DUE
    assert counted(school) == {school.pk: DutyCounts(due=1, overdue=1)}


def test_due_on_the_leaving_date_when_earlier(personas: Personas) -> None:
    school = personas.school
    today = timezone.localdate()
    peter = make_person(school, "Peter Gray")
    loan = lend(make_item(school, "HP-0005"), peter, days_ago=100, due_in=200)
    assert listed(school) == []
    person_mark_leaver(person=peter, actor=None, leaving_date=today - timedelta(days=2))
    (duty,) = listed(school)
    assert duty.key == f"loans.overdue:{loan.public_id}"
    assert duty.due_at == today - timedelta(days=2) and duty.status == OVERDUE
    assert counted(school) == {school.pk: DutyCounts(overdue=1)}


def test_a_lost_item_on_loan_raises_no_duty(personas: Personas) -> None:
    school = personas.school
    item = make_item(school, "HP-0006")
    loan = lend(item, make_person(school, "Ellie Morgan"), days_ago=30, due_in=-3)
    services.loan_report_incident(loan=loan, actor=personas.business_manager, lost=True,
                                  note="Left on a train.")
    assert Item.objects.get(pk=item.pk).status == Item.Status.LOST
    assert listed(school) == [] and counted(school) == {}


def test_a_disposed_item_on_loan_raises_no_duty(personas: Personas) -> None:
    school = personas.school
    item = make_item(school, "HP-0016")
    lend(item, make_person(school, "Ellie Morgan"), days_ago=30, due_in=-3)
    # The disposals refuse an item out on loan; an older record may still say so.
    Item.objects.filter(pk=item.pk).update(status=Item.Status.DISPOSED)
    assert listed(school) == [] and counted(school) == {}


def test_the_list_of_duties_is_bounded(personas: Personas,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    school = personas.school
    for n in range(3):
        lend(make_item(school, f"HP-2{n:03d}"), make_person(school, f"Person {n}"),
             days_ago=20, due_in=-1)
    monkeypatch.setattr(duties, "LIMIT", 2)
    assert len(listed(school)) == 2 and counted(school)[school.pk].overdue == 3


def test_counts_agree_across_schools_in_one_query(personas: Personas) -> None:
    school, other = personas.school, personas.other_school
    for n, target in enumerate([school, school, other]):
        lend(make_item(target, f"HP-01{n}"), make_person(target, f"Person {n}"),
             days_ago=20, due_in=-1 - n)
    with CaptureQueriesContext(connection) as queries:
        found = counted(school, other)
    assert len(queries) == 1
    assert found == {school.pk: DutyCounts(overdue=2), other.pk: DutyCounts(overdue=1)}
    assert counted() == {}


@pytest.mark.parametrize("extra", [0, 37])
def test_the_list_keeps_its_queries(personas: Personas, extra: int,
                                    django_assert_num_queries) -> None:
    school = personas.school
    for n in range(3 + extra):
        lend(make_item(school, f"HP-1{n:03d}"), make_person(school, f"Person {n}"),
             days_ago=20, due_in=-1)
    with django_assert_num_queries(1):
        assert len(listed(school)) == 3 + extra


def test_the_business_manager_sees_it_in_their_duties(personas: Personas) -> None:
    lend(make_item(personas.school, "HP-0007"), make_person(personas.school, "Ellie Morgan"),
         days_ago=20, due_in=-1)
    (duty,) = [d for d in duties_for_school(personas.school, now()) if d.module == "loans"]
    assert duty.owner_user_ids == (personas.business_manager.pk,)


# ------------------------------------------------------------------- the leaver checklist


def _leaver_with_loans(personas: Personas) -> tuple[Checklist, Loan, Loan]:
    school = personas.school
    peter = make_person(school, "Peter Gray")
    laptop = lend(make_item(school, "HP-0008"), peter, days_ago=100, due_in=200)
    tablet = lend(make_item(school, "IP-0001", kind=Item.Kind.TABLET), peter, days_ago=50)
    old = lend(make_item(school, "HP-0009"), peter, days_ago=90, due_in=-60)
    Loan.objects.filter(pk=old.pk).update(returned_on=timezone.localdate() - timedelta(days=60))
    person_mark_leaver(person=peter, actor=None,
                       leaving_date=timezone.localdate() + timedelta(days=7))
    checklist = Checklist.objects.get(person=peter, kind=Checklist.Kind.LEAVER)
    return checklist, laptop, tablet


def _return_steps(checklist: Checklist) -> list[Any]:
    return [step for step in leaver_selectors.outstanding_for(checklist)
            if step.kind == StepRecord.Kind.RETURN_EQUIPMENT]


def test_the_leavers_open_loans_are_steps_done_when_returned(personas: Personas) -> None:
    checklist, laptop, tablet = _leaver_with_loans(personas)
    steps = _return_steps(checklist)
    # The loan returned before the checklist started is not a step.
    assert [(s.subject_id, s.done) for s in steps] == [
        (str(laptop.public_id), False), (str(tablet.public_id), False)]
    assert steps[0].label.startswith("Laptop HP-0008")
    assert steps[0].url == f"/equipment/loans/{laptop.public_id}/"
    services.loan_return(loan=laptop, actor=None)
    steps = _return_steps(checklist)
    assert [(s.subject_id, s.done) for s in steps] == [
        (str(laptop.public_id), True), (str(tablet.public_id), False)]
    assert "returned on" in steps[0].label
    services.loan_report_incident(loan=tablet, actor=personas.business_manager, lost=True,
                                  note="Lost on a school trip.")
    assert all(step.done for step in _return_steps(checklist))


def test_a_loan_whose_item_was_disposed_of_is_a_done_step(personas: Personas) -> None:
    checklist, laptop, tablet = _leaver_with_loans(personas)
    Item.objects.filter(pk=tablet.item_id).update(status=Item.Status.DISPOSED)
    steps = {s.subject_id: s for s in _return_steps(checklist)}
    assert not steps[str(laptop.public_id)].done
    assert steps[str(tablet.public_id)].done
    assert "disposed of while on loan" in steps[str(tablet.public_id)].label


def test_a_starter_checklist_lists_no_loans(personas: Personas) -> None:
    person = make_person(personas.school, "Ellie Morgan")
    lend(make_item(personas.school, "HP-0010"), person)
    starter = Checklist.objects.create(school=personas.school, person=person,
                                       kind=Checklist.Kind.STARTER,
                                       effective_on=timezone.localdate(),
                                       created_by_label="test")
    assert return_equipment_steps([starter]) == {}


def test_the_step_source_runs_one_query_for_many_checklists(personas: Personas) -> None:
    checklists = []
    for n in range(4):
        person = make_person(personas.school, f"Leaver {n}")
        lend(make_item(personas.school, f"HP-2{n:03d}"), person, days_ago=30)
        person_mark_leaver(person=person, actor=None,
                           leaving_date=timezone.localdate() + timedelta(days=3))
        checklists.append(Checklist.objects.get(person=person, kind=Checklist.Kind.LEAVER))
    with CaptureQueriesContext(connection) as queries:
        found = return_equipment_steps(checklists)
    assert len(queries) == 1
    assert sorted(len(steps) for steps in found.values()) == [1, 1, 1, 1]


# ------------------------------------------------------------------------------ the demo


@pytest.mark.usefixtures("shared_demo")  # built once: tests/fixtures_demo.py
def test_the_demo_lends_two_laptops() -> None:
    larkspur = School.objects.get(slug="larkspur")
    loans = {loan.person.full_name: loan for loan in
             Loan.objects.filter(school=larkspur).select_related("person", "item")}
    assert set(loans) == {"Tom Whitfield", "Peter Gray"}
    assert all(not services.encryption_refusal(loan.item) for loan in loans.values())
    found = {d.key for d in duties_for_school(larkspur, timezone.now())
             if d.module == "loans"}
    assert found == {f"loans.overdue:{loan.public_id}" for loan in loans.values()}
    checklist = Checklist.objects.get(person=loans["Peter Gray"].person,
                                      kind=Checklist.Kind.LEAVER)
    assert [(s.subject_id, s.done) for s in _return_steps(checklist)] == [
        (str(loans["Peter Gray"].public_id), False)]
    # Building again changes nothing.
    build_demo_loans(DemoContext(schools={"larkspur": larkspur}))
    assert Loan.objects.filter(school=larkspur).count() == 2
