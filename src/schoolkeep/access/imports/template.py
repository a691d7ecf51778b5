"""The template files (CSV and XLSX) of a user list, with its plain headings."""

from __future__ import annotations

from schoolkeep.access.imports.columns import FACTS, HEADINGS
from schoolkeep.lib.tabular import headings_csv, template_workbook


def template_csv() -> bytes:
    return headings_csv(HEADINGS)


def template_xlsx() -> bytes:
    """A workbook whose first sheet has the headings; a second sheet says what goes where
    and the other headings each column is known by."""
    return template_workbook(
        title="Accounts", headings=HEADINGS,
        notes=[(fact.heading, f"{fact.accepts}. Also read under: {', '.join(fact.aliases)}.")
               for fact in FACTS],
        footnote="Only the first sheet is read. Only Username is needed; a column you leave "
                 "out, or a blank cell, is read as not known, never as no. Other columns of "
                 "an export are ignored, and a password column is never read. See "
                 "docs/imports.md.")
