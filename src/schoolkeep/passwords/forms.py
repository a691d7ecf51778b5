"""Forms of the password change cycles. They check input only; the rules live in services.
No form here has a field for a password: a holder only says on which day they changed it."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.assets.models import AccessLabel
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.passwords.models import Cadence
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System


class CycleForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    system = forms.ModelChoiceField(
        label="System", queryset=System.objects.none(),
        error_messages={"required": "Choose the system.",
                        "invalid_choice": "Choose a system of this school."})
    name = forms.CharField(label="Who it is for", max_length=200,
                           help_text="Such as “Admin staff” or “Nominated contacts”.",
                           error_messages={"required": "Say who the cycle is for."})
    cadence = forms.ChoiceField(label="How often", choices=Cadence.choices,
                                widget=forms.RadioSelect,
                                error_messages={"required": "Choose how often."})
    every_days = forms.IntegerField(
        label="Every how many days", required=False, min_value=1, max_value=3660,
        help_text="Only for “Every so many days”, such as 90.",
        error_messages={"invalid": "Enter a whole number of days, such as 90.",
                        "min_value": "Enter at least 1 day.",
                        "max_value": "Enter at most 3660 days (ten years)."})
    holders = forms.ModelMultipleChoiceField(
        label="Named holders", required=False, queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose holders from the people of this school."})
    holders_label = forms.ModelChoiceField(
        label="Everyone with this access label", required=False,
        queryset=AccessLabel.objects.none(), empty_label="No label",
        help_text="Its members' records in People hold the cycle too, as members come and go.",
        error_messages={"invalid_choice": "Choose an access label of this school."})
    starts_on = UKDateField(label="Counting from", what="the date the cycle counts from")

    def __init__(self, *args: Any, systems: Any, people: Any, labels: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["system"].queryset = systems  # type: ignore[attr-defined]
        self.fields["holders"].queryset = people  # type: ignore[attr-defined]
        self.fields["holders_label"].queryset = labels  # type: ignore[attr-defined]
        self.fields["holders"].label_from_instance = (  # type: ignore[attr-defined]
            lambda person: person.full_name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cadence") == Cadence.EVERY_N_DAYS and not data.get("every_days"):
            self.add_error("every_days", "Enter every how many days, such as 90.")
        if not data.get("holders") and not data.get("holders_label") \
                and "holders" not in self.errors:
            self.add_error("holders", "Name the holders, or choose an access label.")
        return data

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"system": data["system"], "name": data["name"], "cadence": data["cadence"],
                "every_days": data.get("every_days"), "holders": list(data["holders"]),
                "holders_label": data.get("holders_label"), "starts_on": data["starts_on"]}


class ChangedForm(forms.Form):
    """"I changed my password today", or on another day."""

    changed_on = UKDateField(label="Changed on another day", required=False,
                             what="the day you changed it")
