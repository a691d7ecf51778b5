"""Forms of the retention schedule: a record type's period (adjust or add) and a review."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.lib.date_input import UKDateField
from schoolkeep.privacy.schedule.models import RecordType, RetentionAction, RetentionEvent
from schoolkeep.privacy.schedule.services import FIELDS, LIMITS, NOTE_MAX, own_floor


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

    def __init__(self, *args: Any, record_type: RecordType | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if record_type is None:
            return
        if record_type.key:  # a starting type keeps its event (the service refuses another)
            self.fields["event"].disabled = True
            self.fields["event"].help_text = (
                "A starting type keeps the event its period runs from. Add a type of your "
                "own for records kept from another event.")
        if record_type.schoolkeep_own:  # Schoolkeep erases these: always destroyed
            self.fields["action"].disabled = True
            self.fields["action"].help_text = ("Schoolkeep erases its own records at the end "
                                               "of their period.")
            self.fields["years"].help_text = (
                f"Schoolkeep's own records are kept at least "
                f"{own_floor(record_type.key)}.")

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
