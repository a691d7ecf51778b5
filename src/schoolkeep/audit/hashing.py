"""Canonical bytes of an audit event, independent of how any database renders them."""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(fields: dict[str, Any], previous_hash: str) -> str:
    """SHA-256 over the previous hash and the event's fields as sorted, compact JSON."""
    payload = dict(fields)
    payload["previous_hash"] = previous_hash
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


# One encoder for every call: json.dumps with options builds a new one each time. Values
# reaching it come from ``audit.services._jsonable`` (no cycles), so no circular check.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                              check_circular=False)
# CPython's C encoder called directly: ``encode`` makes a new one on every call, a fifth of
# the time of serialising an import's changes. The same options, so the same text.
_MAKE_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)  # None outside CPython
_C_ENCODE = _MAKE_C_ENCODER and _MAKE_C_ENCODER(
    None, _CANONICAL.default, json.encoder.encode_basestring, None, ":", ",", True, False,
    True)


def canonical_json(value: Any) -> str:
    """The canonical text of a JSON value: sorted keys, compact, not ASCII-escaped."""
    if _C_ENCODE is None or type(value) is str:  # a bare text: encode() quotes it itself
        return _CANONICAL.encode(value)
    return "".join(_C_ENCODE(value, 0))


def time_ordered_public_ids(count: int) -> list[str]:
    """``count`` new UUIDs as text (as ``str(uuid)`` writes them), in increasing order:
    version 7 of RFC 9562 (the time in milliseconds, then a counter, then random bits).

    A batch's ids follow each other and the ones before them, so the unique index on
    ``public_id`` takes them at its end: random (version 4) ids went anywhere in it, and
    inserting cost more as the table grew (about 40% more at 100,000 events on SQLite).
    The counter starts at a random value (RFC 9562, method 1) and 48 random bits follow it,
    so two batches in the same millisecond do not collide. One read of the random source
    per batch; no UUID object per event.
    """
    if count >= 1 << 25:
        raise ValueError("At most 33 million ids at a time.")
    millis = f"{time.time_ns() // 1_000_000:012x}"[-12:]
    prefix = f"{millis[:8]}-{millis[8:]}-7"
    first = int.from_bytes(os.urandom(4), "big") >> 7  # 25 random bits: the counter's start
    tails = os.urandom(6 * count).hex()
    ids = []
    for position in range(count):
        counter = first + position  # 26 bits: 12 after the version, 2 + 12 after the variant
        ids.append(f"{prefix}{counter >> 14:03x}-{8 | (counter >> 12) & 3:x}"
                   f"{counter & 0xFFF:03x}-{tails[12 * position:12 * position + 12]}")
    return ids


@dataclass(slots=True)
class LinkedRow:
    """One event of a bulk append, as the row to insert (no model instance is built).

    ``public_id`` is the UUID's text; ``changes_json`` is ``canonical_json`` of the event's
    changes: the text hashed and stored.
    """

    public_id: str
    chain: str
    school_id: int | None
    actor_id: int | None
    actor_label: str
    action: str
    target_type: str
    target_id: str
    target_label: str
    changes_json: str
    sealed_digest: str = ""
    sequence: int = 0
    previous_hash: str = ""
    hash: str = ""


_text = json.encoder.encode_basestring  # json.dumps' own quoting of a str (not ASCII-escaped)


def _member(value: str | int | None) -> str:
    """``canonical_json`` of a text, a whole number or None."""
    if type(value) is str:
        return _text(value)
    if value is None:
        return "null"
    if isinstance(value, str):
        return _text(str(value))
    return int.__repr__(value)  # as json.dumps writes a whole number


@dataclass(frozen=True, slots=True)
class LinkedBatch:
    """What the events of one bulk append share: their time and request."""

    occurred_at: datetime
    request_id: str
    ip_address: str

    def link(self, rows: list[LinkedRow], sequence: int, last_hash: str) -> tuple[int, str]:
        """Number and hash ``rows`` onto a chain whose head is (sequence, last_hash), in one
        pass; returns the new head. Each hash is ``event_hash`` of ``hashed_fields``: the
        same canonical text, written out member by member in sorted key order (checked
        against ``event_hash`` by the bulk property test).
        """
        shared = (f',"ip_address":{_member(self.ip_address)}'
                  f',"occurred_at":{_member(canonical_time(self.occurred_at))}'
                  ',"previous_hash":"')
        request = f',"request_id":{_member(self.request_id)},"school_id":'
        sha256 = hashlib.sha256
        for row in rows:
            sequence += 1
            text = "".join((
                '{"action":', _member(row.action), ',"actor_id":', _member(row.actor_id),
                ',"actor_label":', _member(row.actor_label), ',"chain":', _member(row.chain),
                ',"changes":', row.changes_json, shared, last_hash,
                '","public_id":"', row.public_id, '"', request, _member(row.school_id),
                f',"sealed_digest":"{row.sealed_digest}"' if row.sealed_digest else "",
                ',"sequence":', str(sequence), ',"target_id":', _member(row.target_id),
                ',"target_label":', _member(row.target_label),
                ',"target_type":', _member(row.target_type), "}",
            ))
            row.sequence, row.previous_hash = sequence, last_hash
            row.hash = last_hash = sha256(text.encode("utf-8")).hexdigest()
        return sequence, last_hash


def hashed_fields(event: Any) -> dict[str, Any]:
    """The fields of an AuditEvent that its hash covers (its sealed values' digest only when
    it has some: events from before sealing hash as they always did)."""
    fields = {
        "public_id": str(event.public_id),
        "chain": event.chain,
        "sequence": event.sequence,
        "school_id": event.school_id,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "changes": event.changes,
        "occurred_at": canonical_time(event.occurred_at),
        "request_id": event.request_id,
        "ip_address": event.ip_address,
    }
    if event.sealed_digest:
        fields["sealed_digest"] = event.sealed_digest
    return fields
