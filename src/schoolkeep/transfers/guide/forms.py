"""The guide's forms: the two questions (what, to whom), asking the DPO, and the answer."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.transfers.guide.services import ANSWER_MAX, DETAILS_MAX
from schoolkeep.transfers.models import DataKind, Recipient

NO_NAMES = ("Do not write anyone's name: say what the data is, who asked for it and why, so"
            " the DPO can answer.")


class GuideForm(forms.Form):
    """"How do I send this?": read from the page's address (a GET form)."""

    data_kind = forms.ChoiceField(label="What do you want to send?",
                                  choices=[("", "Choose the kind of data"), *DataKind.choices],
                                  error_messages={"required": "Choose what you want to send."})
    recipient = forms.ChoiceField(label="Who are you sending it to?",
                                  choices=[("", "Choose who receives it"), *Recipient.choices],
                                  error_messages={"required": "Choose who you are sending it to."})


class AskForm(forms.Form):
    """"Ask the DPO": the kind and recipient the guide answered, and optional details. Its
    ids start "ask_", apart from the guide's form on the same page."""

    data_kind = forms.ChoiceField(choices=DataKind.choices, widget=forms.HiddenInput,
                                  error_messages={"required": "Choose what you want to send."})
    recipient = forms.ChoiceField(choices=Recipient.choices, widget=forms.HiddenInput,
                                  error_messages={"required": "Choose who you are sending it to."})
    details = forms.CharField(
        label="Anything the DPO should know", required=False, max_length=DETAILS_MAX,
        help_text=NO_NAMES, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "ask_%s")
        super().__init__(*args, **kwargs)


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer", max_length=ANSWER_MAX,
        help_text="How to send it (which channel, what to check first), or why it should not"
                  " be sent. The person who asked is e-mailed a link to read it.",
        error_messages={"required": "Write your answer."},
        widget=forms.Textarea(attrs={"rows": 6}))
