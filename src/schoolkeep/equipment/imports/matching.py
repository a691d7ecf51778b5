"""Who an item is assigned to, and which recorded item a row is.

People: by e-mail address (case-folded), then by name (as the Single Central Record keys
names). A name or address more than one person has matches nobody: a problem of the row, as
is a name nobody has. Items: by serial key, then by asset tag key (``equipment.keys``).
"""

from __future__ import annotations

from dataclasses import dataclass

from schoolkeep.equipment.models import Item
from schoolkeep.people import derive
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import School

# An item's fields an import reads and may change (besides the person it is assigned to).
ITEM_FIELDS = ("asset_tag", "serial_number", "kind", "make", "model_name", "personal_data",
               "encryption", "encryption_verified_on", "location", "status", "notes")
LOADED = ["pk", "public_id", "school_id", "serial_key", "asset_tag_key", "assigned_to_id",
          "version", *ITEM_FIELDS]


class NoPerson(Exception):
    """Nobody, or more than one person, on the record matches: the message says which."""


class PeopleIndex:
    """The school's people by e-mail address and by name key, read once (ids and names
    only, no ORM objects)."""

    def __init__(self, school: School) -> None:
        self.names: dict[int, str] = {}
        self.by_email: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        rows = Person.objects.filter(school=school).values_list(
            "pk", "full_name", "name_key", "email")
        for pk, full_name, key, email in rows.iterator(2000):
            self.names[pk] = full_name
            if email:
                self.by_email.setdefault(email.casefold(), []).append(pk)
            self.by_name.setdefault(key, []).append(pk)

    def match(self, *, email: str, name: str) -> int:
        """The person's id: by e-mail address, then by name. Raises NoPerson."""
        found = self.by_email.get(email.casefold(), []) if email else []
        if len(found) == 1:
            return found[0]
        named = self.by_name.get(derive.name_key(name), []) if name else []
        if len(named) == 1:
            return named[0]
        if named:
            raise NoPerson(f"{len(named)} people on the record are called {name}: give the "
                           "person's e-mail address in an Assigned to email column.")
        if len(found) > 1:
            raise NoPerson(f"{len(found)} people on the record have the e-mail address "
                           f"{email}: give the person's name as well.")
        who = " or ".join(part for part in (email, name) if part)
        raise NoPerson(f"Nobody on the Single Central Record is {who}. Add the person first, "
                       "or leave the cell blank.")


@dataclass
class ItemIndex:
    """The school's recorded items by serial key and by tag key, read once."""

    items: dict[int, Item]
    by_serial: dict[str, Item]
    by_tag: dict[str, Item]

    @classmethod
    def of(cls, school: School, *, for_update: bool = False) -> ItemIndex:
        query = Item.objects.filter(school=school).only(*LOADED).order_by()
        if for_update:
            query = query.select_for_update()
        items = {item.pk: item for item in query.iterator(2000)}
        return cls(items,
                   {item.serial_key: item for item in items.values() if item.serial_key},
                   {item.asset_tag_key: item for item in items.values() if item.asset_tag_key})
