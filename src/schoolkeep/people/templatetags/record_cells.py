"""The Single Central Record's rows, written in Python.

A page of the record has 50 rows of ten checks: as template tags, the 500 cells (each an
if-chain, a date filter and two lookups) took most of the page's time, and the rest of each
row (a link, four more cells, a dozen lookups) then most of what was left. ``record_body``
writes the same markup from the rows in one pass; the table's head stays in the template.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from schoolkeep.lib.dates_text import day_month_year, month_names
from schoolkeep.lib.links import UrlForEach
from schoolkeep.people.record.rows import (
    DONE,
    MISSING,
    NOT_REQUIRED,
    PENDING,
    RecordCell,
    RecordLayout,
    RecordRow,
)

register = template.Library()

# format_html and Django's escape go through lazy-string wrappers on every call; for 500
# cells a page, html.escape (the same entities as Django's escape) is much cheaper.
STATE_MARKUP = {
    MISSING: '<strong class="tag tag-red">Missing</strong>',
    PENDING: '<span class="tag tag-yellow">Pending</span>',
}
NOT_REQUIRED_MARKUP = '<span class="secondary-text">Not required</span>'
STATES = (DONE, PENDING, MISSING, NOT_REQUIRED)


def _openings(labels: Iterable[str]) -> dict[tuple[str, str], str]:
    """Each check cell's opening tag, by (state, check's label): the label is the cell's
    ``data-label``, shown before it when a narrow screen stacks the row's cells."""
    return {(state, label): f'<td class="record-check record-{state}" data-label="{escape(label)}">'
            for state in STATES for label in labels}


@register.filter
def short_date(value: date | None) -> str:
    """``value|date:"j M Y"`` (e.g. "2 Sep 2024") without the date filter's general
    formatter; "" for no date."""
    return day_month_year(value, month_names())


def _cell(cell: RecordCell, sensitive: bool, months: tuple[str, ...],
          openings: dict[tuple[str, str], str]) -> str:
    if cell.state == DONE:
        state = f'<span class="record-nowrap">{day_month_year(cell.done_on, months)}</span>'
    else:
        state = STATE_MARKUP.get(cell.state, NOT_REQUIRED_MARKUP)
    details = ""
    if sensitive and cell.certificate_number:
        details += ('<span class="record-detail">Certificate <span class="record-nowrap">'
                    f"{escape(cell.certificate_number)}</span></span>")
    if sensitive and cell.checked_by:
        details += f'<span class="record-detail">By {escape(cell.checked_by)}</span>'
    opening = openings.get((cell.state, cell.label))
    if opening is None:  # a label the layout did not name
        opening = openings[cell.state, cell.label] = _openings([cell.label])[cell.state, cell.label]
    return f"{opening}{state}{details}</td>"


def record_cells(cells: Iterable[RecordCell], sensitive: bool,
                 months: tuple[str, ...] | None = None,
                 openings: dict[tuple[str, str], str] | None = None) -> str:
    """One ``<td>`` per check, labelled with its check; certificate numbers and who carried
    out each check only when ``sensitive`` (the layout's). Every value is escaped."""
    months = months or month_names()
    openings = {} if openings is None else openings
    return "".join(_cell(cell, sensitive, months, openings) for cell in cells)


def _row(row: RecordRow, layout: RecordLayout, person_url: UrlForEach | None,
         months: tuple[str, ...], openings: dict[tuple[str, str], str]) -> str:
    person = row.person
    name = escape(person.full_name)
    if person_url is not None:
        name = f'<a href="{escape(person_url(person.public_id))}">{name}</a>'
    start = day_month_year(person.start_date, months) or "Not recorded"
    leaving = ('<td class="record-nowrap" data-label="Leaving date">'
               f"{day_month_year(person.leaving_date, months)}</td>" if layout.archive else "")
    # The missing checks come beside the name: the reason for the row's red bar is never
    # off screen, however many check columns follow.
    if row.missing:
        opening = '<tr class="record-incomplete">'
        missing = f"<strong>Incomplete:</strong> {escape(', '.join(row.missing))}"
    else:
        opening, missing = "<tr>", "Complete"
    return (f'{opening}<th scope="row">{name}</th>'
            f'<td class="record-missing" data-label="Missing checks">{missing}</td>'
            f'<td data-label="Kind and post">{escape(row.kind_and_post)}</td>'
            f'<td class="record-nowrap" data-label="Start date">{start}</td>{leaving}'
            f"{record_cells(row.cells, layout.sensitive, months, openings)}</tr>\n")


@register.simple_tag
def record_body(rows: Iterable[RecordRow], layout: RecordLayout,
                person_url: UrlForEach | None = None) -> SafeString:
    """The ``<tr>`` of each row, the columns of ``layout``; each name links to the person's
    page when ``person_url`` is given (not in the PDF)."""
    months = month_names()
    openings = _openings(label for _type, label in layout.check_types)
    html = "".join(_row(row, layout, person_url, months, openings) for row in rows)
    # Every value put into the markup is escaped in _row and _cell; the rest is fixed text.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703
