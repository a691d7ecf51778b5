"""Canonical bytes of an audit event, independent of how any database renders them."""

from __future__ import annotations

import hashlib
import json
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


def canonical_json(value: Any) -> str:
    """The canonical text of a JSON value: sorted keys, compact, not ASCII-escaped."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_hash_serialised(fields: dict[str, Any], changes_json: str, previous_hash: str) -> str:
    """``event_hash`` for fields whose ``changes`` are already given as ``canonical_json``.

    Bulk appends serialise each event's changes once and use that text both here and as the
    stored value. The bytes hashed are exactly ``event_hash``'s: the members that sort before
    "changes", then "changes" as given, then the members that sort after it.
    """
    before: dict[str, Any] = {}
    after: dict[str, Any] = {"previous_hash": previous_hash}
    for name, value in fields.items():
        if name != "changes":
            (before if name < "changes" else after)[name] = value
    members = [canonical_json(before)[1:-1], f'"changes":{changes_json}',
               canonical_json(after)[1:-1]]
    data = "{" + ",".join(member for member in members if member) + "}"
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def hashed_fields(event: Any) -> dict[str, Any]:
    """The fields of an AuditEvent that its hash covers."""
    return {
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
