"""The template files (CSV and XLSX) of an equipment import, with its plain headings."""

from __future__ import annotations

from schoolkeep.equipment.imports.columns import FACTS, HEADINGS
from schoolkeep.lib.tabular import headings_csv, template_workbook


def template_csv() -> bytes:
    return headings_csv(HEADINGS)


def template_xlsx() -> bytes:
    """A workbook whose first sheet has the headings; a second sheet says what goes where
    and the other headings each column is known by."""
    return template_workbook(
        title="Equipment", headings=HEADINGS,
        notes=[(fact.heading, f"{fact.accepts}. Also read under: {', '.join(fact.aliases)}.")
               for fact in FACTS],
        footnote="Only the first sheet is read. Each row needs a serial number or an asset "
                 "tag; a recorded item is found by its serial number, then its tag, and "
                 "updated; any other row adds an item. A blank cell leaves what is recorded "
                 "as it is. Other columns (a Snipe-IT export's cost or warranty, say) are "
                 "ignored. See docs/imports.md.")
