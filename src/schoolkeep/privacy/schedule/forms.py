"""Forms of the retention schedule: a record type's period (adjust or add) and a review."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.lib.date_input import UKDateField
from schoolkeep.privacy.schedule.models import RecordType, RetentionAction, RetentionEvent
from schoolkeep.privacy.schedule.services import FIELDS, LIMITS, NOTE_MAX


class RecordTypeForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200)
    description = forms.CharField(label="What these records are", required=False,
                                  max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    event = forms.ChoiceField(label="The period runs from", choices=RetentionEvent.choices)
    years = forms.IntegerField(label="Years", min_value=0, max_value=LIMITS["years"],
                               required=False)
    months = forms.IntegerField(label="Months", min_value=0, max_value=LIMITS["months"],
                                required=False)
    days = forms.IntegerField(label="Days", min_value=0, max_value=LIMITS["days"],
                              required=False)
    action = forms.ChoiceField(label="At the end of the period", choices=RetentionAction.choices)
    source = forms.CharField(
        label="Where the period comes from", required=False, max_length=NOTE_MAX,
        help_text="The law, guidance or decision behind it, so that others can check it.",
        widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_for(cls, record_type: RecordType) -> dict[str, Any]:
        return {**{field: getattr(record_type, field) for field in FIELDS},
                "version": record_type.version}

    def service_fields(self) -> dict[str, Any]:
        return {field: self.cleaned_data.get(field) for field in FIELDS}


class ReviewForm(forms.Form):
    reviewed_on = UKDateField(label="Date of the review", what="the date of the review",
                              past=True)
    note = forms.CharField(
        label="What was found", required=False, max_length=NOTE_MAX,
        help_text="For example: where the records are, and that those past their period "
                  "were destroyed (record each destruction in the destruction log).",
        widget=forms.Textarea(attrs={"rows": 3}))
