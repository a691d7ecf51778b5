"""The DPO's hold form. It checks input only; the rules live in ``services``."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.lib.date_input import UKDateField
from schoolkeep.people.models import Person
from schoolkeep.privacy.erasure.models import HoldReason
from schoolkeep.privacy.erasure.services import NOTE_MAX


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        left = f" (left {obj.leaving_date:%d/%m/%Y})" if obj.leaving_date else ""
        return f"{obj.full_name}{left}"


class HoldForm(forms.Form):
    person = PersonChoice(label="Whose erasure must wait?", queryset=Person.objects.none(),
                          to_field_name="public_id",
                          empty_label="Choose a person",
                          error_messages={"required": "Choose the person",
                                          "invalid_choice": "Choose a person from the list"})
    reason = forms.ChoiceField(label="Why must it wait?", choices=HoldReason.choices,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Choose why the erasure must wait"})
    note = forms.CharField(label="Note (optional)", required=False, max_length=NOTE_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Only the DPO reads it. For example the case's reference.")
    until = UKDateField(label="Hold until (optional)", required=False,
                        what="the day the hold ends",
                        help_text="Leave it empty to hold until you release it.")

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Leavers first (those whose erasure can come), then everyone else, by name.
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = (Person.objects.filter(school=school)
                           .order_by("leaving_date", "name_key"))


class RecordHoldForm(forms.Form):
    """A hold on one record from the list of records due (its kind and id, and why)."""

    subject_type = forms.CharField(max_length=100,
                                   error_messages={"required": "Choose a record"})
    subject_id = forms.CharField(max_length=64, error_messages={"required": "Choose a record"})
    reason = forms.ChoiceField(label="Why must it wait?", choices=HoldReason.choices,
                               error_messages={"required": "Choose why the erasure must wait",
                                               "invalid_choice": "Choose why the erasure "
                                                                 "must wait from the list"})
