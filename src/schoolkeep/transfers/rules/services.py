"""Writes of the transfer rules: a school's own cell (``transfers.manage``, the SIRO and the
DPO) and a trust's (``trust.rules.manage``, the trust's administrator), each set or reset.

A school names channels by catalogue key or by the public id of one of its own transfer
channels; a trust by catalogue key only (every school of the trust shares those). Setting a
cell starts the school's (or trust's) own rule for it; resetting removes it, so the cell
follows the trust's, else the policy's default, else "ask the DPO" again (``resolve``).

Each change is audited with the cell as it was followed before and after (source, answer,
channels, note). A trust's change is written to the audit chain of every school of the
trust (copying ``people.rules.services``), naming the schools where it is not in force
because they have their own rule for that cell.

A school's edit carries the version of the school's own rule it read (0: it had none): a
newer one, or a rule made or removed since, is refused as stale. A trust's edit likewise.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from schoolkeep.audit.sealing import open_events
from schoolkeep.audit.selectors import record_events
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.lib.errors import DomainError, StaleVersion
from schoolkeep.lib.stale import when_words
from schoolkeep.lib.text import in_sentence
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.systems.catalogue import transfer_channel_entries
from schoolkeep.tenancy.guards import (
    actor_label,
    require_organisation_permission,
    require_permission,
)
from schoolkeep.tenancy.models import Organisation, School
from schoolkeep.tenancy.services import audit_in_every_school
from schoolkeep.transfers.models import DataKind, Recipient, TransferRule
from schoolkeep.transfers.rules.resolve import (
    Cell,
    cell_for,
    key_of,
    transfer_channels,
    trust_table,
)

ACTION_LABELS = {
    "transfers.rule.changed": "Transfer rule changed",
    "transfers.rule.reset": "Transfer rule reset to the trust's or the policy's",
    "transfers.rule.organisation_changed": "Transfer rule changed for the trust's schools",
    "transfers.rule.organisation_reset": "Transfer rule of the trust's schools reset to the "
                                         "policy's",
}

SCHOOL_TARGET = "transfers.rule"
TRUST_TARGET = "transfers.trust_rule"
NOTE_MAX = 2000


# ---------------------------------------------------------------------------- reads


def catalogue_channel_names() -> dict[str, str]:
    """The catalogue's channels for sending data, key to name: what a trust may name."""
    return {entry.key: entry.name for entry in transfer_channel_entries()}


def school_channel_names(school: School) -> dict[str, str]:
    """What a school's rule may name, key to name: its own current transfer channels (by
    the key a rule names them with), then the catalogue's channels it has not added. One
    query."""
    names = {key_of(system): system.name for system in transfer_channels(school)}
    for key, name in catalogue_channel_names().items():
        names.setdefault(key, name)
    return names


def cell_target(data_kind: str, recipient: str) -> str:
    return f"{data_kind}/{recipient}"


def cell_label(data_kind: str, recipient: str) -> str:
    return (f"Sending {in_sentence(DataKind(data_kind).label)} to "
            f"{in_sentence(Recipient(recipient).label)}")


def _cell_values(cell: Cell) -> dict[str, Any]:
    return {"source": cell.source, "answer": cell.answer,
            "channels": list(cell.channel_keys), "note": cell.note}


# ---------------------------------------------------------------------------- checks


def _check_cell(data_kind: str, recipient: str) -> None:
    if data_kind not in DataKind.values:
        raise DomainError("Choose what kind of data this is.", field="data_kind")
    if recipient not in Recipient.values:
        raise DomainError("Choose who receives the data.", field="recipient")


def _clean(*, answer: str, channels: Iterable[str], note: str,
           allowed: dict[str, str]) -> tuple[str, list[str], str]:
    if answer not in TransferRule.Answer.values:
        raise DomainError("Choose whether to use an approved channel or to ask the DPO.",
                          field="answer")
    keys: list[str] = []
    for key in channels:
        key = str(key).strip()
        if key not in allowed:
            raise DomainError("Choose channels from the list: approved channels of the "
                              "register or of the catalogue.", field="channels")
        if key not in keys:
            keys.append(key)
    if answer == TransferRule.Answer.ASK_DPO:
        keys = []
    elif not keys:
        raise DomainError("Choose at least one channel, or answer \"Ask the DPO\".",
                          field="channels")
    note = str(note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"Keep the note to {NOTE_MAX} characters.", field="note")
    if "\x00" in note:
        raise DomainError("Remove the invisible control character (NUL) from the note.",
                          field="note")
    return answer, keys, note


def _stale(*, school: School | None, target_type: str, target_id: str, what: str) -> StaleVersion:
    """The refusal of a stale edit, naming who changed the rule last and when."""
    event = None
    if school is not None:
        event = record_events(school=school, target_type=target_type,
                              target_id=target_id).only(
            "public_id", "actor_id", "actor_label", "occurred_at", "sealed_digest").first()
    # The row keeps a member's name under their own key: opened here (or "erased").
    who = (f": {open_events([event])[str(event.public_id)].actor_label}, on "
           f"{when_words(event.occurred_at)}" if event is not None else "")
    return StaleVersion(f"Someone else changed {what} while you were editing it{who}. Your "
                        "changes are not saved. Reload the page to see theirs, then make "
                        "yours again.", field="version")


def _require_manager(school: School, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission="transfers.manage",
                       message="Only the SIRO and the DPO may change the school's transfer "
                               "rules.")


def _lock_school(school: School) -> None:
    # One writer at a time for the school's rules (a row lock on PostgreSQL; SQLite's
    # IMMEDIATE transactions already serialise writers).
    School.objects.select_for_update().filter(pk=school.pk).first()


def _save(rule: TransferRule) -> None:
    full_clean_or_error(rule)
    rule.save()


# ---------------------------------------------------------------------------- school writes


def transfer_rule_set(*, school: School, actor: Any, data_kind: str, recipient: str,
                      answer: str, channels: Iterable[str] = (), note: str = "",
                      version: int) -> TransferRule:
    """Set the school's own rule for one cell. ``version``: that of the school's rule the
    editor read, 0 when the school had none. A change to nothing is no change."""
    _check_cell(data_kind, recipient)
    with transaction.atomic():
        _require_manager(school, actor)
        _lock_school(school)
        answer, keys, note = _clean(answer=answer, channels=channels, note=note,
                                    allowed=school_channel_names(school))
        rule = TransferRule.objects.filter(school=school, data_kind=data_kind,
                                           recipient=recipient).first()
        if (rule.version if rule is not None else 0) != version:
            raise _stale(school=school, target_type=SCHOOL_TARGET,
                         target_id=cell_target(data_kind, recipient), what="this rule")
        before = _cell_values(cell_for(school, data_kind, recipient))
        after = {"source": "school", "answer": answer, "channels": keys, "note": note}
        changes = diff(before, after)
        if rule is not None and not changes:
            return rule
        if rule is None:
            rule = TransferRule(school=school, data_kind=data_kind, recipient=recipient)
        else:
            rule.version += 1
        rule.answer, rule.channels, rule.note = answer, keys, note
        rule.updated_by_label = actor_label(actor)
        _save(rule)
        audit_record(action="transfers.rule.changed", school=school, actor=actor,
                     target_type=SCHOOL_TARGET, target_id=cell_target(data_kind, recipient),
                     target_label=cell_label(data_kind, recipient), changes=changes)
    return rule


def transfer_rule_reset(*, school: School, actor: Any, data_kind: str,
                        recipient: str) -> Cell:
    """Remove the school's own rule for one cell: it follows the trust's, else the policy's
    default, else "ask the DPO". Returns the cell it follows now."""
    _check_cell(data_kind, recipient)
    with transaction.atomic():
        _require_manager(school, actor)
        _lock_school(school)
        rule = TransferRule.objects.filter(school=school, data_kind=data_kind,
                                           recipient=recipient).first()
        if rule is None:
            raise DomainError("The school has no rule of its own for this: it already "
                              "follows the trust's or the policy's.")
        before = _cell_values(cell_for(school, data_kind, recipient))
        rule.delete()
        after = cell_for(school, data_kind, recipient)
        audit_record(action="transfers.rule.reset", school=school, actor=actor,
                     target_type=SCHOOL_TARGET, target_id=cell_target(data_kind, recipient),
                     target_label=cell_label(data_kind, recipient),
                     changes=diff(before, _cell_values(after)))
    return after


# ---------------------------------------------------------------------------- trust writes


def _require_trust_manager(organisation: Organisation, actor: Any) -> None:
    require_organisation_permission(
        organisation=organisation, actor=actor, permission="trust.rules.manage",
        message="Only the trust's administrator can change the trust's rules.")


def _lock_organisation(organisation: Organisation) -> None:
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()


def schools_with_own_rule(organisation: Organisation, data_kind: str,
                          recipient: str) -> list[School]:
    """The trust's schools with a rule of their own for this cell (the trust's is not in
    force there). One query."""
    return list(School.objects.filter(
        organisation=organisation, transfer_rules__data_kind=data_kind,
        transfer_rules__recipient=recipient).distinct().order_by("name"))


def _audit_trust(*, organisation: Organisation, action: str, actor: Any, data_kind: str,
                 recipient: str, changes: dict[str, Any]) -> None:
    own = {school.pk for school in schools_with_own_rule(organisation, data_kind, recipient)}
    label = f"{cell_label(data_kind, recipient)} ({organisation.name}'s schools)"
    audit_in_every_school(
        organisation=organisation, action=action, actor=actor, target_type=TRUST_TARGET,
        target_id=cell_target(data_kind, recipient), target_label=label, changes=changes,
        label_in=lambda school: (f"{label}, not in force here: {school.name} has its own "
                                 "rule" if school.pk in own else label))


def _trust_stale(organisation: Organisation, data_kind: str, recipient: str) -> StaleVersion:
    school = School.objects.filter(organisation=organisation).order_by("pk").first()
    return _stale(school=school, target_type=TRUST_TARGET,
                  target_id=cell_target(data_kind, recipient), what="the trust's rule")


def trust_transfer_rule_set(*, organisation: Organisation, actor: Any, data_kind: str,
                            recipient: str, answer: str, channels: Iterable[str] = (),
                            note: str = "", version: int) -> TransferRule:
    """Set the trust's rule for one cell, which every school of the trust without its own
    follows. Catalogue channels only. Needs ``trust.rules.manage`` (or the command line);
    audited in every school of the trust."""
    _check_cell(data_kind, recipient)
    with transaction.atomic():
        _require_trust_manager(organisation, actor)
        _lock_organisation(organisation)
        answer, keys, note = _clean(answer=answer, channels=channels, note=note,
                                    allowed=catalogue_channel_names())
        rule = TransferRule.objects.filter(organisation=organisation, data_kind=data_kind,
                                           recipient=recipient).first()
        if (rule.version if rule is not None else 0) != version:
            raise _trust_stale(organisation, data_kind, recipient)
        before = _cell_values(trust_table(organisation.pk)[(data_kind, recipient)])
        changes = diff(before, {"source": "trust", "answer": answer, "channels": keys,
                                "note": note})
        if rule is not None and not changes:
            return rule
        if rule is None:
            rule = TransferRule(organisation=organisation, data_kind=data_kind,
                                recipient=recipient)
        else:
            rule.version += 1
        rule.answer, rule.channels, rule.note = answer, keys, note
        rule.updated_by_label = actor_label(actor)
        _save(rule)
        _audit_trust(organisation=organisation, action="transfers.rule.organisation_changed",
                     actor=actor, data_kind=data_kind, recipient=recipient, changes=changes)
    return rule


def trust_transfer_rule_reset(*, organisation: Organisation, actor: Any, data_kind: str,
                              recipient: str) -> Cell:
    """Remove the trust's rule for one cell: its schools without their own follow the
    policy's default (or "ask the DPO") again. Audited in every school of the trust."""
    _check_cell(data_kind, recipient)
    with transaction.atomic():
        _require_trust_manager(organisation, actor)
        _lock_organisation(organisation)
        rule = TransferRule.objects.filter(organisation=organisation, data_kind=data_kind,
                                           recipient=recipient).first()
        if rule is None:
            raise DomainError("The trust has no rule of its own for this: its schools "
                              "already follow the policy's.")
        before = _cell_values(trust_table(organisation.pk)[(data_kind, recipient)])
        rule.delete()
        after = trust_table(organisation.pk)[(data_kind, recipient)]
        _audit_trust(organisation=organisation, action="transfers.rule.organisation_reset",
                     actor=actor, data_kind=data_kind, recipient=recipient,
                     changes=diff(before, _cell_values(after)))
    return after


def rule_version(*, school: School | None = None, organisation: Organisation | None = None,
                 data_kind: str, recipient: str) -> int:
    """The version of the school's (or trust's) own rule for a cell, 0 when it has none:
    what an editor sends back."""
    owner: dict[str, Any] = ({"school": school} if school is not None
                             else {"organisation": organisation})
    found = (TransferRule.objects.filter(data_kind=data_kind, recipient=recipient, **owner)
             .values_list("version", flat=True).first())
    return int(found or 0)

