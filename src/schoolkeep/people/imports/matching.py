"""Which recorded person each row of an import is, and the problems of matching."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from schoolkeep.lib.import_bounds import Problem, ProblemList
from schoolkeep.people import derive
from schoolkeep.people.imports.reading import RowData, Sites
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import School


@dataclass
class _Known:
    """What matching needs to know of one recorded person (no ORM object)."""

    pk: int
    full_name: str
    staff_number: str
    email: str  # lower-cased
    dob_hash: str
    start_date: date | None
    leaving_date: date | None


class Index:
    def __init__(self, school: School) -> None:
        self.people: dict[int, _Known] = {}
        self.by_staff: dict[str, int] = {}
        self.by_email: dict[str, list[int]] = {}
        self.by_name: dict[str, list[int]] = {}
        self.by_name_dob: dict[tuple[str, str], list[int]] = {}
        rows = Person.objects.filter(school=school).order_by("pk").values_list(
            "pk", "full_name", "name_key", "staff_number", "email", "date_of_birth_hash",
            "start_date", "leaving_date")
        for pk, full_name, key, staff, email, dob_hash, start, leaving in rows.iterator(2000):
            email = (email or "").casefold()
            self.people[pk] = _Known(pk, full_name, staff, email, dob_hash, start, leaving)
            if staff:
                self.by_staff[staff] = pk
            if email:
                self.by_email.setdefault(email, []).append(pk)
            self.by_name.setdefault(key, []).append(pk)
            if dob_hash:
                self.by_name_dob.setdefault((key, dob_hash), []).append(pk)
        self.sites = Sites.of(school)


@dataclass
class _Matcher:
    index: Index
    problems: ProblemList
    staff_rows: dict[str, int] = field(default_factory=dict)
    email_rows: dict[str, int] = field(default_factory=dict)
    matched_rows: dict[int, int] = field(default_factory=dict)
    new_names: dict[str, list[tuple[int, str, date | None]]] = field(default_factory=dict)

    def _problem(self, row: RowData, column: str, message: str) -> None:
        self.problems.append(Problem(row.number, column, message))

    def _one(self, row: RowData, pks: list[int], column: str, what: str) -> int | None:
        if len(pks) > 1:
            names = ", ".join(self.index.people[pk].full_name for pk in pks)
            self._problem(row, column, f"More than one recorded person has this {what} "
                          f"({names}). Give a staff number to say which.")
            return None
        return pks[0] if pks else None

    def match(self, row: RowData, *, cells_ok: bool = True) -> int | None:
        """The recorded person this row is, or None for someone new (problems added).

        A row with a wrong cell is only checked against the other rows (a wrong date of
        birth must not decide whom it matches)."""
        staff = row.person.get("staff_number", "")
        email = row.person.get("email", "").casefold()
        dob = row.person.get("date_of_birth")
        dob_hash = row.dob_hash = derive.date_of_birth_hash(dob)
        key = derive.name_key(row.name)
        errors_before = self.problems.total
        self._within_file(row, staff, email)
        if not cells_ok:
            return None
        if not (staff or email or dob):
            self._problem(row, "Staff number", "Give a staff number, an e-mail or a date of "
                          "birth, so that this person is found again when a file is imported "
                          "later.")
            return None
        pk: int | None = None
        found_by = ""
        if staff and staff in self.index.by_staff:
            pk, found_by = self.index.by_staff[staff], "staff number"
        if pk is None and email:
            pk = self._one(row, self.index.by_email.get(email, []), "Email", "e-mail")
            found_by = "e-mail"
        if pk is None and dob_hash and key:
            pk = self._one(row, self.index.by_name_dob.get((key, dob_hash), []),
                           "Date of birth", "name and date of birth")
            found_by = "name and date of birth"
        if self.problems.total > errors_before:
            return None
        if pk is None:
            self._new_person(row, key, staff, dob_hash)
            return None
        self._consistent(row, pk, found_by, staff, email)
        return pk

    def _within_file(self, row: RowData, staff: str, email: str) -> None:
        if staff:
            if staff in self.staff_rows:
                self._problem(row, "Staff number", f"Staff number {staff} is also on row "
                              f"{self.staff_rows[staff]}. Each person needs their own.")
            else:
                self.staff_rows[staff] = row.number
        if email:
            if email in self.email_rows:
                self._problem(row, "Email", f"This e-mail is also on row "
                              f"{self.email_rows[email]}. Each person needs their own.")
            else:
                self.email_rows[email] = row.number

    def _consistent(self, row: RowData, pk: int, found_by: str, staff: str,
                    email: str) -> None:
        known = self.index.people[pk]
        if pk in self.matched_rows:
            self._problem(row, "Full name", f"This row and row {self.matched_rows[pk]} are both "
                          f"{known.full_name} (found by {found_by}).")
        else:
            self.matched_rows[pk] = row.number
        if staff and known.staff_number and staff != known.staff_number:
            self._problem(row, "Staff number", f"The row's {found_by} is that of "
                          f"{known.full_name}, whose staff number is {known.staff_number}, not "
                          f"{staff}. Correct one of them.")
        if email:
            others = [p for p in self.index.by_email.get(email, []) if p != pk]
            if others:
                self._problem(row, "Email", f"This e-mail is recorded for "
                              f"{self.index.people[others[0]].full_name}, but the row's "
                              f"{found_by} is that of {known.full_name}.")
        start = row.person.get("start_date", known.start_date)
        leaving = row.person.get("leaving_date", known.leaving_date)
        if start and leaving and leaving < start and not (
                "start_date" in row.person and "leaving_date" in row.person):
            self._problem(row, "Leaving date", f"The leaving date would be before the start "
                          f"date ({start:%d/%m/%Y}).")

    def _new_person(self, row: RowData, key: str, staff: str, dob_hash: str) -> None:
        if "kind" not in row.person:
            self._problem(row, "Kind", "This row adds a new person, who needs a kind.")

        dob = row.person.get("date_of_birth")

        def told_apart(other_staff: str, mine: object, other_dob: object) -> bool:
            # A different staff number or date of birth proves a different person; a
            # different e-mail does not (e-mails change).
            return bool((staff and other_staff and staff != other_staff)
                        or (mine and other_dob and mine != other_dob))

        for pk in self.index.by_name.get(key, []):
            known = self.index.people[pk]  # recorded: its date of birth known by its hash
            if not told_apart(known.staff_number, dob_hash, known.dob_hash):
                self._problem(row, "Full name", f"{known.full_name} is already recorded but "
                              "matches this row by neither staff number, e-mail nor name with "
                              "date of birth. Give a staff number, e-mail or date of birth to "
                              "say which (one that tells them apart adds a new person).")
                return
        for other_row, other_staff, other_dob in self.new_names.get(key, []):
            if not told_apart(other_staff, dob, other_dob):
                self._problem(row, "Full name", f"Row {other_row} adds a person of the same "
                              "name. Give each a staff number or date of birth that tells "
                              "them apart, or remove one.")
                return
        # The date itself, not its hash: a file's rows are held until its end, and the
        # hash's text takes three times the memory.
        self.new_names.setdefault(key, []).append((row.number, staff, dob))
