"""The trail's rows say what the template tags and date filters said: the event's link, its
record's history link, and its time in UTC and in London, in every month (GMT and BST)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.paginator import Paginator
from django.template import engines
from django.urls import reverse
from tests.assertions import squeezed_html
from tests.personas import Personas

from schoolkeep.audit import selectors
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.selectors import EventRow
from schoolkeep.audit.templatetags.audit_rows import event_body
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


# The rows as _event_table.html wrote them before event_body (with the actor's name in
# words and no action code since issue 14).
OLD_ROWS = engines["django"].from_string(
    "{% load audit_tags %}{% for row in rows %}{% with event=row.event %}<tr>\n"
    '<td><a href="{{ row.url }}"><time datetime="{{ row.utc }}">{{ row.london }}</time>'
    '<span class="visually-hidden"> \u2013 see this event</span></a></td>\n'
    "<td>{{ event.actor_label|actor_name }}</td>\n"
    "<td>{{ event.action|action_label }}</td>\n"
    "{% if show_record %}<td>{% if event.target_type %}<span class=\"secondary-text\">"
    "{{ event.target_type|target_type_label }}:</span> {% if row.history_url %}"
    '<a href="{{ row.history_url }}">{{ event.target_label|default:event.target_id }}'
    '<span class="visually-hidden"> \u2013 its history</span></a>{% else %}'
    '{{ event.target_label|default:event.target_id|default:"(unknown)" }}{% endif %}'
    '{% else %}<span class="secondary-text">None</span>{% endif %}</td>{% endif %}\n'
    "</tr>{% endwith %}{% endfor %}")


def _row(history_url: str = "", **fields: str) -> EventRow:
    fields.setdefault("actor_label", "Ann <Admin> & Co")
    event = AuditEvent(action="people.person.created", **fields)
    return EventRow(event=event, url="/audit/1/?a=1&b=2", history_url=history_url,
                    utc="2026-12-06T13:04:07Z", london="6 Dec 2026, 13:04:07")


@pytest.mark.parametrize("show_record", [False, True])
def test_rows_markup_is_what_the_template_wrote(personas: Personas, show_record: bool) -> None:
    record(personas)  # a record with its history
    record(personas, target=None, actor=personas.siro)
    page = Paginator(selectors.event_list(school=personas.school), 50).get_page(1)
    rows = [*selectors.event_rows(page, with_history=True),
            _row(),  # no record
            _row("/history/x/<1>/", target_type="people.person", target_id="<1>",
                 target_label=""),  # linked by its id
            _row(target_type="no.such", target_id="a/b", target_label="A <b>"),  # no link
            _row(target_type="people.person", target_id="", target_label=""),  # "(unknown)"
            _row(actor_label="cli:root")]  # the command line, in words
    written = event_body(rows, show_record)
    expected = OLD_ROWS.render({"rows": rows, "show_record": show_record})
    assert squeezed_html(written) == squeezed_html(expected)
    assert "<Admin>" not in written and "<1>" not in written
    assert written.count("<tr>") == 7
    assert "<td>Schoolkeep command line (root)</td>" in written
