"""Importing parents from a CSV or XLSX file: one row per parent.

Columns: Name (required), Email, Year groups or classes. The file is read once, a batch of
rows at a time (what is held does not grow with the file), in one transaction: each batch is
matched with the parents recorded and written in bulk, with one audit event per changed
parent; importing the same file again changes nothing. Every problem is collected (the row as
numbered in the file, headings being row 1; the column; what is wrong); after the first, the
rest of the file is only checked and the transaction rolled back: if anything is wrong,
nothing is written.

Matching: a row with an e-mail is the parent recorded with that e-mail (updated), else a new
parent. A row without an e-mail is the one parent of that name recorded without an e-mail
(so that importing a file again does not add everyone twice), else a new parent. A blank
cell leaves what is recorded as it is.

Formats and encodings are read by ``schoolkeep.lib.tabular``, shared with the other imports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.agreements.aups.models import Parent
from schoolkeep.agreements.parents.services import (
    PARENT_FIELDS,
    clean_parent_fields,
    derive_keys,
)
from schoolkeep.audit.services import audit_record_many, diff, snapshot
from schoolkeep.lib.bulk import Table
from schoolkeep.lib.db_statistics import refresh_statistics_after_commit
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.import_bounds import LongCell, Problem, ProblemList, quoted
from schoolkeep.lib.tabular import (
    ImportFileError,
    Source,
    add_notes_sheet,
    cell_text,
    column_letter,
    heading_key,
    headings_csv,
    open_source,
    workbook_bytes,
)
from schoolkeep.lib.text import fold
from schoolkeep.people.imports.results import PreviewRow, RowsImportResult
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School

# progress(rows done, rows in all or 0 when not yet known, what is happening)
Progress = Callable[[int, int, str], None]

MAX_ROWS = 20_000
PROGRESS_EVERY = 200
PREVIEW_ROWS = 20
BATCH = 500  # rows compared and written at a time

NAME, EMAIL, CLASSES = "Name", "Email", "Year groups or classes"
HEADINGS = [NAME, EMAIL, CLASSES]
FIELD_OF = {NAME: "full_name", EMAIL: "email", CLASSES: "classes"}
HEADING_OF = {value: key for key, value in FIELD_OF.items()}
# What each heading may be written as (compared ignoring case and spaces).
_ALIASES = {
    NAME: (NAME, "Full name", "Parent name"),
    EMAIL: (EMAIL, "E-mail", "Email address", "E-mail address"),
    CLASSES: (CLASSES, "Year groups", "Classes", "Year group or class"),
}
BY_HEADING = {heading_key(alias): heading for heading, aliases in _ALIASES.items()
              for alias in aliases}
ACCEPTS = {
    NAME: "the parent's or carer's full name (every row needs it)",
    EMAIL: "their e-mail address; a parent already recorded with it is updated",
    CLASSES: "their children's year groups or classes, as the school writes them (Year 3, "
             "5B); no pupils' names",
}


@dataclass
class ParentImportResult(RowsImportResult):
    def summary(self) -> str:
        return f"{self.rows_summary('parent', 'parents')}."


@dataclass
class _Row:
    number: int
    values: dict[str, str]  # the non-blank cells, cleaned, by field
    match: int | None = None  # the recorded parent's pk, or None for a new parent


# ---------------------------------------------------------------------------- reading


def _layout(headings: list[Any], problems: ProblemList) -> list[str | None]:
    """The heading of each column: None for a column without a heading, "" for one to
    ignore (its heading is wrong, which is a problem of the heading row)."""
    columns: list[str | None] = []
    seen: dict[str, str] = {}
    for raw in headings:
        text = cell_text(raw)
        heading = BY_HEADING.get(heading_key(text)) if text else None
        if text and heading is None:
            problems.append(Problem(1, text, "This heading is not one the import knows (an "
                                    "error, so that no column is ignored by mistake). Use Name, "
                                    "Email or Year groups or classes, or remove the column."))
        elif heading is not None and heading in seen:
            problems.append(Problem(1, text, f"This heading appears twice (also as "
                                    f"{quoted(seen[heading])}). Keep one of them."))
            heading = ""
        elif heading is not None:
            seen[heading] = text
        columns.append(heading if heading is not None or not text else "")
    if NAME not in seen:
        problems.append(Problem(1, NAME, "The file has no “Name” column; every row needs one."))
    return columns


def _parse_row(number: int, cells: list[Any], columns: list[str | None],
               problems: ProblemList) -> _Row | None:
    given: dict[str, str] = {}
    too_long: set[str] = set()
    ok = True
    for position, raw in enumerate(cells):
        text = cell_text(raw)
        if not text:
            continue
        heading = columns[position] if position < len(columns) else None
        if heading is None:
            problems.append(Problem(number, f"column {column_letter(position + 1)}",
                                    "This cell has a value but its column has no heading."))
            ok = False
            continue
        if not heading:
            continue
        if isinstance(raw, LongCell):  # reported, never cleaned
            problems.append(Problem(number, heading, raw.message))
            too_long.add(heading)
            ok = False
            continue
        given[FIELD_OF[heading]] = text
    if not given.get("full_name"):
        if NAME not in too_long:  # else reported as too long
            problems.append(Problem(number, NAME, "Every row needs the parent's name."))
        return None
    try:
        cleaned = clean_parent_fields(**given)
    except DomainError as exc:
        problems.append(Problem(number, HEADING_OF.get(exc.field or "", ""), exc.message))
        return None
    return _Row(number, {k: v for k, v in cleaned.items() if k in given}) if ok else None


def _read(source: Source, problems: ProblemList, result: ParentImportResult,
          progress: Progress | None) -> Iterator[_Row]:
    """The file's rows without a problem of their own, one at a time; ``result.rows``
    counts every row once the last is read."""
    rows = iter(source.rows())
    headings = next(rows, None)
    if headings is None or not any(cell_text(c) for c in headings):
        raise ImportFileError("The file has no headings in its first row. Start from the "
                              "template.")
    columns = _layout(headings, problems)
    count = 0
    for number, cells in enumerate(rows, start=2):
        if not any(cell_text(c) for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS} rows. Split it.")
        row = _parse_row(number, cells, columns, problems)
        if row is not None:
            yield row
        if progress and count % PROGRESS_EVERY == 0:
            progress(count, 0, "Checking the file")
    if count == 0 and not problems:
        problems.append(Problem(0, "", "The file has headings but no rows of parents."))
    result.rows = count


# ---------------------------------------------------------------------------- matching


@dataclass
class _Matcher:
    """Finds each row's recorded parent, a batch of rows at a time (only that batch's
    parents are read whole), and the rows that repeat an earlier one: for those it keeps a
    key and a row number per row, nothing more."""

    school: School
    problems: ProblemList
    email_rows: dict[str, int] = field(default_factory=dict)
    name_rows: dict[str, int] = field(default_factory=dict)
    _recorded: tuple[dict[str, int], dict[str, list[tuple[int, str]]]] | None = None

    def first(self, row: _Row) -> bool:
        """Whether no earlier row has the row's e-mail (or, without one, its name)."""
        email = row.values.get("email", "")
        if email:
            if email in self.email_rows:
                self.problems.append(Problem(row.number, EMAIL, f"This e-mail is also on row "
                                             f"{self.email_rows[email]}. Each parent needs "
                                             "their own."))
                return False
            self.email_rows[email] = row.number
            return True
        key = fold(row.values["full_name"])
        if key in self.name_rows:
            self.problems.append(Problem(row.number, NAME, f"Row {self.name_rows[key]} has a "
                                         "parent of the same name and no e-mail either. Give "
                                         "each an e-mail, or remove one."))
            return False
        self.name_rows[key] = row.number
        return True

    def recorded(self) -> tuple[dict[str, int], dict[str, list[tuple[int, str]]]]:
        """The school's parents' keys, read once (their records are read a batch at a
        time): by e-mail, and the (pk, name) of those without one by name."""
        if self._recorded is None:
            by_email: dict[str, int] = {}
            by_name: dict[str, list[tuple[int, str]]] = {}
            for pk, email_key, name_key, name in Parent.objects.filter(
                    school=self.school, archived_at__isnull=True).values_list(
                    "pk", "email_key", "name_key", "full_name").iterator(5000):
                if email_key:
                    by_email[email_key] = pk
                else:
                    by_name.setdefault(name_key, []).append((pk, name))
            self._recorded = by_email, by_name
        return self._recorded

    def match(self, rows: list[_Row]) -> dict[int, Parent]:
        """Match each row of a batch to a recorded parent (``row.match``), adding the
        problems of names recorded twice. Returns the matched parents by pk."""
        by_email, by_name = self.recorded()
        for row in rows:
            email = row.values.get("email", "")
            if email:
                row.match = by_email.get(email)
                continue
            same = by_name.get(fold(row.values["full_name"]), [])
            if len(same) > 1:
                self.problems.append(Problem(
                    row.number, EMAIL, f"{len(same)} parents called {same[0][1]} are recorded "
                    "without an e-mail. Give this row an e-mail to say who it is."))
                continue
            row.match = same[0][0] if same else None
        return Parent.objects.in_bulk([row.match for row in rows if row.match is not None])


# ---------------------------------------------------------------------------- writing


@dataclass
class _Changes:
    new: list[Parent] = field(default_factory=list)
    changed: list[Parent] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


def _compare(rows: list[_Row], matched: dict[int, Parent], school: School, actor: Any,
             result: ParentImportResult) -> _Changes:
    changes = _Changes()
    now = timezone.now()
    for row in rows:
        if row.match is None:
            parent = Parent(school=school, version=1,
                            **{name: row.values.get(name, "") for name in PARENT_FIELDS})
            derive_keys(parent)
            changes.new.append(parent)
            changes.events.append({"action": "agreements.parent.created", "school": school,
                                   "actor": actor, "target": parent,
                                   "changes": diff(None, snapshot(parent, PARENT_FIELDS))})
            result.added += 1
            _preview(result, row, "add", [])
            continue
        parent = matched[row.match]
        before = snapshot(parent, PARENT_FIELDS)
        for name, value in row.values.items():
            setattr(parent, name, value)
        derive_keys(parent)
        changed = diff(before, snapshot(parent, PARENT_FIELDS))
        if not changed:
            result.unchanged += 1
            continue
        parent.version += 1
        parent.updated_at = now
        changes.changed.append(parent)
        changes.events.append({"action": "agreements.parent.updated", "school": school,
                               "actor": actor, "target": parent, "changes": changed})
        result.updated += 1
        _preview(result, row, "update", [HEADING_OF[name] for name in changed])
    return changes


def _preview(result: ParentImportResult, row: _Row, action: str, changed: list[str]) -> None:
    if len(result.preview) < PREVIEW_ROWS:
        result.preview.append(PreviewRow(row.number, row.values["full_name"], action, changed))


@dataclass
class _Batches:
    """Compares the rows with the record BATCH at a time and, when ``write``, writes each
    batch's changes with their audit events, as long as no problem has been found: what is
    held does not grow with the file. After a problem the rest is only checked."""

    school: School
    actor: Any
    result: ParentImportResult
    matcher: _Matcher
    write: bool
    parents: Table = field(default_factory=lambda: Table(Parent))

    def flush(self, rows: list[_Row]) -> None:
        if not rows:
            return
        matched = self.matcher.match(rows)  # after a problem too: it may find more
        if self.matcher.problems:
            return
        changes = _compare(rows, matched, self.school, self.actor, self.result)
        if self.write:
            self.parents.insert([self.parents.values_of(parent) for parent in changes.new])
            self.parents.update_instances(changes.changed, [
                "full_name", "name_key", "email", "email_key", "classes", "version",
                "updated_at"])
            audit_record_many(changes.events)


def _import_rows(source: Source, school: School, actor: Any, result: ParentImportResult,
                 progress: Progress | None, *, write: bool) -> None:
    """Read, check, compare and (``write``) write the file a batch at a time; fills
    ``result``. With any problem, what the result counts is cleared: the caller writes
    nothing (and rolls back what was written)."""
    problems = ProblemList()
    batches = _Batches(school, actor, result, _Matcher(school, problems), write)
    batch: list[_Row] = []
    for row in _read(source, problems, result, progress):
        if batches.matcher.first(row):
            batch.append(row)
        if len(batch) >= BATCH:
            batches.flush(batch)
            batch = []
    batches.flush(batch)
    problems.sort(key=lambda p: (p.row, HEADINGS.index(p.column) if p.column in HEADINGS
                                 else 9))
    result.problems = problems
    if problems:
        result.added = result.updated = result.unchanged = 0
        result.preview = []


def _summary_event(school: School, actor: Any, result: ParentImportResult,
                   filename: str) -> None:
    summary = {"file": filename, "rows": result.rows, "added": result.added,
               "updated": result.updated, "unchanged": result.unchanged}
    audit_record_many([{
        "action": "agreements.parents_import.applied", "school": school, "actor": actor,
        "target_type": "tenancy.school", "target_id": str(school.public_id),
        "target_label": str(school), "changes": diff(None, summary)}])


def parents_import(path: Path | str, *, school: School, actor: Any, dry_run: bool = False,
                   progress: Progress | None = None, filename: str = "") -> ParentImportResult:
    """Check a file of parents and, unless ``dry_run`` or anything is wrong, write it.

    Raises ImportFileError when the file cannot be read at all; otherwise returns the result,
    whose ``problems`` list every wrong cell (and then nothing was written).
    """
    result = ParentImportResult()
    source = open_source(Path(path), result.notes)
    result.file_format = source.file_format
    if dry_run:
        _import_rows(source, school, actor, result, progress, write=False)
        return result
    try:
        with transaction.atomic():
            # Checked inside the transaction that writes, so the record cannot change while
            # the file is compared with it.
            require_permission(school=school, actor=actor, permission="aups.manage",
                               message="You may not import the parents of this school.")
            _import_rows(source, school, actor, result, progress, write=True)
            if not result.ok:
                transaction.set_rollback(True)  # a problem in a later batch: nothing written
                return result
            if result.added or result.updated:
                _summary_event(school, actor, result, filename or Path(path).name)
            refresh_statistics_after_commit([Parent], rows=result.added + result.updated)
            if progress:
                progress(result.rows, result.rows, "Written")
    except IntegrityError:
        raise ImportFileError("Someone changed the parents of the school while the file was "
                              "being imported, so nothing was saved. Try again.") from None
    result.written = True
    return result


# ---------------------------------------------------------------------------- templates


def template_csv() -> bytes:
    return headings_csv(HEADINGS)


def template_xlsx() -> bytes:
    """A workbook whose first sheet has the headings; a second sheet says what goes where."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Parents"
    sheet.append(HEADINGS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = 30
    add_notes_sheet(
        workbook, [(heading, ACCEPTS[heading]) for heading in HEADINGS], heading_width=28,
        footnote="Only the first sheet is imported. A blank cell leaves what is recorded as "
                 "it is. If any row is wrong, nothing is imported.")
    return workbook_bytes(workbook)
