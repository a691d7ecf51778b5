"""What an import reports: the problems found (the first of them, and how many: see
``lib.import_bounds``), the counts, the first changed rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from schoolkeep.lib.import_bounds import ProblemList

# progress(rows done, rows in all or 0 when not yet known, what is happening)
Progress = Callable[[int, int, str], None]


@dataclass
class PreviewRow:
    row: int
    name: str
    action: str  # "add" or "update"
    changed: list[str]  # the headings whose values change

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "name": self.name, "action": self.action,
                "changed": self.changed}


@dataclass
class RowsImportResult:
    """What an import of one record per row (people, parents) found and did."""
    file_format: str = ""
    rows: int = 0
    problems: ProblemList = field(default_factory=ProblemList)
    notes: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    preview: list[PreviewRow] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        """Every problem found, kept or not."""
        return self.problems.total

    def _verb(self) -> str:
        return "" if self.written else "would be "

    def rows_summary(self, one: str, many: str) -> str:
        """The counts ("12 rows: 2 people added, ..."), each record named ``one`` or ``many``."""
        def records(n: int) -> str:
            return f"{n} {one if n == 1 else many}"

        verb = self._verb()
        return (f"{self.rows} rows: {records(self.added)} {verb}added, "
                f"{records(self.updated)} {verb}updated, {records(self.unchanged)} unchanged")

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.file_format, "rows": self.rows, "notes": self.notes,
            "problems": [p.as_dict() for p in self.problems],
            "problem_count": self.problem_count,
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "preview": [p.as_dict() for p in self.preview], "written": self.written,
        }


@dataclass
class ImportResult(RowsImportResult):
    checks_added: int = 0
    checks_updated: int = 0

    def summary(self) -> str:
        verb = self._verb()
        return (f"{self.rows_summary('person', 'people')}; "
                f"{self.checks_added} checks {verb}added, "
                f"{self.checks_updated} checks {verb}updated.")

    def as_dict(self) -> dict[str, Any]:
        return super().as_dict() | {"checks_added": self.checks_added,
                                    "checks_updated": self.checks_updated}
