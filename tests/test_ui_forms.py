"""The project's form rendering (FORM_RENDERER): labels, hints, "(optional)", field errors
tied to their inputs, and an error summary whose links reach the field."""

from __future__ import annotations

from django import forms

from tests.test_ui_pages import PageParts


class ExampleForm(forms.Form):
    name = forms.CharField(label="Asset name", help_text="As staff know it.")
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)
    kind = forms.ChoiceField(
        label="Kind of record",
        choices=[("paper", "Paper"), ("digital", "Digital")],
        widget=forms.RadioSelect,
    )
    confirmed = forms.BooleanField(label="I have checked this", required=True)


def render(form: forms.Form) -> tuple[str, PageParts]:
    html = str(form)
    parts = PageParts()
    parts.feed(html)
    return html, parts


def test_valid_form_has_labels_hints_and_optional_marks_but_no_summary() -> None:
    html, parts = render(ExampleForm())
    assert "error-summary" not in html
    assert parts.find("label", **{"for": "id_name"})
    assert "Notes (optional)" in html
    assert "Asset name (optional)" not in html
    hint = parts.find("div", **{"class": "hint", "id": "id_name_helptext"})
    assert hint
    assert parts.find("input", id="id_name")[0]["aria-describedby"] == "id_name_helptext"
    # Radios sit in a fieldset whose legend is the question.
    assert "<legend>Kind of record</legend>" in html
    # A single checkbox comes before its label.
    assert html.index('id="id_confirmed"') < html.index('<label for="id_confirmed">')


def test_invalid_form_ties_each_error_to_its_field() -> None:
    form = ExampleForm(data={"name": "", "kind": "", "confirmed": ""})
    html, parts = render(form)
    assert len(parts.ids) == len(set(parts.ids)), "duplicate ids"
    assert html.index("error-summary") < html.index('class="form-group')
    # Summary links go to the input, or the first radio of a group.
    assert parts.find("a", href="#id_name")
    assert parts.find("a", href="#id_kind_0")
    assert "id_kind_0" in parts.ids
    assert parts.find("a", href="#id_confirmed")
    name_input = parts.find("input", id="id_name")[0]
    assert name_input["aria-invalid"] == "true"
    assert name_input["aria-describedby"] == "id_name_helptext id_name_error"
    assert "id_name_error" in parts.ids
    fieldset = parts.find("fieldset")[0]
    assert fieldset["aria-describedby"] == "id_kind_error"
    assert "id_kind_error" in parts.ids
    assert html.count('<span class="visually-hidden">Error:</span>') == 3
    assert html.count("form-group-error") == 3


def test_non_field_errors_appear_in_the_summary() -> None:
    class PairForm(forms.Form):
        start = forms.IntegerField()
        end = forms.IntegerField()

        def clean(self) -> dict[str, object]:
            raise forms.ValidationError("The end must come after the start.")

    html, _ = render(PairForm(data={"start": "2", "end": "1"}))
    assert '<div class="error-summary"' in html
    assert "<li>The end must come after the start.</li>" in html
