"""The error summary links each error to its input: for a date, the first box in error (the
month when only the month is missing), not always the day."""

from __future__ import annotations

from django import forms

from schoolkeep.lib.date_input import UKDateField


class SignedForm(forms.Form):
    name = forms.CharField(label="Name")
    signed_on = UKDateField(label="Date signed")


def test_the_summary_links_the_first_box_in_error() -> None:
    form = SignedForm({"name": "", "signed_on_0": "27", "signed_on_2": "2026"})
    assert not form.is_valid()
    html = str(form)
    assert 'href="#id_name"' in html
    assert 'href="#id_signed_on_1"' in html  # the month, the part missing
    assert 'href="#id_signed_on_0"' not in html


def test_a_date_missing_altogether_links_the_day() -> None:
    form = SignedForm({"name": "Ann"})
    assert not form.is_valid()
    assert 'href="#id_signed_on_0"' in str(form)
