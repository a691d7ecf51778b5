"""A list of duties, written in Python.

The dashboard lists each kind's most urgent few, for the viewer and for the others; as
template tags each duty was a dozen lookups, if-chains and three date filters, most of the
page's rendering. ``duty_items`` writes the same markup (``duties/_duty_list.html`` kept the
old template's, up to the whitespace between words and tags) in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from schoolkeep.duties.types import Duty

register = template.Library()


def _when(duty: Duty) -> str:
    """When it is or was due, as the sentence after the subject."""
    # An instant in the current time zone, as the template's date filter shows it.
    moment = localtime(duty.due_at) if isinstance(duty.due_at, datetime) else duty.due_at
    day = date_filter(moment, "l j F Y")
    if duty.all_day:
        return f"{'It was due on' if duty.overdue else 'Due on'} {day}."
    return f"{'Overdue since' if duty.overdue else 'Due by'} {date_filter(moment, 'H:i')} on {day}."


def _item(duty: Duty, oversight: bool) -> str:
    status = escape(duty.status)
    title, subject = escape(duty.title), escape(duty.subject)
    owner = f" Owner: {escape(duty.owner_label)}." if oversight else ""
    if oversight:
        link = (f'<a href="{escape(duty.oversight_url or duty.url)}">See details'
                f'<span class="visually-hidden">: {title}, {subject}</span></a>')
    else:
        link = (f'<a href="{escape(duty.url)}">{escape(duty.action or "Open it")}'
                f'<span class="visually-hidden">: {subject}</span></a>')
    return (f'<li class="duty duty-{status}">\n<div>\n'
            f'<p class="duty-title"><strong class="tag tag-{status}">'
            f'{"Overdue" if duty.overdue else "Due"}</strong> {title}</p>\n'
            f'<p class="secondary-text">\n{subject}.\n{escape(_when(duty))}{owner}\n</p>\n'
            f'</div>\n<p>{link}</p>\n</li>\n')


@register.filter
def duty_items(duties: Iterable[Duty], oversight: bool = False) -> SafeString:
    """The duties as the ``task-list`` the pages show (every value escaped in ``_item``)."""
    items = "".join(_item(duty, bool(oversight)) for duty in duties)
    return mark_safe(f'<ul class="task-list">\n{items}</ul>\n')  # noqa: S308  # nosec B308 B703
