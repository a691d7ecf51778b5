# ruff: noqa: E501  (the old template is kept as it was, long lines and all)
"""The duty lists written in Python (``templatetags.duty_items``) give the old template's
markup, up to the whitespace between words and tags: for each kind of due date (a day, an
instant), status, owner or oversight view, a missing action or oversight link, and text
that needs escaping."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from schoolkeep.duties.types import DUE, OVERDUE, Duty

# ``duties/_duty_list.html`` before it called the filter.
OLD_TEMPLATE = """<ul class="task-list">
  {% for duty in duties %}
  <li class="duty duty-{{ duty.status }}">
    <div>
      <p class="duty-title"><strong class="tag tag-{{ duty.status }}">{% if duty.overdue %}Overdue{% else %}Due{% endif %}</strong> {{ duty.title }}</p>
      <p class="secondary-text">
        {{ duty.subject }}.
        {% if duty.all_day %}{% if duty.overdue %}It was due on{% else %}Due on{% endif %} {{ duty.due_at|date:"l j F Y" }}.{% else %}{% if duty.overdue %}Overdue since{% else %}Due by{% endif %} {{ duty.due_at|date:"H:i" }} on {{ duty.due_at|date:"l j F Y" }}.{% endif %}
        {% if oversight %}Owner: {{ duty.owner_label }}.{% endif %}
      </p>
    </div>
    {% if oversight %}
    <p><a href="{{ duty.oversight_url|default:duty.url }}">See details<span class="visually-hidden">: {{ duty.title }}, {{ duty.subject }}</span></a></p>
    {% else %}
    <p><a href="{{ duty.url }}">{{ duty.action|default:"Open it" }}<span class="visually-hidden">: {{ duty.subject }}</span></a></p>
    {% endif %}
  </li>
  {% endfor %}
</ul>
"""


def _collapsed(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def _duty(n: int, **fields: object) -> Duty:
    values: dict[str, object] = {
        "key": f"tests.kind:{n}", "module": "tests", "title": f"Do thing {n}",
        "subject": f"Record {n}", "due_at": date(2026, 3, 1 + n), "status": DUE,
        "url": f"/things/{n}/"}
    values.update(fields)
    return Duty(**values)  # type: ignore[arg-type]


DUTIES = [
    _duty(1),
    _duty(2, status=OVERDUE, owner_label="Sam Siro"),
    _duty(3, due_at=datetime(2026, 7, 1, 22, 30, tzinfo=UTC), action="Set it up"),
    _duty(4, due_at=datetime(2026, 1, 5, 9, 5, tzinfo=UTC), status=OVERDUE,
          oversight_url="/oversee/4/"),
    _duty(5, title='Fish & "chips" <b>', subject="O'Brien <script>x</script>",
          owner_label="A & B", url="/a?b=1&c=2", action="Go <now>"),
]


@pytest.mark.parametrize("oversight", [False, True])
def test_the_filter_writes_the_old_templates_markup(oversight: bool) -> None:
    with timezone.override("Europe/London"):
        context = Context({"duties": DUTIES, "oversight": oversight})
        old = Template(OLD_TEMPLATE).render(context)
        new = Template("{% load duty_items %}{{ duties|duty_items:oversight }}").render(context)
    assert _collapsed(new) == _collapsed(old)
    assert "<script>" not in new and "&lt;script&gt;" in new
    assert ("23:30 on Wednesday 1 July 2026" in new) is True  # British Summer Time


def test_no_duties_is_an_empty_list() -> None:
    html = Template("{% load duty_items %}{{ duties|duty_items:False }}").render(
        Context({"duties": []}))
    assert _collapsed(html) == '<ul class="task-list"> </ul>'
