"""Forms of equipment loans. They check input only; the rules (the encryption rule, one loan
at a time, a borrower still at the school) live in the services. Field names are the
services' argument names, so a DomainError lands on its field."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms

from schoolkeep.equipment.keys import serial_key, tag_key
from schoolkeep.equipment.loans.selectors import STATUSES
from schoolkeep.equipment.models import Item, Loan
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.people.models import Person

OVERDUE_REASON, LOST_REASON = "overdue", "lost"
FORMATS = [("xlsx", "Spreadsheet (XLSX)"), ("csv", "CSV")]


class LoanFilterForm(forms.Form):
    q = forms.CharField(label="Item or borrower", required=False, max_length=200,
                        help_text="Part of the asset tag, serial number, make, model, the "
                                  "borrower's name or the purpose.")
    status = forms.ChoiceField(label="Loans", required=False, choices=STATUSES)


def find_item(school: Any, text: str) -> Item | None:
    """The school's item whose public id, asset tag or serial number is ``text`` (the tag
    and serial compared by their keys: "hp 0142" finds "HP-0142")."""
    text = text.strip()
    if not text:
        return None
    items = Item.objects.filter(school=school)
    try:
        found = items.filter(public_id=uuid.UUID(text)).first()
    except ValueError:
        found = None
    if found is None and tag_key(text):
        found = items.filter(asset_tag_key=tag_key(text)).first()
    if found is None and serial_key(text):
        found = items.filter(serial_key=serial_key(text)).first()
    return found


class LoanForm(forms.Form):
    item = forms.CharField(
        label="Asset tag or serial number of the item", max_length=100,
        help_text="As written on the item's label, such as HP-0142.",
        error_messages={"required": "Enter the asset tag or serial number of the item."})
    person = forms.ChoiceField(label="Lent to",
                               error_messages={"required": "Choose who the item is lent to."})
    purpose = forms.CharField(label="What it is for", max_length=300, required=False,
                              help_text="Such as \"Marking at home\".")
    issued_on = UKDateField(label="Lent on", what="the date it is lent", past=True)
    expected_return_on = UKDateField(label="Due back on", what="the date it is due back",
                                     help_text="If the borrower leaves before then, it is "
                                               "due back on their leaving date.")
    notes = forms.CharField(label="Notes", required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, school: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self.people = {str(person.public_id): person for person in people}
        field = self.fields["person"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a person"),
                         *((key, person.full_name) for key, person in self.people.items())]

    def clean_item(self) -> Item:
        item = find_item(self.school, self.cleaned_data["item"])
        if item is None:
            raise forms.ValidationError("No item of the inventory has this asset tag or "
                                        "serial number. Check it, or add the item first.")
        return item

    def clean_person(self) -> Person:
        return self.people[self.cleaned_data["person"]]


class LoanEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    expected_return_on = UKDateField(label="Due back on", what="the date it is due back")
    purpose = forms.CharField(label="What it is for", max_length=300, required=False)
    notes = forms.CharField(label="Notes", required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    @staticmethod
    def initial_for(loan: Loan) -> dict[str, Any]:
        return {"version": loan.version, "expected_return_on": loan.expected_return_on,
                "purpose": loan.purpose, "notes": loan.notes}


class ReturnForm(forms.Form):
    returned_on = UKDateField(label="Returned on", what="the date it came back", past=True)
    condition_on_return = forms.CharField(
        label="Its condition", max_length=300, required=False,
        help_text="Such as \"Good\", or what is damaged or missing (the charger, say).")


class IncidentForm(forms.Form):
    reason = forms.ChoiceField(
        label="What happened", widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened."})
    note = forms.CharField(
        label="What you know", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Such as when the borrower was last asked for it, or where it was last "
                  "seen. It is added to the incident's description.")

    def __init__(self, *args: Any, overdue: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(LOST_REASON, "The item is lost: it is recorded lost in the inventory")]
        if overdue:
            choices.insert(0, (OVERDUE_REASON, "It is overdue and has not been returned"))
        field = self.fields["reason"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        if len(choices) == 1 or overdue:
            field.initial = choices[0][0]


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=FORMATS, required=False)  # left out: XLSX
    q = forms.CharField(required=False, max_length=200)
    status = forms.ChoiceField(required=False, choices=STATUSES)
