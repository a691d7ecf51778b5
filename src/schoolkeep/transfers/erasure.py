"""What the transfers app erases when a person is erased (``privacy.erasure``): their
requests to take records off site; the transfers and questions stay, without the link to
them or their name as the one who sent, asked, answered, reviewed or decided."""

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
from schoolkeep.privacy.erasure.registry import register_provider
from schoolkeep.transfers.models import Removal, Transfer, TransferQuestion, TransferRule


class TransfersErasure(PersonDataOnly):
    name = "transfers"
    covers = frozenset({"transfers.removal", "transfers.transfer",
                        "transfers.transferquestion"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        names = names_of(person_ids)
        count = Removal.objects.filter(person_id__in=person_ids).delete()[0]
        removals = Removal.objects.filter(school=school)
        transfers = Transfer.objects.filter(school=school)
        questions = TransferQuestion.objects.filter(school=school)
        count += unset([(removals, "requested_by_id"), (transfers, "sent_by_id"),
                        (questions, "asked_by_id")], users_of(person_ids))
        count += blank_labels([
            (removals, "requested_by_label"), (removals, "decided_by_label"),
            (removals, "returned_by_label"), (transfers, "sent_by_label"),
            (transfers, "reviewed_by_label"), (questions, "asked_by_label"),
            (questions, "answered_by_label"),
            (TransferRule.objects.filter(school=school), "updated_by_label"),
        ], names)
        return count


def register() -> None:
    from schoolkeep.audit.subjects import register_subject

    register_provider(TransfersErasure())
    register_subject("transfers.removal", person_subject())
