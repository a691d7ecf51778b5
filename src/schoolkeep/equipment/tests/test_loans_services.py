"""Loans' rules: the encryption rule (an item that holds personal data, or may, is lent only
when recorded as encrypted), one open loan per item, a borrower still at the school, dates
in order, returns, changes with versions, the incident in one step (once), and the audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.equipment.loans import services
from schoolkeep.equipment.models import Item, Loan
from schoolkeep.equipment.tests.test_loan_records import lend, make_item, make_person
from schoolkeep.incidents.models import Incident
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.people.services import person_mark_leaver

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("personal_data", "encryption", "allowed"), [
    (True, Item.Encryption.BITLOCKER, True),
    (True, Item.Encryption.FILEVAULT, True),
    (True, Item.Encryption.OTHER, True),
    (True, Item.Encryption.NONE, False),
    (True, Item.Encryption.UNKNOWN, False),
    (None, Item.Encryption.NONE, False),  # not known is taken as "yes"
    (None, Item.Encryption.UNKNOWN, False),
    (None, Item.Encryption.BITLOCKER, True),
    (False, Item.Encryption.NONE, True),
    (False, Item.Encryption.UNKNOWN, True),
])
def test_the_encryption_rule(personas: Personas, personal_data, encryption, allowed) -> None:
    item = make_item(personas.school, "HP-0142", personal_data=personal_data,
                     encryption=encryption)
    person = make_person(personas.school, "Ellie Morgan")
    if allowed:
        loan = lend(item, person)
        assert loan.returned_on is None and loan.item == item
        return
    with pytest.raises(DomainError) as refused:
        lend(item, person)
    assert refused.value.field == "item"
    assert "Laptop HP-0142" in refused.value.message
    assert "not recorded as encrypted" in refused.value.message
    assert "record it on the item's page" in refused.value.message
    assert not Loan.objects.exists()


def test_one_open_loan_per_item(personas: Personas) -> None:
    item = make_item(personas.school, "HP-0001")
    ellie, tom = (make_person(personas.school, name) for name in ("Ellie Morgan", "Tom Hale"))
    loan = lend(item, ellie)
    with pytest.raises(DomainError, match="on loan to Ellie Morgan") as refused:
        lend(item, tom)
    assert refused.value.field == "item"
    services.loan_return(loan=loan, actor=None)
    assert lend(item, tom).person == tom


@pytest.mark.parametrize("status", [Item.Status.LOST, Item.Status.STOLEN,
                                    Item.Status.AWAITING_DISPOSAL, Item.Status.DISPOSED])
def test_an_item_gone_or_going_is_not_lent(personas: Personas, status) -> None:
    item = make_item(personas.school, "HP-0002", status=status)
    with pytest.raises(DomainError, match="cannot be lent"):
        lend(item, make_person(personas.school, "Ellie Morgan"))


def test_the_borrower_must_still_be_at_the_school(personas: Personas) -> None:
    today = timezone.localdate()
    item = make_item(personas.school, "HP-0003")
    person = make_person(personas.school, "Peter Gray")
    person_mark_leaver(person=person, actor=None, leaving_date=today - timedelta(days=3))
    person.refresh_from_db()
    with pytest.raises(DomainError, match="left the school") as refused:
        lend(item, person, days_ago=0)
    assert refused.value.field == "person"
    # A loan made before they left may still be recorded.
    loan = lend(item, person, days_ago=30)
    assert loan.issued_on < person.leaving_date


def test_another_schools_item_or_person_is_refused(personas: Personas) -> None:
    mine = make_item(personas.school, "HP-0004")
    theirs = make_item(personas.other_school, "HP-0005")
    person = make_person(personas.school, "Ellie Morgan")
    stranger = make_person(personas.other_school, "Stranger")
    with pytest.raises(DomainError) as refused:
        services.loan_issue(school=personas.school, actor=None, item=theirs, person=person,
                            expected_return_on=timezone.localdate())
    assert refused.value.field == "item"
    with pytest.raises(DomainError) as refused:
        services.loan_issue(school=personas.school, actor=None, item=mine, person=stranger,
                            expected_return_on=timezone.localdate())
    assert refused.value.field == "person"


def test_dates_in_order(personas: Personas) -> None:
    today = timezone.localdate()
    item = make_item(personas.school, "HP-0006")
    person = make_person(personas.school, "Ellie Morgan")
    with pytest.raises(DomainError) as refused:
        services.loan_issue(school=personas.school, actor=None, item=item, person=person,
                            issued_on=today, expected_return_on=today - timedelta(days=1))
    assert refused.value.field == "expected_return_on"
    with pytest.raises(DomainError) as refused:
        services.loan_issue(school=personas.school, actor=None, item=item, person=person,
                            issued_on=today + timedelta(days=1),
                            expected_return_on=today + timedelta(days=5))
    assert refused.value.field == "issued_on"
    loan = lend(item, person, days_ago=5)
    with pytest.raises(DomainError) as refused:
        services.loan_return(loan=loan, actor=None, returned_on=today - timedelta(days=6))
    assert refused.value.field == "returned_on"
    with pytest.raises(DomainError) as refused:
        services.loan_return(loan=loan, actor=None, returned_on=today + timedelta(days=1))
    assert refused.value.field == "returned_on"


def test_only_managers_lend(personas: Personas) -> None:
    item = make_item(personas.school, "HP-0007")
    person = make_person(personas.school, "Ellie Morgan")
    for user in (personas.dpo, personas.auditor, personas.staff, personas.outsider):
        with pytest.raises(NotAllowed):
            services.loan_issue(school=personas.school, actor=user, item=item, person=person,
                                expected_return_on=timezone.localdate())
    for user in (personas.siro, personas.business_manager, personas.it_lead):
        loan = services.loan_issue(school=personas.school, actor=user, item=item,
                                   person=person, expected_return_on=timezone.localdate())
        assert loan.issued_by_label == str(user)
        services.loan_return(loan=loan, actor=user)


def test_return_is_recorded_once_and_audited(personas: Personas) -> None:
    loan = lend(make_item(personas.school, "HP-0008"),
                make_person(personas.school, "Ellie Morgan"))
    returned = services.loan_return(loan=loan, actor=personas.business_manager,
                                    condition_on_return="Good, charger missing")
    assert returned.returned_on == timezone.localdate()
    assert returned.condition_on_return == "Good, charger missing"
    assert returned.returned_by_label == str(personas.business_manager)
    assert returned.version == 2
    with pytest.raises(DomainError, match="returned on"):
        services.loan_return(loan=loan, actor=personas.business_manager)
    actions = list(AuditEvent.objects.filter(target_id=str(loan.public_id))
                   .order_by("sequence").values_list("action", flat=True))
    assert actions == ["equipment.loan.issued", "equipment.loan.returned"]


def test_update_checks_the_version_and_may_record_the_return(personas: Personas) -> None:
    loan = lend(make_item(personas.school, "HP-0009"),
                make_person(personas.school, "Ellie Morgan"))
    later = loan.expected_return_on + timedelta(days=7)
    changed = services.loan_update(loan=loan, actor=None, version=1,
                                   expected_return_on=later, purpose="Marking")
    assert (changed.expected_return_on, changed.purpose, changed.version) == (later, "Marking", 2)
    with pytest.raises(StaleVersion):
        services.loan_update(loan=loan, actor=None, version=1, purpose="Reports")
    same = services.loan_update(loan=loan, actor=None, version=2, purpose="Marking")
    assert same.version == 2  # nothing changed, nothing saved
    with pytest.raises(DomainError) as refused:
        services.loan_update(loan=loan, actor=None, version=2, colour="red")
    assert refused.value.field == "colour"
    back = services.loan_update(loan=loan, actor=None, version=2,
                                returned_on=timezone.localdate(), condition_on_return="Good")
    assert back.returned_on == timezone.localdate() and back.condition_on_return == "Good"
    with pytest.raises(DomainError, match="due date stays"):
        services.loan_update(loan=loan, actor=None, version=3,
                             expected_return_on=later + timedelta(days=1))


def test_due_back_on_the_leaving_date_when_earlier(personas: Personas) -> None:
    today = timezone.localdate()
    person = make_person(personas.school, "Peter Gray")
    loan = lend(make_item(personas.school, "HP-0010"), person, due_in=60)
    assert services.due_back_on(loan) == loan.expected_return_on
    person_mark_leaver(person=person, actor=None, leaving_date=today + timedelta(days=5))
    loan = Loan.objects.select_related("person").get(pk=loan.pk)
    assert services.due_back_on(loan) == today + timedelta(days=5)
    assert not services.is_overdue(loan, today)
    assert services.is_overdue(loan, today + timedelta(days=6))


def test_an_overdue_loan_becomes_an_incident_once(personas: Personas) -> None:
    loan = lend(make_item(personas.school, "HP-0011"),
                make_person(personas.school, "Ellie Morgan"), days_ago=40, due_in=-10,
                purpose="Marking at home")
    reported = services.loan_report_incident(loan=loan, actor=personas.business_manager,
                                             note="Asked twice by e-mail.")
    incident = Incident.objects.get()
    assert reported.incident == incident
    assert incident.title == "Laptop HP-0011 on loan not returned"
    assert "Asked twice by e-mail." in incident.description
    assert "Ellie Morgan" in incident.description and "BitLocker" in incident.description
    with pytest.raises(DomainError, match=f"already reported as {incident.reference}"):
        services.loan_report_incident(loan=loan, actor=personas.business_manager)
    assert Incident.objects.count() == 1
    assert AuditEvent.objects.filter(action="equipment.loan.incident_reported").count() == 1


def test_a_loan_not_yet_due_is_reported_only_as_lost(personas: Personas) -> None:
    item = make_item(personas.school, "HP-0012")
    loan = lend(item, make_person(personas.school, "Ellie Morgan"))
    with pytest.raises(DomainError, match="overdue"):
        services.loan_report_incident(loan=loan, actor=personas.business_manager)
    assert not Incident.objects.exists()
    reported = services.loan_report_incident(loan=loan, actor=personas.business_manager,
                                             lost=True, note="Left on a train.")
    item.refresh_from_db()
    assert item.status == Item.Status.LOST
    assert reported.incident == item.incident and Incident.objects.count() == 1
    assert "Left on a train." in reported.incident.description


def test_an_incident_is_not_made_for_a_reader(personas: Personas) -> None:
    loan = lend(make_item(personas.school, "HP-0013"),
                make_person(personas.school, "Ellie Morgan"), days_ago=40, due_in=-10)
    with pytest.raises(NotAllowed):
        services.loan_report_incident(loan=loan, actor=personas.auditor)
    assert not Incident.objects.exists()
