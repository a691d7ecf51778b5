"""Reads of the Single Central Record: one row per person, one cell per check.

Whether each check is required comes from the rules engine (``rules.required_checks``,
in Python for the rows read: building the same decision in SQL, a CASE per check type,
cost more than the page's queries); who is incomplete, from the facts each person keeps of
it (``INCOMPLETE``); what was done and the exceptions come from the person's Check and
CheckOverride rows, read in one query each for a page. A page therefore costs the same
number of queries whatever the number of people. People, checks and exceptions are read as
plain values, not model instances: a page reads about 300 rows, and building a model (and
prefetching into it) for each cost more than the rest of the page's reading. The columns
shown depend only on the member's level (``visibility.school_level``): the page, the
spreadsheet and the PDF all read ``record_columns`` so that they show the same things to the
same member.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from typing import Any, NamedTuple
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from schoolkeep.people.models import Check, CheckOverride, CheckType, Person, PersonKind
from schoolkeep.people.rules.rule_sets import CONDITION_FIELDS, RuleSet, required_checks
from schoolkeep.people.selectors import current_q, leaver_cutoff, leavers_q
from schoolkeep.people.visibility import Level
from schoolkeep.tenancy.models import School, Site

# People missing a required check: the facts each person keeps (people.missing_checks),
# equal to ``rules.incomplete_q`` without applying every rule to every person.
INCOMPLETE = Q(checks_missing=True) | Q(agency_confirmation_missing=True)
PER_PAGE = 50
EXPORT_CHUNK = 500

DONE = "done"
PENDING = "pending"
MISSING = "missing"
NOT_REQUIRED = "not_required"
STATE_LABELS = {DONE: "Done", PENDING: "Pending", MISSING: "Missing",
                NOT_REQUIRED: "Not required"}
# (check type, label) of every check, in the record's order; ``CheckType.choices`` builds
# the list anew at each call.
CHECK_TYPES: list[tuple[str, str]] = CheckType.choices
CHECK_DONE = Check.Status.DONE.value  # a plain str: compared 500 times a page


@dataclass(frozen=True)
class RecordFilters:
    """What the record shows: current people or the archive of leavers, all or only the
    incomplete, of one kind, at one site."""

    incomplete: bool = False
    kind: str = ""
    site: Site | None = None
    archive: bool = False

    def as_params(self) -> dict[str, str]:
        """The filters as plain values (query string, hidden fields, a task's arguments)."""
        params = {}
        if self.incomplete:
            params["incomplete"] = "1"
        if self.kind:
            params["kind"] = self.kind
        if self.site is not None:
            params["site"] = str(self.site.public_id)
        if self.archive:
            params["archive"] = "1"
        return params

    @property
    def description(self) -> str:
        parts = ["Leavers in the archive" if self.archive else "Current people"]
        if self.incomplete:
            parts.append("with a missing check")
        if self.kind:
            parts.append(f"of kind {PersonKind(self.kind).label.lower()}")
        if self.site is not None:
            parts.append(f"at {self.site.name}")
        return " ".join(parts)


class RecordCell(NamedTuple):
    """One check of one person (a tuple: a page makes 500 of them)."""

    check_type: str
    label: str
    state: str  # DONE, PENDING, MISSING or NOT_REQUIRED
    required: bool
    done_on: date | None = None
    checked_by: str = ""
    certificate_number: str = ""

    @property
    def missing(self) -> bool:
        return self.required and self.state != DONE

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


# What the rules read of a person (rules.CONDITION_FIELDS), in a fixed order.
CONDITIONS = tuple(name for name in CONDITION_FIELDS.values() if name is not None)
PERSON_FIELDS = ("pk", "public_id", "full_name", "kind", "job_title", "start_date",
                 "leaving_date", *CONDITIONS)
KIND_LABELS = dict(PersonKind.choices)


@dataclass(frozen=True, slots=True)
class RecordPerson:
    """A person as the record reads them: the values of ``PERSON_FIELDS``, not a model."""

    pk: int
    public_id: UUID
    full_name: str
    kind: str
    job_title: str
    start_date: date | None
    leaving_date: date | None
    conditions: tuple[bool, ...]  # the values of CONDITIONS

    @classmethod
    def from_values(cls, values: Sequence[Any]) -> RecordPerson:
        pk, public_id, full_name, kind, job_title, start_date, leaving_date = values[:7]
        return cls(pk, public_id, full_name, kind, job_title, start_date, leaving_date,
                   conditions=tuple(values[7:]))

    def get_kind_display(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class RecordRow:
    person: RecordPerson
    cells: list[RecordCell]
    # Labels of the required checks not done: why the person is incomplete.
    missing: list[str]

    @property
    def incomplete(self) -> bool:
        return bool(self.missing)

    @property
    def kind_and_post(self) -> str:
        kind = self.person.get_kind_display()
        return f"{kind}: {self.person.job_title}" if self.person.job_title else kind


@dataclass(frozen=True)
class Column:
    """One column of the record. ``check_type`` is set for a check's column; ``detail`` says
    which part of the check a flat export (the spreadsheet) shows in it."""

    key: str
    heading: str
    check_type: str = ""
    detail: str = ""  # "", "checked_by" or "certificate_number"


@dataclass(frozen=True)
class RecordLayout:
    """What a member at ``level`` sees of the record, for the page, the PDF and the
    spreadsheet alike."""

    level: Level
    archive: bool
    check_types: list[tuple[str, str]] = field(default_factory=lambda: list(CHECK_TYPES))

    @property
    def sensitive(self) -> bool:
        """Certificate numbers and who carried out each check."""
        return self.level >= Level.SENSITIVE

    def person_columns(self) -> list[Column]:
        columns = [Column("name", "Name"), Column("kind_and_post", "Kind and post"),
                   Column("start_date", "Start date")]
        if self.archive:
            columns.append(Column("leaving_date", "Leaving date"))
        return columns

    def flat_columns(self) -> list[Column]:
        """Every column of a flat table (the spreadsheet): one per detail shown."""
        columns = self.person_columns()
        for check_type, label in self.check_types:
            columns.append(Column(check_type, label, check_type=check_type))
            if self.sensitive:
                if check_type == CheckType.ENHANCED_DBS:
                    columns.append(Column(f"{check_type}.certificate_number",
                                          f"{label}: certificate number",
                                          check_type=check_type, detail="certificate_number"))
                columns.append(Column(f"{check_type}.checked_by", f"{label}: checked by",
                                      check_type=check_type, detail="checked_by"))
        columns.append(Column("missing", "Missing checks"))
        return columns


def record_layout(level: Level, *, archive: bool = False) -> RecordLayout:
    if level < Level.RECORD:
        raise ValueError("The Single Central Record needs the record level or above.")
    return RecordLayout(level=level, archive=archive)


def _people(*, school: School, rule_set: RuleSet, filters: RecordFilters,
            today: date | None) -> QuerySet[Person]:
    """The people the filters select, without the record's columns."""
    today = today or timezone.localdate()
    people = Person.objects.filter(school=school)
    if filters.archive:
        people = people.filter(leavers_q(today, leaver_cutoff(school, today)))
    else:
        people = people.filter(current_q(today))
    if filters.kind:
        people = people.filter(kind=filters.kind)
    if filters.site is not None:
        people = people.filter(sites=filters.site)
    if filters.incomplete:
        people = people.filter(INCOMPLETE)
    return people


def _person_values(people: QuerySet[Person]) -> QuerySet[Person, tuple[object, ...]]:
    """The people in the record's order, as ``RecordPerson`` values (the date of birth, never
    shown, is not read, so not decrypted)."""
    return people.order_by("name_key", "pk").values_list(*PERSON_FIELDS)


class Requirements:
    """Which checks each person of a page or an export needs.

    The rules read only a person's kind and conditions, so ``rules.required_checks`` is
    asked once for each (kind, conditions) met, not once per person (a page has a handful);
    the person's own exceptions to the rules then win, as they do in ``required_checks``.
    """

    def __init__(self, rule_set: RuleSet) -> None:
        self.rule_set = rule_set
        self._by_rules: dict[tuple[str, tuple[bool, ...]], dict[str, bool]] = {}

    def of(self, person: RecordPerson, exceptions: dict[str, bool]) -> dict[str, bool]:
        key = (person.kind, person.conditions)
        by_rules = self._by_rules.get(key)
        if by_rules is None:
            alike = Person(kind=person.kind, **dict(zip(CONDITIONS, person.conditions,
                                                                strict=True)))
            by_rules = {check_type: required for check_type, (required, _why)
                        in required_checks(alike, self.rule_set).items()}
            self._by_rules[key] = by_rules
        return {**by_rules, **exceptions} if exceptions else by_rules


# A check as the record reads it: (status, done on, checked by, certificate number).
CheckValues = tuple[str, date | None, str, str]


def _checks_of(ids: list[int], *, sensitive: bool) -> dict[int, dict[str, CheckValues]]:
    """{person id: {check type: its values}} in one query. Who carried out each check and
    certificate numbers are read (and decrypted) only when ``sensitive``."""
    found: dict[int, dict[str, CheckValues]] = {}
    checks = Check.objects.filter(person_id__in=ids).order_by()
    if sensitive:
        rows = checks.values_list("person_id", "check_type", "status", "done_on",
                                  "checked_by", "dbs_certificate_number")
        for person_id, check_type, status, done_on, checked_by, number in rows:
            found.setdefault(person_id, {})[check_type] = (status, done_on, checked_by, number)
    else:
        for person_id, check_type, status, done_on in checks.values_list(
                "person_id", "check_type", "status", "done_on"):
            found.setdefault(person_id, {})[check_type] = (status, done_on, "", "")
    return found


def _exceptions_of(ids: list[int]) -> dict[int, dict[str, bool]]:
    """{person id: {check type: required}}: the exceptions to the rules, in one query."""
    found: dict[int, dict[str, bool]] = {}
    for person_id, check_type, required in CheckOverride.objects.filter(
            person_id__in=ids).order_by().values_list("person_id", "check_type", "required"):
        found.setdefault(person_id, {})[check_type] = required
    return found


def record_row(person: RecordPerson, checks: dict[str, CheckValues],
               required_by_type: dict[str, bool], *, sensitive: bool = False) -> RecordRow:
    """A person with their checks and what they need as a row; certificate numbers and who
    carried out each check only when ``sensitive``."""
    cells = []
    missing = []
    for check_type, label in CHECK_TYPES:
        required = required_by_type[check_type]
        check = checks.get(check_type)
        if check is None:
            cell = RecordCell(check_type, label, MISSING if required else NOT_REQUIRED,
                              required)
        elif sensitive:
            status, done_on, checked_by, number = check
            cell = RecordCell(check_type, label, DONE if status == CHECK_DONE else PENDING,
                              required, done_on, checked_by,
                              number if check_type == CheckType.ENHANCED_DBS else "")
        else:
            cell = RecordCell(check_type, label, DONE if check[0] == CHECK_DONE else PENDING,
                              required, check[1])
        if required and cell.state != DONE:
            missing.append(label)
        cells.append(cell)
    return RecordRow(person=person, cells=cells, missing=missing)


def _rows(people: list[RecordPerson], *, requirements: Requirements,
          sensitive: bool) -> list[RecordRow]:
    """Rows for these people (two queries: their checks, their exceptions; none for no
    one)."""
    if not people:
        return []
    ids = [person.pk for person in people]
    checks = _checks_of(ids, sensitive=sensitive)
    exceptions = _exceptions_of(ids)
    return [record_row(person, checks.get(person.pk, {}),
                       requirements.of(person, exceptions.get(person.pk, {})),
                       sensitive=sensitive)
            for person in people]


@dataclass(frozen=True)
class RecordPage:
    page: Page
    rows: list[RecordRow]


def record_rows(*, school: School, rule_set: RuleSet, filters: RecordFilters,
                sensitive: bool = False, page: int | str | None = 1, per_page: int = PER_PAGE,
                today: date | None = None) -> RecordPage:
    """One page of the record (four queries: the count, the people, their checks, their
    exceptions)."""
    people = _people(school=school, rule_set=rule_set, filters=filters, today=today)
    found = Paginator(_person_values(people), per_page).get_page(page)
    on_page = [RecordPerson.from_values(values) for values in found.object_list]
    return RecordPage(page=found, rows=_rows(on_page, requirements=Requirements(rule_set),
                                             sensitive=sensitive))


def record_count(*, school: School, rule_set: RuleSet, filters: RecordFilters,
                 today: date | None = None) -> int:
    return _people(school=school, rule_set=rule_set, filters=filters, today=today).count()


def record_iter(*, school: School, rule_set: RuleSet, filters: RecordFilters,
                sensitive: bool = False, today: date | None = None,
                chunk_size: int = EXPORT_CHUNK) -> Iterator[RecordRow]:
    """Every row of the record, read in chunks (for exports of any size)."""
    people = _person_values(_people(school=school, rule_set=rule_set, filters=filters,
                                    today=today))
    requirements = Requirements(rule_set)
    values = people.iterator(chunk_size=chunk_size)
    while chunk := [RecordPerson.from_values(row) for row in islice(values, chunk_size)]:
        yield from _rows(chunk, requirements=requirements, sensitive=sensitive)


def flat_value(row: RecordRow, column: Column) -> object:
    """The value of a flat table's cell: text, a date or None."""
    person = row.person
    if column.key == "name":
        return person.full_name
    if column.key == "kind_and_post":
        return row.kind_and_post
    if column.key == "start_date":
        return person.start_date
    if column.key == "leaving_date":
        return person.leaving_date
    if column.key == "missing":
        return ", ".join(row.missing)
    cell = next(cell for cell in row.cells if cell.check_type == column.check_type)
    if column.detail == "checked_by":
        return cell.checked_by
    if column.detail == "certificate_number":
        return cell.certificate_number
    if cell.state == DONE:
        return cell.done_on
    return cell.state_label
