"""Forms of the accounts on each system. They check input only; the rules live in the
services. Field names are the services' argument names, so a DomainError lands on its field.
No form here asks for a password: an account is its username and the facts about it."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.access.models import SystemAccount
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System

YES, NO, UNKNOWN = "yes", "no", "unknown"
FACT_CHOICES = [(YES, "Yes"), (NO, "No"), (UNKNOWN, "Not known")]
_AS_BOOL = {YES: True, NO: False, UNKNOWN: None}


def fact_choice(value: bool | None) -> str:
    """The form's answer for a fact: None is "Not known", never "No"."""
    return UNKNOWN if value is None else (YES if value else NO)


class FactField(forms.ChoiceField):
    """Yes, No or Not known, cleaned to True, False or None."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault("initial", UNKNOWN)
        super().__init__(choices=FACT_CHOICES, **kwargs)

    def clean(self, value: Any) -> bool | None:  # type: ignore[override]
        return _AS_BOOL[str(super().clean(value))]


class AccountFilterForm(forms.Form):
    q = forms.CharField(label="Username or name", required=False, max_length=200)
    system = forms.ChoiceField(label="System", required=False)
    admin = forms.ChoiceField(label="Administrator accounts", required=False,
                              choices=[("", "Any"), *FACT_CHOICES])
    enabled = forms.ChoiceField(label="Enabled", required=False,
                                choices=[("", "Any"), *FACT_CHOICES])
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, systems: list[System], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.systems = {str(system.public_id): system for system in systems}
        field = self.fields["system"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Every system"),
                         *((key, system.name) for key, system in self.systems.items())]

    def selected_system(self) -> System | None:
        """The system chosen (None for every system, or before the form is checked)."""
        data = getattr(self, "cleaned_data", None) or {}
        return self.systems.get(data.get("system") or "")

    def fact(self, name: str) -> tuple[bool | None, bool]:
        """(True or False to keep, or None) and whether "Not known" was chosen."""
        answer = self.cleaned_data.get(name) or ""
        return _AS_BOOL.get(answer), answer == UNKNOWN


class AccountForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    system = forms.ChoiceField(label="System",
                               error_messages={"required": "Choose the system the account "
                                                           "is on."})
    username = forms.CharField(label="Username", max_length=254,
                               help_text="As the system shows it. Schoolkeep never asks for "
                                         "or keeps a password.",
                               error_messages={"required": "Enter the account's username."})
    display_name = forms.CharField(label="Name on the system", max_length=200, required=False,
                                   help_text="For a shared account, its name, such as "
                                             "\"Office\".")
    email = forms.CharField(label="E-mail on the system", max_length=254, required=False)
    person = forms.ChoiceField(label="Whose account it is", required=False,
                               help_text="Leave empty for a shared account.")
    is_shared = forms.BooleanField(label="A generic or shared account", required=False)
    responsible_person = forms.ChoiceField(label="Person responsible for the shared account",
                                           required=False)
    shared_with = forms.MultipleChoiceField(
        label="People who use the shared account", required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="When one of them leaves, the account's password must be changed.")
    shared_reason = forms.CharField(
        label="Why a shared account is needed", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The policy asks for everyone to have their own username: without a reason, "
                  "a shared account is flagged.")
    is_admin = FactField(label="Is it an administrator account?")
    mfa_on = FactField(label="Is two-factor sign-in on for this account?")
    enabled = FactField(label="Is the account enabled?", initial=YES)
    enabled_on = UKDateField(label="Enabled on", required=False,
                             what="the date the account was enabled")
    disabled_on = UKDateField(label="Disabled on", required=False,
                              what="the date the account was disabled")
    dbs_exception = forms.CharField(
        label="Why no DBS check is needed", required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only for an administrator account of someone without a completed enhanced "
                  "DBS check: a supplier's support staff covered by its contract, say.")

    def __init__(self, *args: Any, systems: list[System], people: list[Person],
                 editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.systems = {str(system.public_id): system for system in systems}
        self.people = {str(person.public_id): person for person in people}
        choices = [(key, person.full_name) for key, person in self.people.items()]
        for name, empty in (("person", "Nobody (a shared account, or not known)"),
                            ("responsible_person", "Nobody chosen")):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", empty), *choices]
        shared = self.fields["shared_with"]
        assert isinstance(shared, forms.ChoiceField)
        shared.choices = choices
        if editing:
            del self.fields["system"]  # an account stays on its system
        else:
            system = self.fields["system"]
            assert isinstance(system, forms.ChoiceField)
            system.choices = [("", "Choose a system"),
                              *((key, s.name) for key, s in self.systems.items())]

    @staticmethod
    def initial_for(account: SystemAccount, shared_with: list[Person]) -> dict[str, Any]:
        def key(person: Person | None) -> str:
            return "" if person is None else str(person.public_id)

        return {
            "version": account.version, "username": account.username,
            "display_name": account.display_name, "email": account.email,
            "person": key(account.person), "is_shared": account.is_shared,
            "responsible_person": key(account.responsible_person),
            "shared_with": [key(person) for person in shared_with],
            "shared_reason": account.shared_reason,
            "is_admin": fact_choice(account.is_admin), "mfa_on": fact_choice(account.mfa_on),
            "enabled": fact_choice(account.enabled), "enabled_on": account.enabled_on,
            "disabled_on": account.disabled_on, "dbs_exception": account.dbs_exception,
        }

    def clean_system(self) -> System:
        """The system chosen (the choice is already one of ``systems``)."""
        return self.systems[self.cleaned_data["system"]]

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("system", None)
        for name in ("person", "responsible_person"):
            data[name] = self.people.get(data[name] or "")
        data["shared_with"] = [self.people[key] for key in data["shared_with"]]
        return data
