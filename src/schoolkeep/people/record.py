"""Reads of the Single Central Record: one row per person, one cell per check.

Whether each check is required comes from the rules engine (``rules.required_checks``,
in Python for the rows read: building the same decision in SQL, a CASE per check type,
cost more than the page's queries); who is incomplete, from the facts each person keeps of
it (``INCOMPLETE``); what was done and the exceptions come from the person's Check and
CheckOverride rows, prefetched in one query each. A page therefore costs the same number
of queries whatever the number of people. The columns shown depend only on the member's level
(``visibility.school_level``): the page, the spreadsheet and the PDF all read
``record_columns`` so that they show the same things to the same member.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from schoolkeep.people.models import Check, CheckOverride, CheckType, Person, PersonKind
from schoolkeep.people.rules import RuleSet, required_checks
from schoolkeep.people.selectors import current_q, leavers_q, people_settings_or_default
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


@dataclass(frozen=True)
class RecordCell:
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


@dataclass(frozen=True)
class RecordRow:
    person: Person
    cells: list[RecordCell]

    @property
    def missing(self) -> list[str]:
        """Labels of the required checks not done: why the person is incomplete."""
        return [cell.label for cell in self.cells if cell.missing]

    @property
    def incomplete(self) -> bool:
        return any(cell.missing for cell in self.cells)

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
    check_types: list[tuple[str, str]] = field(default_factory=lambda: list(CheckType.choices))

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
        retention = people_settings_or_default(school).leaver_retention_years
        people = people.filter(leavers_q(today, retention))
    else:
        people = people.filter(current_q(today))
    if filters.kind:
        people = people.filter(kind=filters.kind)
    if filters.site is not None:
        people = people.filter(sites=filters.site)
    if filters.incomplete:
        people = people.filter(INCOMPLETE)
    return people


def record_queryset(*, school: School, rule_set: RuleSet, filters: RecordFilters,
                    sensitive: bool = False, today: date | None = None) -> QuerySet[Person]:
    """The people of the record with their checks and exceptions prefetched (three queries
    to read). Certificate numbers and who carried out each check are read (and decrypted)
    only when ``sensitive``."""
    people = _people(school=school, rule_set=rule_set, filters=filters, today=today)
    fields = ["person_id", "check_type", "status", "done_on"]
    if sensitive:
        fields += ["checked_by", "dbs_certificate_number"]
    checks = Check.objects.only(*fields).order_by()
    overrides = CheckOverride.objects.only("person_id", "check_type", "required",
                                           "reason").order_by()
    # The record never shows a date of birth: not read, so not decrypted for every row.
    # Prefetched into plain lists (to_attr): into the related managers, Django builds a
    # filtered queryset per person and relation, which cost more than the two queries.
    return (people.defer("date_of_birth")
            .prefetch_related(Prefetch("checks", queryset=checks, to_attr="record_checks"),
                              Prefetch("overrides", queryset=overrides,
                                       to_attr="record_overrides"))
            .order_by("name_key", "pk"))


def record_row(person: Person, *, rule_set: RuleSet, sensitive: bool = False) -> RecordRow:
    """A person of ``record_queryset`` (read with the same ``sensitive``) as a row."""
    checks = {check.check_type: check for check in person.record_checks}  # type: ignore[attr-defined]
    required_by_type = required_checks(person, rule_set,
                                       person.record_overrides)  # type: ignore[attr-defined]
    cells = []
    for check_type, label in CheckType.choices:
        required = required_by_type[check_type][0]
        check = checks.get(check_type)
        if check is not None and check.status == Check.Status.DONE:
            state = DONE
        elif check is not None:
            state = PENDING
        else:
            state = MISSING if required else NOT_REQUIRED
        cells.append(RecordCell(
            check_type=check_type, label=label, state=state, required=required,
            done_on=check.done_on if check is not None else None,
            checked_by=check.checked_by if sensitive and check is not None else "",
            certificate_number=(check.dbs_certificate_number
                                if sensitive and check is not None
                                and check_type == CheckType.ENHANCED_DBS else ""),
        ))
    return RecordRow(person=person, cells=cells)


@dataclass(frozen=True)
class RecordPage:
    page: Page
    rows: list[RecordRow]


def record_rows(*, school: School, rule_set: RuleSet, filters: RecordFilters,
                sensitive: bool = False, page: int | str | None = 1, per_page: int = PER_PAGE,
                today: date | None = None) -> RecordPage:
    """One page of the record (four queries: the count, the people, their checks, their
    exceptions)."""
    people = record_queryset(school=school, rule_set=rule_set, filters=filters,
                             sensitive=sensitive, today=today)
    found = Paginator(people, per_page).get_page(page)
    return RecordPage(page=found, rows=[record_row(person, rule_set=rule_set,
                                                   sensitive=sensitive)
                                        for person in found.object_list])


def record_count(*, school: School, rule_set: RuleSet, filters: RecordFilters,
                 today: date | None = None) -> int:
    return _people(school=school, rule_set=rule_set, filters=filters, today=today).count()


def record_iter(*, school: School, rule_set: RuleSet, filters: RecordFilters,
                sensitive: bool = False, today: date | None = None,
                chunk_size: int = EXPORT_CHUNK) -> Iterator[RecordRow]:
    """Every row of the record, read in chunks (for exports of any size)."""
    people = record_queryset(school=school, rule_set=rule_set, filters=filters,
                             sensitive=sensitive, today=today)
    for person in people.iterator(chunk_size=chunk_size):
        yield record_row(person, rule_set=rule_set, sensitive=sensitive)


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
