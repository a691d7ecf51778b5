"""Reads of the audit trail, always within one school."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.paginator import Page
from django.db.models import Model, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from schoolkeep.audit.actions import AREA_BY_KEY
from schoolkeep.audit.concealment import visible_to
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_events, open_in_place
from schoolkeep.audit.services import CHANGED, target_key
from schoolkeep.lib.dates_text import LONDON, london_date_time, month_names
from schoolkeep.lib.links import url_for_each

NO_PERSON = "none"  # the person filter's value for events with no signed-in actor
NEWEST_FIRST = ("-occurred_at", "-id")


def london_day_start(day: date) -> datetime:
    """The UTC instant at which a Europe/London calendar day begins (DST-aware)."""
    return datetime.combine(day, time.min, tzinfo=LONDON).astimezone(ZoneInfo("UTC"))


def event_list(
    *,
    school: Any,
    actor_id: int | str | None = None,
    area: str = "",
    action_prefix: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
    viewer: Any = None,
) -> QuerySet[AuditEvent]:
    """The school's events, newest first. ``actor_id`` is a user's pk, or ``NO_PERSON`` for
    events made with nobody signed in; ``area`` the key of one of ``actions.AREAS``;
    ``action_prefix`` the start of the codes (for code); dates are Europe/London days,
    inclusive. ``viewer``: the member reading, whose hidden records' events are left out
    (``concealment``; one query); None for the system's own reads."""
    events: QuerySet[AuditEvent] = AuditEvent.objects.filter(school=school)
    if viewer is not None:
        events = visible_to(events, school=school, user=viewer)
    if actor_id == NO_PERSON:
        events = events.filter(actor__isnull=True)
    elif actor_id is not None:
        events = events.filter(actor_id=int(actor_id))
    if area:
        in_area = Q()
        for prefix in AREA_BY_KEY[area].prefixes:
            in_area |= Q(action__startswith=prefix)
        events = events.filter(in_area)
    if action_prefix:
        events = events.filter(action__startswith=action_prefix)
    if date_from is not None:
        events = events.filter(occurred_at__gte=london_day_start(date_from))
    if date_to is not None:
        events = events.filter(occurred_at__lt=london_day_start(date_to + timedelta(days=1)))
    return events.order_by(*NEWEST_FIRST)


# What the trail's table shows of an event: its changes and hashes stay unread.
_TABLE_COLUMNS = ("public_id", "actor_id", "actor_label", "action", "target_type",
                  "target_id", "target_label", "occurred_at", "sealed_digest")


@dataclass(frozen=True)
class EventRow:
    """An event as the trail's table shows it."""

    event: AuditEvent
    url: str  # the event's page
    history_url: str  # its record's history, or "" when it names no record the URL can carry
    utc: str  # for <time datetime>: 2026-12-06T13:04:07Z
    london: str  # 6 Dec 2026, 13:04:07


def event_rows(page: Page[AuditEvent], *, with_history: bool) -> list[EventRow]:
    """A page of events (of ``event_list`` or ``record_events``) as the table's rows: the
    columns it shows only, each link and time written here once a row rather than by a
    template tag and two date filters (a reverse per link, 100 of each a page). The page's
    ``object_list`` becomes the events read. ``with_history``: link each event's record
    (the whole trail; a record's history does not)."""
    detail = url_for_each("audit:event-detail")
    months = month_names()
    events = page.object_list
    assert isinstance(events, QuerySet)  # a page of a queryset: a sliced queryset
    # The actors' names and sealed labels opened in two queries for the page.
    page.object_list = open_in_place(events.only(*_TABLE_COLUMNS))
    rows = []
    for event in page.object_list:
        rows.append(EventRow(
            event=event, url=detail(event.public_id),
            history_url=history_link(event) if with_history else "",
            utc=event.occurred_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            london=london_date_time(event.occurred_at, months, seconds=True)))
    return rows


def history_link(event: AuditEvent) -> str:
    """The record-history URL of an event's record, or "" when it names no record."""
    if not event.target_type or not event.target_id:
        return ""
    try:
        return reverse("audit:record-history", args=[event.target_type, event.target_id])
    except NoReverseMatch:  # an id the URL cannot carry, such as one with a slash
        return ""


def people_for_filter(*, school: Any) -> list[tuple[int, str, str]]:
    """(user pk, public id, name) of everyone who is or was a member of the school, or an
    administrator of its trust, for the "person" filter. One query."""
    condition = Q(memberships__school=school)
    if getattr(school, "organisation_id", None):
        condition |= Q(organisation_memberships__organisation_id=school.organisation_id)
    users = (
        get_user_model().objects.filter(condition).distinct()
        .order_by("full_name", "email").values_list("pk", "public_id", "full_name", "email")
    )
    return [(pk, str(public_id), name or email) for pk, public_id, name, email in users]


def history_for(*, school: Any, target: Model) -> QuerySet[AuditEvent]:
    """The events of one record of this school, newest first."""
    target_type, target_id = target_key(target)
    return record_events(school=school, target_type=target_type, target_id=target_id)


def record_events(*, school: Any, target_type: str, target_id: str,
                  viewer: Any = None) -> QuerySet[AuditEvent]:
    """One record's events, newest first; none when the record is hidden from ``viewer``
    (see ``event_list``)."""
    events: QuerySet[AuditEvent] = AuditEvent.objects.filter(
        school=school, target_type=target_type, target_id=target_id)
    if viewer is not None:
        events = visible_to(events, school=school, user=viewer)
    return events.order_by(*NEWEST_FIRST)


def last_change(*, school: Any, target: Model) -> tuple[str, datetime] | None:
    """Who changed the record last (their name, opened from under their key, or "erased")
    and when: the record's newest audit event. None when it has none."""
    event = history_for(school=school, target=target).only(
        "public_id", "actor_id", "actor_label", "occurred_at", "sealed_digest").first()
    if event is None:
        return None
    shown = open_events([event])[str(event.public_id)]
    return shown.actor_label, event.occurred_at


def history_url(target: Model) -> str:
    target_type, target_id = target_key(target)
    return reverse("audit:record-history", args=[target_type, target_id])


def history_summary(
    *, school: Any, target: Model, access: Any = None, limit: int = 5
) -> dict[str, Any]:
    """Context for ``audit/_history.html`` on a record's page: its latest events (one query),
    whether there are more, the link to its full history, and whether ``access`` (the
    viewer's ``SchoolAccess``) may follow that link."""
    events = open_in_place(history_for(school=school, target=target)[: limit + 1])
    return {
        "history_events": events[:limit],
        "history_more": len(events) > limit,
        "history_url": history_url(target),
        "show_history_link": bool(access is not None and access.can("audit.view")),
    }


def target_type_label(target_type: str) -> str:
    """"tenancy.membership" -> "Membership" (no query; the code itself when unknown)."""
    try:
        model = apps.get_model(target_type)
    except (LookupError, ValueError):
        return target_type
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


@dataclass(frozen=True)
class ChangeRow:
    field: str
    before: str
    after: str
    secret: bool


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(_show(item) for item in value) if value else "(none)"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _field_label(name: str) -> str:
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def change_rows(event: AuditEvent) -> tuple[list[ChangeRow], list[tuple[str, str]]]:
    """The event's before/after pairs as table rows, and any other details it carries."""
    rows: list[ChangeRow] = []
    details: list[tuple[str, str]] = []
    changes = event.changes if isinstance(event.changes, dict) else {"value": event.changes}
    for name in sorted(changes):
        value = changes[name]
        if isinstance(value, dict) and set(value) == {"before", "after"}:
            secret = value["before"] == CHANGED and value["after"] == CHANGED
            rows.append(ChangeRow(
                field=_field_label(name),
                before="" if secret else _show(value["before"]),
                after="" if secret else _show(value["after"]),
                secret=secret,
            ))
        else:
            details.append((_field_label(name), _show(value)))
    return rows, details
