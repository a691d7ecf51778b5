"""The audit trail's rows, written in Python.

Each row was a dozen lookups and three filters in the template, 50 rows a page: most of the
trail's time. ``event_body`` writes the same markup from ``selectors.event_rows`` in one
pass; the table's head stays in the template.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from schoolkeep.audit.actions import action_label
from schoolkeep.audit.actors import actor_name
from schoolkeep.audit.selectors import EventRow, target_type_label

register = template.Library()

DASH = "\u2013"  # the en dash before the links' hidden words


def _record(row: EventRow) -> str:
    event = row.event
    if not event.target_type:
        return '<span class="secondary-text">None</span>'
    label = f'<span class="secondary-text">{escape(target_type_label(event.target_type))}:</span> '
    if row.history_url:
        return (f'{label}<a href="{escape(row.history_url)}">'
                f"{escape(event.target_label or event.target_id)}"
                f'<span class="visually-hidden"> {DASH} its history</span></a>')
    return label + escape(event.target_label or event.target_id or "(unknown)")


def _row(row: EventRow, show_record: bool) -> str:
    event = row.event
    record = f"<td>{_record(row)}</td>" if show_record else ""
    return (f'<tr><td><a href="{escape(row.url)}"><time datetime="{escape(row.utc)}">'
            f'{escape(row.london)}</time><span class="visually-hidden"> {DASH} see this event'
            f"</span></a></td><td>{escape(actor_name(event.actor_label))}</td>"
            f"<td>{escape(action_label(event.action))}</td>{record}</tr>\n")


@register.simple_tag
def event_body(rows: Iterable[EventRow], show_record: bool) -> SafeString:
    """The ``<tr>`` of each row of ``selectors.event_rows``; the record's column only with
    ``show_record`` (the whole trail, not a record's history)."""
    html = "".join(_row(row, show_record) for row in rows)
    # Every value put into the markup is escaped in _row and _record; the rest is fixed text.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703
