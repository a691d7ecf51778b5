"""Reads of the equipment inventory: the list (filtered, with what each item lacks in
words), an item's page, and the rows of the export. A page of the list is two queries
whatever the number of items: the count, and the page's rows with the person each is
assigned to and its disposal entry (one join each)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet

from schoolkeep.equipment.keys import serial_key
from schoolkeep.equipment.models import DisposalItem, Item
from schoolkeep.lib.text import tidy
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import get_for_school_or_404

ENCRYPTED = (Item.Encryption.BITLOCKER, Item.Encryption.FILEVAULT, Item.Encryption.OTHER)

# The flags an item may carry, as words (also the list's "needs attention" filter).
UNENCRYPTED = "unencrypted"
UNCERTIFIED = "uncertified"
FLAG_WORDS = {
    UNENCRYPTED: "Holds personal data, not encrypted",
    UNCERTIFIED: "Disposed of without a certificate",
}


# Statuses of an item no longer at the school: disposed of, or lost or stolen (their
# incident follows them up).
NOT_HERE = (Item.Status.DISPOSED, Item.Status.LOST, Item.Status.STOLEN)


def unencrypted_q(prefix: str = "") -> Q:
    """Items holding personal data that are not recorded as encrypted and still here (not
    disposed of, lost or stolen): what the ``equipment.unencrypted-personal-data`` duty
    counts."""
    return (Q(**{f"{prefix}personal_data": True})
            & ~Q(**{f"{prefix}encryption__in": ENCRYPTED})
            & ~Q(**{f"{prefix}status__in": NOT_HERE}))


def uncertified_q() -> Q:
    """Items disposed of that hold or may hold personal data, with no certificate of secure
    deletion matched to them (no disposal entry, or one not matched)."""
    return (Q(status=Item.Status.DISPOSED) & ~Q(personal_data=False)
            & (Q(disposal_entry__isnull=True) | Q(disposal_entry__matched_by="")))


def flags(item: Item) -> list[str]:
    """What the policy asks and this item lacks, in words (``item.disposal_entry`` read with
    the item, as the list and the page do)."""
    found = []
    if item.personal_data is True and not item.is_encrypted and \
            item.status not in NOT_HERE:
        found.append(FLAG_WORDS[UNENCRYPTED])
    if item.status == Item.Status.DISPOSED and item.personal_data is not False:
        entry = getattr(item, "disposal_entry", None)
        if entry is None or not entry.matched_by:
            found.append(FLAG_WORDS[UNCERTIFIED])
    return found


def item_list(*, school: School, kind: str = "", status: str = "",
              personal_data: str = "", encryption: str = "",
              assigned_to: Person | None = None, flag: str = "",
              search: str = "") -> QuerySet[Item]:
    """The school's items, filtered and ordered by kind and tag, with the person each is
    assigned to and its disposal entry (joined).

    ``personal_data``: "yes", "no" or "unknown". ``encryption``: one of the choices, or
    "encrypted" for any encryption. ``flag``: "unencrypted" or "uncertified" (FLAG_WORDS).
    ``search``: part of the serial number or asset tag (compared by their keys), the make or
    the model."""
    items = Item.objects.filter(school=school)
    if kind:
        items = items.filter(kind=kind)
    if status:
        items = items.filter(status=status)
    if personal_data:
        items = items.filter(personal_data={"yes": True, "no": False}.get(personal_data))
    if encryption == "encrypted":
        items = items.filter(encryption__in=ENCRYPTED)
    elif encryption:
        items = items.filter(encryption=encryption)
    if assigned_to is not None:
        items = items.filter(assigned_to=assigned_to)
    if flag == UNENCRYPTED:
        items = items.filter(unencrypted_q())
    elif flag == UNCERTIFIED:
        items = items.filter(uncertified_q())
    search = tidy(search)
    if search:
        key = serial_key(search)
        found = Q(make__icontains=search) | Q(model_name__icontains=search)
        if key:
            found |= Q(serial_key__contains=key) | Q(asset_tag_key__contains=key)
        items = items.filter(found)
    return (items.select_related("assigned_to", "disposal_entry")
            .order_by("kind", "asset_tag_key", "serial_key", "pk"))


@dataclass(frozen=True)
class Row:
    item: Item
    flags: list[str]


def item_page(items: QuerySet[Item], *, number: Any, per_page: int = 50
              ) -> tuple[Page, list[Row]]:
    """One page of ``item_list`` with each item's flags: two queries (count and rows)."""
    page = Paginator(items, per_page).get_page(number)
    return page, [Row(item, flags(item)) for item in page.object_list]


def item_for_page(*, school: School, public_id: UUID | str) -> Item:
    """One item of the school with its person, its incident, its systems and its disposal
    entry (with the batch and the company)."""
    return get_for_school_or_404(
        Item.objects.select_related("assigned_to", "incident", "disposal_entry__disposal__company",
                                    "disposal_entry__matched_by_user")
        .prefetch_related(Prefetch("systems", queryset=System.objects.order_by("name", "pk"))),
        school=school, public_id=public_id)


def item_for_edit(*, school: School, public_id: UUID | str) -> Item:
    return get_for_school_or_404(
        Item.objects.select_related("assigned_to")
        .prefetch_related(Prefetch("systems", queryset=System.objects.order_by("name", "pk"))),
        school=school, public_id=public_id)


EXPORT_HEADINGS = [
    "Kind", "Make", "Model", "Serial number", "Asset tag", "Holds personal data",
    "Encryption", "Encryption verified on", "Location", "Assigned to", "Systems", "Status",
    "Incident", "Disposal batch", "Certificate matched", "Needs attention", "Notes",
]


def _answer(value: bool | None) -> str:
    return "Not known" if value is None else ("Yes" if value else "No")


def export_rows(items: QuerySet[Item], *, chunk: int = 2000) -> Iterator[list[Any]]:
    """The rows of the inventory's export, in the list's order: the items with their
    people, incidents, disposal entries and systems, read a chunk at a time (three queries a
    chunk)."""
    rows = (items.select_related("assigned_to", "incident", "disposal_entry__disposal")
            .prefetch_related(Prefetch("systems", queryset=System.objects.order_by("name",
                                                                                    "pk"))))
    for item in rows.iterator(chunk_size=chunk):
        entry: DisposalItem | None = getattr(item, "disposal_entry", None)
        yield [
            item.get_kind_display(), item.make, item.model_name, item.serial_number,
            item.asset_tag, _answer(item.personal_data), item.get_encryption_display(),
            item.encryption_verified_on, item.location,
            item.assigned_to.full_name if item.assigned_to else "",
            "; ".join(system.name for system in item.systems.all()),
            item.get_status_display(), item.incident.reference if item.incident else "",
            str(entry.disposal) if entry else "",
            (entry.get_matched_by_display() if entry.matched_by else "No") if entry else "",
            "; ".join(flags(item)), item.notes,
        ]
