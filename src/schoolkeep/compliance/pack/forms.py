"""Forms of the governor pack: which term to build, and the governing body's receipt."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.lib.date_input import UKDateField


class BuildForm(forms.Form):
    """The term to build: this term, or the one before (for a meeting held after it ended)."""

    term = forms.ChoiceField(label="Which term", widget=forms.RadioSelect, required=False)

    def __init__(self, *args: Any, terms: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["term"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(label, label) for label in terms]
        field.initial = terms[0] if terms else ""


class ReceivedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    received_on = UKDateField(label="Date of the meeting", past=True,
                              what="the date of the meeting")
    meeting = forms.CharField(label="The meeting", max_length=200,
                              help_text="Such as \"Full governing body\" or \"Resources "
                                        "committee\".")
    minute = forms.CharField(label="The minute's reference (optional)", max_length=100,
                             required=False,
                             help_text="The number of the item in the meeting's minutes, "
                                       "such as \"FGB 24/07\".")
