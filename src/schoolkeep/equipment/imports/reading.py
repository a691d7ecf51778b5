"""Reading an equipment file: its headings (``columns``) and its rows, one item each.

Formats, encodings and the bounds of every import come from ``schoolkeep.lib.tabular``. A
fact the file does not give (no column, or a blank cell) is None: for a recorded item it
leaves what is recorded as it is; for a new one it is "not known", never "no".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from schoolkeep.equipment.imports.columns import BY_HEADING, Fact
from schoolkeep.equipment.keys import serial_key, tag_key
from schoolkeep.equipment.models import Item
from schoolkeep.lib.import_bounds import LongCell, Problem, ProblemList, quoted
from schoolkeep.lib.tabular import ImportFileError, Source, cell_text, column_letter, heading_key
from schoolkeep.people.imports import parse_date

MAX_ROWS = 20_000
MAX_LENGTHS = {"asset_tag": 50, "serial_number": 100, "make": 100, "model_name": 100,
               "location": 200, "assigned_name": 200, "assigned_email": 254,
               "notes": 5_000}

Kind = Item.Kind
Status = Item.Status
Encryption = Item.Encryption

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_NOT_KNOWN = {"not known", "unknown", "don't know", "dont know", "?", "n/a"}
# A kind's words, as schools and Snipe-IT categories write them (plural or not).
_KINDS: dict[str, str] = {
    "laptop": Kind.LAPTOP, "notebook": Kind.LAPTOP, "chromebook": Kind.LAPTOP,
    "macbook": Kind.LAPTOP,
    "desktop": Kind.DESKTOP, "desktop computer": Kind.DESKTOP, "pc": Kind.DESKTOP,
    "workstation": Kind.DESKTOP, "computer": Kind.DESKTOP, "imac": Kind.DESKTOP,
    "server": Kind.SERVER, "nas": Kind.SERVER,
    "tablet": Kind.TABLET, "ipad": Kind.TABLET,
    "phone": Kind.PHONE, "mobile phone": Kind.PHONE, "mobile": Kind.PHONE,
    "smartphone": Kind.PHONE, "iphone": Kind.PHONE,
    "external drive": Kind.EXTERNAL_DRIVE, "external hard drive": Kind.EXTERNAL_DRIVE,
    "hard drive": Kind.EXTERNAL_DRIVE, "hdd": Kind.EXTERNAL_DRIVE, "ssd": Kind.EXTERNAL_DRIVE,
    "drive": Kind.EXTERNAL_DRIVE, "portable drive": Kind.EXTERNAL_DRIVE,
    "usb stick": Kind.USB_STICK, "usb drive": Kind.USB_STICK, "memory stick": Kind.USB_STICK,
    "usb memory stick": Kind.USB_STICK, "flash drive": Kind.USB_STICK,
    "usb flash drive": Kind.USB_STICK, "pen drive": Kind.USB_STICK,
    "backup tape": Kind.BACKUP_TAPE, "tape": Kind.BACKUP_TAPE,
    "other storage media": Kind.OTHER_MEDIA, "storage media": Kind.OTHER_MEDIA,
    "media": Kind.OTHER_MEDIA, "sd card": Kind.OTHER_MEDIA, "memory card": Kind.OTHER_MEDIA,
    "other": Kind.OTHER, "other equipment": Kind.OTHER,
} | {value: value for value in Kind.values} | {
    label.casefold(): value for value, label in Kind.choices}
_STATUSES: dict[str, str] = {
    "in use": Status.IN_USE, "deployed": Status.IN_USE, "in service": Status.IN_USE,
    "active": Status.IN_USE, "assigned": Status.IN_USE, "checked out": Status.IN_USE,
    "in store": Status.IN_STORE, "in storage": Status.IN_STORE, "stored": Status.IN_STORE,
    "spare": Status.IN_STORE, "ready to deploy": Status.IN_STORE, "pending": Status.IN_STORE,
    "available": Status.IN_STORE, "out for repair": Status.IN_STORE,
    "broken": Status.IN_STORE, "undeployable": Status.IN_STORE,
    "awaiting disposal": Status.AWAITING_DISPOSAL, "archived": Status.AWAITING_DISPOSAL,
    "to dispose": Status.AWAITING_DISPOSAL, "retired": Status.AWAITING_DISPOSAL,
    "end of life": Status.AWAITING_DISPOSAL,
    "lost": Status.LOST, "lost/stolen": Status.LOST, "missing": Status.LOST,
    "stolen": Status.STOLEN,
    "disposed": Status.DISPOSED, "disposed of": Status.DISPOSED,
} | {value: value for value in Status.values} | {
    label.casefold(): value for value, label in Status.choices}
_ENCRYPTION: dict[str, str] = {
    "bitlocker": Encryption.BITLOCKER, "filevault": Encryption.FILEVAULT,
    "filevault 2": Encryption.FILEVAULT, "other": Encryption.OTHER,
    "encrypted": Encryption.OTHER, "yes": Encryption.OTHER, "y": Encryption.OTHER,
    "none": Encryption.NONE, "no": Encryption.NONE, "n": Encryption.NONE,
    "not encrypted": Encryption.NONE, "unencrypted": Encryption.NONE,
} | {word: Encryption.UNKNOWN for word in _NOT_KNOWN} | {
    value: value for value in Encryption.values} | {
    label.casefold(): value for value, label in Encryption.choices}
# Statuses an import sets only on a new item: a recorded item is lost or stolen through its
# page (which reports the incident) and disposed of through a disposal batch.
PAGE_ONLY_STATUSES = frozenset({Status.LOST, Status.STOLEN, Status.DISPOSED})
# Parsers whose value depends on the cell's text alone: a file repeats the same few words
# (Laptops, Deployed, BitLocker, yes) in thousands of cells, each read once per import.
_KEPT_PARSERS = frozenset({"yes_no", "encryption", "status", "kind"})
KEPT_VALUES = 1_000  # distinct texts kept per import (then forgotten: memory stays bounded)


class BadValue(Exception):
    pass


@dataclass(slots=True)
class ItemRow:
    """One row of the file: the item as the file gives it (None: not given)."""

    number: int
    serial_key: str
    tag_key: str
    values: dict[str, Any]  # Item fields given by the row: serial_number, kind, make...
    assigned_name: str = ""
    assigned_email: str = ""
    kind_guessed: str = ""  # a category read as "other equipment" (for a note)

    @property
    def name(self) -> str:
        """How the preview names the row's item."""
        values = self.values
        ident = values.get("asset_tag") or values.get("serial_number") or ""
        kind = values.get("kind")
        return f"{Kind(kind).label} {ident}".strip() if kind else ident


def _words(value: Any) -> str:
    return " ".join(cell_text(value).replace("_", " ").split()).casefold()


def _kind(raw: Any) -> tuple[str, str]:
    """(kind, the category when it was read as "other equipment")."""
    text = _words(raw)
    for candidate in (text, text.rstrip("s"), text.removesuffix("es")):
        if candidate in _KINDS:
            return _KINDS[candidate], ""
    return Kind.OTHER, cell_text(raw)


def parse_cell(fact: Fact, raw: Any) -> Any:
    """The value of one non-blank cell, or BadValue."""
    parser = fact.parser
    if type(raw) is str and parser in ("text", "notes"):  # a CSV's cells: as cell_text reads
        text = raw.strip() if parser == "notes" else " ".join(raw.split())
        limit = MAX_LENGTHS.get(fact.field, 0)
        if limit and len(text) > limit:
            raise BadValue(f"This has {len(text)} characters; at most {limit} fit.")
        return text
    if parser == "yes_no":
        if isinstance(raw, bool):
            return raw
        text = _words(raw)
        if text in _YES:
            return True
        if text in _NO:
            return False
        if text in _NOT_KNOWN:
            return None
        raise BadValue(f"{quoted(cell_text(raw))} is not yes, no or not known.")
    if parser == "encryption":
        if isinstance(raw, bool):
            return Encryption.OTHER if raw else Encryption.NONE
        found = _ENCRYPTION.get(_words(raw))
        if found is None:
            raise BadValue(f"{quoted(cell_text(raw))} is not an encryption Schoolkeep "
                           "knows: write BitLocker, FileVault, other, none or not known.")
        return found
    if parser == "status":
        found = _STATUSES.get(_words(raw))
        if found is None:
            raise BadValue(f"{quoted(cell_text(raw))} is not a status Schoolkeep knows: "
                           "write in use, in store or awaiting disposal.")
        return found
    if parser == "date":
        try:
            day = parse_date(raw)
        except Exception as exc:  # people's BadValue: its message says what is wrong
            raise BadValue(str(exc)) from None
        if day > timezone.localdate():
            raise BadValue(f"{day:%d/%m/%Y} is in the future: write the day the encryption "
                           "was checked.")
        return day
    if parser == "kind":
        return _kind(raw)
    text = cell_text(raw) if parser == "notes" else " ".join(cell_text(raw).split())
    limit = MAX_LENGTHS.get(fact.field, 0)
    if limit and len(text) > limit:
        raise BadValue(f"This has {len(text)} characters; at most {limit} fit.")
    if parser == "email":
        text = text.lower()
        try:
            validate_email(text)
        except ValidationError:
            raise BadValue(f"{quoted(text)} is not an e-mail address.") from None
    return text


@dataclass
class Layout:
    """What each column of the file is: a fact, or None (ignored)."""

    facts: list[Fact | None]
    ignored: list[str]
    # The columns read, in order: (position, fact); the ignored ones are never looked at.
    read: list[tuple[int, Fact]] = field(init=False)
    # The values of cells already read (_KEPT_PARSERS): (parser, text) to value.
    kept: dict[tuple[str, str], Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.read = [(position, fact) for position, fact in enumerate(self.facts)
                     if fact is not None]

    def has(self, field: str) -> bool:
        return any(fact is not None and fact.field == field for fact in self.facts)


def layout_of(headings: list[Any], problems: ProblemList) -> Layout:
    """Each heading's fact; a problem for a fact given twice and for a file with neither a
    serial number nor an asset tag column."""
    facts: list[Fact | None] = []
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for position, cell in enumerate(headings):
        text = cell_text(cell)
        fact = BY_HEADING.get(heading_key(text)) if text else None
        if fact is None:
            if text:
                ignored.append(text)
            facts.append(None)
            continue
        if fact.field in seen:
            problems.append(Problem(1, text, f"This column gives the same fact as "
                                    f"{quoted(seen[fact.field])}. Keep one of them."))
            facts.append(None)
            continue
        seen[fact.field] = f"{text} (column {column_letter(position + 1)})"
        facts.append(fact)
    layout = Layout(facts, ignored)
    if not (layout.has("serial_number") or layout.has("asset_tag")):
        problems.append(Problem(1, "Serial number", "The file has no serial number or asset "
                                "tag column (headed Serial number, Serial, Asset tag or Asset "
                                "Tag, for example): each item is found by one of them."))
    return layout


def _heading(layout: Layout, field: str) -> str:
    return next((f.heading for f in layout.facts if f is not None and f.field == field),
                field.replace("_", " ").capitalize())


def parse_row(number: int, cells: list[Any], layout: Layout,
              problems: ProblemList) -> ItemRow | None:
    """One data row as an item (None when it has neither serial number nor tag), its
    problems added."""
    values: dict[str, Any] = {}
    width = len(cells)
    kept = layout.kept
    for position, fact in layout.read:
        if position >= width:
            break
        raw = cells[position]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if isinstance(raw, LongCell):
            problems.append(Problem(number, _heading(layout, fact.field), raw.message))
            continue
        key = (fact.parser, raw) if type(raw) is str and fact.parser in _KEPT_PARSERS \
            else None
        if key is not None and key in kept:
            values[fact.field] = kept[key]
            continue
        try:
            value = values[fact.field] = parse_cell(fact, raw)
        except BadValue as exc:
            problems.append(Problem(number, _heading(layout, fact.field), str(exc)))
            continue
        if key is not None:
            if len(kept) >= KEPT_VALUES:
                kept.clear()
            kept[key] = value
    serial, tag = values.get("serial_number", ""), values.get("asset_tag", "")
    row = ItemRow(number=number, serial_key=serial_key(serial), tag_key=tag_key(tag),
                  values=values, assigned_name=values.pop("assigned_name", ""),
                  assigned_email=values.pop("assigned_email", ""))
    if "kind" in values:
        values["kind"], row.kind_guessed = values["kind"]
    if serial and not row.serial_key:
        problems.append(Problem(number, _heading(layout, "serial_number"),
                                f"{quoted(serial)} has no letters or digits."))
    if tag and not row.tag_key:
        problems.append(Problem(number, _heading(layout, "asset_tag"),
                                f"{quoted(tag)} has no letters or digits."))
    if not serial and not tag:
        problems.append(Problem(number, _heading(layout, "serial_number"),
                                "Every row needs a serial number or an asset tag."))
        return None
    return row


def rows_of(source: Source, problems: ProblemList, notes: list[str]) -> Iterator[ItemRow]:
    """Every item of the file (rows with neither serial number nor tag are problems)."""
    rows = iter(source.rows())
    headings = next(rows, None)
    if headings is None or not any(cell_text(c) for c in headings):
        raise ImportFileError("The file has no headings in its first row. Start from the "
                              "template, or export the list again with its headings.")
    layout = layout_of(headings, problems)
    if not (layout.has("serial_number") or layout.has("asset_tag")):
        return  # the heading's problem says it all: each row would repeat it
    if layout.ignored:
        shown = ", ".join(quoted(h) for h in layout.ignored[:12])
        more = len(layout.ignored) - 12
        notes.append(f"Columns Schoolkeep does not use, ignored: {shown}"
                     + (f" and {more} more." if more > 0 else "."))
    count = 0
    for number, cells in enumerate(rows, start=2):
        if not any(cell_text(c) for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows. Split it.")
        row = parse_row(number, cells, layout, problems)
        if row is not None:
            yield row
