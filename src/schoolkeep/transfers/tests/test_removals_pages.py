"""Pages of taking data off site: asking (a refusal lands on its field), the owner's one
button from the e-mailed link, who may open a request, the lost report's confirmation page
(GET changes nothing), and the lists' query counts at 3 and 40 requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.equipment.models import Item
from schoolkeep.transfers.models import Removal
from schoolkeep.transfers.removals.services import removal_decide
from schoolkeep.transfers.tests.test_removals_records import (
    device,
    paper_request,
    person_of,
    sensitive_asset,
    today,
)

pytestmark = pytest.mark.django_db

LIST = reverse("transfers:removal-list")
CREATE = reverse("transfers:removal-create")


def _date(name: str, day) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _form(asset, **fields) -> dict[str, str]:
    data = {"asset": str(asset.public_id), "form": "paper", "item": "",
            "carried_how": "In a locked bag", "description": "Printed reports",
            "reason": "A meeting", "standing": "once", **_date("starts_on", today()),
            **_date("ends_on", today() + timedelta(days=1))}
    data.update(fields)
    return data


def _owned(personas: Personas):
    return sensitive_asset(personas, owner=person_of(personas, personas.iao, "Olive Owner"))


def test_a_member_asks_on_the_form(personas: Personas, login) -> None:
    person_of(personas, personas.staff, "Sam Staff")
    asset = _owned(personas)
    response = login(personas.staff).post(CREATE, _form(asset))
    removal = Removal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("transfers:removal-detail",
                                           args=[removal.public_id])
    assert (removal.person.full_name, removal.form, removal.standing) == (
        "Sam Staff", "paper", False)


def test_an_unencrypted_device_is_refused_on_its_field(personas: Personas, login) -> None:
    person_of(personas, personas.staff)
    asset = _owned(personas)
    item = device(personas, encryption=Item.Encryption.NONE)
    response = login(personas.staff).post(CREATE, _form(
        asset, form="device", item=str(item.public_id), carried_how=""))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "ask the it lead to record its encryption" in errors["item"][0].lower()
    assert not Removal.objects.exists()


def test_the_form_offers_only_official_sensitive_assets(personas: Personas, login) -> None:
    person_of(personas, personas.staff)
    sensitive = _owned(personas)
    plain = sensitive_asset(personas, name="Lunch menus", classification="official")
    body = login(personas.staff).get(CREATE).content.decode()
    assert str(sensitive.public_id) in body and str(plain.public_id) not in body


def test_the_owner_approves_with_one_button(personas: Personas, login) -> None:
    removal = paper_request(personas, _owned(personas))
    url = reverse("transfers:removal-detail", args=[removal.public_id])
    client = login(personas.iao)
    page = client.get(url)
    assert page.status_code == 200 and b'value="approve"' in page.content
    response = client.post(reverse("transfers:removal-decide", args=[removal.public_id]),
                           {"decision": "approve", "note": "", "version": "1"})
    assert response.status_code == 302
    removal.refresh_from_db()
    assert removal.status == Removal.Status.APPROVED


def test_a_refusal_without_a_note_comes_back_on_the_page(personas: Personas, login) -> None:
    removal = paper_request(personas, _owned(personas))
    response = login(personas.iao).post(
        reverse("transfers:removal-decide", args=[removal.public_id]),
        {"decision": "refuse", "note": "", "version": "1"})
    assert response.status_code == 200
    assert response.context["decide_form"].errors["note"]
    removal.refresh_from_db()
    assert removal.status == Removal.Status.REQUESTED


def test_another_member_may_not_open_a_request(personas: Personas, login) -> None:
    removal = paper_request(personas, _owned(personas))
    url = reverse("transfers:removal-detail", args=[removal.public_id])
    assert login(personas.dsl).get(url).status_code == 403
    assert login(personas.siro).get(url).status_code == 200  # removals.view
    page = login(personas.siro).get(url)
    assert b'value="approve"' not in page.content  # the owner decides, not the SIRO


def test_the_lost_page_changes_nothing_until_its_button(personas: Personas, login) -> None:
    removal = paper_request(personas, _owned(personas))
    removal_decide(removal=removal, actor=None, approve=True)
    url = reverse("transfers:removal-incident", args=[removal.public_id])
    client = login(personas.iao)
    page = client.get(url)
    assert page.status_code == 200 and b"Printed reports" in page.content
    removal.refresh_from_db()
    assert removal.incident is None
    response = client.post(url, {"what": "lost", "note": "Left on a train"})
    assert response.status_code == 302
    removal.refresh_from_db()
    assert removal.incident is not None


def _populate(personas: Personas, asset, start: int, count: int) -> None:
    taker = person_of(personas, personas.staff, "Sam Staff")
    item = device(personas, serial=f"LIST{start}")
    for n in range(start, start + count):
        if n % 2:
            paper_request(personas, asset, person=taker, description=f"Papers {n}")
        else:
            paper_request(personas, asset, person=taker, form=Removal.Form.DEVICE,
                          item=item, carried_how="", description=f"Laptop {n}")


@pytest.mark.parametrize(("persona", "show"), [("siro", "all"), ("staff", "mine"),
                                                ("iao", "to_approve")])
def test_list_query_count_does_not_grow(personas: Personas, login, steady_session,
                                        django_assert_num_queries, persona, show) -> None:
    asset = _owned(personas)
    _populate(personas, asset, 0, 3)
    client = login(getattr(personas, persona))
    client.get(LIST, {"show": show})  # the session's first request settles
    with CaptureQueriesContext(connection) as few:
        response = client.get(LIST, {"show": show})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 3
    _populate(personas, asset, 3, 37)
    with django_assert_num_queries(len(few)):
        response = client.get(LIST, {"show": show})
    assert response.context["page"].paginator.count == 40
    assert len(response.context["page"].object_list) == 40
