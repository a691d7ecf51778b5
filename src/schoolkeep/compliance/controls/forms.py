"""Forms of the controls pages: the filters of the list, a school's own control, the owner
and cadence of any control, and a confirmation. They check input only; the rules live in
``controls/services.py``, whose argument names the fields carry, so that a DomainError lands
on its field."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.compliance.controls.services import (
    MAX_DESCRIPTION,
    MAX_HINT,
    MAX_NOTE,
    MAX_TITLE,
)
from schoolkeep.compliance.models import Attestation, Control, State
from schoolkeep.lib.date_input import UKDateField

STATES = [("", "Every state"), *State.choices]
KINDS = [("", "Both kinds"), (Control.Kind.COMPUTED, "Worked out from the records"),
         (Control.Kind.ATTESTED, "Confirmed by someone")]


class FilterForm(forms.Form):
    state = forms.ChoiceField(label="State", required=False, choices=STATES)
    kind = forms.ChoiceField(label="Kind", required=False, choices=KINDS)


def _owner_field(members: list[Any], *, role_words: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Owner", required=False,
        choices=[("", f"Nobody named: {role_words}"),
                 *((str(user.pk), user.full_name or user.email) for user in members)],
        help_text="The member who makes sure it is done. They are told when it is due or "
                  "not met.")


class _OwnedForm(forms.Form):
    """A form naming an owner among the school's active members (by id)."""

    def __init__(self, *args: Any, members: list[Any], role_words: str,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(user.pk): user for user in members}
        self.fields["owner"] = _owner_field(members, role_words=role_words)
        # The owner after the fields the subclass lists first.
        order = [name for name in self.fields if name != "owner"]
        order.insert(self.owner_position(order), "owner")
        self.order_fields(order)

    def owner_position(self, names: list[str]) -> int:
        return len(names)

    def clean_owner(self) -> Any:
        return self.members.get(self.cleaned_data.get("owner") or "")


CADENCE_HELP = ("Once a term: due by the last day of each term. Once a year: a year after "
                "the last time. Every so many days: that many days after the last time.")


class ControlForm(_OwnedForm):
    """A school's own control (added or changed)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(
        label="What is done", max_length=MAX_TITLE,
        help_text="One sentence, such as \"The visitors' book is kept in the locked office\".",
        error_messages={"required": "Enter what is done."})
    description = forms.CharField(
        label="More about it", required=False, max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the person confirming it checks, and why it matters.")
    cadence = forms.ChoiceField(
        label="How often it is confirmed", widget=forms.RadioSelect,
        choices=Control.Cadence.choices, help_text=CADENCE_HELP,
        error_messages={"required": "Choose how often it is confirmed."})
    every_days = forms.IntegerField(
        label="Every how many days", required=False, min_value=1, max_value=730,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text="Only for \"every so many days\": from 1 to 730.")
    evidence_hint = forms.CharField(
        label="What evidence helps", required=False, max_length=MAX_HINT,
        help_text="Shown to whoever confirms it, such as \"a photo of the locked cabinet\".")

    def owner_position(self, names: list[str]) -> int:
        return names.index("cadence")

    @staticmethod
    def initial_for(control: Control, *, owner_id: int | None, version: int
                    ) -> dict[str, Any]:
        return {"version": version, "title": control.title,
                "description": control.description, "cadence": control.cadence,
                "every_days": control.every_days, "evidence_hint": control.evidence_hint,
                "owner": str(owner_id) if owner_id else ""}

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in
                ("title", "description", "cadence", "every_days", "evidence_hint", "owner")}


class BuiltinForm(_OwnedForm):
    """A built-in control: its owner, and for an attested one how often it is confirmed
    (blank: as published)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, control: Control, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if control.kind == Control.Kind.ATTESTED:
            published = Control.Cadence(control.cadence).label.lower() if control.cadence \
                else "as published"
            self.fields["cadence"] = forms.ChoiceField(
                label="How often it is confirmed", required=False, widget=forms.RadioSelect,
                choices=[("", f"As published ({published})"), *Control.Cadence.choices],
                help_text=CADENCE_HELP)
            self.fields["every_days"] = forms.IntegerField(
                label="Every how many days", required=False, min_value=1, max_value=730,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                help_text="Only for \"every so many days\": from 1 to 730.")

    @staticmethod
    def initial_for(setting: Any, *, owner_id: int | None, version: int) -> dict[str, Any]:
        return {"version": version, "owner": str(owner_id) if owner_id else "",
                "cadence": setting.cadence if setting else "",
                "every_days": setting.every_days if setting else None}

    def service_fields(self) -> dict[str, Any]:
        return {"owner": self.cleaned_data["owner"],
                "cadence": self.cleaned_data.get("cadence") or "",
                "every_days": self.cleaned_data.get("every_days")}


class AttestForm(forms.Form):
    attested_on = UKDateField(label="Day it was checked", what="the day it was checked",
                              past=True)
    outcome = forms.ChoiceField(
        label="Was it done?", widget=forms.RadioSelect,
        choices=[(Attestation.Outcome.DONE, "Yes, it was done"),
                 (Attestation.Outcome.NOT_DONE, "No: a problem was found")],
        error_messages={"required": "Choose whether it was done."})
    note = forms.CharField(
        label="Note", required=False, max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when it was not done: what was found, and what is being done about "
                  "it.")
    evidence = forms.FileField(
        label="A photo or document", required=False,
        help_text="A PDF, or a PNG or JPEG photo, at most 10 MB.")
