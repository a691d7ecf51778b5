"""What the destruction log erases for a person being erased (``privacy.erasure``).

An entry of the log stays: it is the school's proof that records were destroyed (what, when,
how, which record type). The names it keeps of people go where they are the erased person's:
who recorded it (the actor's name, or their e-mail), who destroyed it and who witnessed it.
The log has no period of its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schoolkeep.accounts.erasure import PersonDataOnly, blank_labels, names_of
from schoolkeep.privacy.destruction.models import Destruction
from schoolkeep.privacy.erasure.registry import register_provider

LABELS = ("recorded_by_label", "destroyed_by_label", "witnessed_by_label")


class DestructionErasure(PersonDataOnly):
    name = "privacy.destruction"
    covers = frozenset({"privacy.destruction"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        entries = Destruction.objects.filter(school=school)
        return blank_labels([(entries, label) for label in LABELS], names_of(person_ids))


def register() -> None:
    register_provider(DestructionErasure())
