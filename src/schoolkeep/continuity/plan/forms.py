"""Forms of the recovery plan: its text, its document, a contact, a move, the restore order
and a plan test."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.continuity.models import PlanContact, PlanTest, Scope
from schoolkeep.continuity.plan.services import MAX_NOTE, MAX_TEXT
from schoolkeep.lib.date_input import UKDateField


class PlanTextForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label="The plan, in plain words", required=False, max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="Who leads, what to do first, how to work while the systems are down, how "
                  "to tell staff, parents and the DfE. Leave it empty if the plan is an "
                  "uploaded document.")


class PlanDocumentForm(forms.Form):
    file = forms.FileField(label="The plan's document",
                           help_text="A PDF or a Word document (.docx) of at most 10 MB.",
                           error_messages={"required": "Choose a file to upload."})


class ContactForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label="Who they are", choices=PlanContact.Kind.choices)
    name = forms.CharField(label="Name", max_length=200)
    phone = forms.CharField(label="Telephone number", required=False, max_length=50)
    email = forms.EmailField(label="E-mail address", required=False, max_length=254)
    when_to_call = forms.CharField(label="When to call them", required=False, max_length=300,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    @staticmethod
    def initial_for(contact: PlanContact) -> dict[str, Any]:
        return {"version": contact.version, "kind": contact.kind, "name": contact.name,
                "phone": contact.phone, "email": contact.email,
                "when_to_call": contact.when_to_call}

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name]
                for name in ("kind", "name", "phone", "email", "when_to_call")}


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class RestoreOrderForm(forms.Form):
    """One optional place (1 to 999) for each of the school's systems."""

    def __init__(self, *args: Any, scopes: list[Scope], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = scopes
        for scope in scopes:
            self.fields[f"order-{scope.public_id}"] = forms.IntegerField(
                label=scope.name, required=False, min_value=1, max_value=999,
                initial=scope.restore_order,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))

    def rows(self) -> list[tuple[Scope, Any]]:
        """(scope, its bound field), for the page's table."""
        return [(scope, self[f"order-{scope.public_id}"]) for scope in self.scopes]

    def clean(self) -> dict[str, Any]:
        """Refuse a place given to two systems: the card would number them by name, not in
        the order chosen. The error names the systems that share the place."""
        cleaned = super().clean() or {}
        by_place: dict[int, list[Scope]] = {}
        for scope in self.scopes:
            place = cleaned.get(f"order-{scope.public_id}")
            if place is not None:
                by_place.setdefault(place, []).append(scope)
        for place, clashing in sorted(by_place.items()):
            if len(clashing) > 1:
                names = ", ".join(scope.name for scope in clashing[:-1])
                message = (f"Place {place} is given to more than one system ({names} and "
                           f"{clashing[-1].name}): give each system its own place.")
                for scope in clashing:
                    self.add_error(f"order-{scope.public_id}", message)
        return cleaned

    def orders(self) -> dict[str, int | None]:
        return {str(scope.public_id): self.cleaned_data.get(f"order-{scope.public_id}")
                for scope in self.scopes}


class PlanTestForm(forms.Form):
    tested_on = UKDateField(label="Date of the test", past=True, what="the date of the test")
    kind = forms.ChoiceField(label="Kind of test", choices=PlanTest.Kind.choices,
                             widget=forms.RadioSelect,
                             help_text="A tabletop exercise (talking through an attack "
                                       "together) counts.")
    participants = forms.CharField(label="Who took part", max_length=MAX_NOTE,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    findings = forms.CharField(label="What was learnt, what will change", required=False,
                               max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 4}))
