"""Forms of the requests to take material off site. They check input only; the rules live
in the services, whose argument names the fields carry, so a refusal lands on its field."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.assets.models import Asset
from schoolkeep.equipment.models import Item
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.transfers.models import Removal
from schoolkeep.transfers.removals.selectors import ALL, MINE, TO_APPROVE

ONCE, STANDING = "once", "standing"


class RequestForm(forms.Form):
    asset = forms.ChoiceField(
        label="Which information asset is it from?",
        help_text="Only OFFICIAL-SENSITIVE information needs a request.")
    form = forms.ChoiceField(label="What is taken", choices=Removal.Form.choices,
                             widget=forms.RadioSelect)
    item = forms.ChoiceField(
        label="The device (if a device)", required=False,
        help_text="It must be recorded as encrypted in the equipment register.")
    carried_how = forms.CharField(
        label="How the papers are carried and kept (if paper)", required=False,
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: in a locked bag, kept in the house, never left in a car.")
    description = forms.CharField(
        label="What is taken", max_length=300,
        help_text="For example: Year 4 marking laptop. No pupil's name is needed.")
    reason = forms.CharField(label="Why it needs to go off site", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    standing = forms.ChoiceField(
        label="How long for", widget=forms.RadioSelect, initial=ONCE,
        choices=[(ONCE, "Once: out on a day, back by a day"),
                 (STANDING, "A standing approval for a period (at most a year)")])
    starts_on = UKDateField(label="Goes off site on (or the period starts on)")
    ends_on = UKDateField(label="Back by (or the period ends on)")

    def __init__(self, *args: Any, assets: list[Asset], items: list[Item],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assets = {str(asset.public_id): asset for asset in assets}
        self.items = {str(item.public_id): item for item in items}
        self._choices("asset", [("", "Choose an asset"),
                                *((key, a.name) for key, a in self.assets.items())])
        self._choices("item", [("", "No device (paper)"),
                               *((key, _item_choice(i)) for key, i in self.items.items())])

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["asset"] = self.assets[data["asset"]]
        data["item"] = self.items.get(data.get("item") or "")
        data["standing"] = data["standing"] == STANDING
        return data


def _item_choice(item: Item) -> str:
    encrypted = "encrypted" if item.is_encrypted else "not recorded as encrypted"
    return f"{item.label} ({encrypted})"


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("refuse", "Refuse")],
                                 widget=forms.HiddenInput)
    note = forms.CharField(label="A note for the requester (needed to refuse)",
                           required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReturnForm(forms.Form):
    returned_on = UKDateField(label="Returned on", required=False, past=True,
                              help_text="Leave empty for today.")
    version = forms.IntegerField(widget=forms.HiddenInput)


class LostForm(forms.Form):
    what = forms.ChoiceField(label="What happened", widget=forms.RadioSelect, initial="lost",
                             choices=[("lost", "It was lost"), ("stolen", "It was stolen")])
    note = forms.CharField(label="What happened, where and when (optional)", required=False,
                           max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ShowForm(forms.Form):
    show = forms.ChoiceField(required=False, choices=[
        (MINE, "Your requests"), (TO_APPROVE, "Awaiting your decision"),
        (ALL, "Every request")])
