"""Importing training records: read the file, find each row's person and course, set aside
the rows already recorded and, unless it is a dry run, add every new record at once.

All or nothing, as every import: any problem (a bad date, a person not found or found twice,
a course the school does not have) and nothing is written; each problem names its row and
column. A row whose record is there already (the same person, course and day, not
withdrawn), or repeats an earlier row of the file, is skipped and listed: importing the same
file again adds nothing. Records are imported as confirmed (the business manager's import
is their confirmation), with the source "Imported". The usual courses are added first when
the school lacks them (only those the file names, by ``_add_defaults``), so a file may name
them by key before anyone opened the Courses page.

Writes are in bulk: records go in as plain rows (``lib.bulk.Table``) a chunk at a time, with
one audit event per record and one for the import, chained in one pass
(``audit_record_many``), their changes written out directly (``NewRecordChanges``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.audit.services import NewRecordChanges, audit_record_many, diff
from schoolkeep.lib.bulk import Table
from schoolkeep.lib.import_bounds import Problem
from schoolkeep.lib.tabular import ImportFileError, open_source
from schoolkeep.lib.text import fold
from schoolkeep.tenancy.guards import actor_label
from schoolkeep.tenancy.models import School
from schoolkeep.training.defaults import COURSE_FIELDS, DEFAULT_COURSES, DefaultCourse
from schoolkeep.training.imports.matching import (
    MISSING,
    CourseIndex,
    NotFound,
    PeopleIndex,
)
from schoolkeep.training.imports.reading import TrainingRow, rows_of
from schoolkeep.training.imports.results import PREVIEW_KEPT, ImportResult, Progress
from schoolkeep.training.models import Course, TrainingRecord

ACTION = "training.import.applied"
CREATED = "training.import.record_added"
ACTION_LABELS = {ACTION: "Training records imported from a file",
                 CREATED: "Training record added by an import"}
CHUNK = 1000
PROGRESS_EVERY = 500
RECORD_TYPE = TrainingRecord._meta.label_lower  # as audit_record names the target's type
AUDITED = ["person", "course", "completed_on", "source", "notes"]
KEPT_MEMBERS = 5_000  # members kept per field (then forgotten: memory stays bounded)


class NewRecordText:
    """``NewRecordChanges(AUDITED).text(values)``, the same text, with each field's member
    kept per value: a file names the same people, courses and days in many rows."""

    def __init__(self) -> None:
        self.singles = [(name, NewRecordChanges([name])) for name in sorted(AUDITED)]
        self.kept: dict[str, dict[Any, str]] = {name: {} for name in AUDITED}

    def text(self, values: dict[str, Any]) -> str:
        parts: list[str] = []
        for name, single in self.singles:
            value = values[name]
            kept = self.kept[name]
            member = kept.get(value)
            if member is None:
                if len(kept) >= KEPT_MEMBERS:
                    kept.clear()
                member = kept[value] = single.text({name: value})[1:-1]  # "{member}"
            if member:
                parts.append(member)
        return "{" + ",".join(parts) + "}"


@dataclass
class _New:
    """A record to add: ids, and the names its audit event gives."""

    row: int
    person_id: int
    person: str
    course_id: int  # MISSING: a usual course added just before the records
    course: str
    completed_on: date
    notes: str


@dataclass
class _Pass:
    """One import's state: what is recorded, what the file adds."""

    school: School
    result: ImportResult
    people: PeopleIndex
    courses: CourseIndex
    recorded: set[tuple[int, int, date]]
    new: list[_New] = field(default_factory=list)
    in_file: dict[tuple[int, int | str, date], int] = field(default_factory=dict)


def _recorded(school: School) -> set[tuple[int, int, date]]:
    """(person, course, day) of the school's records not withdrawn."""
    rows = TrainingRecord.objects.filter(school=school, withdrawn_at__isnull=True).order_by(
        ).values_list("person_id", "course_id", "completed_on")
    return set(rows.iterator(5000))


def _read(path: Path, result: ImportResult, progress: Progress | None,
          expected_rows: int) -> list[TrainingRow]:
    source = open_source(path, result.notes)
    result.file_format = source.file_format
    rows: list[TrainingRow] = []
    for row in rows_of(source, result.problems, result.notes):
        rows.append(row)
        if progress and len(rows) % PROGRESS_EVERY == 0:
            progress(len(rows), expected_rows, "Reading the file")
    result.rows = len(rows)
    return rows


def _shown(day: date) -> str:
    """A day as the preview shows it, like every other page: "3 September 2025"."""
    return f"{day.day} {day:%B %Y}"


def _skip(state: _Pass, row: TrainingRow, person: str, course: str, why: str) -> None:
    result = state.result
    result.skipped += 1
    if len(result.skipping) < PREVIEW_KEPT:
        assert row.completed_on is not None
        result.skipping.append({"row": row.number, "person": person, "course": course,
                                "completed_on": _shown(row.completed_on), "why": why})


def _compare(state: _Pass, rows: list[TrainingRow], progress: Progress | None) -> None:
    """Each row's person and course, then whether its record is new. Every row is
    matched, so that every problem of the file is reported at once."""
    problems = state.result.problems
    for done, row in enumerate(rows, start=1):
        before = problems.total
        person_id = course_id = None
        try:
            person_id = state.people.match(row) if row.who else None
        except NotFound as exc:
            problems.append(Problem(row.number, exc.column, str(exc)))
        course_name = ""
        try:
            if row.course:
                course_id, course_name = state.courses.match(row.course)
        except NotFound as exc:
            problems.append(Problem(row.number, exc.column, str(exc)))
        if problems.total == before and person_id is not None and course_id is not None \
                and row.completed_on is not None:
            _place(state, row, person_id, course_id, course_name)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, len(rows), "Finding the people and courses")


def _place(state: _Pass, row: TrainingRow, person_id: int, course_id: int,
           course_name: str) -> None:
    assert row.completed_on is not None
    person = state.people.names[person_id]
    if course_id != MISSING and (person_id, course_id, row.completed_on) in state.recorded:
        _skip(state, row, person, course_name, "Already recorded.")
        return
    # A usual course not yet added is told apart by its name (it has no id yet).
    file_key = (person_id, course_id or course_name, row.completed_on)
    earlier = state.in_file.setdefault(file_key, row.number)
    if earlier != row.number:
        _skip(state, row, person, course_name, f"The same as row {earlier}.")
        return
    state.new.append(_New(row.number, person_id, person, course_id, course_name,
                          row.completed_on, row.notes))
    result = state.result
    result.added += 1
    if len(result.adding) < PREVIEW_KEPT:
        result.adding.append({"row": row.number, "person": person, "course": course_name,
                              "completed_on": _shown(row.completed_on)})


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _add_defaults(school: School, used: list[DefaultCourse], actor: Any) -> None:
    """Add to ``school`` the usual courses in ``used`` (only those the file named: the
    others are the school's to add from the Courses page), each audited as the course list's
    "add the usual courses" does."""
    new = [Course(school=school, name=default.name, name_key=fold(default.name),
                  topic=default.topic, catalogue_key=default.catalogue_key,
                  provider=default.provider, link=default.link,
                  description=default.description,
                  valid_for_months=default.valid_for_months) for default in used]
    try:
        with transaction.atomic():  # a savepoint: a clash leaves the import's transaction usable
            Course.objects.bulk_create(new)
    except IntegrityError:
        return  # someone added one at the same moment: the caller finds it missing and stops
    audit_record_many([
        {"action": "training.course.created", "school": school, "actor": actor,
         "target": course,
         "changes": diff(None, {name: getattr(course, name) for name in COURSE_FIELDS})}
        for course in new])


def _missing_courses(state: _Pass, actor: Any) -> dict[str, int]:
    """Add the usual courses the file named but the school lacked; their ids by name."""
    if not state.courses.missing_used:
        return {}
    used = [default for default in DEFAULT_COURSES
            if default.name in state.courses.missing_used]
    _add_defaults(state.school, used, actor)
    keys = {default.name: default.catalogue_key for default in used}
    found = dict(Course.objects.filter(
        school=state.school, archived_at__isnull=True,
        catalogue_key__in=keys.values()).values_list("catalogue_key", "pk"))
    if len(found) != len(keys):
        raise ImportFileError("Someone changed the courses while the file was being "
                              "imported, so nothing was saved. Try again.")
    return {name: found[key] for name, key in keys.items()}


def _write(state: _Pass, actor: Any, filename: str, now: datetime) -> None:
    added_courses = _missing_courses(state, actor)
    label = actor_label(actor)
    school, table, changes = state.school, Table(TrainingRecord), NewRecordText()
    for chunk in _chunks(state.new):
        rows: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for new in chunk:
            public_id = uuid.uuid4()
            course_id = new.course_id or added_courses[new.course]
            rows.append({
                "public_id": public_id, "school_id": school.pk, "person_id": new.person_id,
                "course_id": course_id, "completed_on": new.completed_on,
                "source": TrainingRecord.Source.IMPORT.value, "notes": new.notes,
                "confirmed_by_label": label, "recorded_by_label": label, "version": 1})
            events.append({
                "action": CREATED, "school": school, "actor": actor,
                "target_type": RECORD_TYPE, "target_id": str(public_id),
                "subject": ("people.person", str(new.person_id)),
                "target_label": f"{new.person} completed {new.course} on "
                                f"{new.completed_on.isoformat()}",
                "changes_json": changes.text({
                    "person": new.person, "course": new.course,
                    "completed_on": new.completed_on,
                    "source": TrainingRecord.Source.IMPORT.value, "notes": new.notes})})
        table.insert(rows, now=now)
        audit_record_many(events)
    # Confirmed when made, in one statement: the records this import made are the school's
    # unconfirmed imported records made at its time (a time per row cost a tenth of the
    # import in preparing the same value 20,000 times).
    TrainingRecord.objects.filter(
        school=school, source=TrainingRecord.Source.IMPORT, created_at=now,
        confirmed_at__isnull=True, withdrawn_at__isnull=True).update(confirmed_at=now)
    result = state.result
    audit_record_many([{
        "action": ACTION, "school": school, "actor": actor, "target_type": "tenancy.school",
        "target_id": str(school.public_id), "target_label": str(school),
        "changes": diff(None, {"file": filename, "format": result.file_format,
                               "rows": result.rows, "added": result.added,
                               "skipped": result.skipped})}])
    result.written = True


def training_import(path: Path | str, *, school: School, actor: Any, dry_run: bool = False,
                    progress: Progress | None = None, filename: str = "",
                    expected_rows: int = 0) -> ImportResult:
    """Import the training file at ``path`` into ``school``'s records; with ``dry_run``, only
    say what would be added. Raises ImportFileError when the file cannot be read at all (or
    the records changed while it was written); problems of its rows are in the result (and
    nothing is written)."""
    path = Path(path)
    result = ImportResult(dry_run=dry_run)
    rows = _read(path, result, progress, expected_rows)
    now = timezone.now()
    try:
        with transaction.atomic():  # compared and written against the same records
            state = _Pass(school, result, PeopleIndex(school),
                          CourseIndex(school, with_missing_defaults=True), _recorded(school))
            _compare(state, rows, progress)
            if state.courses.missing_used:
                names = ", ".join(sorted(state.courses.missing_used))
                result.notes.append(f"The usual courses the file names are added to the "
                                    f"school's courses first: {names}.")
            if result.ok and not dry_run and state.new:
                _write(state, actor, filename or path.name, now)
    except IntegrityError:
        raise ImportFileError("Someone recorded training while the file was being imported, "
                              "so nothing was saved. Try again.") from None
    if not result.ok:
        result.adding, result.skipping = [], []
    if progress:
        progress(result.rows, result.rows, "Done")
    return result
