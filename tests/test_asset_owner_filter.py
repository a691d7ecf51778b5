"""The asset register's owner filter stays small however many owners the school has: an
owner is found by part of their name; the select holds only the choices that need no name,
the owners a name fits (a few) or the owner named in the address."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from schoolkeep.assets import services
from schoolkeep.assets.forms import MATCHES_SHOWN
from schoolkeep.assets.tests.test_views import asset, person
from tests.personas import Personas

pytestmark = pytest.mark.django_db


def _owner_options(html: str) -> list[str]:
    select = re.search(r'<select name="owner"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


@pytest.fixture
def register(personas: Personas) -> dict[str, Any]:
    owners = {name: person(personas, name) for name in
              ("Ann Baker", "Ben Baker", "Cat Jones", *(f"Owner {n:02d}" for n in range(25)))}
    for name, owner in owners.items():
        asset(personas, f"Asset of {name}", owner_person=owner)
    company = services.organisation_get_or_create(school=personas.school, name="RedStor Backup",
                                                  actor=None)
    asset(personas, "Offsite backup", owner_organisation=company)
    asset(personas, "Unowned records")
    return owners


def _page(client: Any, **query: str) -> tuple[str, list[str]]:
    response = client.get(reverse("assets:asset-list"), query)
    assert response.status_code == 200
    return response.content.decode(), [row.name for row in response.context["rows"]]


def test_the_select_holds_no_list_of_every_owner(personas, login, register) -> None:
    html, rows = _page(login(personas.staff))
    assert _owner_options(html) == ["Anyone", "No owner", "A name not yet matched"]
    assert len(rows) == len(register) + 2
    assert 'name="owner_name"' in html


def test_part_of_a_name_that_fits_one_owner_lists_their_assets(personas, login,
                                                               register) -> None:
    _html, rows = _page(login(personas.staff), owner_name="cat jon")
    assert rows == ["Asset of Cat Jones"]
    _html, rows = _page(login(personas.staff), owner_name="redstor")
    assert rows == ["Offsite backup"]


def test_a_name_that_fits_several_offers_just_them(personas, login, register) -> None:
    client = login(personas.staff)
    html, _rows = _page(client, owner_name="Baker")
    assert "2 owners&#x27; names contain “Baker”: choose one under Owner." in html
    assert _owner_options(html) == ["Anyone", "Ann Baker", "Ben Baker", "No owner",
                                    "A name not yet matched"]
    ben = register["Ben Baker"]
    _html, rows = _page(client, owner_name="Baker", owner=f"person:{ben.public_id}")
    assert rows == ["Asset of Ben Baker"]


def test_many_fitting_names_are_cut_to_a_few(personas, login, register) -> None:
    html, _rows = _page(login(personas.staff), owner_name="owner")
    assert len(_owner_options(html)) == 3 + MATCHES_SHOWN
    assert "25 owners" in html and "type more of the name" in html


def test_no_fitting_name_and_a_name_with_no_owner_are_errors(personas, login,
                                                            register) -> None:
    client = login(personas.staff)
    html, _rows = _page(client, owner_name="Zed")
    assert "No owner&#x27;s name contains “Zed”." in html
    html, _rows = _page(client, owner_name="Ann", owner="none")
    assert "Leave the owner" in html
    _html, rows = _page(client, owner="none")
    assert rows == ["Unowned records"]


def test_an_owner_in_the_address_is_kept_as_the_choice(personas, login, register) -> None:
    ann = register["Ann Baker"]
    html, rows = _page(login(personas.staff), owner=f"person:{ann.public_id}")
    assert rows == ["Asset of Ann Baker"]
    assert f'value="person:{ann.public_id}" selected' in html
    assert _owner_options(html) == ["Anyone", "Ann Baker", "No owner", "A name not yet matched"]
