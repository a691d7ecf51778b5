"""Figures a benchmark hands to ``bench/all.py`` for its summary table.

``make bench`` runs every script as its own process and sets ``SCHOOLKEEP_BENCH_RESULTS`` to
a file; ``record()`` appends one JSON line to it. Run alone, a script prints its own report
and ``record()`` does nothing. Figures only: nothing here judges them.
"""

from __future__ import annotations

import json
import os
from typing import Any

RESULTS = "SCHOOLKEEP_BENCH_RESULTS"


def record(*, bench: str, name: str, database: str, scale: str, **figures: Any) -> None:
    """One row of the summary: ``figures`` such as median_ms, p95_ms, queries, bytes,
    x_bare, rows_per_s, peak_mb (any missing one is shown as blank)."""
    path = os.environ.get(RESULTS)
    if not path:
        return
    row = {"bench": bench, "name": name, "database": database, "scale": scale, **figures}
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(row) + "\n")


def read(path: str) -> list[dict[str, Any]]:
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]
