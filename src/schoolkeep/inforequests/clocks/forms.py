"""The form to add a one-off bank holiday. It checks input only; the rules live in the
service, whose field names these are."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.inforequests.clocks.services import NAME_MAX
from schoolkeep.inforequests.models import ExtraBankHoliday
from schoolkeep.lib.date_input import UKDateField


class ExtraBankHolidayForm(forms.Form):
    day = UKDateField(label="Day of the bank holiday", what="the day of the bank holiday")
    name = forms.CharField(label="Name", max_length=NAME_MAX,
                           help_text='As proclaimed, such as "State funeral".',
                           error_messages={"required": "Enter the name of the bank holiday"})
    nations = forms.ChoiceField(
        label="Where is it a bank holiday?", choices=ExtraBankHoliday.Nations.choices,
        initial=ExtraBankHoliday.Nations.ENGLAND, widget=forms.RadioSelect,
        error_messages={"required": "Choose where the bank holiday is"})

    def service_fields(self) -> dict[str, Any]:
        return {"day": self.cleaned_data["day"], "name": self.cleaned_data["name"],
                "nations": self.cleaned_data["nations"]}
