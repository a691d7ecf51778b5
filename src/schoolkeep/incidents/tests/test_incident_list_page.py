"""The handlers' list reads only what it shows (a report's encrypted texts stay unread),
links each row to its own report, and writes each cell as the template's filters did."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import time_machine
from django.template import engines
from django.test import Client
from django.urls import reverse
from tests.assertions import squeezed_html
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.incidents import selectors
from schoolkeep.incidents.handling.decisions import decision_record
from schoolkeep.incidents.models import Decision, Incident, Kind
from schoolkeep.incidents.tests.test_handling_triage import assess, report, triage

Login = Callable[[User], Client]


def test_the_list_leaves_the_reports_texts_unread(personas: Personas) -> None:
    report(personas, title="Laptop left on a train")
    listed = selectors.incident_list(school=personas.school).get()
    unread = listed.get_deferred_fields()
    assert {"description", "reporter_name", "reporter_contact", "lessons_learned"} <= unread
    assert listed.title == "Laptop left on a train"
    assert listed.description == Incident.objects.get(pk=listed.pk).description  # when used


def test_each_row_links_to_its_own_report(personas: Personas, login: Login) -> None:
    made = [report(personas, title=f"Report {n}") for n in range(3)]
    html = login(personas.dpo).get(reverse("incidents:incident-list")).content.decode()
    links = re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a>', html)
    expected = {(reverse("incidents:incident-detail", args=[incident.public_id]),
                 incident.reference) for incident in made}
    assert set(links) == expected


# The cells as the list's template wrote them with lookups and filters before the rows did.
OLD_CELLS = engines["django"].from_string(
    "{% load tz %}{% with incident=row.incident %}"
    "{{ incident.received_at|timezone:'Europe/London'|date:'j M Y, H:i' }}|"
    "tag{% if incident.status == 'closed' %} tag-grey{% elif incident.status == 'open' %}"
    " tag-blue{% else %} tag-yellow{% endif %}|{{ incident.get_status_display }}|"
    "{{ incident.get_kind_display|default:'Not triaged yet' }}|"
    "{% if row.clock %}tag-red|"
    "{{ row.clock.words|capfirst }}{% elif incident.ico_settled %}|Decided{% else %}"
    "|Not needed{% endif %}{% endwith %}")


def test_rows_write_the_cells_the_filters_wrote(personas: Personas) -> None:
    moments = [datetime(2026, month, 28, 23, 40, tzinfo=UTC) for month in (1, 3, 7, 10, 12)]
    for n, moment in enumerate(moments):
        with time_machine.travel(moment, tick=False):
            incident = report(personas, title=f"Report {n}")
            if n == 1:
                triage(incident, personas.siro, kind=Kind.NEAR_MISS)
            elif n == 2:
                incident = assess(triage(incident, personas.siro), personas.dpo, 1, 1)
                decision_record(incident=incident, actor=personas.dpo,
                                kind=Decision.Kind.ICO, tell=False, reason="Harmless")
            elif n == 3:
                triage(incident, personas.siro)
    now = datetime(2026, 12, 30, 9, 0, tzinfo=UTC)  # report 4 is inside its 72 hours
    rows = selectors.incident_rows(list(selectors.incident_list(school=personas.school)),
                                   now=now)
    assert len(rows) == 5
    for row in rows:
        received, tag, status, kind, ico_tag, ico = OLD_CELLS.render({"row": row}).split("|")
        ico_colour = ico_tag.removeprefix("tag-")
        assert (row.received, f"tag tag-{row.status_colour}", row.status, row.kind,
                row.ico_colour, row.ico) == (received, tag, status, kind, ico_colour, ico)
    assert {row.ico for row in rows} >= {"Decided", "Not needed"}
    assert {row.ico_colour for row in rows} == {"", "red"}  # red while a clock runs
    assert {row.clock.overdue for row in rows if row.clock} == {True, False}


# The rows as the list's template wrote them from the same rows before incident_rows_markup.
OLD_ROWS = engines["django"].from_string(
    "{% for row in rows %}<tr>\n"
    '<th scope="row"><a href="{{ row.url }}">{{ row.incident.reference }}</a></th>\n'
    '<td data-label="Title">{{ row.incident.title }}</td>\n'
    '<td data-label="Received">{{ row.received }}</td>\n'
    '<td data-label="Status"><strong class="tag tag-{{ row.status_colour }}">{{ row.status }}'
    "</strong></td>\n"
    '<td data-label="Kind">{{ row.kind }}</td>\n'
    '<td data-label="ICO deadline">{% if row.ico_colour %}'
    '<strong class="tag tag-{{ row.ico_colour }}">{{ row.ico }}'
    "</strong>{% else %}{{ row.ico }}{% endif %}</td>\n"
    "</tr>{% endfor %}")


def test_rows_markup_is_what_the_template_wrote(personas: Personas) -> None:
    with time_machine.travel(datetime(2026, 12, 28, 23, 40, tzinfo=UTC), tick=False):
        report(personas, title="Laptop <left> on a train & \"lost\"")
        closed = report(personas, title="Phone")
        decision_record(incident=assess(triage(closed, personas.siro), personas.dpo, 1, 1),
                        actor=personas.dpo, kind=Decision.Kind.ICO, tell=False, reason="None")
        triage(report(personas, title="Email to the wrong parent"), personas.siro,
               kind=Kind.NEAR_MISS)
    colours = set()
    for now in (datetime(2026, 12, 29, 9, 0, tzinfo=UTC), datetime(2027, 1, 9, tzinfo=UTC)):
        rows = selectors.incident_rows(list(selectors.incident_list(school=personas.school)),
                                       now=now)
        colours |= {row.ico_colour for row in rows}
        written = selectors.incident_rows_markup(rows)
        assert squeezed_html(written) == squeezed_html(OLD_ROWS.render({"rows": rows}))
        assert "<left>" not in written and written.count("<tr>") == 3
    assert colours == {"", "red"}  # a plain cell and the legal deadline's tag
