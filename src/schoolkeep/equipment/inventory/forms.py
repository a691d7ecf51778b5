"""Forms of the equipment inventory. They check input only; the rules live in the services.
Field names are the services' argument names, so a DomainError lands on its field."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.equipment.inventory.selectors import FLAG_WORDS
from schoolkeep.equipment.inventory.services import SETTABLE_STATUSES
from schoolkeep.equipment.models import Item
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System

YES, NO, UNKNOWN = "yes", "no", "unknown"
FACT_CHOICES = [(YES, "Yes"), (NO, "No"), (UNKNOWN, "Not known")]
_AS_BOOL = {YES: True, NO: False, UNKNOWN: None}


def fact_choice(value: bool | None) -> str:
    """The form's answer for a fact: None is "Not known", never "No"."""
    return UNKNOWN if value is None else (YES if value else NO)


class ItemFilterForm(forms.Form):
    q = forms.CharField(label="Serial number, asset tag, make or model", required=False,
                        max_length=100)
    kind = forms.ChoiceField(label="Kind", required=False,
                             choices=[("", "Any kind"), *Item.Kind.choices])
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status"), *Item.Status.choices])
    personal_data = forms.ChoiceField(label="Holds personal data", required=False,
                                      choices=[("", "Any"), *FACT_CHOICES])
    encryption = forms.ChoiceField(
        label="Encryption", required=False,
        choices=[("", "Any"), ("encrypted", "Encrypted (any way)"), *Item.Encryption.choices])
    flag = forms.ChoiceField(label="Needs attention", required=False,
                             choices=[("", "Any item"), *FLAG_WORDS.items()])
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def filters(self) -> dict[str, Any]:
        """The service's keyword arguments (without the person), once valid."""
        data = self.cleaned_data
        return {"kind": data.get("kind", ""), "status": data.get("status", ""),
                "personal_data": data.get("personal_data", ""),
                "encryption": data.get("encryption", ""), "flag": data.get("flag", ""),
                "search": data.get("q", "")}


class ItemForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label="Kind of equipment",
                             choices=[("", "Choose a kind"), *Item.Kind.choices],
                             error_messages={"required": "Choose what kind of equipment "
                                                         "this is."})
    make = forms.CharField(label="Make", max_length=100, required=False,
                           help_text="Such as Dell, HP or Apple.")
    model_name = forms.CharField(label="Model", max_length=100, required=False)
    serial_number = forms.CharField(
        label="Serial number", max_length=100, required=False,
        help_text="As printed on the item. A disposal company's certificate is matched to "
                  "it, so copy it exactly.")
    asset_tag = forms.CharField(label="Asset tag", max_length=50, required=False,
                                help_text="The school's own label on the item, if it has one.")
    personal_data = forms.ChoiceField(
        label="Does it hold, or has it held, personal data?", choices=FACT_CHOICES,
        widget=forms.RadioSelect, initial=UNKNOWN,
        help_text="Answer \"Not known\" when you do not know: it is never taken as \"No\".")
    encryption = forms.ChoiceField(label="Encryption", choices=Item.Encryption.choices,
                                   initial=Item.Encryption.UNKNOWN,
                                   help_text="How its storage is encrypted.")
    encryption_verified_on = UKDateField(
        label="Encryption verified on", required=False, past=True,
        what="the date the encryption was verified",
        help_text="When someone last checked that the encryption is on.")
    location = forms.CharField(label="Where it is kept", max_length=200, required=False)
    assigned_to = forms.ChoiceField(label="Assigned to", required=False,
                                    help_text="The person who uses it day to day, if anyone.")
    systems = forms.MultipleChoiceField(
        label="Systems used on it", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="The systems from the register whose data it holds or reaches.")
    status = forms.ChoiceField(
        label="Status", help_text="Report a loss or theft from the item's page, and record a "
                                  "disposal in a disposal batch.")
    notes = forms.CharField(label="Notes", required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, people: list[Person], systems: list[System],
                 item: Item | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(person.public_id): person for person in people}
        self.known_systems = {str(system.public_id): system for system in systems}
        assigned = self.fields["assigned_to"]
        assert isinstance(assigned, forms.ChoiceField)
        assigned.choices = [("", "Nobody"), *((key, person.full_name)
                                              for key, person in self.people.items())]
        chosen = self.fields["systems"]
        assert isinstance(chosen, forms.ChoiceField)
        chosen.choices = [(key, system.name) for key, system in self.known_systems.items()]
        statuses = [value for value in Item.Status.values if value in SETTABLE_STATUSES]
        if item is not None and item.status not in SETTABLE_STATUSES:
            statuses.insert(0, item.status)  # lost, stolen or disposed: kept as it is
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [(value, Item.Status(value).label) for value in statuses]
        status.initial = Item.Status.IN_USE
        if not self.known_systems:
            del self.fields["systems"]

    @staticmethod
    def initial_for(item: Item) -> dict[str, Any]:
        return {
            "version": item.version, "kind": item.kind, "make": item.make,
            "model_name": item.model_name, "serial_number": item.serial_number,
            "asset_tag": item.asset_tag, "personal_data": fact_choice(item.personal_data),
            "encryption": item.encryption,
            "encryption_verified_on": item.encryption_verified_on,
            "location": item.location,
            "assigned_to": str(item.assigned_to.public_id) if item.assigned_to else "",
            "systems": [str(system.public_id) for system in item.systems.all()],
            "status": item.status, "notes": item.notes,
        }

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["personal_data"] = _AS_BOOL[data["personal_data"]]
        data["assigned_to"] = self.people.get(data.get("assigned_to") or "")
        if "systems" in self.fields:
            data["systems"] = [self.known_systems[key] for key in data.get("systems") or []]
        return data


class LostForm(forms.Form):
    stolen = forms.ChoiceField(label="What happened?", widget=forms.RadioSelect,
                               choices=[("lost", "It is lost"), ("stolen", "It was stolen")],
                               error_messages={"required": "Say whether the item is lost or "
                                                           "was stolen."})
    note = forms.CharField(
        label="What happened", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
        help_text="Where and when it was last seen. Do not name pupils.",
        error_messages={"required": "Say what happened: where and when it was last seen."})
