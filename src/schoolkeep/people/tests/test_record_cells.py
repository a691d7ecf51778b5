"""The record's rows and check cells written in Python (templatetags/record_cells) give the
markup the template wrote, for every state, with and without the sensitive details, on the
page and in the PDF, for the current record and the archive."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.template import Context, Template
from tests.assertions import squeezed_html

from schoolkeep.lib.links import url_for_each
from schoolkeep.people.record.rows import (
    DONE,
    MISSING,
    NOT_REQUIRED,
    PENDING,
    RecordCell,
    RecordPerson,
    RecordRow,
    record_layout,
)
from schoolkeep.people.templatetags.record_cells import (
    record_body,
    record_cells,
    short_date,
)
from schoolkeep.people.visibility import Level

# The cell as _record_table.html wrote it before the filter, with the check's label as its
# data-label (shown when a narrow screen stacks the row).
TEMPLATE_CELL = Template(
    '{% for cell in cells %}\n'
    '<td class="record-check record-{{ cell.state }}" data-label="{{ cell.label }}">\n'
    '{% if cell.state == "done" %}<span class="record-nowrap">{{ cell.done_on|date:"j M Y" }}'
    '</span>{% elif cell.state == "missing" %}<strong class="tag tag-red">Missing</strong>'
    '{% elif cell.state == "pending" %}<span class="tag tag-yellow">Pending</span>'
    '{% else %}<span class="secondary-text">Not required</span>{% endif %}\n'
    '{% if sensitive %}\n'
    '{% if cell.certificate_number %}<span class="record-detail">Certificate '
    '<span class="record-nowrap">{{ cell.certificate_number }}</span></span>{% endif %}\n'
    '{% if cell.checked_by %}<span class="record-detail">By {{ cell.checked_by }}</span>'
    '{% endif %}\n'
    '{% endif %}\n'
    '</td>\n'
    '{% endfor %}')

CELLS = [
    RecordCell("enhanced_dbs", "Enhanced DBS", DONE, True, date(2024, 9, 2),
               "Hattie <Checker> & Co", "001234567890"),
    RecordCell("barred_list", "Barred list", DONE, False, date(2023, 12, 31), "", ""),
    RecordCell("identity", "Identity", PENDING, True, None, "Office", ""),
    RecordCell("right_to_work", "Right to work", MISSING, True),
    RecordCell("overseas", "Overseas", NOT_REQUIRED, False),
]


@pytest.mark.parametrize("sensitive", [True, False])
def test_cells_are_the_markup_the_template_wrote(sensitive: bool) -> None:
    expected = TEMPLATE_CELL.render(Context({"cells": CELLS, "sensitive": sensitive}))
    written = record_cells(CELLS, sensitive)
    assert squeezed_html(written) == squeezed_html(expected)
    assert ("Hattie &lt;Checker&gt; &amp; Co" in written) is sensitive
    assert "<Checker>" not in written


@pytest.mark.parametrize("day", [date(2024, month, month * 2) for month in range(1, 13)])
def test_short_date_is_the_date_filter(day: date) -> None:
    assert short_date(day) == Template('{{ d|date:"j M Y" }}').render(Context({"d": day}))
    assert short_date(None) == ""


# A row as _record_table.html wrote it before record_body (its cells as TEMPLATE_CELL), with
# the missing checks moved beside the name and each cell's data-label.
TEMPLATE_ROW = Template(
    '{% load record_cells %}{% for row in rows %}\n'
    '<tr{% if row.incomplete %} class="record-incomplete"{% endif %}>\n'
    '<th scope="row">{% if pdf %}{{ row.person.full_name }}{% else %}'
    '<a href="{% url "people:person-detail" row.person.public_id %}">'
    '{{ row.person.full_name }}</a>{% endif %}</th>\n'
    '<td class="record-missing" data-label="Missing checks">{% if row.incomplete %}'
    '<strong>Incomplete:</strong> {{ row.missing|join:", " }}{% else %}Complete{% endif %}</td>\n'
    '<td data-label="Kind and post">{{ row.kind_and_post }}</td>\n'
    '<td class="record-nowrap" data-label="Start date">'
    '{{ row.person.start_date|date:"j M Y"|default:"Not recorded" }}</td>\n'
    '{% if layout.archive %}<td class="record-nowrap" data-label="Leaving date">'
    '{{ row.person.leaving_date|date:"j M Y" }}</td>{% endif %}\n'
    '{% with cells=row.cells sensitive=layout.sensitive %}CELLS{% endwith %}\n'
    '</tr>\n'
    '{% endfor %}'.replace("CELLS", TEMPLATE_CELL.source))


def _record_row(name: str, job_title: str, missing: list[str], **dates: date | None) -> RecordRow:
    person = RecordPerson(1, uuid.uuid4(), name, "teaching", job_title,
                          dates.get("start_date"), dates.get("leaving_date"), (False,) * 5)
    return RecordRow(person=person, cells=CELLS, missing=missing)


ROWS = [
    _record_row("Ada <Lovelace> & \"Co\" 'x'", "Head of <maths>", ["Right to work", "Identity"],
                start_date=date(2020, 9, 1), leaving_date=date(2024, 8, 31)),
    _record_row("Bo Complete", "", [], start_date=None, leaving_date=date(2025, 1, 2)),
]


@pytest.mark.parametrize("level", [Level.RECORD, Level.SENSITIVE])
@pytest.mark.parametrize("archive", [False, True])
@pytest.mark.parametrize("pdf", [False, True])
def test_rows_are_the_markup_the_template_wrote(level: Level, archive: bool, pdf: bool) -> None:
    layout = record_layout(level, archive=archive)
    expected = TEMPLATE_ROW.render(Context({"rows": ROWS, "layout": layout, "pdf": pdf}))
    written = record_body(ROWS, layout, None if pdf else url_for_each("people:person-detail"))
    assert squeezed_html(written) == squeezed_html(expected)
    assert "<Lovelace>" not in written and "<maths>" not in written
    assert ("href=" in written) is not pdf
