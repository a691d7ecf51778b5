"""Importing equipment: read the file, find each row's item (by serial number, then by
asset tag) and the person it is assigned to, compare with what is recorded and, unless it
is a dry run, write every change at once.

All or nothing, as every import: any problem (a bad value, a serial number or tag twice, a
person not found or ambiguous, a row that would take another item's tag) and nothing is
written; each problem names its row and column. Writes are in bulk (``bulk_create`` and
``bulk_update`` a chunk at a time), with one audit event per item created or changed, all
chained in one pass (``audit_record_many``), and one event for the import. New items go in
as plain rows (``lib.bulk.Table``: no model instance per row) with their events' changes
written out directly (``NewRecordChanges``: the same text as ``diff``); changed items are
set with one UPDATE run over them. A cell left
blank leaves what is recorded as it is, so importing the same file again changes nothing.

A recorded item's status is not moved to or from lost, stolen or disposed of by an import:
a loss is recorded on the item's page (it reports the incident) and a disposal through a
disposal batch (with its certificate).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.audit.services import NewRecordChanges, audit_record_many, diff
from schoolkeep.equipment.imports.columns import BY_FIELD
from schoolkeep.equipment.imports.matching import (
    ITEM_FIELDS,
    ItemIndex,
    NoPerson,
    PeopleIndex,
)
from schoolkeep.equipment.imports.reading import PAGE_ONLY_STATUSES, ItemRow, rows_of
from schoolkeep.equipment.imports.results import (
    PREVIEW_KEPT,
    ImportResult,
    PreviewRow,
    Progress,
)
from schoolkeep.equipment.keys import serial_key, tag_key
from schoolkeep.equipment.models import Item
from schoolkeep.lib.bulk import Table
from schoolkeep.lib.import_bounds import Problem, quoted
from schoolkeep.lib.tabular import ImportFileError, open_source
from schoolkeep.tenancy.models import School

ACTION = "equipment.import.applied"
CREATED = "equipment.import.item_created"
UPDATED = "equipment.import.item_updated"
ACTION_LABELS = {ACTION: "Equipment imported from a file",
                 CREATED: "Item added by an equipment import",
                 UPDATED: "Item changed by an equipment import"}
CHUNK = 1000
PROGRESS_EVERY = 500
ITEM_TYPE = Item._meta.label_lower  # an item's events' target type, as audit_record gives it
KIND_LABELS: dict[str, str] = dict(Item.Kind.choices)
# A new item's value of each field the file leaves out (the model's defaults).
_FIELDS = {field.name: field for field in Item._meta.concrete_fields}
NEW_DEFAULTS: dict[str, Any] = {name: _FIELDS[name].get_default() for name in ITEM_FIELDS}
# A new item's changes text: diff(None, snapshot(item, person's name)), written directly,
# a member per field in their sorted order (as NewRecordChanges and canonical JSON have
# them). Members of the fields whose values repeat (kind, make, location, status...) are
# written once per value; those of each item's own (tag, serial number, notes) every time.
_MEMBERS = [(name, NewRecordChanges([name])) for name in sorted([*ITEM_FIELDS, "assigned_to"])]
_OWN_VALUES = frozenset({"asset_tag", "serial_number", "notes"})
KEPT_MEMBERS = 1_000  # members kept per field (then forgotten: memory stays bounded)


class NewItemChanges:
    """``NewRecordChanges([*ITEM_FIELDS, "assigned_to"]).text(values)``, the same text,
    with each field's member kept per value."""

    def __init__(self) -> None:
        self.kept: dict[str, dict[Any, str]] = {name: {} for name, _ in _MEMBERS}

    def text(self, values: dict[str, Any]) -> str:
        parts: list[str] = []
        for name, single in _MEMBERS:
            value = values[name]
            member: str | None
            if name in _OWN_VALUES:
                member = single.text({name: value})[1:-1]  # "{member}" or "{}"
            else:
                kept = self.kept[name]
                key = (type(value), value)  # True and 1 apart
                member = kept.get(key)
                if member is None:
                    if len(kept) >= KEPT_MEMBERS:
                        kept.clear()
                    member = kept[key] = single.text({name: value})[1:-1]
            if member:
                parts.append(member)
        return "{" + ",".join(parts) + "}"


def snapshot(item: Item, person_name: str) -> dict[str, Any]:
    """What an item's audit events record of it (the assigned person by name)."""
    return {name: getattr(item, name) for name in ITEM_FIELDS} | {
        "assigned_to": person_name}


def label_of(values: dict[str, Any]) -> str:
    """``Item.label`` of a new item's row (its values by field name)."""
    ident = values["asset_tag"] or values["serial_number"] or " ".join(
        part for part in (values["make"], values["model_name"]) if part)
    return f"{KIND_LABELS.get(values['kind'], values['kind'])} {ident}".strip()


@dataclass
class _Pass:
    """One import's state: what is recorded, what the file says, what changes."""

    school: School
    result: ImportResult
    now: datetime
    items: ItemIndex
    people: PeopleIndex
    new: list[dict[str, Any]] = field(default_factory=list)  # new items' rows (Table)
    changed: list[Item] = field(default_factory=list)
    # A changed item's snapshot before the file (its events are made as it is written).
    before: dict[int, dict[str, Any]] = field(default_factory=dict)
    claimed: dict[int, int] = field(default_factory=dict)  # item pk: the row that has it
    new_changes: NewItemChanges = field(default_factory=NewItemChanges)
    writes: bool = True  # False for a check (a dry run): new items' rows are not kept
    columns: set[str] = field(default_factory=set)  # the fields some changed item changed


def _read(path: Path, result: ImportResult, progress: Progress | None,
          expected_rows: int) -> list[ItemRow]:
    """Every item of the file; a serial number or tag given twice is a problem naming both
    rows."""
    source = open_source(path, result.notes)
    result.file_format = source.file_format
    rows: list[ItemRow] = []
    serials: dict[str, int] = {}
    tags: dict[str, int] = {}
    guessed: set[str] = set()
    for row in rows_of(source, result.problems, result.notes):
        twice = False
        for key, seen, heading in ((row.serial_key, serials, "serial_number"),
                                   (row.tag_key, tags, "asset_tag")):
            if not key:
                continue
            earlier = seen.setdefault(key, row.number)
            if earlier != row.number:
                twice = True
                what = BY_FIELD[heading].heading
                result.problems.append(Problem(
                    row.number, what, f"{quoted(row.values[heading])} is also the "
                    f"{what.lower()} on row {earlier}: each item may be in the file once. "
                    f"Remove one of rows {earlier} and {row.number}."))
        if row.kind_guessed:
            guessed.add(row.kind_guessed)
        if not twice:
            rows.append(row)
        if progress and len(rows) % PROGRESS_EVERY == 0:
            progress(len(rows), expected_rows, "Reading the file")
    result.rows = len(rows)
    if guessed:
        shown = ", ".join(quoted(name) for name in sorted(guessed)[:10])
        result.notes.append(f"Read as other equipment (a kind Schoolkeep does not know): "
                            f"{shown}{' and more' if len(guessed) > 10 else ''}.")
    return rows


def _find(state: _Pass, row: ItemRow) -> Item | None:
    """The recorded item of a row (by serial, then tag), or None for a new one; a problem
    when the row's tag or serial is another recorded item's, or the item is another
    row's."""
    items, problems = state.items, state.result.problems
    item = items.by_serial.get(row.serial_key) if row.serial_key else None
    if item is None and row.tag_key:
        item = items.by_tag.get(row.tag_key)
    if item is None:
        return None
    other = items.by_tag.get(row.tag_key) if row.tag_key else None
    if other is not None and other.pk != item.pk:
        problems.append(Problem(
            row.number, BY_FIELD["asset_tag"].heading,
            f"The serial number is {item.label}'s, but the tag {quoted(row.values['asset_tag'])} "
            f"is {other.label}'s. Correct the row, or change the tag on the item's page."))
        return None
    earlier = state.claimed.setdefault(item.pk, row.number)
    if earlier != row.number:
        problems.append(Problem(
            row.number, BY_FIELD["serial_number"].heading,
            f"This is the same item as row {earlier} ({item.label}): by its serial number on "
            "one row and its tag on the other. Keep one of the rows."))
    return item


def _person(state: _Pass, row: ItemRow) -> int | None:
    """The assigned person's id (None: the row names nobody, or a problem was added)."""
    if not (row.assigned_email or row.assigned_name):
        return None
    try:
        person = state.people.match(email=row.assigned_email, name=row.assigned_name)
    except NoPerson as exc:
        column = "assigned_name" if row.assigned_name else "assigned_email"
        state.result.problems.append(Problem(row.number, BY_FIELD[column].heading, str(exc)))
        return None
    state.result.assigned += 1
    return person


def _preview(result: ImportResult, row: ItemRow, action: str, changed: list[str],
             name: str = "") -> None:
    if len(result.preview) < PREVIEW_KEPT:
        result.preview.append(PreviewRow(row.number, name or row.name, action, changed))


def _create(state: _Pass, row: ItemRow, person: int | None) -> None:
    if "kind" not in row.values:
        state.result.problems.append(Problem(
            row.number, BY_FIELD["kind"].heading, "This is a new item: say what kind of "
            "item it is (laptop, desktop, tablet, phone, USB stick...)."))
        return
    state.result.added += 1
    _preview(state.result, row, "add", [])
    if not state.writes:
        return
    # The row a new Item would be saved as (the columns left out take their defaults).
    values = NEW_DEFAULTS | row.values
    values.update(public_id=uuid.uuid4(), school_id=state.school.pk, assigned_to_id=person,
                  serial_key=serial_key(values["serial_number"]),
                  asset_tag_key=tag_key(values["asset_tag"]), version=1)
    state.new.append(values)


def _update(state: _Pass, row: ItemRow, item: Item, person: int | None) -> None:
    status = row.values.get("status")
    if status is not None and status != item.status and (
            status in PAGE_ONLY_STATUSES or item.status in PAGE_ONLY_STATUSES):
        state.result.problems.append(Problem(
            row.number, BY_FIELD["status"].heading,
            f"{item.label} is {item.get_status_display().lower()} here; an import does not "
            f"change it to {Item.Status(status).label.lower()}. Record a loss or theft on "
            "the item's page, and a disposal in a disposal batch."))
        return
    names = state.people.names
    before = snapshot(item, names.get(item.assigned_to_id, "") if item.assigned_to_id else "")
    same_key = {"serial_number": row.serial_key == item.serial_key,
                "asset_tag": row.tag_key == item.asset_tag_key}
    given = {name: value for name, value in row.values.items()
             if not same_key.get(name)}  # "5cd-1234 abc" recorded: "5CD1234ABC" is it
    changed = [BY_FIELD[name].heading for name, value in given.items()
               if getattr(item, name) != value]
    if person is not None and item.assigned_to_id != person:
        changed.append(BY_FIELD["assigned_name"].heading)
    if not changed:
        state.result.unchanged += 1
        return
    for name, value in given.items():
        if getattr(item, name) != value:
            setattr(item, name, value)
            state.columns.add(name)
    if person is not None and item.assigned_to_id != person:
        item.assigned_to_id = person
        state.columns.add("assigned_to")
    item.serial_key, item.asset_tag_key = serial_key(item.serial_number), \
        tag_key(item.asset_tag)
    item.version += 1
    item.updated_at = state.now
    state.changed.append(item)
    state.before[item.pk] = before
    state.result.updated += 1
    _preview(state.result, row, "update", changed, item.label)


def _compare(state: _Pass, rows: list[ItemRow], progress: Progress | None) -> None:
    """Each row against what is recorded (a row with a problem already is still compared,
    so that every problem of the file is reported at once)."""
    for done, row in enumerate(rows, start=1):
        before = state.result.problems.total
        item = _find(state, row)
        person = _person(state, row)
        if state.result.problems.total == before:
            if item is None:
                _create(state, row, person)
            else:
                _update(state, row, item, person)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, len(rows), "Comparing with the equipment recorded")


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _created_events(state: _Pass, actor: Any, rows: list[dict[str, Any]]) -> None:
    """One audit event per new item of a chunk written, chained (``audit_record_many``),
    with the target, label and changes ``audit_record`` would give the saved Item."""
    names, school = state.people.names, state.school
    audit_record_many([
        {"action": CREATED, "school": school, "actor": actor, "target_type": ITEM_TYPE,
         "target_id": str(values["public_id"]), "target_label": label_of(values),
         "changes_json": state.new_changes.text(
             {name: values[name] for name in ITEM_FIELDS} | {
                 "assigned_to": names.get(values["assigned_to_id"], "")
                 if values["assigned_to_id"] else ""})}
        for values in rows])


def _updated_events(state: _Pass, actor: Any, items: list[Item]) -> None:
    """One audit event per changed item of a chunk written; made as each chunk is written,
    so that only a chunk's changes are held at once."""
    names = state.people.names
    audit_record_many([
        {"action": UPDATED, "school": state.school, "actor": actor, "target": item,
         "changes": diff(state.before.pop(item.pk),
                         snapshot(item, names.get(item.assigned_to_id, "")
                                  if item.assigned_to_id else ""))}
        for item in items])


def _write(state: _Pass, actor: Any, filename: str) -> None:
    table = Table(Item)
    for chunk in _chunks(state.new):
        table.insert(chunk, now=state.now)
        _created_events(state, actor, chunk)
    # Only the columns some row changed are set, with their keys, the version and the time.
    keys = {"serial_number": "serial_key", "asset_tag": "asset_tag_key"}
    columns = sorted(_FIELDS[name].attname for name in state.columns | {
        keys[name] for name in state.columns if name in keys})
    for chunk in _chunks(state.changed):
        table.update_instances(chunk, [*columns, "version", "updated_at"])
        _updated_events(state, actor, chunk)
    school, result = state.school, state.result
    audit_record_many([{
        "action": ACTION, "school": school, "actor": actor, "target_type": "tenancy.school",
        "target_id": str(school.public_id), "target_label": str(school),
        "changes": diff(None, {"file": filename, "format": result.file_format,
                               "rows": result.rows, "added": result.added,
                               "updated": result.updated, "unchanged": result.unchanged})}])
    result.written = True


def equipment_import(path: Path | str, *, school: School, actor: Any, dry_run: bool = False,
                     progress: Progress | None = None, filename: str = "",
                     expected_rows: int = 0) -> ImportResult:
    """Import the equipment file at ``path`` into ``school``'s inventory; with ``dry_run``,
    only say what would change. Raises ImportFileError when the file cannot be read at all
    (or the inventory changed while it was written); problems of its rows are in the result
    (and nothing is written)."""
    path = Path(path)
    result = ImportResult(dry_run=dry_run)
    rows = _read(path, result, progress, expected_rows)
    try:
        with transaction.atomic():  # compared and written against the same records
            state = _Pass(school, result, timezone.now(),
                          ItemIndex.of(school, for_update=not dry_run), PeopleIndex(school),
                          writes=not dry_run)
            _compare(state, rows, progress)
            if result.ok and not dry_run and result.changes:
                _write(state, actor, filename or path.name)
    except IntegrityError:
        raise ImportFileError("Someone changed the equipment while the file was being "
                              "imported, so nothing was saved. Try again.") from None
    if not result.ok:
        result.preview = []
    if progress:
        progress(result.rows, result.rows, "Done")
    return result
