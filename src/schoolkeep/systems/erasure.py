"""What the systems app erases when a person is erased (``privacy.erasure``): they stop
being one of a system's administrators; the system is kept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schoolkeep.accounts.erasure import PersonDataOnly
from schoolkeep.privacy.erasure.registry import register_provider
from schoolkeep.systems.models import System


class SystemsErasure(PersonDataOnly):
    name = "systems"
    covers = frozenset({"systems.system"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        return System.administrators.through.objects.filter(
            person_id__in=person_ids).delete()[0]


def register() -> None:
    register_provider(SystemsErasure())
