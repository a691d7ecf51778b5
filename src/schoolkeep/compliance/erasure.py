"""What the compliance app erases when a person is erased (``privacy.erasure``): controls
they owned lose their owner; attestations and governor packs stay (the evidence of what was
done) without the link to their user or their name."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from schoolkeep.accounts.erasure import (
    PersonDataOnly,
    blank_labels,
    names_of,
    unset,
    users_of,
)
from schoolkeep.compliance.models import Attestation, ControlSetting, ControlStatus, GovernorPack
from schoolkeep.privacy.erasure.registry import register_provider


class ComplianceErasure(PersonDataOnly):
    name = "compliance"
    covers = frozenset({"compliance.controlsetting", "compliance.attestation",
                        "compliance.governorpack", "compliance.controlstatus"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        names = names_of(person_ids)
        attestations = Attestation.objects.filter(school=school)
        packs = GovernorPack.objects.filter(school=school)
        count = unset([
            (ControlSetting.objects.filter(school=school), "owner_id"),
            (ControlStatus.objects.filter(school=school), "owner_user_id"),
            (attestations, "attested_by_id"), (packs, "requested_by_id"),
            (packs, "received_by_id"),
        ], users_of(person_ids))
        count += blank_labels([(attestations, "attested_by_label"),
                               (packs, "requested_by_label"), (packs, "received_by_label")],
                              names)
        return count


def register() -> None:
    register_provider(ComplianceErasure())
