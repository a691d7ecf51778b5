"""Forms of scopes, backup sets and the check window. They check input only; the rules live
in the services. Field names are the services' argument names, so a DomainError lands on
its field. People, systems and scopes are offered by their public ids and turned back into
the school's own records here (a made-up id is simply not one of the choices)."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.continuity.models import BackupSet, Scope
from schoolkeep.continuity.scopes.selectors import SET_STATUSES
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System

NOBODY = ("", "Nobody chosen")


def _choices(field: Any, rows: list[tuple[str, str]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = rows


class _Picks(forms.Form):
    """A form offering the school's people (``owner``) and systems by their public ids."""

    def __init__(self, *args: Any, people: list[Person], systems: list[System],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(person.public_id): person for person in people}
        self.systems = {str(system.public_id): system for system in systems}
        _choices(self.fields["owner"], [NOBODY, *((key, person.full_name)
                                                  for key, person in self.people.items())])

    def clean_owner(self) -> Person | None:
        return self.people.get(self.cleaned_data["owner"])


class ScopeForm(_Picks):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label="What kind of thing it is",
                             choices=[("", "Choose a kind"),
                                      *[c for c in Scope.Kind.choices
                                        if c[0] != Scope.Kind.SCHOOLKEEP]],
                             error_messages={"required": "Choose what kind of thing it is."})
    system = forms.ChoiceField(label="The cloud system", required=False,
                               help_text="For a cloud system: one of the register's systems.")
    name = forms.CharField(label="Name", max_length=200, required=False,
                           help_text="Left empty for a cloud system: the system's name.")
    owner = forms.ChoiceField(label="Who looks after it", required=False)
    manage_without = forms.ChoiceField(
        label="How long the school could manage without it", required=False,
        choices=[("", "Not decided yet"), *Scope.ManageWithout.choices])
    restore_order = forms.IntegerField(
        label="Order to restore it in (1 first)", required=False, min_value=1, max_value=999,
        help_text="The recovery plan restores the systems in this order.")
    notes = forms.CharField(label="Notes", required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, schoolkeep: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["system"], [("", "No system"), *(
            (key, system.name) for key, system in self.systems.items())])
        if schoolkeep:  # Schoolkeep's own scope keeps its kind and name
            for name in ("kind", "system", "name"):
                del self.fields[name]

    def clean_system(self) -> System | None:
        return self.systems.get(self.cleaned_data["system"])

    @staticmethod
    def initial_for(scope: Scope) -> dict[str, Any]:
        return {"version": scope.version, "kind": scope.kind, "name": scope.name,
                "system": str(scope.system.public_id) if scope.system else "",
                "owner": str(scope.owner.public_id) if scope.owner else "",
                "manage_without": scope.manage_without, "restore_order": scope.restore_order,
                "notes": scope.notes}


class StartForm(forms.Form):
    systems = forms.MultipleChoiceField(
        label="Cloud systems to add", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Tick the register's systems that are hosted in the cloud: their data needs "
                  "a backup of its own.")

    def __init__(self, *args: Any, systems: list[System], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offered = {str(system.public_id): system for system in systems}
        _choices(self.fields["systems"], [(key, system.name + (
            f" (hosted: {system.hosting})" if system.hosting else ""))
            for key, system in self.offered.items()])

    def clean_systems(self) -> list[System]:
        return [self.offered[key] for key in self.cleaned_data["systems"]]


class SetForm(_Picks):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Name", max_length=200,
                           help_text="Such as \"Nightly tapes\" or \"JKCloud off-site copy\".",
                           error_messages={"required": "Enter a name for the backup set."})
    scopes = forms.MultipleChoiceField(label="What it protects", required=False,
                                       widget=forms.CheckboxSelectMultiple)
    medium = forms.ChoiceField(label="What the copies are on",
                               choices=[("", "Choose a medium"), *BackupSet.Medium.choices],
                               error_messages={"required": "Choose what the copies are on."})
    provider_system = forms.ChoiceField(
        label="Provider: a system of the register", required=False,
        help_text="The backup service, if it is in the register of systems.")
    provider_name = forms.CharField(
        label="Or provider: an outside organisation", max_length=200, required=False,
        help_text="Such as \"RedStor\". A name not yet in the register of organisations is "
                  "added to it.")
    location = forms.CharField(
        label="Where the copies are kept", max_length=200,
        help_text="Such as \"Locked server room\" or \"JKCloud data centre\". Sets kept in the "
                  "same place count as one copy in the 3-2-1 rule.",
        error_messages={"required": "Enter where the copies are kept."})
    encrypted = forms.BooleanField(label="Encrypted", required=False)
    password_protected = forms.BooleanField(label="Password protected", required=False)
    off_site = forms.BooleanField(label="Kept off site", required=False)
    offline = forms.BooleanField(label="Offline (not connected to the network)",
                                 required=False)
    immutable = forms.BooleanField(label="Immutable (cannot be changed or deleted)",
                                   required=False)
    schedule = forms.ChoiceField(label="How often it runs", choices=BackupSet.Schedule.choices)
    schedule_note = forms.CharField(label="About the schedule", max_length=200, required=False)
    owner = forms.ChoiceField(label="Who looks after it", required=False)
    notes = forms.CharField(label="Notes", required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, scopes: list[Scope], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_options = {str(scope.public_id): scope for scope in scopes}
        _choices(self.fields["scopes"], [(key, scope.name)
                                         for key, scope in self.scope_options.items()])
        _choices(self.fields["provider_system"], [("", "No system"), *(
            (key, system.name) for key, system in self.systems.items())])

    def clean_scopes(self) -> list[Scope]:
        return [self.scope_options[key] for key in self.cleaned_data["scopes"]]

    def clean_provider_system(self) -> System | None:
        return self.systems.get(self.cleaned_data["provider_system"])

    @staticmethod
    def initial_for(backup_set: BackupSet) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: getattr(backup_set, name)
            for name in ("version", "name", "medium", "location", "encrypted",
                         "password_protected", "off_site", "offline", "immutable",
                         "schedule", "schedule_note", "notes")}
        values["scopes"] = [str(scope.public_id) for scope in backup_set.scopes.all()]
        values["provider_system"] = (str(backup_set.provider_system.public_id)
                                     if backup_set.provider_system else "")
        values["provider_name"] = (backup_set.provider_organisation.name
                                   if backup_set.provider_organisation else "")
        values["owner"] = str(backup_set.owner.public_id) if backup_set.owner else ""
        return values


class SetFilterForm(forms.Form):
    q = forms.CharField(label="Name, place or provider", required=False, max_length=200)
    status = forms.ChoiceField(label="Sets", required=False, choices=SET_STATUSES)


class SettingsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    check_window_days = forms.IntegerField(
        label="A backup counts only with a successful check within (days)",
        min_value=1, max_value=365,
        help_text="A backup set counts towards the 3-2-1 rule only when someone has recorded "
                  "a successful check of it within this many days. 30 unless you change it.",
        error_messages={"required": "Enter a number of days, from 1 to 365."})
