"""The demo's channels for sending data, at Larkspur (order 310, after the register's
systems at 300): the six the catalogue names as channels (DfE S2S, AnyComms, Egress, USO-FX2,
AutoUpdate and secure e-mail), added from the catalogue as a data administrator would and
set up so that they raise no duty: people sign in to them, their automatic log-off was
checked last month, and a data processing agreement is on file.

Larkspur follows the policy's rules, and has one of its own: pupils' reports go to parents
by secure e-mail (the policy names no channel for parents, so without it staff would ask
the DPO).

The step is idempotent: a channel already in the register (the same catalogue entry, or the
same name) and a rule the school already has are left as they are.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from schoolkeep.demo.builder import DemoContext
from schoolkeep.lib.text import fold
from schoolkeep.systems.catalogue import transfer_channel_entries
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_add_from_catalogue, system_update
from schoolkeep.transfers.models import DataKind, Recipient, TransferRule
from schoolkeep.transfers.rules.services import transfer_rule_set

SCHOOL = "larkspur"
LOGOFF_MINUTES = 10
CHECKED_DAYS_AGO = 30
REPORTS_NOTE = ("Send reports from the school's e-mail account only, one family at a time; "
                "never copy other parents in.")


def _add_channels(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    current = System.objects.filter(school=school, archived_at__isnull=True)
    keys = set(current.values_list("catalogue_key", flat=True))
    names = set(current.values_list("name_key", flat=True))
    checked = timezone.localdate() - timedelta(days=CHECKED_DAYS_AGO)
    for entry in transfer_channel_entries():
        if entry.key in keys or fold(entry.name) in names:
            continue
        system = system_add_from_catalogue(school=school, actor=None, key=entry.key)
        system_update(system=system, actor=None, version=system.version,
                      signs_in_interactively=True, auto_logoff_minutes=LOGOFF_MINUTES,
                      auto_logoff_checked_on=checked)


def _add_rules(ctx: DemoContext) -> None:
    school = ctx.schools[SCHOOL]
    if TransferRule.objects.filter(school=school, data_kind=DataKind.REFERENCES_REPORTS,
                                   recipient=Recipient.PARENTS).exists():
        return
    transfer_rule_set(school=school, actor=None, data_kind=DataKind.REFERENCES_REPORTS,
                      recipient=Recipient.PARENTS, answer=TransferRule.Answer.CHANNELS,
                      channels=["secure-email"], note=REPORTS_NOTE, version=0)


def build_demo_transfer_rules(ctx: DemoContext) -> None:
    _add_channels(ctx)
    _add_rules(ctx)
