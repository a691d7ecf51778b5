"""Forms of the forced changes: marking a system as possibly compromised, and recording
that a forced change was made."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.incidents.models import Incident
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.people.models import Person


class IncidentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        # The reference only: the title may hold details a manager of passwords may not see.
        return str(obj.reference)


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class CompromiseForm(forms.Form):
    incident = IncidentChoiceField(
        queryset=Incident.objects.none(), required=False, label="Incident (optional)",
        empty_label="Not linked to an incident", to_field_name="public_id",
        help_text="An open incident report that names this system, if the worry came from "
                  "one.")
    note = forms.CharField(
        required=False, max_length=2000, label="What happened (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the request inside Schoolkeep; it is not put in any e-mail.")

    def __init__(self, *args: Any, incidents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["incident"].queryset = incidents  # type: ignore[attr-defined]


class SettleForm(forms.Form):
    person = PersonChoiceField(queryset=Person.objects.none(), label="Who changed it",
                               to_field_name="public_id")
    changed_on = UKDateField(label="Changed on", required=False, past=True,
                             what="the day the password was changed",
                             help_text="Leave it empty for today.")

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people  # type: ignore[attr-defined]
