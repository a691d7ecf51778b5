"""The tombstone ledger: one JSON line per erased record, in ``DATA_DIR``.

A backup taken before an erasure still holds the erased data. The ledger lives beside the
database, not in it, so that after ``restore`` puts an older database back,
``reapply_ledger`` erases again everything the ledger says was erased. A line names the
record by its kind and id only (never a name): provider, model label, primary key, public
id, school, record type and the time of the erasure.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

LEDGER_NAME = "erasure-ledger.jsonl"


@dataclass(frozen=True)
class LedgerLine:
    provider: str
    model_label: str
    pk: int
    subject_id: str  # the public id (or the key) the audit trail knows it by
    school_id: int | None
    record_type_key: str
    erased_at: str  # ISO 8601, UTC


def ledger_path() -> Path:
    return Path(settings.DATA_DIR) / LEDGER_NAME


def _write(lines: list[LedgerLine]) -> None:
    path = ledger_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(asdict(line), sort_keys=True) + "\n" for line in lines)
    # One append of whole lines, flushed to disk: a crash leaves at most a partial last
    # line, which read_ledger skips.
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def append_on_commit(lines: Iterable[LedgerLine]) -> None:
    """Append these lines once the erasure's transaction has committed (a rolled-back
    erasure leaves no line)."""
    batch = list(lines)
    if batch:
        transaction.on_commit(lambda: _write(batch))


def read_ledger(path: Path | None = None) -> Iterator[LedgerLine]:
    path = path or ledger_path()
    if not path.exists():
        return
    with path.open(encoding="utf-8") as handle:
        for text in handle:
            try:
                data = json.loads(text)
                yield LedgerLine(**data)
            except (ValueError, TypeError):
                continue  # a partial last line from a crash: its tombstone is in the database
