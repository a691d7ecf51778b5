"""Forms of the systems register. They check input only; the rules live in services. Field
names are the services' argument names, so a DomainError lands on its field."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.lib.date_input import UKDateField
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.systems.services import SYSTEM_FIELDS


class SystemFilterForm(forms.Form):
    q = forms.CharField(label="Name or supplier", required=False, max_length=200)
    kind = forms.ChoiceField(label="Kind", required=False,
                             choices=[("", "Any kind"), *System.Kind.choices])
    archived = forms.BooleanField(label="Include archived systems", required=False)


class SystemForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the system's name."})
    supplier = forms.CharField(label="Supplier", max_length=200, required=False)
    kind = forms.ChoiceField(label="Kind", choices=System.Kind.choices, initial=System.Kind.OTHER,
                             error_messages={"required": "Choose what kind of system this is."})
    description = forms.CharField(label="What it is used for", required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    hosting = forms.CharField(label="Where it is hosted", max_length=200, required=False,
                              help_text="For example: on the school's server, or the "
                                        "supplier's cloud.")
    mfa_required = forms.BooleanField(label="Two-factor sign-in is required", required=False)
    mfa_enabled = forms.BooleanField(label="Two-factor sign-in is turned on", required=False)
    mfa_for = forms.CharField(label="Who uses two-factor sign-in", max_length=200,
                              required=False, help_text="For example: all users, or "
                                                        "administrators only.")
    remote_access_method = forms.CharField(label="How it is reached from outside school",
                                           max_length=200, required=False)
    signs_in_interactively = forms.ChoiceField(
        label="People sign in to it themselves", required=False,
        choices=[("", "As usual for its kind (yes, except backup services)"),
                 ("yes", "Yes"), ("no", "No")],
        help_text="Off for services used by software, such as backups: their automatic "
                  "log-off is not checked.")
    auto_logoff_minutes = forms.IntegerField(
        label="Automatic log-off after this many idle minutes", required=False,
        min_value=1, max_value=1440,
        help_text="The policy: admin staff are logged off automatically when unattended.",
        error_messages={"invalid": "Enter the number of idle minutes as a whole number.",
                        "min_value": "Enter at least 1 minute.",
                        "max_value": "Enter at most 1440 minutes (a day)."})
    auto_logoff_checked_on = UKDateField(
        label="Automatic log-off last checked on", required=False,
        what="the date automatic log-off was last checked")
    administrators = forms.MultipleChoiceField(
        label="Administrators", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="People of the school with administrator access to this system.")
    is_transfer_channel = forms.BooleanField(
        label="An approved channel for sending data", required=False,
        help_text="Staff are told to use it when the school's rules name it for the data and "
                  "the recipient (Sending data: rules).")
    transfer_instructions = forms.CharField(
        label="How to send data with it, in plain words", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to staff with the answer to \"How do I send this?\". For example: "
                  "sign in with your own account, choose the school, upload the file.")
    notes = forms.CharField(label="Notes", required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(person.public_id): person for person in people}
        field = self.fields["administrators"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, person.full_name) for key, person in self.people.items()]
        if not people:
            del self.fields["administrators"]

    @staticmethod
    def initial_for(system: System) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(system, name) for name in SYSTEM_FIELDS}
        initial["signs_in_interactively"] = "yes" if system.signs_in_interactively else "no"
        initial["administrators"] = [str(p.public_id) for p in system.administrators.all()]
        initial["version"] = system.version
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        interactive = data.pop("signs_in_interactively", "")
        if interactive:  # left as usual: the service decides from the kind
            data["signs_in_interactively"] = interactive == "yes"
        if "administrators" in self.fields:
            data["administrators"] = [self.people[key] for key in data["administrators"]]
        else:
            data.pop("administrators", None)
        return data


class CatalogueAddForm(forms.Form):
    key = forms.CharField(max_length=50, widget=forms.HiddenInput,
                          error_messages={"required": "Choose a service from the catalogue."})
