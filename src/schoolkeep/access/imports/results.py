"""What reconciling a user list found, before anything is saved (the preview) and after:
the problems of the file, the counts (new, changed, unchanged, missing from the file) and
the sections a school acts on, each with its count and its first accounts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from schoolkeep.lib.import_bounds import ProblemList

# How many accounts of each section a result keeps (every count is kept).
EXAMPLES_KEPT = 50
# No sign-in for this many days: "not used for a long time".
STALE_DAYS = 90

# The sections of the preview, in the order shown: (key, heading).
SECTIONS: tuple[tuple[str, str], ...] = (
    ("leavers_enabled", "Accounts of leavers still enabled"),
    ("unmatched", "Accounts that match nobody on the Single Central Record"),
    ("admin_without_mfa", "Administrator accounts without two-factor"),
    ("not_used", f"Accounts not used for {STALE_DAYS} days or more"),
    ("expected_missing", "People who should have an account and do not"),
    ("missing_from_file", "Accounts on Schoolkeep that are not in the file"),
)


@dataclass
class Section:
    count: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)

    def add(self, **example: Any) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES_KEPT:
            self.examples.append(example)


@dataclass
class ReconcileResult:
    system: str = ""
    system_id: str = ""  # the system's public id (the confirm page passes it on)
    file_format: str = ""
    rows: int = 0
    problems: ProblemList = field(default_factory=ProblemList)
    notes: list[str] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    # Accounts not in the file already marked missing by an earlier list (no change).
    still_missing: int = 0
    sections: dict[str, Section] = field(
        default_factory=lambda: {key: Section() for key, _ in SECTIONS})
    written: bool = False
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return self.problems.total

    @property
    def newly_missing(self) -> int:
        return self.sections["missing_from_file"].count - self.still_missing

    @property
    def changes(self) -> int:
        return self.added + self.updated + self.newly_missing

    def summary(self) -> str:
        verb = "" if self.written else "would be "
        if not self.changes:
            return (f"{self.rows:,} accounts on {self.system}: all already recorded as in the "
                    f"file, {'nothing to save' if self.dry_run else 'nothing changed'}.")
        return (f"{self.rows:,} accounts on {self.system}: {self.added:,} {verb}added, "
                f"{self.updated:,} {verb}updated, {self.unchanged:,} unchanged; "
                f"{self.newly_missing:,} {verb}marked missing from the list.")

    def as_dict(self) -> dict[str, Any]:
        return {
            "system": self.system, "system_id": self.system_id, "format": self.file_format,
            "rows": self.rows,
            "notes": self.notes, "problems": [p.as_dict() for p in self.problems],
            "problem_count": self.problem_count, "added": self.added,
            "updated": self.updated, "unchanged": self.unchanged,
            "newly_missing": self.newly_missing, "still_missing": self.still_missing,
            "changes": self.changes, "written": self.written, "stale_days": STALE_DAYS,
            "sections": [{"key": key, "heading": heading,
                          "count": self.sections[key].count,
                          "examples": self.sections[key].examples}
                         for key, heading in SECTIONS],
        }
