# ruff: noqa: E501  (the old template is kept as it was, long lines and all)
"""The trust overview's rows written in Python (``templatetags.trust_rows``) give the old
template's markup, up to the whitespace between words and tags: schools with and without
overdue duties, with areas listed or everything up to date, and names that need escaping."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.template import Context, Template

from schoolkeep.duties.selectors import ModuleCounts
from schoolkeep.duties.types import DutyCounts

# The rows of ``duties/trust_overview.html`` before it called the filter.
OLD_ROWS = """    {% for row in rows %}
    <tr>
      <th scope="row">{{ row.school.name }}</th>
      <td class="table-numeric">{% if row.total.overdue %}<strong class="tag tag-overdue">{{ row.total.overdue }}</strong>{% else %}0{% endif %}</td>
      <td class="table-numeric">{{ row.total.due }}</td>
      <td>
        {% if row.modules %}
        <ul class="plain-list">
          {% for module in row.modules %}<li>{{ module.label }}: {{ module.counts.overdue }} overdue, {{ module.counts.due }} due</li>{% endfor %}
        </ul>
        {% else %}Everything is up to date{% endif %}
      </td>
    </tr>
    {% endfor %}
"""


@dataclass
class _School:
    name: str


ROWS = [
    {"school": _School("Alder Primary"), "total": DutyCounts(due=3, overdue=2),
     "modules": [ModuleCounts("assets", "Information assets and systems",
                              DutyCounts(due=1, overdue=2)),
                 ModuleCounts("people", "People & <checks>", DutyCounts(due=2))]},
    {"school": _School("Birch & Co's <Academy>"), "total": DutyCounts(), "modules": []},
    {"school": _School("Cedar Infants"), "total": DutyCounts(due=12345),
     "modules": [ModuleCounts("tenancy", "Members", DutyCounts(due=12345))]},
]


def _collapsed(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def test_the_filter_writes_the_old_templates_rows() -> None:
    context = Context({"rows": ROWS})
    old = Template(OLD_ROWS).render(context)
    new = Template("{% load trust_rows %}{{ rows|trust_rows }}").render(context)
    assert _collapsed(new) == _collapsed(old)
    assert "&lt;Academy&gt;" in new and "<Academy>" not in new


def test_no_schools_no_rows() -> None:
    assert Template("{% load trust_rows %}{{ rows|trust_rows }}").render(
        Context({"rows": []})) == ""
