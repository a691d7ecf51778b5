"""Forms of the digital housekeeping pages: launching a campaign (the checklist prefilled
from the school's) and editing the school's checklist. Field names are the services'
argument names, so a service's refusal lands on the field it names."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.assets.models import AccessLabel
from schoolkeep.housekeeping.campaigns.selectors import STAFF_KINDS
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.people.models import PersonKind
from schoolkeep.tenancy.models import Site

CHECKLIST_HELP = "One thing to do a line. People tick nothing: they confirm they did them all."


class LaunchForm(forms.Form):
    title = forms.CharField(max_length=200, label="Title",
                            help_text="Such as \"Digital housekeeping, summer 2027\".")
    checklist = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), label="Checklist",
                                help_text=CHECKLIST_HELP)
    kinds = forms.MultipleChoiceField(
        choices=PersonKind.choices, required=False, widget=forms.CheckboxSelectMultiple,
        label="Who is asked",
        help_text="Leave all unticked for all staff (" + ", ".join(
            str(dict(PersonKind.choices)[k]).lower() for k in STAFF_KINDS) + ").")
    sites = forms.ModelMultipleChoiceField(
        queryset=Site.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Only at these sites", help_text="Leave all unticked for every site.")
    access_labels = forms.ModelMultipleChoiceField(
        queryset=AccessLabel.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, label="Only people holding these access labels",
        help_text="Through their Schoolkeep account. Leave all unticked for anyone.")
    # Day, Month and Year boxes, as every form here (never the browser's date picker).
    closes_on = UKDateField(label="Confirm by", what="the confirm-by date")

    def __init__(self, *args: Any, school: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = Site.objects.filter(school=school)  # type: ignore[attr-defined]
        self.fields["access_labels"].queryset = (  # type: ignore[attr-defined]
            AccessLabel.objects.filter(school=school))
        if not self.fields["sites"].queryset.exists():  # type: ignore[attr-defined]
            del self.fields["sites"]
        if not self.fields["access_labels"].queryset.exists():  # type: ignore[attr-defined]
            del self.fields["access_labels"]


class ChecklistForm(forms.Form):
    checklist = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), label="Checklist",
                                help_text=CHECKLIST_HELP)
    version = forms.IntegerField(widget=forms.HiddenInput)
