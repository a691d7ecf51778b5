"""The training matrix as XLSX: one row per person who has not left, one column per course
that is not archived, each cell the day they last completed it (withdrawn records left out;
a record awaiting confirmation counts, as on the status page). Before the courses: the
person's kind, whether they use the network, and their state under the DfE's rule.

A constant number of queries whatever the size (people, courses, the latest day of each
person and course in one grouped query, and the rule's own three); written with openpyxl's
write-only workbook, cells a spreadsheet would run as a formula written as text. The export
is audited by the view's service call: it names people.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.db.models import Max

from schoolkeep.jobs.exports import in_memory
from schoolkeep.jobs.xlsx import write_table_xlsx
from schoolkeep.people.models import Person
from schoolkeep.training.models import Course, TrainingRecord
from schoolkeep.training.rules.people import not_left
from schoolkeep.training.rules.status import school_status

FIXED_HEADINGS = ["Name", "Kind", "Uses the network", "Cyber security training (DfE rule)"]


def matrix_rows(school: Any, *, today: date) -> tuple[list[list[Any]], int, int]:
    """The headings, then one row per person; with the numbers of people and courses."""
    courses = list(Course.objects.filter(school=school, archived_at__isnull=True)
                   .order_by("name_key", "id"))
    people = list(Person.objects.filter(not_left(today), school=school)
                  .order_by("name_key", "id"))
    latest = {(person_id, course_id): day for person_id, course_id, day in (
        TrainingRecord.objects.filter(school=school, withdrawn_at__isnull=True,
                                      course__archived_at__isnull=True)
        .order_by().values("person_id", "course_id").annotate(day=Max("completed_on"))
        .values_list("person_id", "course_id", "day"))}
    found = school_status(school, today=today)
    states = {row.person.pk: row.label for row in [*found.people, *found.governors]}
    rows: list[list[Any]] = [[*FIXED_HEADINGS, *(course.name for course in courses)]]
    for person in people:
        rows.append([
            person.full_name, person.get_kind_display(),
            "Yes" if person.uses_school_network else "No",
            states.get(person.pk, "Not asked by the rule"),
            *(latest.get((person.pk, course.pk)) for course in courses)])
    return rows, len(people), len(courses)


def matrix_xlsx(school: Any, *, today: date) -> tuple[bytes, str, int, int]:
    """The workbook's bytes, its file name, and the numbers of people and courses."""
    rows, people, courses = matrix_rows(school, today=today)
    content = in_memory(lambda handle: write_table_xlsx(
        rows, handle, title=f"Training matrix of {school.name}", sheet_name="Training",
        columns=len(rows[0])))
    return content, f"training-matrix-{school.slug}-{today.isoformat()}.xlsx", people, courses


def iter_rows(school: Any, *, today: date) -> Iterator[list[Any]]:
    """The rows, for tests and other readers."""
    yield from matrix_rows(school, today=today)[0]
