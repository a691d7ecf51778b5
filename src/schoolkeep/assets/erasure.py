"""What the assets app erases when a person is erased (``privacy.erasure``): an asset they
owned is kept, with no owner (the register then asks for one)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schoolkeep.accounts.erasure import PersonDataOnly, unset
from schoolkeep.assets.models import Asset
from schoolkeep.privacy.erasure.registry import register_provider


class AssetsErasure(PersonDataOnly):
    name = "assets"
    covers = frozenset({"assets.asset"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        return unset([(Asset.objects.filter(school=school), "owner_person_id")], person_ids)


def register() -> None:
    register_provider(AssetsErasure())
