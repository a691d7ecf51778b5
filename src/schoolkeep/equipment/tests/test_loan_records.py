"""Records the loans tests share (no tests here): items made straight in the inventory's
table (whatever its own services check), people through the people services, loans
through the loans' services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.equipment.keys import serial_key, tag_key
from schoolkeep.equipment.loans.services import loan_issue
from schoolkeep.equipment.models import Item, Loan
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create
from schoolkeep.tenancy.models import School


def make_item(school: School, tag: str, **fields: Any) -> Item:
    """An encrypted laptop holding personal data, unless ``fields`` say otherwise."""
    values: dict[str, Any] = {"kind": Item.Kind.LAPTOP, "personal_data": True,
                              "encryption": Item.Encryption.BITLOCKER, "make": "HP",
                              "serial_number": f"SN-{tag}"}
    values.update(fields)
    return Item.objects.create(school=school, asset_tag=tag, asset_tag_key=tag_key(tag),
                               serial_key=serial_key(values["serial_number"]), **values)


def make_person(school: School, name: str, **fields: Any) -> Person:
    return person_create(school=school, actor=None, full_name=name, kind="teaching",
                         start_date=fields.pop("start_date", date(2020, 9, 1)), **fields)


def lend(item: Item, person: Person, *, days_ago: int = 5, due_in: int = 10,
         **fields: Any) -> Loan:
    today = timezone.localdate()
    return loan_issue(school=item.school, actor=None, item=item, person=person,
                      issued_on=today - timedelta(days=days_ago),
                      expected_return_on=today + timedelta(days=due_in), **fields)
