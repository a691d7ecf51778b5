"""The record's check cells written in Python (templatetags/record_cells) give the markup the
template wrote, for every state, with and without the sensitive details."""

from __future__ import annotations

import re
import uuid
from datetime import date

import pytest
from django.template import Context, Template
from django.urls import reverse

from schoolkeep.people.record import DONE, MISSING, NOT_REQUIRED, PENDING, RecordCell
from schoolkeep.people.templatetags.record_cells import (
    person_url,
    person_url_pattern,
    record_cells,
    short_date,
)

# The cell as _record_table.html wrote it before the filter.
TEMPLATE_CELL = Template(
    '{% for cell in cells %}\n'
    '<td class="record-check record-{{ cell.state }}">\n'
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


def _squeezed(html: str) -> str:
    """Markup without the whitespace between and inside tags that templates leave."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("sensitive", [True, False])
def test_cells_are_the_markup_the_template_wrote(sensitive: bool) -> None:
    expected = TEMPLATE_CELL.render(Context({"cells": CELLS, "sensitive": sensitive}))
    written = record_cells(CELLS, sensitive)
    assert _squeezed(written) == _squeezed(expected)
    assert ("Hattie &lt;Checker&gt; &amp; Co" in written) is sensitive
    assert "<Checker>" not in written


@pytest.mark.parametrize("day", [date(2024, month, month * 2) for month in range(1, 13)])
def test_short_date_is_the_date_filter(day: date) -> None:
    assert short_date(day) == Template('{{ d|date:"j M Y" }}').render(Context({"d": day}))
    assert short_date(None) == ""


def test_person_url_is_the_reversed_url() -> None:
    public_id = uuid.uuid4()
    assert person_url(public_id, person_url_pattern()) == reverse(
        "people:person-detail", args=[public_id])
