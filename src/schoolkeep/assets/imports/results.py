"""What an import of the register reports: the problems (nothing written), the warnings, and
what was (or would be) created and changed, group by group."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from schoolkeep.lib.import_bounds import ProblemList

# progress(rows done, rows in all or 0 when not yet known, what is happening)
Progress = Callable[[int, int, str], None]


@dataclass
class Changed:
    """An asset already recorded that the file changes: the headings that change, and each
    change as (heading, recorded value, the file's value) in words."""

    row: int
    name: str
    details: list[tuple[str, str, str]]

    @property
    def fields(self) -> list[str]:
        return [heading for heading, _, _ in self.details]

    def describe(self) -> str:
        return "; ".join(f"{heading}: {before} → {after}"
                         for heading, before, after in self.details)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "name": self.name, "fields": self.fields,
                "details": [{"heading": heading, "before": before, "after": after}
                            for heading, before, after in self.details]}


@dataclass
class Created:
    """A new asset, with what matching decided for it: (heading, value) in words."""

    row: int
    name: str
    details: list[tuple[str, str]]

    def describe(self) -> str:
        return "; ".join(f"{heading}: {value}" for heading, value in self.details)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "name": self.name,
                "details": [{"heading": heading, "value": value}
                            for heading, value in self.details]}


@dataclass
class LookAlike:
    """A new asset or group of the file that looks like one already recorded: the preview
    asks which it is. Chosen as a recorded one, the file's name is saved as its alias
    (``group_key``, ``name_key``: ``name_key`` is empty for a group)."""

    kind: str  # "asset" or "group"
    row: int
    name: str  # as the file writes it
    group: str  # the file's group heading
    group_key: str
    name_key: str
    candidates: list[tuple[int, str, str]]  # (id, public id, in words) of the recorded ones

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "row": self.row, "name": self.name, "group": self.group,
                "group_key": self.group_key, "name_key": self.name_key,
                "candidates": [{"id": public_id, "label": label}
                               for _, public_id, label in self.candidates]}


@dataclass
class GroupReport:
    """A group's assets created, changed and unchanged. Only the first assets of the import
    are described (``created``, ``changed``: matching.DETAILS_KEPT in all), so that the
    result does not grow with the file; the counts count them all."""

    name: str
    new: bool  # the group itself is created
    created: list[Created] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)
    unchanged: int = 0
    created_count: int = 0
    changed_count: int = 0

    @property
    def not_described(self) -> int:
        return self.created_count - len(self.created) + self.changed_count - len(self.changed)

    def as_dict(self, limit: int) -> dict[str, Any]:
        created, changed = self.created[:limit], self.changed[:limit]
        return {
            "name": self.name, "new": self.new, "unchanged": self.unchanged,
            "created_count": self.created_count, "changed_count": self.changed_count,
            "created": [item.as_dict() for item in created],
            "changed": [item.as_dict() for item in changed],
            "not_shown": self.created_count - len(created) + self.changed_count - len(changed),
        }


def _plural(count: int, one: str, many: str = "") -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


@dataclass
class ImportResult:
    file_format: str = ""  # what the file was read as, in words ("CSV", "policy document")
    rows: int = 0  # asset rows
    problems: ProblemList = field(default_factory=ProblemList)  # nothing is written
    warnings: ProblemList = field(default_factory=ProblemList)  # reported only
    notes: list[str] = field(default_factory=list)
    groups: list[GroupReport] = field(default_factory=list)
    organisations_created: list[str] = field(default_factory=list)
    labels_created: list[str] = field(default_factory=list)
    # New assets and groups that look like recorded ones (a check only): the first kept.
    look_alikes: list[LookAlike] = field(default_factory=list)
    look_alike_count: int = 0
    aliases_created: list[str] = field(default_factory=list)  # in words, as chosen
    written: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        """Every problem found, kept or not."""
        return self.problems.total

    @property
    def created(self) -> int:
        return sum(group.created_count for group in self.groups)

    @property
    def changed(self) -> int:
        return sum(group.changed_count for group in self.groups)

    @property
    def unchanged(self) -> int:
        return sum(group.unchanged for group in self.groups)

    @property
    def groups_created(self) -> int:
        return sum(group.new for group in self.groups)

    @property
    def changes_anything(self) -> bool:
        return bool(self.created or self.changed or self.groups_created
                    or self.organisations_created or self.labels_created
                    or self.aliases_created)

    def summary(self) -> str:
        verb = "would be " if self.dry_run else ""
        text = (f"{_plural(self.rows, 'asset')} in {_plural(len(self.groups), 'group')}: "
                f"{self.created} {verb}added, {self.changed} {verb}changed, "
                f"{self.unchanged} unchanged")
        extras = [_plural(n, one) for n, one in (
            (self.groups_created, "group"),
            (len(self.organisations_created), "outside organisation"),
            (len(self.labels_created), "access label"),
        ) if n]
        if extras:
            text += "; " + ", ".join(extras) + f" {verb}added"
        if self.aliases_created:
            text += f"; {_plural(len(self.aliases_created), 'name')} matched to the register"
        if self.look_alike_count:
            text += (f"; {self.look_alike_count} new "
                     f"{'name looks' if self.look_alike_count == 1 else 'names look'} like "
                     "the register's")
        return text + (f"; {_plural(self.warnings.total, 'warning')}." if self.warnings else ".")

    def report_lines(self) -> list[str]:
        """What was (or would be) created and changed, group by group (for the command)."""
        lines: list[str] = []
        for group in self.groups:
            counts = (f"{group.created_count} added, {group.changed_count} changed, "
                      f"{group.unchanged} unchanged")
            lines.append(f"{group.name}{' (new group)' if group.new else ''}: {counts}")
            lines += [f"  + {item.name}" + (f": {item.describe()}" if item.details else "")
                      for item in group.created]
            lines += [f"  ~ {item.name}: {item.describe()}" for item in group.changed]
            if group.not_described:
                lines.append(f"  ({group.not_described} more, not listed)")
        if self.organisations_created:
            lines.append("Outside organisations added: " + ", ".join(self.organisations_created))
        if self.labels_created:
            lines.append("Access labels added: " + ", ".join(self.labels_created))
        if self.aliases_created:
            lines.append("Names matched to the register: " + "; ".join(self.aliases_created))
        for look_alike in self.look_alikes:
            lines.append(f"Row {look_alike.row}: “{look_alike.name}” looks like "
                         + " or ".join(label for _, _, label in look_alike.candidates)
                         + " (added as new unless matched on the import page)")
        return lines

    def as_dict(self, limit: int = 200) -> dict[str, Any]:
        """For a job's result (JSON): the counts, and at most ``limit`` names, problems and
        warnings of each kind."""
        return {
            "format": self.file_format, "rows": self.rows, "notes": self.notes,
            "written": self.written, "dry_run": self.dry_run, "summary": self.summary(),
            "created": self.created, "changed": self.changed, "unchanged": self.unchanged,
            "groups_created": self.groups_created,
            "groups": [group.as_dict(limit) for group in self.groups],
            "organisations_created": self.organisations_created[:limit],
            "labels_created": self.labels_created[:limit],
            "look_alikes": [item.as_dict() for item in self.look_alikes[:limit]],
            "look_alike_count": self.look_alike_count,
            "aliases_created": self.aliases_created[:limit],
            "problem_count": self.problem_count, "warning_count": self.warnings.total,
            "problems": [p.as_dict() for p in self.problems[:limit]],
            "warnings": [w.as_dict() for w in self.warnings[:limit]],
        }
