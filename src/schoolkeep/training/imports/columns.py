"""The headings of a training file: each fact Schoolkeep reads from a row, and the other
headings it is known by (an attendance list's "Name" and "Date", a provider's "Email
address" and "Completion date"). Columns Schoolkeep has no use for are ignored and listed in
a note on the preview."""

from __future__ import annotations

from dataclasses import dataclass

from schoolkeep.lib.tabular import heading_key

DATE_FORMS = "03/09/2024, 3 September 2024 or 2024-09-03 (or a date cell)"


@dataclass(frozen=True)
class Fact:
    """One fact of a row and the headings that give it."""

    field: str
    heading: str  # the template's heading
    parser: str  # how a cell is read: see reading.parse_cell
    aliases: tuple[str, ...]
    accepts: str  # what may go in it, in plain English (the template's notes)


FACTS: tuple[Fact, ...] = (
    Fact("staff_number", "Staff number", "text",
         ("staff no", "staff no.", "staff id", "employee number", "payroll number",
          "staff reference"),
         "the person's staff number as on the Single Central Record (found first)"),
    Fact("email", "Email", "email",
         ("e-mail", "email address", "e-mail address", "work email", "user email"),
         "the person's e-mail address as on the Single Central Record (found next)"),
    Fact("full_name", "Full name", "text",
         ("name", "person", "staff name", "learner", "attendee", "participant",
          "employee"),
         "the person's name as on the Single Central Record; with the date of birth, it "
         "finds someone who has no staff number or e-mail in the file"),
    Fact("date_of_birth", "Date of birth", "dob",
         ("dob", "birth date", "d.o.b.", "d.o.b"),
         f"the person's date of birth: {DATE_FORMS}"),
    Fact("course", "Course", "text",
         ("course name", "training", "training course", "module", "course title"),
         "the course's name as on the Courses page, or the key of a usual course: "
         "ncsc_cyber (the NCSC's cyber security training), data_protection or safeguarding"),
    Fact("completed_on", "Completed on", "date",
         ("completed", "date completed", "completion date", "date of completion", "date",
          "completed date", "date taken", "training date"),
         f"the day the person completed the course: {DATE_FORMS}; not in the future, and not "
         "before 01/01/2000"),
    Fact("notes", "Notes", "notes",
         ("note", "comments", "comment"),
         "anything else worth knowing (at most 500 characters)"),
)

BY_FIELD: dict[str, Fact] = {fact.field: fact for fact in FACTS}
BY_HEADING: dict[str, Fact] = {
    heading_key(name): fact for fact in FACTS for name in (fact.heading, *fact.aliases)}
HEADINGS: list[str] = [fact.heading for fact in FACTS]
