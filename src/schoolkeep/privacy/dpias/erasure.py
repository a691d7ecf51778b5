"""What DPIAs erase for a person being erased (``privacy.erasure``).

A DPIA is the school's record of a decision and stays. The names it keeps of who screened
it, who gave the DPO's advice and who signed it off (``*_label``: the actor's name, or
their e-mail, when they acted) are blanked where they are the erased person's; the link to
the signing-off user stays, pointing at an account the accounts provider anonymises.
DPIAs have no period of their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schoolkeep.accounts.erasure import PersonDataOnly, blank_labels, names_of
from schoolkeep.privacy.dpias.models import Dpia
from schoolkeep.privacy.erasure.registry import register_provider

LABELS = ("screened_by_label", "dpo_advice_by_label", "signed_off_by_label")


class DpiasErasure(PersonDataOnly):
    name = "privacy.dpias"
    covers = frozenset({"privacy.dpia"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        dpias = Dpia.objects.filter(school=school)
        return blank_labels([(dpias, label) for label in LABELS], names_of(person_ids))


def register() -> None:
    register_provider(DpiasErasure())
