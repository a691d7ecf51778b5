"""Who each row of a training file is, and which course it names.

People are found as the people import finds them: by staff number, then by e-mail address
(case-folded), then by full name with date of birth (the date compared by its keyed hash,
never decrypted). A name alone finds nobody: two people may share it. Whatever identifiers a
row gives must all be the same person's. Courses: by name (``lib.text.fold``, as courses
are keyed), or by a usual course's key (ncsc_cyber, data_protection, safeguarding); only
courses not archived. Both indexes are read once per import (ids and names, no ORM objects).
"""

from __future__ import annotations

from datetime import date

from schoolkeep.lib.import_bounds import quoted
from schoolkeep.lib.text import fold
from schoolkeep.people import derive
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import School
from schoolkeep.training.defaults import DEFAULT_COURSES
from schoolkeep.training.imports.reading import TrainingRow
from schoolkeep.training.models import Course

# A usual course the school does not have yet, in a check (the import adds it first).
MISSING = 0


class NotFound(Exception):
    """Nobody (or more than one person, or no course) matches: ``column`` is the heading to
    name and the message says what to do."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


class PeopleIndex:
    """The school's people by staff number, e-mail address and (name key, birth date
    hash)."""

    def __init__(self, school: School) -> None:
        self.names: dict[int, str] = {}
        self.by_staff: dict[str, int] = {}
        self.by_email: dict[str, list[int]] = {}
        self.by_name_dob: dict[tuple[str, str], list[int]] = {}
        self._hashes: dict[date, str] = {}  # a file repeats few birth dates per person
        rows = Person.objects.filter(school=school).order_by().values_list(
            "pk", "full_name", "name_key", "staff_number", "email", "date_of_birth_hash")
        for pk, full_name, key, staff, email, dob_hash in rows.iterator(2000):
            self.names[pk] = full_name
            if staff:
                self.by_staff[staff] = pk
            if email:
                self.by_email.setdefault(email.casefold(), []).append(pk)
            if dob_hash:
                self.by_name_dob.setdefault((key, dob_hash), []).append(pk)

    def _dob_hash(self, day: date) -> str:
        found = self._hashes.get(day)
        if found is None:
            found = self._hashes[day] = derive.date_of_birth_hash(day)
        return found

    def _one(self, pks: list[int], column: str, what: str) -> int | None:
        if len(pks) > 1:
            names = ", ".join(sorted(self.names[pk] for pk in pks)[:5])
            raise NotFound(column, f"More than one person on the record has this {what} "
                           f"({names}). Give a staff number to say which.")
        return pks[0] if pks else None

    def match(self, row: TrainingRow) -> int:
        """The person's id. Raises NotFound."""
        found: list[tuple[int, str, str]] = []  # (id, column, how it was found)
        if row.staff_number:
            pk = self.by_staff.get(row.staff_number)
            if pk is None:
                raise NotFound("Staff number", f"Nobody on the Single Central Record has the "
                               f"staff number {quoted(row.staff_number)}.")
            found.append((pk, "Staff number", "staff number"))
        if row.email:
            pk = self._one(self.by_email.get(row.email.casefold(), []), "Email", "e-mail")
            if pk is None and not found:
                raise NotFound("Email", f"Nobody on the Single Central Record has the e-mail "
                               f"address {row.email}.")
            if pk is not None:
                found.append((pk, "Email", "e-mail"))
        if row.full_name and row.date_of_birth:
            key = (derive.name_key(row.full_name), self._dob_hash(row.date_of_birth))
            pk = self._one(self.by_name_dob.get(key, []), "Full name",
                           "name and date of birth")
            if pk is None and not found:
                raise NotFound("Full name", f"Nobody on the Single Central Record is "
                               f"{row.full_name} born on {row.date_of_birth:%d/%m/%Y}.")
            if pk is not None:
                found.append((pk, "Full name", "name and date of birth"))
        if not found:
            raise NotFound("Date of birth", f"A name alone does not say who this is: give "
                           f"{row.full_name}'s date of birth, staff number or e-mail address.")
        first, _, how = found[0]
        for pk, column, other in found[1:]:
            if pk != first:
                raise NotFound(column, f"The row's {how} is {self.names[first]}'s but its "
                               f"{other} is {self.names[pk]}'s. Correct one of them.")
        return first


class CourseIndex:
    """The school's open courses by name key and by catalogue key. In a check, the usual
    courses the school lacks are known too (as MISSING): the import adds them first."""

    def __init__(self, school: School, *, with_missing_defaults: bool) -> None:
        self.names: dict[int, str] = {}
        self.by_name: dict[str, int] = {}
        self.by_key: dict[str, int] = {}
        self.missing_used: set[str] = set()
        self._missing_names: dict[str, str] = {}
        rows = Course.objects.filter(school=school, archived_at__isnull=True).order_by(
            ).values_list("pk", "name", "name_key", "catalogue_key")
        for pk, name, key, catalogue_key in rows:
            self.names[pk] = name
            self.by_name[key] = pk
            if catalogue_key:
                self.by_key[catalogue_key] = pk
        if with_missing_defaults:
            for default in DEFAULT_COURSES:
                if default.catalogue_key in self.by_key or fold(default.name) in self.by_name:
                    continue
                self._missing_names[default.catalogue_key] = default.name
                self._missing_names[fold(default.name)] = default.name

    def match(self, text: str) -> tuple[int, str]:
        """The course's id (MISSING for a usual course a check assumes) and name. Raises
        NotFound."""
        key = fold(text)
        pk = self.by_name.get(key)
        if pk is None:
            pk = self.by_key.get(key.replace(" ", "_"))
        if pk is not None:
            return pk, self.names[pk]
        missing = self._missing_names.get(key) or self._missing_names.get(
            key.replace(" ", "_"))
        if missing is not None:
            self.missing_used.add(missing)
            return MISSING, missing
        raise NotFound("Course", f"{quoted(text)} is not one of the school's courses. Add it on "
                       "the Courses page first, or write the name as it is there.")
