"""What an equipment import found, before anything is saved (the preview) and after: the
problems of the file (the first of them and how many: ``lib.import_bounds``), the counts
and the first rows that change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from schoolkeep.people.imports.results import PreviewRow, RowsImportResult

# progress(rows done, rows in all or 0 when not yet known, what is happening)
Progress = Callable[[int, int, str], None]
PREVIEW_KEPT = 50

__all__ = ["PREVIEW_KEPT", "ImportResult", "PreviewRow", "Progress"]


@dataclass
class ImportResult(RowsImportResult):
    """Items added, updated and unchanged; ``assigned``: rows that name a person."""

    assigned: int = 0
    dry_run: bool = True

    @property
    def changes(self) -> int:
        return self.added + self.updated

    def summary(self) -> str:
        return self.rows_summary("item", "items") + "."

    def as_dict(self) -> dict[str, Any]:
        return super().as_dict() | {"assigned": self.assigned, "changes": self.changes}
