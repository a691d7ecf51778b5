"""Forms of the forced changes: marking a system as possibly compromised, and recording
that a forced change was made."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.incidents.models import Incident
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.people.models import Person


class CompromiseForm(forms.Form):
    incident = forms.ModelChoiceField(
        queryset=Incident.objects.none(), required=False, label="Incident (optional)",
        empty_label="Not linked to an incident",
        help_text="An open incident report that names this system, if the worry came from "
                  "one.")
    note = forms.CharField(
        required=False, max_length=2000, label="What happened (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the request inside Schoolkeep; it is not put in any e-mail.")

    def __init__(self, *args: Any, incidents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["incident"]
        assert isinstance(field, forms.ModelChoiceField)  # nosec B101
        field.queryset = incidents
        field.to_field_name = "public_id"
        # The reference only: the title may hold details a manager of passwords may not see.
        field.label_from_instance = lambda incident: incident.reference


class SettleForm(forms.Form):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label="Who changed it",
                                    to_field_name="public_id")
    changed_on = UKDateField(label="Changed on", required=False, past=True,
                             what="the day the password was changed",
                             help_text="Leave it empty for today.")

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)  # nosec B101
        field.queryset = people
        field.label_from_instance = lambda person: person.full_name
