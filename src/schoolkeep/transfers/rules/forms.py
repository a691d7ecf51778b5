"""The form of one cell of the transfer rules, a school's or a trust's. It checks input only;
the services decide which channels a rule may name."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.transfers.models import TransferRule
from schoolkeep.transfers.rules.resolve import Cell


class RuleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    answer = forms.ChoiceField(
        label="What staff are told", widget=forms.RadioSelect,
        choices=[(TransferRule.Answer.CHANNELS, "Use one of the approved channels below"),
                 (TransferRule.Answer.ASK_DPO, "Ask the DPO first")],
        error_messages={"required": "Choose whether to use an approved channel or to ask the "
                                    "DPO."})
    channels = forms.MultipleChoiceField(
        label="Approved channels", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Staff are offered them in this order. A channel not yet in the register "
                  "is named, and staff are told to ask the DPO until it is added.",
        error_messages={"invalid_choice": "Choose channels from the list."})
    note = forms.CharField(label="Note for staff", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="For example: only for schools in London.")

    def __init__(self, *args: Any, channel_names: dict[str, str], in_register: set[str],
                 current: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ordered = [key for key in current if key in channel_names]
        ordered += [key for key in channel_names if key not in ordered]
        field = self.fields["channels"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (key, channel_names[key] if key in in_register
             else f"{channel_names[key]} (not in the register yet)")
            for key in ordered]

    @staticmethod
    def initial_for(cell: Cell, version: int) -> dict[str, Any]:
        return {"answer": cell.answer, "channels": list(cell.channel_keys), "note": cell.note,
                "version": version}

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"answer": data["answer"], "channels": list(data["channels"]),
                "note": data["note"], "version": data["version"]}
