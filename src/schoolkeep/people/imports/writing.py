"""Reading, checking, comparing and writing a file of people in one pass, audited.

Each row is parsed and matched, then compared with what is recorded (``stored``: plain
values, no model instances) in chunks; while no problem has been found, each chunk's
changes are written in bulk with one audit event per changed record. The whole import is
one transaction: when any row has a problem, the rows written before it are rolled back,
so nothing is written. The file is read once, and only a chunk of rows is held at a time.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.audit.services import Changes, NewRecordChanges, audit_record_many, diff
from schoolkeep.lib.bulk import Table
from schoolkeep.lib.db_statistics import refresh_statistics_after_commit
from schoolkeep.lib.import_bounds import Problem, ProblemList
from schoolkeep.lib.tabular import ImportFileError, Source, open_source
from schoolkeep.people import derive, missing_checks
from schoolkeep.people.hooks import WATCHED, PersonChange, person_change, person_changes_notify
from schoolkeep.people.imports.columns import CHECK_PREFIXES, column_order, heading_of
from schoolkeep.people.imports.matching import Index, _Matcher
from schoolkeep.people.imports.reading import RowData, rows_of
from schoolkeep.people.imports.results import ImportResult, PreviewRow, Progress
from schoolkeep.people.imports.stored import CHECK_FIELDS, ENCRYPTED, StoredPerson, stored_people
from schoolkeep.people.models import Check, CheckType, Person
from schoolkeep.people.services import (
    CHECK_SECRET_FIELDS,
    PERSON_FIELDS,
    PERSON_SECRET_FIELDS,
    check_fields_for,
)
from schoolkeep.tenancy.models import School

CHUNK_ROWS = 500
PREVIEW_ROWS = 20
PROGRESS_EVERY = 200
_SECRETS = frozenset((*PERSON_SECRET_FIELDS, *CHECK_SECRET_FIELDS))
_CHECK_LABELS = dict(CheckType.choices)  # each check's kind as displayed
_CHECK_FIELDS_OF = {check_type: check_fields_for(check_type) for check_type in CheckType.values}
# The audit changes text of a new person (with its sites' names) and of a new check.
_NEW_PERSON = NewRecordChanges([*PERSON_FIELDS, "sites"], secret_fields=PERSON_SECRET_FIELDS)
_NEW_CHECK = {check_type: NewRecordChanges(fields, secret_fields=CHECK_SECRET_FIELDS)
              for check_type, fields in _CHECK_FIELDS_OF.items()}


def _audited(values: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The audited values of a record, as the people services record them."""
    return {name: (values[name] or None) if name in _SECRETS else values[name]
            for name in fields}  # a new record holds "" in a secret (nothing to hide)


def _same(old: Any, new: Any) -> bool:
    if old in ("", None) and new in ("", None):
        return True
    return bool(old == new)


def _defaults(record: Person | Check, fields: list[str]) -> dict[str, Any]:
    """The values of a new record's fields before a row sets any."""
    return {name: getattr(record, name) for name in fields}


@dataclass
class _Changes:
    """What one chunk writes."""

    new_people: list[dict[str, Any]] = field(default_factory=list)
    new_checks: list[dict[str, Any]] = field(default_factory=list)
    # The new person (index in new_people) of each new check whose person is new too.
    owners: dict[int, int] = field(default_factory=dict)
    # Updates grouped by the columns they set (one UPDATE run each).
    people_updates: dict[tuple[str, ...], list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list))
    check_updates: dict[tuple[str, ...], list[dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(list))
    # Sites replaced: (the person's id, or None for a new person and then its place in
    # new_people (-1 otherwise); the site ids).
    site_sets: list[tuple[int | None, int, list[int]]] = field(default_factory=list)
    written: set[int] = field(default_factory=set)  # ids of people known to be written
    events: list[dict[str, Any]] = field(default_factory=list)
    # The new person (index in new_people) each event is about, when that person is new:
    # its subject is set once the person's id is known.
    event_owners: dict[int, int] = field(default_factory=dict)
    # For people.hooks: the changes of people already recorded, and the watched values of
    # each new person (its place in new_people: its id is known once inserted).
    person_changes: list[PersonChange] = field(default_factory=list)
    new_watched: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


@dataclass
class _Writer:
    school: School
    actor: Any
    result: ImportResult
    write: bool
    site_names: dict[int, str]
    now: datetime = field(default_factory=timezone.now)
    # People written (added, changed, or a check of theirs added or changed): their stored
    # missing-check facts are recomputed once at the end. None once there are more than
    # one UPDATE takes: the whole school's are (and the ids are not held).
    written: set[int] | None = field(default_factory=set)
    people: Table = field(default_factory=lambda: Table(Person))
    checks: Table = field(default_factory=lambda: Table(Check))
    person_defaults: dict[str, Any] = field(
        default_factory=lambda: _defaults(Person(kind=""), PERSON_FIELDS))
    check_defaults: dict[str, Any] = field(
        default_factory=lambda: _defaults(Check(), CHECK_FIELDS))

    def chunk(self, rows: list[tuple[RowData, int | None]]) -> None:
        stored = stored_people(pk for _, pk in rows if pk)
        out = _Changes()
        for row, pk in rows:
            headings = self._add(row, out) if pk is None else \
                self._update(row, stored[pk], out)
            self._count(row, pk, headings)
        if self.write:
            self._save(out)

    # ------------------------------------------------------------------ comparing

    def _add(self, row: RowData, out: _Changes) -> list[str]:
        values = {**self.person_defaults, **row.person}
        public_id = uuid.uuid4()
        index = len(out.new_people)
        out.new_people.append({
            "school_id": self.school.pk, "public_id": public_id, **values,
            "name_key": derive.name_key(values["full_name"]),
            "date_of_birth_hash": row.dob_hash, "version": 1})
        if row.sites:
            out.site_sets.append((None, index, row.sites))
        out.new_watched.append((index, {name: values[name] for name in WATCHED}))
        values["sites"] = self._names(row.sites or [])  # after the row to insert is built
        out.event_owners[len(out.events)] = index
        out.events.append(self._event("people.person.created", "people.person", public_id,
                                      values["full_name"], _NEW_PERSON.text(values)))
        for check_type, given in row.checks.items():
            self._new_check(None, index, values["full_name"], check_type, given, out)
        return []

    def _update(self, row: RowData, person: StoredPerson, out: _Changes) -> list[str]:
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        headings: list[str] = []
        for name, value in row.person.items():
            if name == "date_of_birth":  # compared by its keyed hash, never decrypted
                old, compared = person["date_of_birth_hash"] or None, row.dob_hash
            else:
                old, compared = person[name], value
            if not _same(old, compared):
                before[name], after[name] = old, compared
                headings.append(heading_of(name))
        changes = diff(before, after, secret_fields=PERSON_SECRET_FIELDS) if headings \
            else Changes()
        full_name = after.get("full_name", person["full_name"])
        if row.sites is not None and person.sites != row.sites:
            out.site_sets.append((person["pk"], -1, row.sites))
            headings.append("Sites")
            changes["sites"] = {"before": self._names(person.sites),
                                "after": self._names(row.sites)}
        if changes:
            update = {"pk": person["pk"], **{name: row.person[name] for name in before},
                      "name_key": derive.name_key(full_name),
                      "date_of_birth_hash": after.get("date_of_birth",
                                                      person["date_of_birth_hash"]),
                      "version": derive.next_version(person["version"]),
                      "updated_at": self.now}
            out.people_updates[tuple(sorted(update))].append(update)
            out.written.add(person["pk"])
            out.events.append(self._event("people.person.updated", "people.person",
                                          person["public_id"], full_name, changes,
                                          person_id=person["pk"]))
            if any(name in before for name in WATCHED):
                out.person_changes.append(person_change(
                    person_id=person["pk"], school_id=self.school.pk,
                    old={name: person[name] for name in WATCHED},
                    new={name: after.get(name, person[name]) for name in WATCHED}))
        for check_type, given in row.checks.items():
            check = person.checks.get(check_type)
            if check is None:
                headings.extend(self._new_check(person["pk"], -1, full_name, check_type,
                                                given, out))
            else:
                headings.extend(self._changed_check(check, full_name, given, out))
        return headings

    def _new_check(self, person_id: int | None, owner: int, full_name: str,
                   check_type: str, given: dict[str, Any], out: _Changes) -> list[str]:
        # "no" on its own does not record a check nobody has started.
        if not any(v is not False for v in given.values()):
            return []
        values = {**self.check_defaults, "status": Check.Status.PENDING, **given}
        public_id = uuid.uuid4()
        if person_id is None:
            out.owners[len(out.new_checks)] = owner
            out.event_owners[len(out.events)] = owner
        else:
            out.written.add(person_id)
        number = values["dbs_certificate_number"]  # as read: normalised
        out.new_checks.append({
            "school_id": self.school.pk, "person_id": person_id, "check_type": check_type,
            "public_id": public_id, **values,
            "dbs_certificate_hash": derive.dbs_certificate_hash(number) if number else "",
            "version": 1})
        out.events.append(self._event(
            "people.check.created", "people.check", public_id,
            self._check_label(check_type, full_name), _NEW_CHECK[check_type].text(values),
            person_id=person_id))
        self.result.checks_added += 1
        return [f"{CHECK_PREFIXES[check_type]} (new)"]

    def _changed_check(self, check: dict[str, Any], full_name: str, given: dict[str, Any],
                       out: _Changes) -> list[str]:
        check_type = check["check_type"]
        values = dict(given)
        if values.get("status") == Check.Status.PENDING:
            values["done_on"] = None  # pending means not done: no date done
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        headings = []
        for name, value in values.items():
            if name in ENCRYPTED:  # compared by its keyed hash, never decrypted
                old, compared = check[ENCRYPTED[name]], derive.dbs_certificate_hash(value)
            else:
                old, compared = check[name], value
            if not _same(old, compared):
                before[name], after[name] = old, compared
                headings.append(heading_of(name, check_type))
        if not headings:  # nothing set
            return []
        changes = diff(_audited(before, list(before)), _audited(after, list(after)),
                       secret_fields=CHECK_SECRET_FIELDS)
        if not changes:
            return []
        update = {"pk": check["pk"], **{name: values[name] for name in changes},
                  "dbs_certificate_hash": after.get("dbs_certificate_number",
                                                    check["dbs_certificate_hash"]),
                  "version": derive.next_version(check["version"]), "updated_at": self.now}
        out.check_updates[tuple(sorted(update))].append(update)
        out.written.add(check["person_id"])
        out.events.append(self._event("people.check.updated", "people.check",
                                      check["public_id"],
                                      self._check_label(check_type, full_name), changes,
                                      person_id=check["person_id"]))
        self.result.checks_updated += 1
        return headings

    def _count(self, row: RowData, pk: int | None, changed: list[str]) -> None:
        if pk is None:
            self.result.added += 1
        elif changed:
            self.result.updated += 1
        else:
            self.result.unchanged += 1
            return
        if len(self.result.preview) < PREVIEW_ROWS:
            self.result.preview.append(PreviewRow(
                row.number, row.name, "add" if pk is None else "update",
                [] if pk is None else changed))

    def _names(self, site_ids: list[int]) -> list[str]:
        return sorted(self.site_names.get(pk, str(pk)) for pk in site_ids)

    @staticmethod
    def _check_label(check_type: str, full_name: str) -> str:
        return f"{_CHECK_LABELS[check_type]} for {full_name}"

    def _event(self, action: str, target_type: str, public_id: Any, label: str,
               changes: dict[str, Any] | str, *, person_id: int | None = None
               ) -> dict[str, Any]:
        """An event about a person (its label names them, so it is sealed under their key);
        its changes as a dict, or a new record's as their text already. A new person's
        subject is set by ``_save`` once their id is known."""
        event = {"action": action, "school": self.school, "actor": self.actor,
                 "target_type": target_type, "target_id": str(public_id),
                 "target_label": label,
                 ("changes_json" if type(changes) is str else "changes"): changes}
        if person_id is not None:
            event["subject"] = ("people.person", str(person_id))
        return event

    # ------------------------------------------------------------------ writing

    def _save(self, out: _Changes) -> None:
        ids = self.people.insert(out.new_people, returning=True)
        for position, owner in out.owners.items():
            out.new_checks[position]["person_id"] = ids[owner]
        for position, owner in out.event_owners.items():
            out.events[position]["subject"] = ("people.person", str(ids[owner]))
        for columns, updates in out.people_updates.items():
            self.people.update(updates, [name for name in columns if name != "pk"])
        self.checks.insert(out.new_checks)
        for columns, updates in out.check_updates.items():
            self.checks.update(updates, [name for name in columns if name != "pk"])
        if self.written is not None:
            self.written.update(ids)
            self.written.update(out.written)
            if len(self.written) > missing_checks.CHUNK:
                self.written = None
        if out.site_sets:
            through = Person.sites.through
            through.objects.filter(
                person_id__in=[pk for pk, _, _ in out.site_sets if pk]).delete()
            Table(through).insert([{"person_id": ids[owner] if pk is None else pk,
                                    "site_id": site_id}
                                   for pk, owner, site_ids in out.site_sets
                                   for site_id in site_ids])
        audit_record_many(out.events)
        person_changes_notify(
            school=self.school, actor=self.actor,
            changes=[*(person_change(person_id=ids[index], school_id=self.school.pk, old=None,
                                     new=watched) for index, watched in out.new_watched),
                     *out.person_changes])


class _NothingWritten(Exception):
    """The file had problems: roll back whatever was written before they were found."""


def _run(source: Source, school: School, actor: Any, result: ImportResult, *, write: bool,
         progress: Progress | None, expected_rows: int) -> set[int] | None:
    """Read, check and compare (and when ``write``, write) every row; returns the ids of
    the people written (None: too many to hold, see ``_Writer.written``). Problems go to
    ``result.problems``; after the first, rows are only checked."""
    problems = ProblemList()
    index = Index(school)
    matcher = _Matcher(index, problems)
    writer = _Writer(school, actor, result, write, index.sites.names)
    chunk: list[tuple[RowData, int | None]] = []
    rows = 0
    what = "Checking and writing" if write else "Checking the file"
    for row, had_problems in rows_of(source, problems, index.sites):
        pk = matcher.match(row, cells_ok=not had_problems)
        rows += 1
        if not problems:
            chunk.append((row, pk))
            if len(chunk) == CHUNK_ROWS:
                writer.chunk(chunk)
                chunk = []
        if progress and rows % PROGRESS_EVERY == 0:
            progress(rows, expected_rows, what)
    if not rows and not problems:
        problems.append(Problem(0, "", "The file has headings but no rows of people."))
    result.rows = rows
    if problems:
        result.problems = _sorted(problems)
        return set()
    if chunk:
        writer.chunk(chunk)
    return writer.written


def _sorted(problems: ProblemList) -> ProblemList:
    """In the order of the file (the first problems kept, and the count of the others)."""
    problems.sort(key=lambda p: (p.row, column_order(p.column)))
    return problems


def _refused(result: ImportResult) -> ImportResult:
    """The result of a file with problems: what was found, and no counts of changes."""
    return ImportResult(file_format=result.file_format, rows=result.rows,
                        problems=result.problems, notes=result.notes)


def people_import(path: Path | str, *, school: School, actor: Any, dry_run: bool = False,
                  progress: Progress | None = None, expected_rows: int = 0,
                  filename: str = "") -> ImportResult:
    """Check a file of people and, unless ``dry_run`` or anything is wrong, write it.

    Raises ImportFileError when the file cannot be read at all; otherwise returns the result,
    whose ``problems`` list every wrong cell (and then nothing was written).
    """
    result = ImportResult()
    source = open_source(Path(path), result.notes)
    result.file_format = source.file_format
    if dry_run:
        _run(source, school, actor, result, write=False, progress=progress,
             expected_rows=expected_rows)
        return result if result.ok else _refused(result)
    try:
        with transaction.atomic():
            _write(source, school, actor, result, progress, expected_rows,
                   filename or Path(path).name)
    except _NothingWritten:
        return _refused(result)
    except IntegrityError:
        # Another import or edit added the same staff number meanwhile: nothing was saved.
        raise ImportFileError("Someone changed the people of the school while the file was "
                              "being imported, so nothing was saved. Try again.") from None
    return result


def _write(source: Source, school: School, actor: Any, result: ImportResult,
           progress: Progress | None, expected_rows: int, filename: str) -> None:
    written = _run(source, school, actor, result, write=True, progress=progress,
                   expected_rows=expected_rows)
    if not result.ok:
        raise _NothingWritten
    missing_checks.refresh_missing_checks(school.pk, written)
    changed = result.added + result.updated
    refresh_statistics_after_commit([Person, Check], rows=changed)
    if changed:
        audit_record_many([{
            "action": "people.import.applied", "school": school, "actor": actor,
            "target_type": "tenancy.school", "target_id": str(school.public_id),
            "target_label": str(school),
            "changes": diff(None, {
                "file": filename, "rows": result.rows,
                "added": result.added, "updated": result.updated,
                "unchanged": result.unchanged, "checks_added": result.checks_added,
                "checks_updated": result.checks_updated}),
        }])
    result.written = True
