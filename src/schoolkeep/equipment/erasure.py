"""What the equipment app erases when a person is erased (``privacy.erasure``): their loans
(a leaver is erased only once their checklist, which returns the kit, is closed); their items
are kept, unassigned; their name leaves the labels of what they issued, matched or recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schoolkeep.accounts.erasure import (
    PersonDataOnly,
    blank_labels,
    names_of,
    person_subject,
    unset,
    users_of,
)
from schoolkeep.equipment.models import Disposal, DisposalItem, Item, Loan
from schoolkeep.privacy.erasure.registry import register_provider


class EquipmentErasure(PersonDataOnly):
    name = "equipment"
    covers = frozenset({"equipment.item", "equipment.loan", "equipment.disposalitem"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        names = names_of(person_ids)
        count = Loan.objects.filter(person_id__in=person_ids).delete()[0]
        count += unset([(Item.objects.filter(school=school), "assigned_to_id")], person_ids)
        items = DisposalItem.objects.filter(school=school)
        count += unset([(items, "matched_by_user_id")], users_of(person_ids))
        loans = Loan.objects.filter(school=school)
        disposals = Disposal.objects.filter(school=school)
        count += blank_labels([
            (loans, "issued_by_label"), (loans, "returned_by_label"),
            (items, "matched_by_label"), (disposals, "certificate_uploaded_by_label"),
            (disposals, "created_by_label"),
        ], names)
        return count


def register() -> None:
    from schoolkeep.audit.subjects import register_subject

    register_provider(EquipmentErasure())
    register_subject("equipment.loan", person_subject())
