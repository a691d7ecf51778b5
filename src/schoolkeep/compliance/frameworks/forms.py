"""The form of a requirement in the school's own words (to change one, or to add a clause):
its section, a short title, the wording, what "met" means, and the controls that show it is
done, ticked from the school's controls. The wording is asked for unless the requirement
changed quotes none."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.compliance.frameworks.services import MAX_TEXT
from schoolkeep.compliance.models import Control, Requirement


class RequirementForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    section = forms.CharField(label="Section of the policy", required=False, max_length=200,
                              help_text="The heading it comes under, such as \"Passwords\".")
    title = forms.CharField(label="Short title", max_length=300,
                            help_text="A few words that say what is asked, such as \"Screens "
                                      "are locked when left\".",
                            error_messages={"required": "Enter a short title."})
    text = forms.CharField(label="The wording, as the school's policy has it", max_length=MAX_TEXT,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": "Enter the wording."})
    met_means = forms.CharField(label="What met means", required=False, max_length=MAX_TEXT,
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text="What someone checking would expect to see.")
    controls = forms.MultipleChoiceField(
        label="Controls that show it is done", required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Its state comes from these. With none ticked it stays \"not yet "
                  "assessed\".",
        error_messages={"invalid_choice": "Choose controls from the list."})

    def __init__(self, *args: Any, controls: list[Control], text_required: bool = True,
                 **kwargs: Any) -> None:
        """``text_required``: False when changing a published requirement that quotes no
        wording (the RPA's conditions), where the school may change only its controls
        (``services.text_required`` decides; adding a clause always asks for it)."""
        super().__init__(*args, **kwargs)
        self.fields["text"].required = text_required
        self.choosable = {str(control.public_id): control for control in controls}
        field = self.fields["controls"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(key, control.title) for key, control in self.choosable.items()]

    @staticmethod
    def initial_for(requirement: Requirement) -> dict[str, Any]:
        return {"version": requirement.version, "section": requirement.section,
                "title": requirement.title, "text": requirement.text,
                "met_means": requirement.met_means,
                "controls": [str(control.public_id) for control in requirement.controls.all()]}

    def clean_controls(self) -> list[Control]:
        return [self.choosable[key] for key in self.cleaned_data["controls"]]

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name]
                for name in ("section", "title", "text", "met_means", "controls")}
