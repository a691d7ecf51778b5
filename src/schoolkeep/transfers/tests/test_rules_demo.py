"""The demo's step 310: Larkspur adds the catalogue's six channels for sending data, set up
so that they raise no duty, and one rule of its own; running it again changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from schoolkeep.demo.builder import DemoContext, steps
from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.systems.models import System
from schoolkeep.transfers.models import TransferRule
from schoolkeep.transfers.rules.resolve import answer_for, transfer_channels

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(autouse=True)
def uploads_dir(settings: Any, tmp_path: Path) -> Path:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def _keys(school: Any) -> set[str]:
    return {duty.key for duty in duties_for_school(school, timezone.now())}


def test_the_channels_raise_no_duty_and_the_step_is_idempotent() -> None:
    ctx = DemoContext()
    ordered = steps()
    names = [name for name, _ in ordered]
    ours = dict(ordered)["transfer_rules"]
    for _name, func in ordered[:names.index("transfer_rules")]:
        func(ctx)
    larkspur = ctx.schools["larkspur"]
    before = _keys(larkspur)

    ours(ctx)
    channels = {system.catalogue_key for system in transfer_channels(larkspur)}
    assert channels == {"dfe-s2s", "anycomms", "egress", "uso-fx2", "autoupdate",
                        "secure-email"}
    # Issue 20: a file-transfer or messaging system with no supplier's agreement on file is
    # the DPO's processors duty (privacy.suppliers.duties); the channels raise that one duty
    # each and nothing else (no duty of the transfers module).
    channel_ids = {str(system.public_id) for system in transfer_channels(larkspur)}
    assert _keys(larkspur) - before == {f"processors.agreement-missing:{public_id}"
                                        for public_id in channel_ids}
    assert before <= _keys(larkspur)
    answer = answer_for(larkspur, "ctf_pupil_file", "school")
    assert not answer.ask_dpo and answer.usable[0].instructions
    assert answer_for(larkspur, "references_reports", "parents").usable[0].name == (
        "Secure e-mail")

    count = System.objects.filter(school=larkspur).count()
    ours(ctx)
    assert System.objects.filter(school=larkspur).count() == count
    assert TransferRule.objects.filter(school=larkspur).count() == 1
