"""What a training import found, before anything is saved (the preview) and after: the
problems of the file (the first of them and how many: ``lib.import_bounds``), the records
to add, the rows skipped because the record is there already, and the first of each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from schoolkeep.people.imports.results import RowsImportResult

# progress(rows done, rows in all or 0 when not yet known, what is happening)
Progress = Callable[[int, int, str], None]
PREVIEW_KEPT = 50


@dataclass
class ImportResult(RowsImportResult):
    """``added``: records added; ``skipped``: rows whose record (the same person, course and
    day) is recorded already, or is an earlier row of the file; ``preview`` (PreviewRow) is
    unused: ``adding`` and ``skipping`` hold the first rows of each as plain dicts."""

    skipped: int = 0
    dry_run: bool = True
    adding: list[dict[str, Any]] = field(default_factory=list)
    skipping: list[dict[str, Any]] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.added

    def summary(self) -> str:
        verb = self._verb()
        records = "record" if self.added == 1 else "records"
        already = "row" if self.skipped == 1 else "rows"
        return (f"{self.rows} rows: {self.added} training {records} {verb}added, "
                f"{self.skipped} {already} skipped (already recorded).")

    def as_dict(self) -> dict[str, Any]:
        return super().as_dict() | {"skipped": self.skipped, "changes": self.changes,
                                    "adding": self.adding, "skipping": self.skipping}
