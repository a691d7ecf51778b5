"""Which channels may carry which data to whom, for one school.

A cell (kind of data and recipient) is the school's own rule, else its trust's, else the
default shipped from the policy (``defaults.DEFAULT_RULES``), else "ask the DPO". A rule
names channels by key: a catalogue key (shared by every school of a trust) or the public id
of one of the school's own transfer channels. A key whose channel is not a current transfer
channel in the school's register carries nothing: if no channel of a cell is in the
register, the answer is "ask the DPO" (and the rules page says which channel to add).

Reads: the whole table is two queries (the school's and its trust's rules); the channels
are one more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School
from schoolkeep.transfers.models import DataKind, Recipient, TransferRule
from schoolkeep.transfers.rules.defaults import DEFAULT_RULES, reminders_for

SCHOOL = "school"
TRUST = "trust"
DEFAULT = "default"
NONE = "none"  # no rule anywhere: ask the DPO

SOURCE_LABELS = {SCHOOL: "This school's rule", TRUST: "The trust's rule",
                 DEFAULT: "From the policy", NONE: "Not set: ask the DPO"}


@dataclass(frozen=True)
class Cell:
    data_kind: str
    recipient: str
    answer: str  # a TransferRule.Answer value
    channel_keys: tuple[str, ...]
    note: str
    source: str  # SCHOOL, TRUST, DEFAULT or NONE
    policy: str = ""  # the policy's sentence, for a default

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS[self.source]


@dataclass(frozen=True)
class ChannelChoice:
    key: str
    name: str
    system: System | None  # None: not a current transfer channel of the school
    instructions: str = ""

    @property
    def in_register(self) -> bool:
        return self.system is not None


@dataclass(frozen=True)
class Answer:
    cell: Cell
    channels: list[ChannelChoice] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)

    @property
    def usable(self) -> list[ChannelChoice]:
        """The approved channels the school has in its register, in the rule's order."""
        return [choice for choice in self.channels if choice.in_register]

    @property
    def ask_dpo(self) -> bool:
        return self.cell.answer == TransferRule.Answer.ASK_DPO or not self.usable


def key_of(system: System) -> str:
    """The key a rule names this channel by."""
    return system.catalogue_key or str(system.public_id)


def _cell_from_rule(rule: TransferRule, source: str) -> Cell:
    keys = tuple(rule.channels) if rule.answer == TransferRule.Answer.CHANNELS else ()
    return Cell(rule.data_kind, rule.recipient, rule.answer, keys, rule.note, source)


def _default_cell(data_kind: str, recipient: str) -> Cell:
    default = DEFAULT_RULES.get((data_kind, recipient))
    if default is None:
        return Cell(data_kind, recipient, TransferRule.Answer.ASK_DPO, (), "", NONE)
    return Cell(data_kind, recipient, TransferRule.Answer.CHANNELS, default.channels,
                default.note, DEFAULT, default.policy)


def trust_table(organisation_id: int | None) -> dict[tuple[str, str], Cell]:
    """The trust's own cells and, where it has none, the defaults: what a school of the
    trust without its own rule follows. One query."""
    table = {(kind, recipient): _default_cell(kind, recipient)
             for kind in DataKind.values for recipient in Recipient.values}
    if organisation_id is not None:
        for rule in TransferRule.objects.filter(organisation_id=organisation_id):
            table[(rule.data_kind, rule.recipient)] = _cell_from_rule(rule, TRUST)
    return table


def rules_table(school: School) -> dict[tuple[str, str], Cell]:
    """Every cell as the school follows it. Two queries."""
    table = trust_table(school.organisation_id)
    for rule in TransferRule.objects.filter(school=school):
        table[(rule.data_kind, rule.recipient)] = _cell_from_rule(rule, SCHOOL)
    return table


def cell_for(school: School, data_kind: str, recipient: str) -> Cell:
    """One cell as the school follows it. Two queries at most."""
    own = TransferRule.objects.filter(school=school, data_kind=data_kind,
                                      recipient=recipient).first()
    if own is not None:
        return _cell_from_rule(own, SCHOOL)
    if school.organisation_id is not None:
        trust = TransferRule.objects.filter(organisation_id=school.organisation_id,
                                            data_kind=data_kind, recipient=recipient).first()
        if trust is not None:
            return _cell_from_rule(trust, TRUST)
    return _default_cell(data_kind, recipient)


def transfer_channels(school: School | int) -> list[System]:
    """The school's current transfer channels, by name. One query."""
    school_id = school if isinstance(school, int) else school.pk
    return list(System.objects.filter(school_id=school_id, archived_at__isnull=True,
                                      is_transfer_channel=True).order_by("name_key"))


def _catalogue_name(key: str) -> str:
    from schoolkeep.systems.catalogue import catalogue_entry

    entry = catalogue_entry(key)
    return entry.name if entry is not None else "A channel no longer in the register"


def choices_for(cell: Cell, channels: list[System]) -> list[ChannelChoice]:
    """The cell's channels, each with the school's system when it has it."""
    by_key = {key_of(system): system for system in channels}
    found = []
    for key in cell.channel_keys:
        system = by_key.get(key)
        if system is not None:
            found.append(ChannelChoice(key, system.name, system, system.transfer_instructions))
        else:
            found.append(ChannelChoice(key, _catalogue_name(key), None))
    return found


def answer_for(school: School, data_kind: str, recipient: str) -> Answer:
    """"How do I send this?": the approved channels with their instructions, and the
    policy's reminders. Three queries at most."""
    cell = cell_for(school, data_kind, recipient)
    return Answer(cell, choices_for(cell, transfer_channels(school)), reminders_for(data_kind))


def is_approved(school: School, data_kind: str, recipient: str, channel: System | None) -> bool:
    """Whether ``channel`` (None: a way not in the register) is approved for this kind and
    recipient at this school now."""
    if channel is None or not channel.is_transfer_channel or channel.archived_at is not None:
        return False
    cell = cell_for(school, data_kind, recipient)
    return cell.answer == TransferRule.Answer.CHANNELS and key_of(channel) in cell.channel_keys
