"""The trail's rows say what the template tags and date filters said: the event's link, its
record's history link, and its time in UTC and in London, in every month (GMT and BST)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.core.paginator import Paginator
from django.template import engines
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.audit import selectors
from schoolkeep.audit.tests.test_views import record

FILTERS = engines["django"].from_string(
    "{% load tz audit_tags %}{{ event.occurred_at|utc|date:'Y-m-d\\TH:i:s\\Z' }}|"
    "{{ event.occurred_at|timezone:'Europe/London'|date:'j M Y, H:i:s' }}|"
    "{{ event|history_link }}")


def test_rows_equal_the_tags_and_filters(personas: Personas) -> None:
    for month in range(1, 13):  # a day each month; 23:30 UTC is the next day in BST
        record(personas, at=datetime(2026, month, 3 + month, 23, 30, 5, 999999, tzinfo=UTC))
    record(personas, target=None)  # an event naming no record
    page = Paginator(selectors.event_list(school=personas.school), 50).get_page(1)
    rows = selectors.event_rows(page, with_history=True)
    assert len(rows) == 13 and page.object_list == [row.event for row in rows]
    for row in rows:
        utc, london, history = FILTERS.render({"event": row.event}).split("|")
        assert (row.utc, row.london, row.history_url) == (utc, london, history)
        assert row.url == reverse("audit:event-detail", args=[row.event.public_id])
    assert sum(1 for row in rows if row.history_url) == 12


def test_rows_leave_the_changes_and_hashes_unread(personas: Personas) -> None:
    record(personas, changes={"name": {"before": "A", "after": "B"}})
    page = Paginator(selectors.event_list(school=personas.school), 50).get_page(1)
    [row] = selectors.event_rows(page, with_history=False)
    assert {"changes", "hash", "previous_hash"} <= row.event.get_deferred_fields()
    assert row.history_url == ""
