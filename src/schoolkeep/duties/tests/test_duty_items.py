"""The duty lists written in Python (``templatetags.duty_items``): each duty's link is its
title (never "See details"), with the record as hidden context unless the title names it;
the owner for who oversees; dates as days or instants in UK time; everything escaped."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

from schoolkeep.duties.templatetags.duty_items import counts_words
from schoolkeep.duties.types import DUE, OVERDUE, Duty, DutyCounts


def _collapsed(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def _duty(n: int, **fields: object) -> Duty:
    values: dict[str, object] = {
        "key": f"tests.kind:{n}", "module": "tests", "title": f"Do thing {n}",
        "subject": f"Record {n}", "due_at": date(2026, 3, 1 + n), "status": DUE,
        "url": f"/things/{n}/"}
    values.update(fields)
    return Duty(**values)  # type: ignore[arg-type]


class _Viewer:
    """What the tag asks of ``current_access``: the permissions the viewer holds."""

    def __init__(self, *permissions: str) -> None:
        self.permissions = set(permissions)

    def can(self, permission: str) -> bool:
        return permission in self.permissions


def _render(duties: list[Duty], oversight: bool, viewer: object = None) -> str:
    with timezone.override("Europe/London"):
        return _collapsed(Template("{% load duty_items %}{% duty_items duties oversight %}")
                          .render(Context({"duties": duties, "oversight": oversight,
                                           "current_access": viewer or _Viewer()})))


def test_a_duty_links_its_title_with_the_record_as_hidden_context() -> None:
    html = _render([_duty(1, action="Do it now")], False)
    assert html == (
        '<ul class="task-list"> <li class="duty duty-due"> <div> <p class="duty-title">'
        '<strong class="tag tag-due">Due</strong> <a href="/things/1/">Do thing 1'
        '<span class="visually-hidden">: Record 1</span></a></p> <p class="secondary-text">'
        'Record 1. Due on Monday 2 March 2026.</p> </div> </li> </ul>')
    assert "Do it now" not in html  # the title is the link; no second link repeats it


def test_a_title_naming_its_record_does_not_repeat_it() -> None:
    html = _render([_duty(1, title="Triage BR-2026-0007", subject="BR-2026-0007")], False)
    assert '<a href="/things/1/">Triage BR-2026-0007</a>' in html
    assert html.count("BR-2026-0007") == 1


@pytest.mark.parametrize("oversight", [False, True])
def test_oversight_links_to_the_oversight_page_and_names_the_owner(oversight: bool) -> None:
    duty = _duty(4, due_at=datetime(2026, 1, 5, 9, 5, tzinfo=UTC), status=OVERDUE,
                 oversight_url="/oversee/4/", owner_label="Sam Siro")
    html = _render([duty], oversight)
    assert ('href="/oversee/4/"' in html) is oversight
    assert ('href="/things/4/"' in html) is not oversight
    assert ("Owner: Sam Siro." in html) is oversight
    # Whose it is, in the link's words too, so that two owners' duties never read alike.
    assert ("Record 4, for Sam Siro</span></a>" in html) is oversight
    assert '<strong class="tag tag-overdue">Overdue</strong>' in html
    assert "Overdue since 09:05 on Monday 5 January 2026." in html
    assert "See details" not in html


def test_instants_show_in_uk_time_and_everything_is_escaped() -> None:
    summer = _duty(3, due_at=datetime(2026, 7, 1, 22, 30, tzinfo=UTC))
    nasty = _duty(5, title='Fish & "chips" <b>', subject="O'Brien <script>x</script>",
                  owner_label="A & B", url="/a?b=1&c=2")
    html = _render([summer, nasty], True)
    assert "Due by 23:30 on Wednesday 1 July 2026." in html  # British Summer Time
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="/a?b=1&amp;c=2"' in html and "Fish &amp; &quot;chips&quot; &lt;b&gt;" in html
    assert "Owner: A &amp; B." in html


def test_no_duties_is_an_empty_list() -> None:
    assert _render([], False) == '<ul class="task-list"> </ul>'


def test_counts_in_words_leave_out_zeros() -> None:
    assert counts_words(DutyCounts(due=3)) == "3 due"
    assert counts_words(DutyCounts(due=1, overdue=2)) == "2 overdue, 1 due"
    assert counts_words(DutyCounts(overdue=2000)) == "2,000 overdue"


@time_machine.travel(datetime(2026, 3, 1, 10, tzinfo=UTC), tick=False)
def test_a_legal_clock_is_tagged_apart_with_the_time_left() -> None:
    clock = _duty(6, due_at=datetime(2026, 3, 3, 9, 30, tzinfo=UTC), legal_clock=True)
    html = _render([clock], True)
    assert '<strong class="tag tag-red">Legal deadline</strong> <a href="/things/6/">' in html
    assert "Record 6. 47 hours left. Due by 09:30 on Tuesday 3 March 2026." in html
    assert "tag-due" not in html


@pytest.mark.parametrize("oversight", [False, True])
def test_a_page_the_viewer_may_not_open_is_not_linked(oversight: bool) -> None:
    duty = _duty(7, permission="things.do", oversight_url="/oversee/7/",
                 oversight_permission="things.oversee", owner_label="Sam Siro")
    needed = "things.oversee" if oversight else "things.do"
    linked = _render([duty], oversight, _Viewer(needed))
    assert f'href="{"/oversee/7/" if oversight else "/things/7/"}"' in linked
    # The other permission is not the one this link needs: the title stays, as words.
    other = "things.do" if oversight else "things.oversee"
    unlinked = _render([duty], oversight, _Viewer(other))
    assert "<a " not in unlinked
    assert '<strong class="tag tag-due">Due</strong> Do thing 7</p>' in unlinked
    assert "Record 7. Due on Sunday 8 March 2026." in unlinked


def test_without_a_viewer_nothing_needing_a_permission_is_linked() -> None:
    html = _collapsed(Template("{% load duty_items %}{% duty_items duties False %}").render(
        Context({"duties": [_duty(8, permission="things.do"), _duty(9)]})))
    assert "<a " in html and 'href="/things/9/"' in html and 'href="/things/8/"' not in html
