"""The people list's rows, written in Python.

Each of the list's 50 rows was a link reversed, a loop over the person's sites, two date
filters and a dozen lookups in the template: most of the page's time. ``person_rows`` writes
the same markup from ``selectors.PersonRow`` values in one pass; the table's head stays in
the template.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from schoolkeep.lib.dates_text import day_month_year, month_names
from schoolkeep.lib.links import UrlForEach
from schoolkeep.people.selectors import PersonRow

register = template.Library()


def _row(person: PersonRow, details: bool, leavers: bool, person_url: UrlForEach,
         months: tuple[str, ...]) -> str:
    url = escape(person_url(person.public_id))
    name = f'<a href="{url}">{escape(person.display_name)}</a>'
    if person.preferred_name and person.preferred_name != person.full_name:
        name += f'<br><span class="secondary-text">{escape(person.full_name)}</span>'
    # Each cell's data-label is its column's heading, shown when a narrow screen stacks the row.
    cells = (f'<td data-label="Kind">{escape(person.kind_label)}</td>'
             f'<td data-label="Job title or role">{escape(person.job_title)}</td>'
             f'<td data-label="Sites">{escape(", ".join(person.sites))}</td>')
    if details:
        cells += (f'<td data-label="Staff number">{escape(person.staff_number)}</td>'
                  f'<td data-label="Started">{day_month_year(person.start_date, months)}</td>')
        if leavers:
            cells += f'<td data-label="Left">{day_month_year(person.leaving_date, months)}</td>'
    return f'<tr><th scope="row">{name}</th>{cells}</tr>\n'


@register.simple_tag
def person_rows(rows: Iterable[PersonRow], details: bool, leavers: bool,
                person_url: UrlForEach) -> SafeString:
    """The ``<tr>`` of each person; the staff number and dates only with ``details``, the
    leaving date only when listing ``leavers``; each name links to its page by
    ``person_url``."""
    months = month_names()
    html = "".join(_row(person, details, leavers, person_url, months) for person in rows)
    # Every value put into the markup is escaped in _row; the rest is fixed text.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703
