"""Comparing rows with the record and writing the changes in bulk, audited."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record_many, diff, snapshot
from schoolkeep.lib.bulk import Table
from schoolkeep.lib.db_statistics import refresh_statistics_after_commit
from schoolkeep.lib.import_bounds import ProblemList
from schoolkeep.lib.tabular import ImportFileError, Source, open_source
from schoolkeep.people import derive
from schoolkeep.people.imports.columns import CHECK_PREFIXES, column_order, heading_of
from schoolkeep.people.imports.matching import PROGRESS_EVERY, Index, Validation, validate
from schoolkeep.people.imports.reading import RowData, Sites, rows_of
from schoolkeep.people.imports.results import (
    ImportResult,
    PreviewRow,
    Progress,
)
from schoolkeep.people.missing_checks import refresh_missing_checks
from schoolkeep.people.models import Check, Person
from schoolkeep.people.services import (
    CHECK_SECRET_FIELDS,
    PERSON_FIELDS,
    PERSON_SECRET_FIELDS,
    check_fields_for,
)
from schoolkeep.tenancy.models import School

CHUNK_ROWS = 500
PREVIEW_ROWS = 20


def _values(record: Person | Check, fields: list[str]) -> dict[str, Any]:
    """The audited values of a record, as the people services record them."""
    values = snapshot(record, fields)
    for name in (*PERSON_SECRET_FIELDS, *CHECK_SECRET_FIELDS):
        if name in values:
            values[name] = values[name] or None  # a new record holds "" (nothing to hide)
    return values


def _same(old: Any, new: Any) -> bool:
    if old in ("", None) and new in ("", None):
        return True
    return bool(old == new)


@dataclass
class _Writer:
    school: School
    actor: Any
    result: ImportResult
    write: bool
    site_names: dict[int, str]
    now: datetime = field(default_factory=timezone.now)
    # People written (added, changed, or a check of theirs added or changed): their stored
    # missing-check facts are recomputed once at the end.
    written: set[int] = field(default_factory=set)
    check_labels: dict[str, str] = field(default_factory=dict)  # by check type, as displayed

    def chunk(self, rows: list[tuple[RowData, int | None]]) -> None:
        existing = Person.objects.filter(pk__in=[pk for _, pk in rows if pk]) \
            .prefetch_related("checks", "sites").in_bulk()
        new_people: list[Person] = []
        changed_people: list[Person] = []
        person_fields: set[str] = set()
        new_checks: list[Check] = []
        changed_checks: list[Check] = []
        check_fields: set[str] = set()
        site_sets: list[tuple[Person, list[int]]] = []
        events: list[dict[str, Any]] = []
        for row, pk in rows:
            person = existing[pk] if pk else Person(school=self.school, kind="")
            changed_headings: list[str] = []
            before = {} if pk is None else _values(person, PERSON_FIELDS)
            for name, value in row.person.items():
                if not _same(getattr(person, name), value):
                    setattr(person, name, value)
                    changed_headings.append(heading_of(name))
            # Nothing set, nothing to compare (most rows of a file imported again).
            changes = {} if pk is None or not changed_headings else diff(
                before, _values(person, PERSON_FIELDS), secret_fields=PERSON_SECRET_FIELDS)
            if row.sites is not None:
                old_sites = sorted(s.pk for s in person.sites.all()) if pk else []
                if old_sites != row.sites:
                    site_sets.append((person, row.sites))
                    changed_headings.append("Sites")
                    changes["sites"] = {"before": self._names(old_sites),
                                        "after": self._names(row.sites)}
            if pk is None:
                derive.person_derive(person)
                person.version = 1
                new_people.append(person)
                after = {**_values(person, PERSON_FIELDS),
                         "sites": self._names(row.sites or [])}
                events.append(self._event("people.person.created", person, diff(
                    None, after, secret_fields=PERSON_SECRET_FIELDS)))
            elif changes:
                derive.person_derive(person)
                person.version = derive.next_version(person.version)
                person.updated_at = self.now
                person_fields.update(k for k in changes if k != "sites")
                changed_people.append(person)
                events.append(self._event("people.person.updated", person, changes))
            checks = {c.check_type: c for c in person.checks.all()} if pk else {}
            for check_type, values in row.checks.items():
                headings = self._check(person, checks.get(check_type), check_type, values,
                                       new_checks, changed_checks, check_fields, events)
                changed_headings.extend(headings)
            self._count(row, pk, changed_headings)
        if self.write:
            self._save(new_people, changed_people, person_fields, new_checks, changed_checks,
                       check_fields, site_sets, events)

    def _check(self, person: Person, check: Check | None, check_type: str,
               values: dict[str, Any], new_checks: list[Check], changed_checks: list[Check],
               check_fields: set[str], events: list[dict[str, Any]]) -> list[str]:
        values = dict(values)
        fields = check_fields_for(check_type)
        if check is None:
            # "no" on its own does not record a check nobody has started.
            if not any(v is not False for v in values.values()):
                return []
            check = Check(school=self.school, person=person, check_type=check_type)
            values.setdefault("status", Check.Status.PENDING)
            for name, value in values.items():
                setattr(check, name, value)
            derive.check_derive(check)
            check.version = 1
            new_checks.append(check)
            events.append(self._event("people.check.created", check, diff(
                None, _values(check, fields), secret_fields=CHECK_SECRET_FIELDS)))
            self.result.checks_added += 1
            return [f"{CHECK_PREFIXES[check_type]} (new)"]
        if values.get("status") == Check.Status.PENDING:
            values["done_on"] = None  # pending means not done: no date done
        before = _values(check, fields)
        headings = []
        for name, value in values.items():
            old = getattr(check, name)
            if name == "dbs_certificate_number":
                old = derive.normalise_dbs_number(old)
            if not _same(old, value):
                setattr(check, name, value)
                headings.append(heading_of(name, check_type))
        if not headings:  # nothing set
            return []
        changes = diff(before, _values(check, fields), secret_fields=CHECK_SECRET_FIELDS)
        if not changes:
            return []
        derive.check_derive(check)
        check.version = derive.next_version(check.version)
        check.updated_at = self.now
        check_fields.update(changes)
        changed_checks.append(check)
        events.append(self._event("people.check.updated", check, changes))
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

    def _event(self, action: str, target: Person | Check, changes: dict[str, Any]) -> dict[
            str, Any]:
        if isinstance(target, Person):
            label = str(target)
        else:
            kind = self.check_labels.get(target.check_type)
            if kind is None:
                kind = self.check_labels[target.check_type] = target.get_check_type_display()
            label = f"{kind} for {target.person.full_name}"
        return {"action": action, "school": self.school, "actor": self.actor,
                "target": target, "target_label": label, "changes": changes}

    def _save(self, new_people: list[Person], changed_people: list[Person],
              person_fields: set[str], new_checks: list[Check], changed_checks: list[Check],
              check_fields: set[str], site_sets: list[tuple[Person, list[int]]],
              events: list[dict[str, Any]]) -> None:
        people = Table(Person)
        ids = people.insert([people.values_of(person) for person in new_people],
                            returning=True)
        for person, pk in zip(new_people, ids, strict=True):
            person.pk = pk
            person._state.adding, person._state.db = False, people.connection.alias
        if changed_people:
            fields = sorted(person_fields | {"name_key", "date_of_birth_hash", "version",
                                             "updated_at"})
            people.update_instances(changed_people, fields)
        checks = Table(Check)
        for check in new_checks:
            check.person_id = check.person.pk
        checks.insert([checks.values_of(check) for check in new_checks])
        if changed_checks:
            fields = sorted(check_fields | {"dbs_certificate_hash", "version", "updated_at"})
            checks.update_instances(changed_checks, fields)
        self.written.update(person.pk for person in (*new_people, *changed_people))
        self.written.update(check.person_id for check in (*new_checks, *changed_checks))
        if site_sets:
            through = Person.sites.through
            through.objects.filter(person_id__in=[p.pk for p, _ in site_sets if p.pk]).delete()
            Table(through).insert([{"person_id": person.pk, "site_id": site_id}
                                   for person, site_ids in site_sets for site_id in site_ids])
        audit_record_many(events)


def _apply(source: Source, school: School, actor: Any, matches: list[int | None],
           result: ImportResult, *, write: bool, progress: Progress | None) -> set[int]:
    """Compare (and when ``write``, write) every row; returns the ids of the people
    written."""
    sites = Sites.of(school)
    writer = _Writer(school, actor, result, write, sites.names)
    problems = ProblemList()
    rows = (row for row, _ in rows_of(source, problems, sites))
    done = 0
    for chunk_matches in _chunks(matches, CHUNK_ROWS):
        chunk = [(row, pk) for row, pk in zip(islice(rows, len(chunk_matches)),
                                              chunk_matches, strict=True)]
        writer.chunk(chunk)
        before, done = done, done + len(chunk)
        if progress and done // PROGRESS_EVERY > before // PROGRESS_EVERY:
            progress(done, len(matches), "Writing" if write else "Comparing with the record")
    if problems:  # the file changed between reading it twice
        raise ImportFileError("The file changed while it was being imported. Try again.")
    return writer.written


def _sorted(problems: ProblemList) -> ProblemList:
    """In the order of the file (the first problems kept, and the count of the others)."""
    problems.sort(key=lambda p: (p.row, column_order(p.column)))
    return problems


def _chunks(items: list[int | None], size: int) -> Iterator[list[int | None]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


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
    validation = validate(source, school, progress, expected_rows)
    result.rows = len(validation.matches)
    if validation.problems:
        result.problems = _sorted(validation.problems)
        return result
    if dry_run:
        _apply(source, school, actor, validation.matches, result, write=False,
               progress=progress)
        return result
    try:
        _write(source, school, actor, validation, result, progress, expected_rows,
               filename or Path(path).name)
    except IntegrityError:
        # Another import or edit added the same staff number meanwhile: nothing was saved.
        raise ImportFileError("Someone changed the people of the school while the file was "
                              "being imported, so nothing was saved. Try again.") from None
    return result


def _write(source: Source, school: School, actor: Any, validation: Validation,
           result: ImportResult, progress: Progress | None, expected_rows: int,
           filename: str) -> None:
    with transaction.atomic():
        if Index(school).fingerprint != validation.fingerprint:
            # Someone changed the record since the file was checked: check it again.
            validation = validate(source, school, None, expected_rows)
            result.rows = len(validation.matches)
            if validation.problems:
                result.problems = _sorted(validation.problems)
                return
        written = _apply(source, school, actor, validation.matches, result, write=True,
                         progress=progress)
        refresh_missing_checks(school.pk, written)
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
