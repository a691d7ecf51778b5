"""The loans pages: the list (open first, overdue marked, filters, a query count the same at
3 and 40 rows), lending (``?item=`` fills the item in; the encryption rule's refusal on the
form, naming the item and what to do), a loan's page, changing it, recording its return,
reporting it as an incident (a GET that changes nothing, then one POST), the borrower a
link only for who may see people, the export, another school's loan a 404 and read-only
roles a 403."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.equipment.loans import services
from schoolkeep.equipment.models import Item, Loan
from schoolkeep.equipment.tests.test_loan_records import lend, make_item, make_person
from schoolkeep.incidents.models import Incident

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LIST = reverse("equipment:loan-list")
CREATE = reverse("equipment:loan-create")
EXPORT = reverse("equipment:loan-export")


def page(name: str, loan: Loan) -> str:
    return reverse(f"equipment:{name}", args=[loan.public_id])


def test_the_list_shows_open_loans_first_and_marks_overdue(personas: Personas,
                                                          login: Login) -> None:
    school = personas.school
    ellie, tom = make_person(school, "Ellie Morgan"), make_person(school, "Tom Whitfield")
    back = lend(make_item(school, "HP-0001"), ellie, days_ago=30, due_in=-20)
    services.loan_return(loan=back, actor=None)
    lend(make_item(school, "HP-0002"), tom, days_ago=30, due_in=-2, purpose="Marking")
    lend(make_item(school, "HP-0003"), ellie, due_in=9)
    html = login(personas.auditor).get(LIST).content.decode()
    assert html.index("HP-0002") < html.index("HP-0003") < html.index("HP-0001")
    assert html.count("tag-overdue") == 1 and "Loans (3)" in html
    assert "Lend an item" not in html  # the auditor reads only
    overdue = login(personas.auditor).get(LIST, {"status": "overdue"}).content.decode()
    assert "HP-0002" in overdue and "HP-0003" not in overdue and "Loans (1)" in overdue
    found = login(personas.auditor).get(LIST, {"q": "ellie"}).content.decode()
    assert "HP-0001" in found and "HP-0003" in found and "HP-0002" not in found


def test_lending_from_the_items_page(personas: Personas, login: Login) -> None:
    item = make_item(personas.school, "HP-0142")
    ellie = make_person(personas.school, "Ellie Morgan")
    client = login(personas.business_manager)
    html = client.get(CREATE, {"item": str(item.public_id)}).content.decode()
    assert 'value="HP-0142"' in html and "Back to Laptop HP-0142" in html
    today = timezone.localdate()
    response = client.post(CREATE, {
        "item": "hp 0142", "person": str(ellie.public_id), "purpose": "Marking at home",
        "issued_on": today.isoformat(),
        "expected_return_on": (today + timedelta(days=30)).isoformat()})
    loan = Loan.objects.get()
    assert response.status_code == 302 and response["Location"] == page("loan-detail", loan)
    assert (loan.item, loan.person, loan.purpose) == (item, ellie, "Marking at home")
    assert loan.issued_by_label == str(personas.business_manager)


def test_the_encryption_rule_is_shown_on_the_form(personas: Personas, login: Login) -> None:
    make_item(personas.school, "HP-0143", personal_data=None,
              encryption=Item.Encryption.UNKNOWN)
    ellie = make_person(personas.school, "Ellie Morgan")
    today = timezone.localdate()
    response = login(personas.it_lead).post(CREATE, {
        "item": "HP-0143", "person": str(ellie.public_id), "issued_on": today.isoformat(),
        "expected_return_on": today.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200 and not Loan.objects.exists()
    assert "Laptop HP-0143 may hold personal data" in html
    assert "is not recorded as encrypted" in html
    unknown = login(personas.it_lead).post(CREATE, {
        "item": "NOPE-1", "person": str(ellie.public_id), "issued_on": today.isoformat(),
        "expected_return_on": today.isoformat()}).content.decode()
    assert "No item of the inventory has this asset tag or serial number" in unknown


def test_the_loans_page_and_its_return(personas: Personas, login: Login) -> None:
    loan = lend(make_item(personas.school, "HP-0004"),
                make_person(personas.school, "Ellie Morgan"), purpose="Reports")
    client = login(personas.business_manager)
    html = client.get(page("loan-detail", loan)).content.decode()
    assert "Laptop HP-0004 on loan to Ellie Morgan" in html and "Record its return" in html
    form = client.get(page("loan-return", loan))
    assert form.status_code == 200 and not Loan.objects.get().returned_on
    response = client.post(page("loan-return", loan), {
        "returned_on": timezone.localdate().isoformat(), "condition_on_return": "Good"})
    assert response.status_code == 302
    loan.refresh_from_db()
    assert loan.returned_on == timezone.localdate() and loan.condition_on_return == "Good"
    again = client.get(page("loan-return", loan))
    assert again.status_code == 302  # returned already: back to its page


def test_the_borrower_is_a_link_only_for_who_may_see_people(personas: Personas,
                                                           login: Login) -> None:
    person = make_person(personas.school, "Ellie Morgan")
    loan = lend(make_item(personas.school, "HP-0014"), person)
    link = f'href="{reverse("people:person-detail", args=[person.public_id])}"'
    html = login(personas.business_manager).get(page("loan-detail", loan)).content.decode()
    assert link in html  # the business manager holds people.view
    for user in (personas.it_lead, personas.dpo):  # equipment.view, not people.view
        html = login(user).get(page("loan-detail", loan)).content.decode()
        assert "Ellie Morgan" in html and link not in html


def test_changing_the_due_date_checks_the_version(personas: Personas, login: Login) -> None:
    loan = lend(make_item(personas.school, "HP-0005"),
                make_person(personas.school, "Ellie Morgan"))
    later = loan.expected_return_on + timedelta(days=10)
    client = login(personas.it_lead)
    assert client.get(page("loan-edit", loan)).status_code == 200
    response = client.post(page("loan-edit", loan), {
        "version": "1", "expected_return_on": later.isoformat(), "purpose": "Marking"})
    assert response.status_code == 302
    stale = client.post(page("loan-edit", loan), {
        "version": "1", "expected_return_on": later.isoformat(), "purpose": "Reports"})
    assert stale.status_code == 200 and "Reload the page" in stale.content.decode()
    assert Loan.objects.get().purpose == "Marking"


def test_an_overdue_loan_becomes_an_incident_in_one_step(personas: Personas,
                                                          login: Login) -> None:
    loan = lend(make_item(personas.school, "HP-0006"),
                make_person(personas.school, "Ellie Morgan"), days_ago=40, due_in=-10)
    client = login(personas.business_manager)
    confirm = client.get(page("loan-incident", loan))
    html = confirm.content.decode()
    assert confirm.status_code == 200 and not Incident.objects.exists()  # GET changes nothing
    assert "What the report will carry" in html and "Ellie Morgan" in html
    assert "BitLocker" in html and html.count("Report as an incident</button>") == 1
    response = client.post(page("loan-incident", loan), {"reason": "overdue",
                                                          "note": "Asked twice."})
    incident = Incident.objects.get()
    assert response.status_code == 302 and Loan.objects.get().incident == incident
    assert incident.reference in client.get(page("loan-detail", loan)).content.decode()
    assert client.get(page("loan-incident", loan)).status_code == 302  # already reported
    client.post(page("loan-incident", loan), {"reason": "overdue"})
    assert Incident.objects.count() == 1


def test_a_loan_not_due_offers_only_lost(personas: Personas, login: Login) -> None:
    loan = lend(make_item(personas.school, "HP-0007"),
                make_person(personas.school, "Ellie Morgan"))
    client = login(personas.business_manager)
    html = client.get(page("loan-incident", loan)).content.decode()
    assert 'value="overdue"' not in html and 'value="lost"' in html
    refused = client.post(page("loan-incident", loan), {"reason": "overdue"})
    assert refused.status_code == 200 and not Incident.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export(personas: Personas, login: Login, fmt: str) -> None:
    lend(make_item(personas.school, "HP-0008"), make_person(personas.school, "=Ellie"),
         days_ago=20, due_in=-1, purpose="Marking")
    response = login(personas.auditor).get(EXPORT, {"format": fmt, "status": "overdue"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        rows = [[str(c) if c is not None else "" for c in row]
                for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["Item", "Kind", "Asset tag"] and len(rows) == 2
    assert rows[1][0] == "Laptop HP-0008" and rows[1][6] == "'=Ellie"  # never a formula
    assert rows[1][11] == "Yes"
    assert AuditEvent.objects.filter(action="equipment.loans.exported").count() == 1
    assert login(personas.auditor).get(EXPORT, {"format": "pdf"}).status_code == 404


def test_another_schools_loan_is_a_404(personas: Personas, login: Login) -> None:
    theirs = lend(make_item(personas.other_school, "HP-0009"),
                  make_person(personas.other_school, "Stranger"))
    client = login(personas.siro)
    for name in ("loan-detail", "loan-return", "loan-incident", "loan-edit"):
        assert client.get(page(name, theirs)).status_code == 404


def test_read_only_roles_may_not_write(personas: Personas, login: Login) -> None:
    loan = lend(make_item(personas.school, "HP-0010"),
                make_person(personas.school, "Ellie Morgan"), days_ago=20, due_in=-1)
    for user in (personas.auditor, personas.dpo, personas.trust_admin):
        client = login(user)
        assert client.get(page("loan-detail", loan)).status_code == 200
        for name in ("loan-return", "loan-incident", "loan-edit"):
            assert client.post(page(name, loan), {}).status_code == 403
        assert client.post(CREATE, {}).status_code == 403
    assert not Incident.objects.exists() and Loan.objects.get().returned_on is None


def _populate(personas: Personas, start: int, count: int) -> None:
    for n in range(start, start + count):
        loan = lend(make_item(personas.school, f"HP-1{n:03d}"),
                    make_person(personas.school, f"Person {n:02d}"), days_ago=20,
                    due_in=(n % 3) - 1)
        if n % 4 == 0:
            services.loan_return(loan=loan, actor=None)
        elif n % 5 == 0:
            services.loan_report_incident(loan=loan, actor=personas.business_manager,
                                          lost=True, note="Lost.")


def test_list_query_count_does_not_grow(personas: Personas, login: Login, steady_session,
                                        django_assert_num_queries) -> None:
    client = login(personas.business_manager)
    _populate(personas, 0, 3)
    client.get(LIST)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(LIST).content.decode()
    assert "Loans (40)" in html
