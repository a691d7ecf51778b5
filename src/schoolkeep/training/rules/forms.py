"""The form of the training settings (the service checks the values again)."""

from __future__ import annotations

import calendar
from typing import Any

from django import forms

from schoolkeep.training.models import TrainingSettings

STALE_FORM = "The form was out of date: reload the page and enter the settings again."
MONTHS = [(number, calendar.month_name[number]) for number in range(1, 13)]


class TrainingSettingsForm(forms.Form):
    # Only a stale or hand-made form lacks it: say what to do rather than "This field is
    # required." on a field the user cannot see.
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={
        "required": STALE_FORM, "invalid": STALE_FORM})
    induction_days = forms.IntegerField(
        label="New staff are trained within (days of starting)", min_value=1, max_value=365,
        help_text="The DfE asks for cyber security training at induction. A new starter not "
                  "trained this many days after their start date is overdue. 30 unless you "
                  "change it.",
        error_messages={"required": "Enter a number of days, from 1 to 365."})
    rpa_member = forms.BooleanField(
        label="The school is a member of the RPA", required=False,
        help_text="The Risk Protection Arrangement's cyber cover asks every employee and "
                  "governor who uses the school's IT to complete the NCSC's training, with a "
                  "certificate, by the start of the membership year.")
    rpa_year_start_day = forms.IntegerField(
        label="The RPA membership year starts on (day)", min_value=1, max_value=31,
        error_messages={"required": "Enter a day of the month, from 1 to 31."})
    rpa_year_start_month = forms.TypedChoiceField(
        label="The RPA membership year starts on (month)", choices=MONTHS, coerce=int,
        error_messages={"required": "Choose a month."})

    @classmethod
    def initial_for(cls, settings: TrainingSettings) -> dict[str, Any]:
        return {"version": settings.version, "induction_days": settings.induction_days,
                "rpa_member": settings.rpa_member,
                "rpa_year_start_day": settings.rpa_year_start_day,
                "rpa_year_start_month": settings.rpa_year_start_month}
