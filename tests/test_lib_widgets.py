"""PlainSelect writes the markup Django's Select writes (compared as HTML)."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test.html import parse_html
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from schoolkeep.lib.widgets import PlainSelect

CHOICES = [("", "Anyone"), ("person:1", "Ann <Admin> & Co"), ("person:2", "Bob \"B\" O'Neil"),
           ("none", "No owner")]


def _form(widget: Any, choices: list[tuple[str, str]], required: bool = False) -> type:
    class Filter(forms.Form):
        owner = forms.ChoiceField(label="Owner", required=required, choices=choices,
                                  widget=widget)

    return Filter


@pytest.mark.parametrize("data", [None, {}, {"owner": ""}, {"owner": "person:2"},
                                  {"owner": "none"}, {"owner": "not-a-choice"}])
@pytest.mark.parametrize("required", [False, True])
def test_same_markup_as_djangos_select(data: dict[str, str] | None, required: bool) -> None:
    ours = str(_form(PlainSelect, CHOICES, required)(data)["owner"])
    django = str(_form(forms.Select, CHOICES, required)(data)["owner"])
    assert parse_html(ours) == parse_html(django)


def test_the_chosen_option_is_selected_and_labels_are_escaped() -> None:
    html = str(_form(PlainSelect, CHOICES)({"owner": "person:1"})["owner"])
    assert '<option value="person:1" selected>Ann &lt;Admin&gt; &amp; Co</option>' in html
    assert html.count(" selected") == 1


@settings(max_examples=60, deadline=None)
@given(labels=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=8, unique=True),
       pick=st.integers(min_value=0, max_value=9))
def test_any_choices_render_as_djangos(labels: list[str], pick: int) -> None:
    choices = [("", "Any"), *((f"k{n}", label) for n, label in enumerate(labels))]
    data = {"owner": choices[pick % len(choices)][0]}
    ours = str(_form(PlainSelect, choices)(data)["owner"])
    django = str(_form(forms.Select, choices)(data)["owner"])
    assert parse_html(ours) == parse_html(django)


def test_a_label_marked_safe_is_kept_as_django_keeps_it() -> None:
    choices = [("", "Any"), ("a", mark_safe("<b>Bold</b> &amp; Co")), ("b", "<i>")]
    ours = str(_form(PlainSelect, choices)({"owner": "a"})["owner"])
    django = str(_form(forms.Select, choices)({"owner": "a"})["owner"])
    assert parse_html(ours) == parse_html(django)
    assert "<b>Bold</b>" in ours and "&lt;i&gt;" in ours
