"""From lines of cells to asset rows: the heading row, group headings, repeated heading rows,
and every row's own problems (no name, an unknown classification, a cell beyond the
headings). Nothing here reads the database."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from sys import intern

from schoolkeep.assets.imports.columns import (
    ACCESS,
    BY_FIELD,
    BY_KEY,
    CLASSIFICATION,
    COLUMNS,
    DESCRIPTION,
    GROUP,
    NAME,
    OWNER,
    PURPOSE,
    RETENTION,
    BadValue,
    Column,
    heading_key,
    parse_classification,
)
from schoolkeep.assets.imports.reading import Line
from schoolkeep.assets.imports.results import Progress
from schoolkeep.lib.import_bounds import Problem, ProblemList, quoted
from schoolkeep.lib.tabular import ImportFileError, column_letter
from schoolkeep.lib.text import fold, tidy

MAX_ROWS = 20_000
PROGRESS_EVERY = 200
UNTIDIED = frozenset({PURPOSE, DESCRIPTION})  # kept as written (their line breaks)
# A cell's length limit in characters (0: none); access labels are limited one by one.
LIMITS = {column.field: 0 if column.field == ACCESS else column.max_length
          for column in COLUMNS}
BATCH = 1_000  # rows compared and written at a time: what is held does not grow with the file


@dataclass
class AssetRow:
    """One asset of the file. ``None``: the file gives no value (no column, or a blank cell),
    so an asset already recorded keeps its own."""

    number: int
    group: str
    name: str
    owner: str | None = None
    owner_marked: bool = False
    access: dict[str, str] | None = None  # labels in order by key, each (ignoring case) once
    purpose: str | None = None
    description: str | None = None
    classification: tuple[str, str] | None = None  # (value, note)
    group_key: str = ""  # the group's and the name's matching keys
    name_key: str = field(init=False)
    retention: str | None = None  # the old retention text (privacy.LegacyRetentionText)

    def __post_init__(self) -> None:
        self.group_key = self.group_key or fold(self.group)
        self.name_key = fold(self.name)

    @property
    def key(self) -> tuple[str, str]:
        return self.group_key, self.name_key


@dataclass
class Layout:
    number: int  # the heading row's number
    columns: list[Column | None]  # by position; None: no heading (or an unknown one)
    written: dict[str, str]  # field -> its heading as the file writes it
    keys: list[str]  # the heading row's cells as compared (to skip repeats of it)

    def __post_init__(self) -> None:
        # Each field's first position, looked up for every cell of every row.
        self._positions: dict[str, int] = {}
        for position, column in enumerate(self.columns):
            if column is not None:
                self._positions.setdefault(column.field, position)

    def heading(self, name: str) -> str:
        return self.written.get(name) or BY_FIELD[name].heading

    def position(self, name: str) -> int | None:
        return self._positions.get(name)

    def repeated(self, line: Line, filled: list[int]) -> bool:
        """Whether the line is the heading row again (a table that runs over a page)."""
        first = filled[0]
        if first >= len(self.keys) or heading_key(line.cells[first]) != self.keys[first]:
            return False  # most rows: one cell compared, not every cell
        return _keys(line) == self.keys


# Where an asset's name was first seen in the file: (group key, group, row, name).
Seen = tuple[str, str, int, str]


@dataclass
class Parsed:
    """What reading the file found besides its rows, which are handed on in batches and not
    kept: the problems, the headings' warnings, the number of rows and, by the name's key,
    the group(s) each name was seen in (a small tuple per row: duplicates and names in
    several groups are found from it)."""

    problems: ProblemList = field(default_factory=ProblemList)
    warnings: ProblemList = field(default_factory=ProblemList)
    layout: Layout | None = None
    rows: int = 0  # asset rows without a problem
    names: dict[str, Seen | list[Seen]] = field(default_factory=dict)

    def has(self, name: str) -> bool:
        return self.layout is not None and self.layout.position(name) is not None


def _keys(line: Line) -> list[str]:
    keys = [heading_key(cell) for cell in line.cells]
    while keys and not keys[-1]:
        keys.pop()
    return keys


def _layout(line: Line, problems: ProblemList) -> Layout:
    cells = list(line.cells)
    while cells and not cells[-1].strip():
        cells.pop()
    columns: list[Column | None] = []
    written: dict[str, str] = {}
    for text in (tidy(cell) for cell in cells):
        if not text:
            columns.append(None)
            continue
        column = BY_KEY.get(heading_key(text))
        if column is None:
            known = ", ".join(f"“{c.heading}”" for c in COLUMNS)
            problems.append(Problem(line.number, text, "Schoolkeep does not know this heading "
                                    "(an error, so that no column is ignored by mistake). Use "
                                    f"one of {known}, or remove the column."))
        elif column.field in written:
            problems.append(Problem(line.number, text, "This heading appears twice (also as "
                                    f"{quoted(written[column.field])}). Keep one of them."))
            column = None
        else:
            written[column.field] = text
        columns.append(column)
    if NAME not in written and columns and columns[0] is None and not tidy(cells[0]):
        columns[0] = BY_FIELD[NAME]  # an empty first heading names the asset column
    layout = Layout(line.number, columns, written, _keys(line))
    if layout.position(NAME) is None and any(columns):
        problems.append(Problem(line.number, "Asset", "The table has no asset column: head "
                                "it “Asset” (or “Information asset”), or leave the first "
                                "heading empty."))
    return layout


def _no_known_headings(kind: str) -> ImportFileError:
    known = ", ".join(f"“{c.heading}”" for c in COLUMNS[:5])
    if kind == "document":
        return ImportFileError("The table after the line beginning “Appendix 1” has none of "
                               f"the register's headings in its first row ({known}).")
    return ImportFileError(
        f"The first row of the file has none of the register's headings ({known}). A policy "
        "document must have a line beginning “Appendix 1” before its table.")


@dataclass
class _Parser:
    layout: Layout
    parsed: Parsed
    group: str = ""
    heading_row: int = 0
    heading_assets: int = 0
    group_keys: dict[str, str] = field(default_factory=dict)  # a group's text -> its key

    def problem(self, line: Line, column: str, message: str) -> None:
        self.parsed.problems.append(Problem(line.number, column, message))

    def heading(self, line: Line) -> None:
        self.close_heading()
        name = tidy(line.cells[0])
        limit = BY_FIELD[GROUP].max_length
        first = self.layout.columns[0] if self.layout.columns else None
        where = self.layout.heading(first.field) if first else "column A"
        if 0 in line.long:
            self.problem(line, where, line.long[0].message)
        elif len(name) > limit:
            self.problem(line, where, f"A group's name has at most {limit} characters; this "
                         f"heading has {len(name)}.")
        self.group, self.heading_row, self.heading_assets = name, line.number, 0

    def close_heading(self) -> None:
        if self.heading_row and not self.heading_assets:
            self.parsed.warnings.append(Problem(
                self.heading_row, "", f"{quoted(self.group)} is read as a group heading (only its "
                "first cell has a value) but no asset follows it, so no group is made."))

    def text(self, line: Line, name: str) -> tuple[str | None, bool]:
        """A cell's value (None when the column is missing or the cell blank), and whether
        markup marked it."""
        position = self.layout.position(name)
        if position is None or position >= len(line.cells):
            return None, False
        value = line.cells[position]  # stripped as it was read (reading.unmark)
        if not value:
            return None, False
        if line.long and position in line.long:  # reported; its excerpt is never read further
            self.problem(line, self.layout.heading(name), line.long[position].message)
            return value, line.marked[position]
        if name not in UNTIDIED:
            value = tidy(value)
        limit = LIMITS[name]
        if limit and len(value) > limit:
            self.problem(line, self.layout.heading(name), f"This has {len(value)} characters; "
                         f"at most {limit} fit.")
        return value, line.marked[position]

    def row(self, line: Line, filled: list[int]) -> AssetRow | None:
        """The line's asset, or None when it has a problem that leaves no asset.
        ``filled``: the positions of its cells that are not blank (``Line.filled``)."""
        layout = self.layout
        for position in filled:
            if position >= len(layout.columns) or layout.columns[position] is None:
                where = "beyond the last heading: the row has more cells than the heading row" \
                    if position >= len(layout.columns) else "in a column without a heading"
                self.problem(line, f"column {column_letter(position + 1)}",
                             f"This cell has a value but is {where}.")
        name, _ = self.text(line, NAME)
        if not name:
            self.problem(line, layout.heading(NAME), "Every asset needs a name.")
        group, _ = self.text(line, GROUP)
        if group is None:
            group = self.group
            self.heading_assets += 1
        if not group:
            self.problem(line, layout.heading(GROUP if self.parsed.has(GROUP) else NAME),
                         "This asset comes before any group heading. Add a row above it "
                         "with only the group's name in its first cell, or a “Group” column.")
        owner, marked = self.text(line, OWNER)
        access_text, _ = self.text(line, ACCESS)
        purpose, _ = self.text(line, PURPOSE)
        description, _ = self.text(line, DESCRIPTION)
        retention, _ = self.text(line, RETENTION)
        classification_text, _ = self.text(line, CLASSIFICATION)
        classification = None
        if classification_text is not None and self.layout.position(
                CLASSIFICATION) not in line.long:
            try:
                classification = parse_classification(classification_text)
            except BadValue as exc:
                self.problem(line, layout.heading(CLASSIFICATION), str(exc))
        access = None if access_text is None else self.labels(line, access_text)
        if not name or not group:
            return None
        asset = AssetRow(line.number, group, name, owner, marked, access, purpose,
                         description, classification, self.group_key(group))
        asset.retention = retention
        first = self.first_in_group(asset)
        if first:
            self.problem(line, layout.heading(NAME), f"{quoted(name)} is already in the group "
                         f"{quoted(group)} on row {first}. Give each asset of a group once.")
            return None
        return asset

    def group_key(self, group: str) -> str:
        """The group's matching key: folded once per group, one string for all its rows."""
        key = self.group_keys.get(group)
        if key is None:
            if len(self.group_keys) >= 1_000:
                self.group_keys.clear()  # many groups: still a bounded memory
            key = self.group_keys[group] = intern(fold(group))
        return key

    def first_in_group(self, asset: AssetRow) -> int:
        """The row where the asset's name was already seen in its group, or 0 (it is
        remembered)."""
        names = self.parsed.names
        seen: Seen = (asset.group_key, asset.group, asset.number, asset.name)
        known = names.get(asset.name_key)
        if known is None:
            names[asset.name_key] = seen  # the common case: a name seen once
            return 0
        entries = [known] if isinstance(known, tuple) else known
        for entry in entries:
            if entry[0] == asset.group_key:
                return entry[2]
        names[asset.name_key] = [*entries, seen]
        return 0

    def labels(self, line: Line, text: str) -> dict[str, str]:
        """Labels split on "/" and trimmed, by their matching key; those differing only in
        case are one."""
        labels: dict[str, str] = {}
        limit = BY_FIELD[ACCESS].max_length
        for part in text.split("/"):
            label = tidy(part.strip())  # " / " leaves spaces at both ends: tidy's quick path
            if not label:
                continue
            if len(label) > limit:
                self.problem(line, self.layout.heading(ACCESS), f"A label has at most {limit} "
                             f"characters; “{label[:40]}…” has {len(label)}.")
            labels.setdefault(fold(label), label)
        return labels


def parse(lines: Iterable[Line], kind: str, parsed: Parsed,
          progress: Progress | None = None, batch: int = 0) -> Iterator[list[AssetRow]]:
    """The asset rows of a file, ``batch`` at a time, as they are read: only the rows of one
    batch are held. ``parsed`` collects every problem, the headings' warnings and the names
    seen; it is complete once the last batch has been handed on. A batch read after a
    problem may still be handed on: the caller decides what to do with it."""
    batch = batch or BATCH
    parser: _Parser | None = None
    rows: list[AssetRow] = []
    count = 0
    for line in lines:
        filled = line.filled()
        if not filled:
            continue
        if parser is None:
            layout = _layout(line, parsed.problems)
            if not any(layout.columns):
                raise _no_known_headings(kind)
            parsed.layout = layout
            parser = _Parser(layout, parsed)
            continue
        if parser.layout.repeated(line, filled):
            continue  # the heading row repeated (a table that runs over a page)
        if filled == [0]:
            parser.heading(line)
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} assets. Split it.")
        asset = parser.row(line, filled)
        if asset is not None:
            rows.append(asset)
            if len(rows) >= batch:
                parsed.rows += len(rows)
                yield rows
                rows = []
        if progress and count % PROGRESS_EVERY == 0:
            progress(count, 0, "Reading the file")
    if parser is None:
        raise ImportFileError("Nothing follows the line beginning “Appendix 1”: the table is "
                              "missing." if kind == "document" else "The file has no rows.")
    parser.close_heading()
    parsed.rows += len(rows)
    if not parsed.rows and not parsed.problems:
        parsed.problems.append(Problem(0, "", "The file has headings but no assets."))
    parsed.problems.sort(key=lambda p: p.row)
    if rows:
        yield rows
