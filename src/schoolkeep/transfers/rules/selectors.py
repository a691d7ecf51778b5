"""The rules table as the pages and the API show it: every kind of data, each recipient's
cell with its channels (named, and whether the school has them in its register), where the
rule comes from, and the channels the rules name that the register lacks.

A school's table is three queries whatever its size (its rules, its trust's, its transfer
channels); a trust's is two (its rules, and its schools' own rules naming who differs).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from schoolkeep.lib.text import in_sentence
from schoolkeep.systems.catalogue import catalogue_entry
from schoolkeep.tenancy.models import Organisation, School
from schoolkeep.transfers.models import DataKind, Recipient, TransferRule
from schoolkeep.transfers.rules.resolve import (
    Cell,
    ChannelChoice,
    choices_for,
    rules_table,
    transfer_channels,
    trust_table,
)


@dataclass(frozen=True)
class Row:
    data_kind: str
    recipient: str
    recipient_label: str
    cell: Cell
    channels: list[ChannelChoice]
    schools_own: list[str] = field(default_factory=list)  # trust page: who differs

    @property
    def recipient_text(self) -> str:
        """The recipient inside a sentence ("the local authority")."""
        return in_sentence(self.recipient_label)

    @property
    def asks_dpo(self) -> bool:
        return self.cell.answer == TransferRule.Answer.ASK_DPO

    @property
    def missing(self) -> list[ChannelChoice]:
        """The channels named that are not current transfer channels of the register."""
        return [choice for choice in self.channels if not choice.in_register]

    @property
    def none_usable(self) -> bool:
        return not self.asks_dpo and not any(c.in_register for c in self.channels)


@dataclass(frozen=True)
class Section:
    data_kind: str
    label: str
    rows: list[Row]

    @property
    def text(self) -> str:
        """The kind of data inside a sentence ("SEN information", "staff information")."""
        return in_sentence(self.label)


@dataclass(frozen=True)
class Missing:
    key: str
    name: str
    in_catalogue: bool


def _sections(rows: list[Row]) -> list[Section]:
    by_kind: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_kind[row.data_kind].append(row)
    return [Section(kind, str(label), by_kind[kind]) for kind, label in DataKind.choices]


def school_rows(school: School) -> list[Row]:
    """Every cell of the school's table, kinds then recipients in the choices' order."""
    table = rules_table(school)
    channels = transfer_channels(school)
    return [Row(kind, recipient, str(label), table[(kind, recipient)],
                choices_for(table[(kind, recipient)], channels))
            for kind in DataKind.values for recipient, label in Recipient.choices]


def school_table(school: School) -> tuple[list[Section], list[Missing]]:
    """The school's table by kind of data, and the channels its rules name that are not in
    its register (each once, in the order first named)."""
    rows = school_rows(school)
    missing: dict[str, Missing] = {}
    for row in rows:
        for choice in row.missing:
            missing.setdefault(choice.key, Missing(
                choice.key, choice.name, catalogue_entry(choice.key) is not None))
    return _sections(rows), list(missing.values())


def trust_sections(organisation: Organisation) -> list[Section]:
    """The trust's table (its own rules, else the policy's defaults) by kind of data, each
    cell naming the trust's schools with a rule of their own for it."""
    table = trust_table(organisation.pk)
    own: dict[tuple[str, str], list[str]] = defaultdict(list)
    for kind, recipient, name in (TransferRule.objects
                                  .filter(school__organisation=organisation)
                                  .order_by("school__name")
                                  .values_list("data_kind", "recipient", "school__name")):
        own[(kind, recipient)].append(name)
    rows = [Row(kind, recipient, str(label), table[(kind, recipient)],
                choices_for(table[(kind, recipient)], []), own[(kind, recipient)])
            for kind in DataKind.values for recipient, label in Recipient.choices]
    return _sections(rows)
