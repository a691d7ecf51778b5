"""Checking the audit chains: every hash recomputed, every link and sequence followed.

The walk reads events in (chain, sequence) order through a chunked iterator, keeping only the
last event of the current chain, so memory stays constant however long the trail grows.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from schoolkeep.audit.hashing import GENESIS_HASH, event_hash, hashed_fields
from schoolkeep.audit.models import AuditChainHead, AuditEvent, AuditSealedValue
from schoolkeep.audit.services import chain_for

CHUNK_SIZE = 2000
REANCHORED = "audit.chain-reanchored"  # written by migration 0004 when it re-hashed a chain


@dataclass(frozen=True)
class BrokenEvent:
    """The first event at which one chain stops being trustworthy."""

    chain: str
    sequence: int
    public_id: str  # empty when the break is at the end of the chain (no event to name)
    problem: str

    def __str__(self) -> str:
        where = f"chain {self.chain}, sequence {self.sequence}"
        if self.public_id:
            where += f", event {self.public_id}"
        return f"{where}: {self.problem}"


@dataclass
class VerifyResult:
    chains: int = 0
    events: int = 0
    broken: list[BrokenEvent] = field(default_factory=list)  # at most one per chain

    @property
    def ok(self) -> bool:
        return not self.broken

    @property
    def first_broken(self) -> BrokenEvent | None:
        return self.broken[0] if self.broken else None


@dataclass
class _Walk:
    chain: str
    head: AuditChainHead | None  # as read before the walk began
    last_sequence: int = 0
    last_hash: str = GENESIS_HASH
    broken: bool = False
    head_matched: bool = False  # the event at the head's sequence carries the head's hash


def _check_event(event: AuditEvent, walk: _Walk) -> str:
    """What is wrong with this event, given the chain so far, or an empty string."""
    expected = walk.last_sequence + 1
    if event.sequence != expected:
        if event.sequence > expected:
            missing = (
                f"sequence {expected}" if event.sequence == expected + 1
                else f"sequences {expected} to {event.sequence - 1}"
            )
            return f"{missing} missing before it (deleted?)"
        return f"sequence out of order (expected {expected})"
    if event_hash(hashed_fields(event), event.previous_hash) != event.hash:
        return "its content does not match its hash (the row was edited)"
    if event.previous_hash != walk.last_hash:
        if expected == 1:
            return "the first event of the chain does not start from the genesis hash"
        return (
            f"its previous hash does not match the hash of sequence {walk.last_sequence}"
            " (an earlier event was edited and re-hashed, or this one was)"
        )
    expected_chain = chain_for(event.school_id)
    if event.chain != expected_chain:
        return f"it belongs to {expected_chain} but sits in chain {event.chain}"
    return ""


def _check_head(walk: _Walk) -> BrokenEvent | None:
    """Compare the chain with its head record, read before the walk began.

    Events appended while the walk runs are fine: they are checked like the others, and the
    head (older than them) must then match the event at its own sequence.
    """
    head = walk.head
    if head is None:  # maybe the chain was started during the walk
        head = AuditChainHead.objects.filter(chain=walk.chain).first()
        if head is None:
            return BrokenEvent(walk.chain, walk.last_sequence, "",
                               "the chain has events but no head record")
        if head.sequence >= walk.last_sequence:
            return None
    if head.sequence > walk.last_sequence:
        return BrokenEvent(
            walk.chain, walk.last_sequence + 1, "",
            f"the head records {head.sequence} events but the chain stops at "
            f"sequence {walk.last_sequence} (events deleted from its end?)",
        )
    if head.sequence > 0 and not walk.head_matched:
        return BrokenEvent(
            walk.chain, head.sequence, "",
            f"the head record does not match the event at sequence {head.sequence}",
        )
    return None


def audit_verify(*, chunk_size: int = CHUNK_SIZE) -> VerifyResult:
    """Walk every chain and report, per chain, the first event that is missing or altered.

    The heads are read before the events, so events appended during the walk do not look
    like a broken chain.
    """
    heads = {head.chain: head for head in AuditChainHead.objects.all()}
    result = VerifyResult()
    walk: _Walk | None = None

    def finish(done: _Walk) -> None:
        result.chains += 1
        if not done.broken:
            problem = _check_head(done)
            if problem is not None:
                result.broken.append(problem)

    events = AuditEvent.objects.order_by("chain", "sequence").iterator(chunk_size=chunk_size)
    for event in events:
        if walk is None or event.chain != walk.chain:
            if walk is not None:
                finish(walk)
            walk = _Walk(chain=event.chain, head=heads.pop(event.chain, None))
        result.events += 1
        if walk.broken:
            continue
        problem = _check_event(event, walk)
        if problem:
            walk.broken = True
            result.broken.append(
                BrokenEvent(event.chain, event.sequence, str(event.public_id), problem)
            )
            continue
        walk.last_sequence, walk.last_hash = event.sequence, event.hash
        if walk.head is not None and walk.head.sequence == event.sequence:
            walk.head_matched = walk.head.last_hash == event.hash
    if walk is not None:
        finish(walk)
    # Heads left over belong to chains whose every event is gone.
    for head in sorted(heads.values(), key=lambda h: h.chain):
        if head.sequence > 0:
            result.chains += 1
            result.broken.append(BrokenEvent(
                head.chain, 1, "",
                f"the head records {head.sequence} events but none are left (deleted?)",
            ))
    _check_sealed_values(result, chunk_size)
    result.broken.sort(key=lambda broken: broken.chain)
    return result


SEALED_CHUNK = 500


def _check_sealed_values(result: VerifyResult, chunk_size: int) -> None:
    """Each event with sealed values must have its side-table row, whose ciphertext is the
    one its hash covers (the SHA-256 in ``sealed_digest``) while its key lives; once the key
    is forgotten the row stays with a blank ciphertext. Read in chunks: constant memory."""
    broken_chains = {broken.chain for broken in result.broken}
    events = (AuditEvent.objects.exclude(sealed_digest="").order_by("chain", "sequence")
              .values_list("chain", "sequence", "public_id", "sealed_digest")
              .iterator(chunk_size=chunk_size))
    chunk: list[tuple[str, int, Any, str]] = []

    def check(rows: list[tuple[str, int, Any, str]]) -> None:
        stored = {str(public_id): (ciphertext, erased) for public_id, ciphertext, erased in
                  AuditSealedValue.objects.filter(
                      event_public_id__in=[row[2] for row in rows]).values_list(
                      "event_public_id", "ciphertext", "subject_key__erased_at")}
        for chain, sequence, public_id, digest in rows:
            if chain in broken_chains:
                continue
            found = stored.get(str(public_id))
            problem = ""
            if found is None:
                problem = "its sealed values are missing from the side table (deleted?)"
            elif found[1] is None and hashlib.sha256(
                    found[0].encode("ascii")).hexdigest() != digest:
                problem = ("its sealed values in the side table are not the ones its hash "
                           "covers (replaced or edited)")
            if problem:
                broken_chains.add(chain)
                result.broken.append(BrokenEvent(chain, sequence, str(public_id), problem))

    for row in events:
        chunk.append(row)
        if len(chunk) >= SEALED_CHUNK:
            check(chunk)
            chunk = []
    if chunk:
        check(chunk)


@dataclass(frozen=True)
class CopiedHead:
    """A chain's head as an operator copied it somewhere safe: its sequence and hash."""

    chain: str
    sequence: int
    hash: str

    def line(self) -> str:
        return f"{self.chain} {self.sequence} {self.hash}"


def current_heads() -> list[CopiedHead]:
    """Every chain's head now, to copy out of the database (``schoolkeep audit heads``)."""
    return [CopiedHead(chain, sequence, last_hash) for chain, sequence, last_hash in
            AuditChainHead.objects.order_by("chain").values_list(
                "chain", "sequence", "last_hash")]


def parse_heads(text: str) -> list[CopiedHead]:
    """Heads as ``current_heads`` writes them, one "chain sequence hash" a line."""
    heads = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[2]) != 64:
            raise ValueError(f"line {number} is not 'chain sequence hash': {line.strip()!r}")
        heads.append(CopiedHead(parts[0], int(parts[1]), parts[2]))
    return heads


def check_heads(heads: list[CopiedHead]) -> list[str]:
    """What is wrong with each copied head: the event at its sequence must still carry its
    hash (then, with ``audit_verify`` passing, everything up to it is as it was when it was
    copied). One query."""
    if not heads:
        return []
    query = Q()
    for head in heads:
        query |= Q(chain=head.chain, sequence=head.sequence)
    found = dict(((chain, sequence), event_hash_) for chain, sequence, event_hash_ in
                 AuditEvent.objects.filter(query).values_list("chain", "sequence", "hash"))
    # Heads a re-anchoring replaced (the one-time sealing of issue 20): old head -> sequence.
    reanchored = {(chain, str(changes.get("old_head", ""))): sequence
                  for chain, sequence, changes in AuditEvent.objects.filter(
                      action=REANCHORED, chain__in={head.chain for head in heads}
                  ).values_list("chain", "sequence", "changes")
                  if isinstance(changes, dict)}
    problems = []
    for head in heads:
        stored = found.get((head.chain, head.sequence))
        anchor = reanchored.get((head.chain, head.hash))
        if anchor is not None and stored != head.hash:
            problems.append(f"chain {head.chain}: re-anchored at sequence {anchor}: copy the "
                            "heads again")
        elif stored is None and head.sequence > 0:
            problems.append(f"chain {head.chain}: no event at sequence {head.sequence} "
                            "(the chain was cut short or replaced)")
        elif stored is not None and stored != head.hash:
            problems.append(f"chain {head.chain}: the event at sequence {head.sequence} no "
                            "longer carries the copied hash (the chain was rewritten)")
    return problems
