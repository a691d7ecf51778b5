"""What the suppliers' records erase for a person being erased (``privacy.erasure``).

A supplier is the school's record of an organisation and stays. The names it keeps of
people are blanked where they are the erased person's: who recorded the last yearly review
(``last_reviewed_by_label``: the actor's name, or their e-mail) and who holds the contract
when that was given as their name. Suppliers have no period of their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schoolkeep.accounts.erasure import PersonDataOnly, blank_labels, names_of
from schoolkeep.privacy.erasure.registry import register_provider
from schoolkeep.privacy.suppliers.models import Processor

LABELS = ("last_reviewed_by_label", "contract_holder")


class SuppliersErasure(PersonDataOnly):
    name = "privacy.suppliers"
    covers = frozenset({"privacy.processor"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        processors = Processor.objects.filter(school=school)
        return blank_labels([(processors, label) for label in LABELS], names_of(person_ids))


def register() -> None:
    register_provider(SuppliersErasure())
