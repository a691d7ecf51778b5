"""Appending to the audit chain. Every service calls ``audit_record`` inside its transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from schoolkeep.audit import context
from schoolkeep.audit.hashing import (
    GENESIS_HASH,
    LinkedBatch,
    LinkedRow,
    canonical_json,
    event_hash,
    hashed_fields,
    time_ordered_public_ids,
)
from schoolkeep.audit.models import GLOBAL_CHAIN, AuditChainHead, AuditEvent
from schoolkeep.audit.sealing import ACTOR_SEALED, Sealed, Sealer, store_sealed
from schoolkeep.audit.subjects import Subject, subject_key

CHANGED = "changed"  # what a secret or encrypted field shows instead of its value


class Changes(dict[str, Any]):
    """Changes whose values are already in their audited form (``diff``'s output).

    ``_jsonable`` passes them through as they are: converting them again cost half the time
    of a bulk append. A value set on them later is converted as it is set.
    """

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(str(key), _jsonable(value))

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> Changes:  # type: ignore[override,misc]
        self.update(other)
        return self


def chain_for(school_id: int | None) -> str:
    return f"school:{school_id}" if school_id else GLOBAL_CHAIN


def _clean_text(value: str) -> str:
    # PostgreSQL's text and jsonb refuse NUL and lone surrogates; SQLite keeps them. Clean
    # them the same way everywhere so the stored value is the hashed value on both.
    if value.isascii() and "\x00" not in value:
        return value  # the common case, checked without encoding the text
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def _jsonable(value: Any) -> Any:
    kind = type(value)
    if kind is str:  # the commonest values first, by exact type (imports call this a lot)
        return _clean_text(value)
    if value is None or kind is bool or kind is int or kind is Changes:
        return value
    if kind is date:
        return value.isoformat()
    if isinstance(value, (bool, int)):
        return value
    if isinstance(value, str):
        return _clean_text(str(value))
    if isinstance(value, float):
        # jsonb renders numbers its own way (1e16 comes back as 10000000000000000, -0.0 as
        # 0), which would change the canonical bytes: keep floats as their exact text.
        return repr(value)
    if isinstance(value, Mapping):
        # Leaves that need nothing are kept as they are without a call per leaf: a batch
        # of changes holds hundreds of thousands of them.
        return {str(k): v if v is None or (type(v) is str and v.isascii() and "\x00" not in v)
                or type(v) is int or type(v) is bool else _jsonable(v)
                for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", value.pk))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return _clean_text(str(value))


def target_key(target: models.Model) -> tuple[str, str]:
    """(target_type, target_id) under which a record's events are kept: its model label and
    its public id (or primary key when it has none)."""
    return target._meta.label_lower, str(getattr(target, "public_id", None) or target.pk)


def diff(
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    secret_fields: Iterable[str] = (),
) -> Changes:
    """Changed fields as {field: {"before": x, "after": y}}; secrets appear only as changed."""
    after = after or {}
    secrets = set(secret_fields)
    result = Changes()
    put = dict.__setitem__  # the values are converted here already
    if not before:  # a new record (imports make many): every value set is a change
        for name in sorted(after):
            new = _jsonable(after[name])
            if new is not None:
                put(result, str(name), {"before": CHANGED, "after": CHANGED}
                    if name in secrets else {"before": None, "after": new})
        return result
    for name in sorted(set(before) | set(after)):
        old, new = _jsonable(before.get(name)), _jsonable(after.get(name))
        if old == new:
            continue
        if name in secrets:
            put(result, str(name), {"before": CHANGED, "after": CHANGED})
        else:
            put(result, str(name), {"before": old, "after": new})
    return result


_quoted = json.encoder.encode_basestring  # json's quoting of a text (not ASCII-escaped)


class NewRecordChanges:
    """The changes text of new records with these fields, written out member by member.

    ``text(values)`` is ``canonical_json(diff(None, after, secret_fields=...))`` where
    ``after`` holds each field's value, a secret's as ``value or None`` (a new record's
    blank secret hides nothing, so it is no change, as the people services record it).
    Imports create thousands of records: a diff's dict of dicts per record, then
    serialising it, cost more than writing the same text directly. The fields' order and
    their keys' text are worked out once. Same bytes: ``audit/tests/test_new_record.py``.
    """

    def __init__(self, fields: Iterable[str], *, secret_fields: Iterable[str] = ()) -> None:
        secrets = set(secret_fields)
        self._members = [(name, name in secrets, _quoted(name))
                         for name in sorted(fields)]

    def text(self, values: Mapping[str, Any]) -> str:
        parts: list[str] = []
        append = parts.append
        for name, secret, key in self._members:
            value = values[name]
            if secret:
                if value:
                    append(f'{key}:{{"after":"{CHANGED}","before":"{CHANGED}"}}')
                continue
            kind = type(value)
            if kind is str:
                text = _quoted(_clean_text(value))
            elif value is None:
                continue
            elif kind is bool:
                text = "true" if value else "false"
            elif kind is date:
                text = f'"{value.isoformat()}"'
            else:
                jsonable = _jsonable(value)
                if jsonable is None:
                    continue
                text = canonical_json(jsonable)
            append(f'{key}:{{"after":{text},"before":null}}')
        return "{" + ",".join(parts) + "}"


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of some fields of a record, for a before/after pair."""
    return {name: getattr(instance, name) for name in fields}


def _new_event(
    *,
    action: str,
    school: Any = None,
    actor: Any = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    changes: Mapping[str, Any] | None = None,
    occurred_at: Any = None,
) -> AuditEvent:
    """An event with its fields checked and cleaned, not yet linked to its chain."""
    ctx = context.current()
    school_id = getattr(school, "pk", school)
    # An id given as text would hash as text but read back as a number: store a number.
    school_id = int(school_id) if school_id is not None else None
    if target is not None:
        default_type, default_id = target_key(target)
        target_type = target_type or default_type
        target_id = target_id or default_id
        target_label = target_label or str(target)
    if not action or len(action) > 100:
        raise ValueError(f"An audit action code must have 1 to 100 characters: {action!r}")
    if len(target_type) > 100 or len(str(target_id)) > 64:
        raise ValueError("An audit target type has at most 100 characters and an id 64.")
    if actor is not None and getattr(actor, "is_authenticated", False):
        # The member's name is kept under their own key (audit.sealing); the row their id.
        actor_id, actor_label = actor.pk, ACTOR_SEALED
    else:
        actor_id, actor_label = None, ctx.actor_label or "system"
    return AuditEvent(
        chain=chain_for(school_id),
        school_id=school_id,
        actor_id=actor_id,
        actor_label=_clean_text(actor_label)[:200],
        action=_clean_text(action),
        target_type=_clean_text(target_type),
        target_id=_clean_text(str(target_id)),
        target_label=_clean_text(target_label)[:200],
        changes=_changes_of(changes),
        occurred_at=occurred_at or timezone.now(),
        request_id=ctx.request_id,
        ip_address=ctx.ip_address,
    )


def _changes_of(changes: Mapping[str, Any] | None) -> Any:
    if type(changes) is Changes:
        return changes
    return _jsonable(dict(changes or {}))


def _link(event: AuditEvent, sequence: int, previous_hash: str) -> None:
    event.sequence = sequence
    event.previous_hash = previous_hash
    event.hash = event_hash(hashed_fields(event), previous_hash)


def audit_record(
    *,
    action: str,
    school: Any = None,
    actor: Any = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    changes: Mapping[str, Any] | None = None,
    subject: Any = None,
) -> AuditEvent:
    """Append one event to the school's chain (or the global one). Call inside a transaction.

    ``subject``: whom the event is about (a model instance or a ("people.person", id) pair;
    None: the target's registered resolver decides, see ``audit.subjects``). An event with a
    subject keeps its target label and changes' values sealed under the subject's key.
    """
    event = _new_event(
        action=action, school=school, actor=actor, target=target, target_type=target_type,
        target_id=target_id, target_label=target_label, changes=changes,
    )
    about = subject_key(subject, target)
    sealed = None
    with transaction.atomic():
        if about is not None or event.actor_id is not None:
            sealer = Sealer()
            sealer.prepare([about] if about else [], {} if event.actor_id is None
                           else {event.actor_id: _clean_text(str(actor))[:200]})
            if about is not None:
                event.actor_label, named = _named_actor(event.actor_id, event.actor_label)
                sealed = sealer.seal(about, event.target_label, event.changes, named)
                event.target_label, event.changes = sealed.target_label, sealed.changes
                event.sealed_digest = sealed.digest
        head = _lock_head(event.chain)
        _link(event, head.sequence + 1, head.last_hash)
        event.save()
        AuditChainHead.objects.filter(pk=head.pk).update(
            sequence=event.sequence, last_hash=event.hash
        )
        if sealed is not None:
            store_sealed([(str(event.public_id), sealed)])
    return event


def audit_record_many(events: list[dict[str, Any]]) -> int:
    """Append many events (each a dict of ``audit_record``'s arguments) in one transaction.

    For bulk writers such as imports: each event's fields are checked as ``audit_record``
    checks them and its changes serialised once (the same text is hashed and stored), each
    chain's head is locked once, the events are numbered and hashed in one pass in the order
    given, inserted in batches as plain rows (no model instances), and the heads moved to
    the last of them. The chains are exactly those ``audit_record`` would have made, called
    once per event (``audit/tests/test_bulk_property.py``). An event may give its changes
    as their canonical text already (``changes_json``, from ``NewRecordChanges``). Returns
    the number appended.
    """
    if not events:
        return 0
    now = timezone.now()
    ctx = context.current()
    batch = LinkedBatch(occurred_at=now, request_id=ctx.request_id,
                        ip_address=ctx.ip_address)
    # By id(), worked out once per batch (the events hold them, so no id is reused): each
    # actor's id and label, each school's id and chain.
    actors: dict[int, tuple[int | None, str]] = {}
    schools: dict[int, tuple[int | None, str]] = {}
    names: dict[int, str] = {}  # authenticated actors' names, sealed under their keys
    about: list[tuple[LinkedRow, Subject]] = []
    by_chain: dict[str, list[LinkedRow]] = {}
    for fields, public_id in zip(events, time_ordered_public_ids(len(events)), strict=True):
        row = _row(fields, public_id, ctx.actor_label or "system", actors, schools, names)
        subject = subject_key(fields.get("subject"), fields.get("target"))
        if subject is not None:
            about.append((row, subject))
        by_chain.setdefault(row.chain, []).append(row)
    with transaction.atomic():
        sealed = _seal_rows(about, names)
        for chain in sorted(by_chain):  # a fixed order, so two bulk writers cannot deadlock
            head = _lock_head(chain)
            rows = by_chain[chain]
            sequence, last_hash = batch.link(rows, head.sequence, head.last_hash)
            AuditEvent.objects.all()._append_linked(batch, rows)
            AuditChainHead.objects.filter(pk=head.pk).update(
                sequence=sequence, last_hash=last_hash
            )
        store_sealed(sealed)
    return len(events)


def _seal_rows(about: list[tuple[LinkedRow, Subject]], names: dict[int, str]
               ) -> list[tuple[str, Sealed]]:
    """Seal the rows that have a subject (one key read per subject for the whole batch) and
    keep the authenticated actors' names under their keys; the ciphertexts to store."""
    if not about and not names:
        return []
    sealer = Sealer()
    sealer.prepare({subject for _, subject in about}, names)
    sealed = []
    for row, subject in about:
        row.actor_label, named = _named_actor(row.actor_id, row.actor_label)
        values = sealer.seal(subject, row.target_label, json.loads(row.changes_json), named)
        row.target_label, row.sealed_digest = values.target_label, values.digest
        row.changes_json = canonical_json(values.changes)
        sealed.append((row.public_id, values))
    return sealed


def _named_actor(actor_id: int | None, label: str) -> tuple[str, str | None]:
    """A context label naming someone ("signing link: Ann Lee") of an event with a subject
    and nobody signed in: the row keeps the words before the colon ("signing link") and the
    whole label is sealed with the subject's values. Other labels stay as they are."""
    if actor_id is not None or ": " not in label:
        return label, None
    return label.split(":", 1)[0], label


def _row(fields: dict[str, Any], public_id: str, default_actor: str,
         actors: dict[int, tuple[int | None, str]],
         schools: dict[int, tuple[int | None, str]],
         names: dict[int, str]) -> LinkedRow:
    """One event of a batch as a row, checked and cleaned as ``_new_event`` does."""
    if not fields.keys() <= _ROW_ARGUMENTS:
        unknown = set(fields) - _ROW_ARGUMENTS
        raise TypeError(f"Unknown audit event arguments: {sorted(unknown)}")
    action = fields["action"]
    school = fields.get("school")
    known_school = schools.get(id(school))
    if known_school is None:
        school_id = getattr(school, "pk", school)
        school_id = int(school_id) if school_id is not None else None
        known_school = schools[id(school)] = (school_id, chain_for(school_id))
    school_id, chain = known_school
    target = fields.get("target")
    target_type = fields.get("target_type", "")
    target_id = fields.get("target_id", "")
    target_label = fields.get("target_label", "")
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(getattr(target, "public_id", None) or target.pk)
        target_label = target_label or str(target)
    if not action or len(action) > 100:
        raise ValueError(f"An audit action code must have 1 to 100 characters: {action!r}")
    target_id = str(target_id)
    if len(target_type) > 100 or len(target_id) > 64:
        raise ValueError("An audit target type has at most 100 characters and an id 64.")
    actor = fields.get("actor")
    known = actors.get(id(actor))
    if known is None:
        if actor is not None and getattr(actor, "is_authenticated", False):
            known = (actor.pk, ACTOR_SEALED)
            names[actor.pk] = _clean_text(str(actor))[:200]
        else:
            known = (None, _clean_text(default_actor)[:200])
        actors[id(actor)] = known
    return LinkedRow(
        public_id=public_id, chain=chain, school_id=school_id,
        actor_id=known[0], actor_label=known[1], action=_clean_text(action),
        target_type=_clean_text(target_type), target_id=_clean_text(target_id),
        target_label=_clean_text(target_label)[:200],
        changes_json=fields.get("changes_json")
        or canonical_json(_changes_of(fields.get("changes"))),
    )


# "changes_json": the changes as canonical JSON text already (NewRecordChanges.text), in
# place of "changes"; only for audit_record_many.
_ROW_ARGUMENTS = frozenset({"action", "school", "actor", "target", "target_type", "target_id",
                            "target_label", "changes", "changes_json", "subject"})


def _lock_head(chain: str) -> AuditChainHead:
    # Row lock on PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers.
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        head, _ = AuditChainHead.objects.get_or_create(
            chain=chain, defaults={"sequence": 0, "last_hash": GENESIS_HASH}
        )
        head = AuditChainHead.objects.select_for_update().get(pk=head.pk)
    return head
