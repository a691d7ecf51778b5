"""The transfer log of the demo (Larkspur, step "transfer_log", order 390, after the rules'
step has put the policy's transfer channels in Larkspur's register): four transfers, three
by the approved channel for their data and one, a pupil's report sent to another school by
ordinary e-mail, not approved: it waits for the DPO's review (a duty due the day the demo is
built). The CTF file names the "Pupil information" asset and adds the receiving school to
its recipients; the e-mailed report names it too without adding, so the asset's page hints
that a recipient is missing from its record."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.assets.models import Asset
from schoolkeep.demo.builder import DemoContext
from schoolkeep.systems.models import System
from schoolkeep.transfers.log.services import transfer_log
from schoolkeep.transfers.models import DataKind, Recipient, Transfer

SCHOOL = "larkspur"
ORDER = 390
ASSET = "Pupil information"


def build_demo_transfer_log(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    if Transfer.objects.filter(school=school).exists():
        return
    channels = {system.catalogue_key: system for system in System.objects.filter(
        school=school, archived_at__isnull=True, is_transfer_channel=True)}
    asset = Asset.objects.filter(school=school, name=ASSET, archived_at__isnull=True).first()
    today = timezone.localdate()
    data_admin, dsl = ctx.users.get("larkspur.data_admin"), ctx.users.get("larkspur.dsl")
    staff = ctx.users.get("larkspur.staff")
    planned: list[tuple[str, Any, dict[str, Any]]] = [
        ("dfe-s2s", data_admin, dict(
            data_kind=DataKind.CTF_PUPIL_FILE, recipient=Recipient.SCHOOL,
            recipient_name="Harbour Lane Primary", description="CTF file for one leaving pupil",
            sent_on=today - timedelta(days=20), pupils_named=True, people_count=1,
            asset=asset, add_to_asset_recipients=asset is not None)),
        ("anycomms", data_admin, dict(
            data_kind=DataKind.ADMISSIONS_FILE, recipient=Recipient.LOCAL_AUTHORITY,
            description="Reception admissions CTF file", sent_on=today - timedelta(days=12),
            pupils_named=True, people_count=58)),
        ("egress", dsl, dict(
            data_kind=DataKind.SEN, recipient=Recipient.SCHOOL,
            recipient_name="Kestrel Vale Secondary",
            description="Support plan and review notes for one Year 6 pupil (initials J.T.)",
            sent_on=today - timedelta(days=5), pupils_named=False, people_count=1)),
    ]
    for key, actor, fields in planned:
        if key in channels:
            transfer_log(school=school, actor=actor, channel=channels[key], **fields)
    transfer_log(school=school, actor=staff, channel_other="Ordinary e-mail",
                 data_kind=DataKind.REFERENCES_REPORTS, recipient=Recipient.SCHOOL,
                 recipient_name="Harbour Lane Primary",
                 description="End of year report for one pupil", sent_on=today,
                 pupils_named=True, people_count=1, asset=asset, log_anyway=True)
