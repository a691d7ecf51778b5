"""Records the removals tests share (no tests here): an OFFICIAL-SENSITIVE asset owned by
the IAO persona's person record, the staff persona's own person record (who takes the
material), devices."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from tests.personas import Personas

from schoolkeep.assets.models import Asset, Classification
from schoolkeep.assets.services import asset_create, group_get_or_create
from schoolkeep.equipment.inventory.services import item_create
from schoolkeep.equipment.models import Item
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create, person_link_account
from schoolkeep.transfers.models import Removal
from schoolkeep.transfers.removals.services import removal_request


def person_of(personas: Personas, user: Any, name: str = "") -> Person:
    """The user's person record in the home school (made and linked when missing)."""
    found = Person.objects.filter(school=personas.school, user=user).first()
    if found is not None:
        return found
    person = person_create(school=personas.school, actor=None,
                           full_name=name or f"{user.full_name} Record", kind="support")
    return person_link_account(person=person, actor=None, user=user)


def sensitive_asset(personas: Personas, *, owner: Person | None = None,
                    name: str = "Pupil records", **fields: Any) -> Asset:
    fields.setdefault("classification", Classification.OFFICIAL_SENSITIVE)
    group = group_get_or_create(school=personas.school, name="Pupils", actor=None)
    return asset_create(school=personas.school, actor=None, group=group, name=name,
                        owner_person=owner, **fields)


def device(personas: Personas, serial: str = "5CD1234ABC",
           encryption: str = Item.Encryption.BITLOCKER, **fields: Any) -> Item:
    return item_create(school=personas.school, actor=None, kind=Item.Kind.LAPTOP,
                       serial_number=serial, encryption=encryption, **fields)


def today() -> date:
    return timezone.localdate()


def paper_request(personas: Personas, asset: Asset, *, actor: Any = None,
                  person: Person | None = None, days: int = 1,
                  **fields: Any) -> Removal:
    values: dict[str, Any] = {
        "form": Removal.Form.PAPER, "description": "Printed reports",
        "reason": "A meeting off site", "carried_how": "In a locked bag",
        "standing": False, "starts_on": today(), "ends_on": today() + timedelta(days=days)}
    values.update(fields)
    if actor is None and person is None:
        person = person_of(personas, personas.staff, "Sam Staff")
    return removal_request(school=personas.school, actor=actor or None, asset=asset,
                           person=person, **values)
