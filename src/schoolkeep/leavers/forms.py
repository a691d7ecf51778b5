"""The checklist's forms: which checklists to list, and one step recorded."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.leavers.models import StepRecord
from schoolkeep.people.models import Person

SHOW_CHOICES = [("open", "Open checklists"), ("all", "Every checklist")]


class ChecklistFilterForm(forms.Form):
    show = forms.ChoiceField(choices=SHOW_CHOICES, required=False, label="Show")


class StepForm(forms.Form):
    """One step: what it is about, what was done, and (for a hand-over or a replacement) who
    takes it over, or why it is not needed."""

    kind = forms.ChoiceField(choices=StepRecord.Kind.choices)
    subject_id = forms.UUIDField()
    not_needed = forms.BooleanField(required=False)
    new_holder = forms.ModelChoiceField(queryset=Person.objects.none(), required=False,
                                        to_field_name="public_id", label="Who takes it over")
    note = forms.CharField(required=False, max_length=2000, label="Why it is not needed",
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        holder = self.fields["new_holder"]
        if people is not None and isinstance(holder, forms.ModelChoiceField):
            holder.queryset = people

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"kind": data["kind"], "subject_id": str(data["subject_id"]),
                "not_needed": bool(data.get("not_needed")),
                "new_holder": data.get("new_holder"), "note": data.get("note") or ""}
