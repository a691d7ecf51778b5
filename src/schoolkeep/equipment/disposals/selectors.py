"""Reads of disposal batches: the list (with each batch's counts, in the list's one query),
a batch's page with its items and what its certificate says, and the choices its forms
offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from schoolkeep.equipment.keys import serial_key, tag_key
from schoolkeep.equipment.models import Disposal, DisposalItem, Item
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import get_for_school_or_404

# A waste transfer note is kept for two years from the collection.
NOTE_KEPT_YEARS = 2
# What a disposed item needs a certificate for: it holds or held personal data, or nobody
# knows (never taken as "no").
NEEDS_CERTIFICATE = ~Q(item__personal_data=False)


def disposal_list(*, school: School, search: str = "") -> QuerySet[Disposal]:
    """The school's batches, newest collection first, each with its counts of items, of
    matched items and of items needing a certificate that have none."""
    batches = Disposal.objects.filter(school=school).select_related("company")
    if search:
        # Serial numbers and asset tags are searched by their keys ("5cd-1234" finds
        # 5CD1234), as the inventory keeps them.
        wanted = Q(reference__icontains=search) | Q(company__name__icontains=search)
        if serial := serial_key(search):
            wanted |= Q(items__item__serial_key__icontains=serial)
        if tag := tag_key(search):
            wanted |= Q(items__item__asset_tag_key__icontains=tag)
        batches = batches.filter(wanted).distinct()
    return batches.annotate(
        item_count=Count("items", distinct=True),
        matched_count=Count("items", filter=~Q(items__matched_by=""), distinct=True),
        unmatched_count=Count("items", filter=Q(items__matched_by="")
                              & ~Q(items__item__personal_data=False), distinct=True),
    ).order_by("-collected_on", "-id")


def keep_note_until(collected_on: date) -> date:
    """The day until which the waste transfer note is kept: two years after collection
    (29 February becomes 28 February)."""
    try:
        return collected_on.replace(year=collected_on.year + NOTE_KEPT_YEARS)
    except ValueError:
        return collected_on.replace(year=collected_on.year + NOTE_KEPT_YEARS, day=28)


def disposal_for_page(*, school: School, public_id: UUID | str) -> Disposal:
    return get_for_school_or_404(Disposal.objects.select_related("company"), school=school,
                                 public_id=public_id)


def disposal_entries(disposal: Disposal) -> list[DisposalItem]:
    return list(DisposalItem.objects.filter(disposal=disposal)
                .select_related("item", "matched_by_user").order_by("item__kind", "id"))


@dataclass(frozen=True)
class CertificateReport:
    """What the batch's certificate says against its items."""

    uploaded: bool
    has_text: bool | None  # None: no certificate; False: a scan (match by hand)
    matched: list[DisposalItem]
    missing: list[DisposalItem]  # batch items the certificate does not name (yet)
    not_in_batch: list[str]  # serial-like keys on the certificate, not in the batch
    missing_needing: int  # of ``missing``, those holding or maybe holding personal data


def certificate_report(disposal: Disposal, entries: list[DisposalItem]) -> CertificateReport:
    batch_keys = {entry.item.serial_key for entry in entries if entry.item.serial_key}
    matched = [entry for entry in entries if entry.is_matched]
    missing = [entry for entry in entries if not entry.is_matched]
    not_in_batch = [key for key in (disposal.certificate_serials or [])
                    if key not in batch_keys]
    return CertificateReport(
        uploaded=bool(disposal.certificate_stored_name),
        has_text=disposal.certificate_has_text if disposal.certificate_stored_name else None,
        matched=matched, missing=missing, not_in_batch=not_in_batch,
        missing_needing=sum(1 for entry in missing if entry.item.personal_data is not False))


def organisations(school: School) -> list[Any]:
    from schoolkeep.assets.models import OutsideOrganisation

    return list(OutsideOrganisation.objects.filter(school=school).only(
        "pk", "public_id", "name", "school_id").order_by("name_key", "pk"))


def disposable_items(school: School, limit: int = 500) -> list[Item]:
    """Items marked as awaiting disposal and in no batch yet (a hint beside the form; any
    item not lost, stolen or disposed of may be named by serial number or asset tag)."""
    return list(Item.objects.filter(school=school, disposal_entry__isnull=True,
                                    status=Item.Status.AWAITING_DISPOSAL)
                .only("pk", "public_id", "kind", "asset_tag", "serial_number", "make",
                      "model_name", "status")[:limit])


def export_rows(school: School) -> QuerySet[DisposalItem]:
    """Every disposed item of the school with its batch and company, for the export."""
    return (DisposalItem.objects.filter(school=school)
            .select_related("disposal", "disposal__company", "item")
            .order_by("-disposal__collected_on", "disposal_id", "id"))
