"""The inventory's pages: the list with its filters and its flags in words, the item's page
(facts, systems, loans, disposal, the Lend link), the forms (Not known never taken as No, a
clash named, a stale version refused), reporting a loss (the page says what is carried over,
one button, refused twice), the export (filters kept, formulas written as text), another
school's item a 404, and a list whose query count does not grow with its rows."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.assets.models import OutsideOrganisation
from schoolkeep.audit.models import AuditEvent
from schoolkeep.equipment.inventory import services
from schoolkeep.equipment.models import Disposal, DisposalItem, Item, Loan
from schoolkeep.incidents.models import Incident
from schoolkeep.systems.tests.records import make_person, make_system

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LIST = reverse("equipment:item-list")
CREATE = reverse("equipment:item-create")
EXPORT = reverse("equipment:item-export")


def detail(item: Item) -> str:
    return reverse("equipment:item-detail", args=[item.public_id])


def add(personas: Personas, serial: str, **fields) -> Item:
    fields.setdefault("kind", Item.Kind.LAPTOP)
    return services.item_create(school=personas.school, actor=None, serial_number=serial,
                                **fields)


def dispose(personas: Personas, *items: Item, matched: bool) -> Disposal:
    company = OutsideOrganisation.objects.create(school=personas.school, name="Shredders",
                                                 name_key="shredders")
    batch = Disposal.objects.create(school=personas.school, company=company,
                                    collected_on=date(2026, 10, 1), created_by_label="IT")
    for item in items:
        Item.objects.filter(pk=item.pk).update(status=Item.Status.DISPOSED)
        DisposalItem.objects.create(school=personas.school, disposal=batch, item=item,
                                    matched_by="certificate_text" if matched else "")
    return batch


def form_data(**values) -> dict[str, object]:
    data: dict[str, object] = {"kind": "laptop", "personal_data": "unknown",
                               "encryption": "unknown", "status": "in_use"}
    data.update(values)
    return data


def test_list_flags_in_words_and_filters(personas: Personas, login: Login) -> None:
    ada = make_person(personas.school, "Ada Lovelace")
    add(personas, "AAA111", personal_data=True, encryption="none", asset_tag="HP-0001")
    add(personas, "BBB222", personal_data=True, encryption="bitlocker", assigned_to=ada,
        make="Dell", model_name="Latitude 5440")
    gone = add(personas, "CCC333", kind="desktop", personal_data=None)
    certified = add(personas, "DDD444", kind="desktop", personal_data=True)
    dispose(personas, gone, matched=False)
    dispose_company = OutsideOrganisation.objects.get()
    batch = Disposal.objects.create(school=personas.school, company=dispose_company,
                                    collected_on=date(2026, 10, 2), created_by_label="IT")
    Item.objects.filter(pk=certified.pk).update(status=Item.Status.DISPOSED)
    DisposalItem.objects.create(school=personas.school, disposal=batch, item=certified,
                                matched_by="hand")
    client = login(personas.auditor)
    html = client.get(LIST).content.decode()
    assert "Equipment (4)" in html
    assert html.count("Holds personal data, not encrypted") == 2  # the row and the filter
    assert html.count("Disposed of without a certificate") == 2
    assert "Equipment (1)" in client.get(LIST, {"flag": "unencrypted"}).content.decode()
    found = client.get(LIST, {"flag": "uncertified"}).content.decode()
    assert "Equipment (1)" in found and "CCC333" in found
    assert "Equipment (1)" in client.get(LIST, {"q": "hp 0001"}).content.decode()
    assert "Equipment (1)" in client.get(LIST, {"q": "latitude"}).content.decode()
    assert "Equipment (1)" in client.get(LIST, {"q": "bbb-222"}).content.decode()
    assert "Equipment (1)" in client.get(LIST, {"personal_data": "unknown"}).content.decode()
    assert "Equipment (1)" in client.get(LIST, {"encryption": "encrypted"}).content.decode()
    assert "Equipment (2)" in client.get(LIST, {"kind": "desktop"}).content.decode()
    assert "Equipment (2)" in client.get(LIST, {"status": "disposed"}).content.decode()
    mine = client.get(LIST, {"person": str(ada.public_id)}).content.decode()
    assert "Equipment (1)" in mine and "assigned to Ada Lovelace" in mine


def test_item_page_shows_facts_systems_loans_disposal_and_lend(personas: Personas,
                                                               login: Login) -> None:
    sims = make_system(personas)
    borrower = make_person(personas.school, "Bea Borrower")
    item = add(personas, "5CD1234ABC", asset_tag="HP-0142", personal_data=True,
               encryption="bitlocker", encryption_verified_on=date(2026, 9, 1),
               systems=[sims])
    client = login(personas.it_lead)
    html = client.get(detail(item)).content.decode()
    assert "Laptop HP-0142" in html and "5CD1234ABC" in html and "SIMS" in html
    assert "verified on 1 September 2026" in html
    assert f"{reverse('equipment:loan-create')}?item={item.public_id}" in html
    assert "never been lent" in html and "Not disposed of" in html
    Loan.objects.create(school=personas.school, item=item, person=borrower,
                        issued_on=date(2026, 9, 2), expected_return_on=date(2026, 12, 1),
                        issued_by_label="IT lead")
    html = client.get(detail(item)).content.decode()
    assert "Bea Borrower" in html and "Still out" in html
    assert "?item=" not in html  # on loan: no second loan offered
    Loan.objects.filter(item=item).update(returned_on=date(2026, 11, 1))
    dispose(personas, item, matched=False)
    html = client.get(detail(item)).content.decode()
    assert "Not matched to a certificate" in html and "Shredders" in html
    assert "Disposed of without a certificate" in html


def test_auditor_sees_no_buttons_and_gets_403_on_writes(personas: Personas,
                                                        login: Login) -> None:
    item = add(personas, "X1")
    client = login(personas.auditor)
    html = client.get(detail(item)).content.decode()
    assert reverse("equipment:item-edit", args=[item.public_id]) not in html
    assert reverse("equipment:item-incident", args=[item.public_id]) not in html
    assert client.get(CREATE).status_code == 403
    assert client.post(reverse("equipment:item-incident", args=[item.public_id]),
                       {"stolen": "lost", "note": "x"}).status_code == 403


def test_another_schools_item_is_a_404(personas: Personas, login: Login) -> None:
    theirs = services.item_create(school=personas.other_school, actor=None, kind="laptop",
                                  serial_number="THEIRS")
    client = login(personas.siro)
    for name in ("equipment:item-detail", "equipment:item-edit", "equipment:item-incident"):
        assert client.get(reverse(name, args=[theirs.public_id])).status_code == 404


def test_create_keeps_not_known_and_names_a_clash(personas: Personas, login: Login) -> None:
    client = login(personas.business_manager)
    response = client.post(CREATE, form_data(serial_number="5CD-1234-ABC", make="HP"))
    item = Item.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(item)
    assert item.personal_data is None and item.serial_key == "5CD1234ABC"
    response = client.post(CREATE, form_data(serial_number="5cd1234abc"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Another item in the inventory has this serial number" in html
    assert Item.objects.count() == 1


def test_edit_saves_and_refuses_a_stale_version(personas: Personas, login: Login) -> None:
    sims = make_system(personas)
    item = add(personas, "X1")
    client = login(personas.it_lead)
    url = reverse("equipment:item-edit", args=[item.public_id])
    assert 'value="1"' in client.get(url).content.decode()
    response = client.post(url, form_data(version="1", serial_number="X1", personal_data="yes",
                                          encryption="filevault", systems=[str(sims.public_id)],
                                          **{"encryption_verified_on_0": "3",
                                             "encryption_verified_on_1": "9",
                                             "encryption_verified_on_2": "2026"}))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.personal_data is True and item.encryption == "filevault"
    assert item.encryption_verified_on == date(2026, 9, 3) and list(item.systems.all()) == [sims]
    response = client.post(url, form_data(version="1", serial_number="X1", location="Hall"))
    assert response.status_code == 200
    assert "Someone else changed this item" in response.content.decode()
    item.refresh_from_db()
    assert item.location == "" and item.version == 2


def test_report_lost_page_says_what_is_carried_over_and_posts_once(personas: Personas,
                                                                    login: Login) -> None:
    item = add(personas, "5CD1234ABC", asset_tag="HP-0142", personal_data=True,
               encryption="none")
    url = reverse("equipment:item-incident", args=[item.public_id])
    client = login(personas.it_lead)
    page = client.get(url).content.decode()
    assert "Laptop HP-0142 lost" in page and "5CD1234ABC" in page
    assert "Not encrypted" in page and "may be a personal data breach" in page
    assert not Incident.objects.exists()  # GET changes nothing
    response = client.post(url, {"stolen": "stolen", "note": "Taken from a car."})
    assert response.status_code == 302
    item.refresh_from_db()
    incident = Incident.objects.get()
    assert item.status == Item.Status.STOLEN and item.incident == incident
    assert incident.title == "Laptop HP-0142 stolen"
    html = client.get(detail(item)).content.decode()
    assert incident.reference in html
    assert "already reported stolen" in client.get(url).content.decode()
    response = client.post(url, {"stolen": "lost", "note": "Again."}, follow=True)
    assert f"already reported as {incident.reference}" in response.content.decode()
    assert Incident.objects.count() == 1


def test_report_lost_needs_a_note(personas: Personas, login: Login) -> None:
    item = add(personas, "X1")
    client = login(personas.siro)
    response = client.post(reverse("equipment:item-incident", args=[item.public_id]),
                           {"stolen": "lost", "note": ""})
    assert response.status_code == 200
    assert "Say what happened" in response.content.decode()
    assert not Incident.objects.exists()


def test_export_keeps_filters_and_writes_formulas_as_text(personas: Personas,
                                                          login: Login) -> None:
    add(personas, "=HYPERLINK(1)", make="HP", personal_data=True, encryption="none")
    add(personas, "OTHER1", kind="desktop")
    client = login(personas.dpo)
    response = client.get(EXPORT, {"format": "csv", "kind": "laptop"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Kind", "Make", "Model", "Serial number"]
    assert len(rows) == 2 and rows[1][3] == "'=HYPERLINK(1)"
    assert rows[1][15] == "Holds personal data, not encrypted"
    response = client.get(EXPORT, {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert len(values) == 3 and values[0][0] == "Kind"
    assert "'=HYPERLINK(1)" in [row[3] for row in values]
    event = AuditEvent.objects.filter(action="equipment.inventory.exported").first()
    assert event is not None and event.changes["rows"]["after"] == 2
    assert client.get(EXPORT, {"format": "pdf"}).status_code == 404


def _populate(personas: Personas, start: int, count: int) -> None:
    sims = make_system(personas, name=f"System {start}")
    company = OutsideOrganisation.objects.get_or_create(
        school=personas.school, name_key="shredders", defaults={"name": "Shredders"})[0]
    batch = Disposal.objects.create(school=personas.school, company=company,
                                    collected_on=timezone.localdate(), created_by_label="IT")
    for n in range(start, start + count):
        person = make_person(personas.school, f"Person {n:02d}")
        item = add(personas, f"SER{n:04d}", asset_tag=f"TAG{n:04d}", assigned_to=person,
                   personal_data=[True, None, False][n % 3], systems=[sims],
                   encryption=["none", "bitlocker"][n % 2])
        if n % 4 == 0:
            Item.objects.filter(pk=item.pk).update(status=Item.Status.DISPOSED)
            DisposalItem.objects.create(school=personas.school, disposal=batch, item=item)


def test_list_query_count_does_not_grow(personas: Personas, login: Login, steady_session,
                                        django_assert_num_queries) -> None:
    client = login(personas.it_lead)
    _populate(personas, 0, 3)
    client.get(LIST)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(LIST).content.decode()
    assert "Equipment (40)" in html


def test_export_query_count_does_not_grow(personas: Personas, login: Login, steady_session,
                                          django_assert_num_queries) -> None:
    client = login(personas.it_lead)
    _populate(personas, 0, 3)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert client.get(EXPORT, {"format": "csv"}).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        response = client.get(EXPORT, {"format": "csv"})
    assert response.content.decode("utf-8-sig").count("\r\n") == 41
