"""Sealing personal values in the audit trail, and forgetting them.

An event about a person keeps its target's label and its changes' values encrypted with that
person's own key (``AuditSealedValue``); the event row keeps the changed fields' names with
values reading "sealed", a blank target label, and the SHA-256 of the ciphertext, which the
chain hashes. An authenticated actor's name is kept sealed with the user's key; the row keeps
the actor's id. Forgetting a subject blanks its key: its values can never be read again, and
no event or hash changes, so every chain still verifies.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.db.models import Q
from django.utils import timezone

from schoolkeep.audit.hashing import canonical_json
from schoolkeep.audit.models import AuditSealedValue, AuditSubjectKey
from schoolkeep.audit.subjects import USER, Subject
from schoolkeep.lib.crypto import decrypt_text, encrypt_text

SEALED = "sealed"  # what an event row shows in place of a sealed value
ERASED = "erased"  # what is shown once the subject's key is gone
ACTOR_SEALED = SEALED  # the row's actor label when the actor's name is under their key


def sealed_shape(changes: Any, word: str = SEALED) -> Any:
    """The changes with their field names kept and every value replaced by ``word``
    (a before/after pair keeps its two keys; an empty value stays empty)."""
    if not isinstance(changes, Mapping):
        return word
    shaped: dict[str, Any] = {}
    for name, value in changes.items():
        if isinstance(value, Mapping) and set(value) <= {"before", "after"}:
            shaped[name] = {side: None if side_value is None else word
                            for side, side_value in value.items()}
        else:
            shaped[name] = None if value is None else word
    return shaped


@dataclass
class _Key:
    row_id: int
    fernet: Fernet | None  # None once forgotten
    name: str = ""


@dataclass
class Sealed:
    """One event's personal values as the row and the side table keep them."""

    target_label: str
    changes: Any
    digest: str
    ciphertext: str = ""
    key_id: int | None = None


@dataclass
class Sealer:
    """The keys of one append (one call of audit_record or audit_record_many): each
    subject's key read (or made) once, in one query for all of them."""

    keys: dict[Subject, _Key] = field(default_factory=dict)

    def prepare(self, subjects: Iterable[Subject], actors: Mapping[int, str]) -> None:
        """Load the keys of ``subjects`` and of the users ``actors`` (id -> name), making
        those missing; an actor's sealed name is refreshed when it has changed."""
        wanted = set(subjects) | {(USER, str(pk)) for pk in actors}
        wanted -= set(self.keys)
        if not wanted:
            return
        found = _key_rows(wanted)
        missing = [subject for subject in wanted if subject not in found]
        if missing:
            AuditSubjectKey.objects.bulk_create(
                [_new_key(subject, actors) for subject in sorted(missing)],
                ignore_conflicts=True)  # another writer may have made it meanwhile
            found.update(_key_rows(set(missing)))
        renamed = []
        for subject, row in found.items():
            key = _open_key(row)
            self.keys[subject] = key
            if subject[0] == USER and key.fernet is not None:
                name = actors.get(int(subject[1])) if subject[1].isdigit() else None
                if name is not None and name != key.name:
                    row.name = key.fernet.encrypt(name.encode("utf-8")).decode("ascii")
                    key.name = name
                    renamed.append(row)
        if renamed:
            AuditSubjectKey.objects.bulk_update(renamed, ["name"])

    def seal(self, subject: Subject, target_label: str, changes: Any,
             actor_label: str | None = None) -> Sealed:
        """The row's values and the side table's ciphertext for an event about ``subject``
        (its key prepared). A forgotten subject's values are not kept at all.
        ``actor_label``: a link's or the kiosk's label naming someone, sealed with them."""
        key = self.keys[subject]
        if key.fernet is None:
            return Sealed(target_label="", changes=sealed_shape(changes, ERASED), digest="")
        values: dict[str, Any] = {"changes": changes, "target_label": target_label}
        if actor_label is not None:
            values["actor_label"] = actor_label
        payload = canonical_json(values)
        ciphertext = key.fernet.encrypt(payload.encode("utf-8")).decode("ascii")
        return Sealed(target_label="", changes=sealed_shape(changes), key_id=key.row_id,
                      ciphertext=ciphertext,
                      digest=hashlib.sha256(ciphertext.encode("ascii")).hexdigest())


def _new_key(subject: Subject, actors: Mapping[int, str]) -> AuditSubjectKey:
    key = Fernet.generate_key()
    row = AuditSubjectKey(subject_type=subject[0], subject_id=subject[1],
                          key=encrypt_text(key.decode("ascii")))
    name = actors.get(int(subject[1])) if subject[0] == USER and subject[1].isdigit() else None
    if name:
        row.name = Fernet(key).encrypt(name.encode("utf-8")).decode("ascii")
    return row


def _key_rows(subjects: set[Subject]) -> dict[Subject, AuditSubjectKey]:
    by_type: dict[str, list[str]] = {}
    for kind, pk in subjects:
        by_type.setdefault(kind, []).append(pk)
    query = Q()
    for kind, ids in by_type.items():
        query |= Q(subject_type=kind, subject_id__in=ids)
    return {(row.subject_type, row.subject_id): row
            for row in AuditSubjectKey.objects.filter(query)}


def _open_key(row: AuditSubjectKey) -> _Key:
    if row.erased_at is not None or not row.key:
        return _Key(row_id=row.pk, fernet=None)
    fernet = Fernet(decrypt_text(row.key).encode("ascii"))
    name = ""
    if row.name:
        try:
            name = fernet.decrypt(row.name.encode("ascii")).decode("utf-8")
        except InvalidToken:
            name = ""
    return _Key(row_id=row.pk, fernet=fernet, name=name)


def store_sealed(rows: list[tuple[str, Sealed]]) -> None:
    """Keep the ciphertexts of events just appended (event public id, its sealed values)."""
    values = [AuditSealedValue(event_public_id=public_id, subject_key_id=sealed.key_id,
                               ciphertext=sealed.ciphertext)
              for public_id, sealed in rows if sealed.ciphertext and sealed.key_id is not None]
    if values:
        AuditSealedValue.objects.bulk_create(values, batch_size=500)


def forget(subjects: Iterable[Subject], *, now: datetime | None = None) -> int:
    """Forget these subjects in the audit trail: their keys are blanked (and their sealed
    values deleted, unreadable without them anyway); no event is touched. A subject with no
    key yet gets an erased one, so later events about it keep no values. Returns the number
    of subjects newly forgotten."""
    wanted = {(str(kind).lower(), str(pk)) for kind, pk in subjects}
    if not wanted:
        return 0
    now = now or timezone.now()
    found = _key_rows(wanted)
    live = [row.pk for row in found.values() if row.erased_at is None]
    # The rows stay (blank) so that ``audit verify`` can tell a forgotten value from a
    # deleted one; the ciphertext goes, unreadable without the key anyway.
    AuditSealedValue.objects.filter(subject_key_id__in=live).update(ciphertext="")
    AuditSubjectKey.objects.filter(pk__in=live).update(key="", name="", erased_at=now)
    missing = wanted - set(found)
    AuditSubjectKey.objects.bulk_create(
        [AuditSubjectKey(subject_type=kind, subject_id=pk, erased_at=now)
         for kind, pk in sorted(missing)], ignore_conflicts=True)
    return len(live) + len(missing)


def is_forgotten(subject: Subject) -> bool:
    return AuditSubjectKey.objects.filter(subject_type=subject[0], subject_id=subject[1],
                                          erased_at__isnull=False).exists()


@dataclass(frozen=True)
class Opened:
    """An event's values as they are shown: its actor's name, target label and changes,
    unsealed while its subject's key exists, reading "erased" once it is gone."""

    actor_label: str
    target_label: str
    changes: Any


def open_events(events: Iterable[Any]) -> dict[str, Opened]:
    """Each event (by public id as text) with its sealed values opened, in two queries
    whatever the number of events: the sealed values with their keys, and the actors' keys.
    Events without sealed values come back as they are stored."""
    events = list(events)
    digests = [event.public_id for event in events if event.sealed_digest]
    values: dict[str, tuple[str, AuditSubjectKey]] = {}
    if digests:
        for sealed in AuditSealedValue.objects.filter(
                event_public_id__in=digests).select_related("subject_key"):
            values[str(sealed.event_public_id)] = (sealed.ciphertext, sealed.subject_key)
    actor_ids = {str(event.actor_id) for event in events
                 if event.actor_id is not None and event.actor_label == ACTOR_SEALED}
    names: dict[str, str] = {}
    if actor_ids:
        for row in AuditSubjectKey.objects.filter(subject_type=USER, subject_id__in=actor_ids):
            names[row.subject_id] = _open_key(row).name or ERASED
    opened_keys: dict[int, _Key] = {}
    result = {}
    for event in events:
        public_id = str(event.public_id)
        actor = event.actor_label
        if event.actor_id is not None and actor == ACTOR_SEALED:
            actor = names.get(str(event.actor_id), ERASED)
        # A page may read only some columns: a deferred one is not read here (a query each).
        deferred = event.get_deferred_fields()
        changes = None if "changes" in deferred else event.changes
        label = "" if "target_label" in deferred else event.target_label
        if event.sealed_digest:
            label, changes, named = _unseal(event, changes, values.get(public_id),
                                            opened_keys)
            if named is not None:  # a link's or the kiosk's name, sealed with the values
                actor = named
        result[public_id] = Opened(actor_label=actor, target_label=label, changes=changes)
    return result


def _unseal(event: Any, stored: Any, found: tuple[str, AuditSubjectKey] | None,
            opened_keys: dict[int, _Key]) -> tuple[str, Any, str | None]:
    erased = ("", None if stored is None else sealed_shape(stored, ERASED), None)
    if found is None:
        return erased
    ciphertext, row = found
    key = opened_keys.get(row.pk)
    if key is None:
        key = opened_keys[row.pk] = _open_key(row)
    # A ciphertext that is not the one the chain hashed is never shown.
    if key.fernet is None or hashlib.sha256(
            ciphertext.encode("ascii")).hexdigest() != event.sealed_digest:
        return erased
    try:
        payload = json.loads(key.fernet.decrypt(ciphertext.encode("ascii")))
    except (InvalidToken, ValueError):
        return erased
    return (payload.get("target_label", ""), payload.get("changes", {}),
            payload.get("actor_label"))


def open_event(event: Any) -> Opened:
    """One event's values opened (an event page)."""
    return open_events([event])[str(event.public_id)]


def open_in_place(events: Iterable[Any]) -> list[Any]:
    """The events with their shown values (actor, target label, changes) opened into the
    instances themselves, for pages and exports that read those attributes; two queries
    for them all. An event is never saved again (the model refuses), so this changes only
    what is shown."""
    events = list(events)
    opened = open_events(events)
    for event in events:
        shown = opened[str(event.public_id)]
        deferred = event.get_deferred_fields()
        event.actor_label = shown.actor_label
        if "target_label" not in deferred:
            event.target_label = shown.target_label
        if "changes" not in deferred:
            event.changes = shown.changes
    return events


def opened_in_chunks(events: Iterable[Any], size: int = 500) -> Iterator[Any]:
    """``events`` (an iterator over many) opened ``size`` at a time: constant memory, two
    queries per chunk."""
    chunk: list[Any] = []
    for event in events:
        chunk.append(event)
        if len(chunk) >= size:
            yield from open_in_place(chunk)
            chunk = []
    if chunk:
        yield from open_in_place(chunk)
