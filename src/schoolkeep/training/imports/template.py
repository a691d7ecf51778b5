"""The template files (CSV and XLSX) of a training import, with its plain headings."""

from __future__ import annotations

from schoolkeep.lib.tabular import headings_csv, template_workbook
from schoolkeep.training.imports.columns import FACTS, HEADINGS


def template_csv() -> bytes:
    return headings_csv(HEADINGS)


def template_xlsx() -> bytes:
    """A workbook whose first sheet has the headings; a second sheet says what goes where
    and the other headings each column is known by."""
    return template_workbook(
        title="Training", headings=HEADINGS,
        notes=[(fact.heading, f"{fact.accepts}. Also read under: {', '.join(fact.aliases)}.")
               for fact in FACTS],
        footnote="Only the first sheet is read. One row per person per course completed. "
                 "The person is found by staff number, then e-mail, then full name with date "
                 "of birth. A row already recorded (the same person, course and day) is "
                 "skipped. Other columns are ignored. See docs/imports.md.")
