"""Forms of the transfer log: logging a transfer, the list's filters, the DPO's review."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.assets.models import Asset
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.systems.models import System
from schoolkeep.transfers.log.selectors import OTHER_WAY, LogFilters
from schoolkeep.transfers.models import DataKind, Recipient, Transfer

YES, NO, UNKNOWN = "yes", "no", "unknown"
YES_NO_UNKNOWN = [(YES, "Yes"), (NO, "No"), (UNKNOWN, "Not known")]
AS_BOOL = {YES: True, NO: False, UNKNOWN: None, "": None}


def _choice(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class TransferForm(forms.Form):
    data_kind = forms.ChoiceField(label="What was sent", choices=DataKind.choices,
                                  error_messages={"required": "Choose what kind of data was sent."})
    description = forms.CharField(
        label="Describe it, without names", required=False, max_length=300,
        help_text="Such as \"Year 6 CTF file\" or \"EHCP review papers for one pupil\". Use "
                  "initials, never a pupil's name.")
    recipient = forms.ChoiceField(label="Who it was sent to", choices=Recipient.choices,
                                  error_messages={"required": "Choose who it was sent to."})
    recipient_name = forms.CharField(label="Their name", required=False, max_length=200,
                                     help_text="Such as \"St Mary's Primary\".")
    channel = forms.ChoiceField(label="How it was sent",
                                error_messages={"required": "Choose how it was sent."})
    channel_other = forms.CharField(
        label="The other way it was sent", required=False, max_length=200,
        help_text="Only when it did not go by one of the school's channels: such as "
                  "\"ordinary e-mail\" or \"by hand\".")
    sent_on = UKDateField(label="Date sent", what="the date it was sent", past=True,
                          required=False, help_text="Leave empty for today.")
    pupils_named = forms.ChoiceField(
        label="Were pupils named (not initials)?", choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect, initial=UNKNOWN)
    people_count = forms.IntegerField(label="How many people's data", required=False,
                                      min_value=0, max_value=10_000_000)
    asset = forms.ChoiceField(label="Information asset the data came from", required=False,
                              help_text="The record of the register the data came from.")
    add_to_asset_recipients = forms.BooleanField(
        label="Add this recipient to the asset's recipients", required=False,
        help_text="Only if you may change the asset (its owner, the SIRO, the DPO or a data "
                  "administrator).")

    def __init__(self, *args: Any, channels: list[System], assets: list[Asset],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.channels = {str(system.public_id): system for system in channels}
        self.assets = {str(asset.public_id): asset for asset in assets}
        _choice(self, "channel").choices = [
            ("", "Choose how it was sent"),
            *((key, system.name) for key, system in self.channels.items()),
            (OTHER_WAY, "Another way (not one of the school's channels)")]
        _choice(self, "asset").choices = [
            ("", "None"), *((key, asset.name) for key, asset in self.assets.items())]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("channel") == OTHER_WAY and not (cleaned.get("channel_other") or
                                                        "").strip():
            self.add_error("channel_other", "Say which other way it was sent.")
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        other = data["channel"] == OTHER_WAY
        return {
            "data_kind": data["data_kind"], "recipient": data["recipient"],
            "recipient_name": data["recipient_name"], "description": data["description"],
            "channel": None if other else self.channels.get(data["channel"]),
            "channel_other": data["channel_other"] if other else "",
            "sent_on": data.get("sent_on"), "pupils_named": AS_BOOL[data["pupils_named"]],
            "people_count": data.get("people_count"),
            "asset": self.assets.get(data.get("asset") or ""),
            "add_to_asset_recipients": data["add_to_asset_recipients"]}


class LogFilterForm(forms.Form):
    data_kind = forms.ChoiceField(label="What", required=False,
                                  choices=[("", "Any kind of data"), *DataKind.choices])
    recipient = forms.ChoiceField(label="To whom", required=False,
                                  choices=[("", "Anyone"), *Recipient.choices])
    channel = forms.ChoiceField(label="Channel", required=False)
    review = forms.ChoiceField(label="Review", required=False,
                               choices=[("", "Any"), *Transfer.Review.choices])
    date_from = UKDateField(label="Sent from", required=False, what="the first date")
    date_to = UKDateField(label="Sent up to", required=False, what="the last date")

    def __init__(self, *args: Any, channels: list[System], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "channel").choices = [
            ("", "Any channel"), *((str(system.public_id), system.name) for system in channels),
            (OTHER_WAY, "Another way")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The last date must be the same as or after the first.")
        return cleaned

    def filters(self) -> LogFilters | None:
        """The filters chosen (none when the form is not filled in); None when they are not
        valid, so that a caller shows the errors rather than the whole log."""
        if not self.is_bound:
            return LogFilters()
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return LogFilters(data_kind=data["data_kind"], recipient=data["recipient"],
                          channel=data["channel"], review=data["review"],
                          date_from=data.get("date_from"), date_to=data.get("date_to"))


class ReviewForm(forms.Form):
    note = forms.CharField(label="What you found, and what was done", max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": "Say what you found, and what was "
                                                       "done about it."})
    version = forms.IntegerField(widget=forms.HiddenInput)
