"""The systems list's rows, written in Python.

Each row was a dozen lookups, two tags and a loop over the administrators in the template:
most of the page's time. ``system_rows`` writes the same markup in one pass; the table's
head stays in the template.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from schoolkeep.systems.models import System
from schoolkeep.systems.status import Tag

register = template.Library()

ARCHIVED = ' <strong class="tag tag-grey">Archived</strong>'


def _tag(tag: Tag) -> str:
    return f'<strong class="tag tag-{escape(tag.colour)}">{escape(tag.text)}</strong>'


def _row(url: str, system: System, mfa: Tag, logoff: Tag) -> str:
    # The two protections (the reasons for a warning) come beside the name; each cell's
    # data-label is its column's heading, shown when a narrow screen stacks the row.
    administrators = ", ".join(person.full_name for person in system.administrators.all())
    return (f'<tr><th scope="row"><a href="{escape(url)}">{escape(system.name)}</a>'
            f'{ARCHIVED if system.archived_at else ""}</th>'
            f'<td data-label="Two-factor">{_tag(mfa)}</td>'
            f'<td data-label="Automatic log-off">{_tag(logoff)}</td>'
            f'<td data-label="Kind">{escape(system.get_kind_display())}</td>'
            f'<td data-label="Supplier">{escape(system.supplier or "Not recorded")}</td>'
            f'<td data-label="Administrators">{escape(administrators or "None recorded")}</td>'
            f'<td data-label="Assets held">{system.asset_count}</td></tr>\n')  # type: ignore[attr-defined]


@register.simple_tag
def system_rows(rows: Iterable[tuple[str, System, Tag, Tag]]) -> SafeString:
    """The ``<tr>`` of each (link, system of ``selectors.system_list``, its two-factor tag,
    its log-off tag)."""
    html = "".join(_row(*row) for row in rows)
    # Every value put into the markup is escaped in _row and _tag; the rest is fixed text.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703
