"""A list of duties, written in Python.

The dashboard lists each kind's most urgent few, for the viewer and for the others; as
template tags each duty was a dozen lookups, if-chains and three date filters, most of the
page's rendering. ``duty_items`` writes the markup in one pass.

Each duty's link is its own title (what to do, "Review a school policy"), with the record it
is about as hidden context when the title does not name it, so that no two links on a page
read alike to a screen reader and no link says only "See details". The page about the
record (or, for who oversees it, ``oversight_url``, with the owner's name as hidden context
too) is where it is done; a viewer without the permission that page needs
(``Duty.permission``, ``Duty.oversight_permission``) reads the title without a link. A
running legal clock (``Duty.legal_clock``) is tagged "Legal deadline" with the time left,
as the banner says it for whoever handles it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from html import escape
from typing import Any

from django import template
from django.template import Context
from django.template.defaultfilters import date as date_filter
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.timezone import localtime

from schoolkeep.duties.clocks import time_left
from schoolkeep.duties.types import Duty, DutyCounts

register = template.Library()

TAG_WORDS = {True: "Overdue", False: "Due"}


def when(duty: Duty) -> str:
    """When it is or was due, as the sentence after the subject."""
    # An instant in the current time zone, as the template's date filter shows it.
    moment = localtime(duty.due_at) if isinstance(duty.due_at, datetime) else duty.due_at
    day = date_filter(moment, "l j F Y")
    if duty.all_day:
        return f"{'It was due on' if duty.overdue else 'Due on'} {day}."
    return f"{'Overdue since' if duty.overdue else 'Due by'} {date_filter(moment, 'H:i')} on {day}."


def _tag(duty: Duty, now: datetime) -> tuple[str, str]:
    """(the tag, the sentence of when): a running legal clock is marked apart from the rest,
    with the time left, not with the same "Due" as signing a form."""
    if duty.legal_clock:
        return ('<strong class="tag tag-red">Legal deadline</strong>',
                f"{capfirst(time_left(duty.due_at, now))}. {when(duty)}")
    return (f'<strong class="tag tag-{escape(duty.status)}">{TAG_WORDS[duty.overdue]}</strong>',
            when(duty))


def _item(duty: Duty, oversight: bool, now: datetime, can: Callable[[str], bool]) -> str:
    status = escape(duty.status)
    title = escape(duty.title)
    # The subject is the record (an asset, a person); a title that names it already
    # ("Triage BR-2026-0007") does not repeat it.
    named = duty.subject in duty.title
    subject = "" if named else escape(duty.subject)
    # For who oversees, the owner too: three staff's "Sign the acceptable use policy" are
    # three different links to a screen reader.
    hidden = [subject] if subject else []
    if oversight and duty.owner_label and duty.owner_label not in (duty.subject, duty.title):
        hidden.append(f"for {escape(duty.owner_label)}")
    context = f'<span class="visually-hidden">: {", ".join(hidden)}</span>' if hidden else ""
    url = duty.link_for(oversight, can)
    # Without the permission its page needs, the title is words: never a link to a refusal.
    words = f'<a href="{escape(url)}">{title}{context}</a>' if url else title
    owner = f" Owner: {escape(duty.owner_label)}." if oversight else ""
    about = f"{subject}. " if subject else ""
    tag, sentence = _tag(duty, now)
    return (f'<li class="duty duty-{status}">\n<div>\n'
            f'<p class="duty-title">{tag} {words}</p>\n'
            f'<p class="secondary-text">{about}{escape(sentence)}{owner}</p>\n'
            f'</div>\n</li>\n')


def _nothing(_permission: str) -> bool:
    return False


@register.simple_tag(takes_context=True)
def duty_items(context: Context, duties: Iterable[Duty], oversight: bool = False) -> SafeString:
    """The duties as the ``task-list`` the pages show (every value escaped in ``_item``),
    each linked only when the viewer (``current_access``) may open its page."""
    access = context.get("current_access")
    can = access.can if access is not None else _nothing
    now = timezone.now()
    items = "".join(_item(duty, bool(oversight), now, can) for duty in duties)
    return mark_safe(f'<ul class="task-list">\n{items}</ul>\n')  # noqa: S308  # nosec B308 B703


@register.simple_tag
def running_clocks(areas: Iterable[Any]) -> list[tuple[Any, Duty, str]]:
    """(group, its most urgent duty, the time left) for each kind of running legal clock
    among ``areas`` (the others' duties on the dashboard): for who oversees them, in the
    banner at the top, not below the viewer's own duties."""
    now = timezone.now()
    return [(group, group.first[0], time_left(group.first[0].due_at, now))
            for area in areas for group in area.groups if group.legal_clock]


@register.filter
def counts_words(counts: DutyCounts) -> str:
    """"2 overdue, 1 due", "3 due": the figures that are not zero."""
    parts = [f"{figure:,} {words}" for figure, words in ((counts.overdue, "overdue"),
                                                         (counts.due, "due")) if figure]
    return ", ".join(parts)
