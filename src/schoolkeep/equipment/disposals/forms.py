"""Forms of disposal batches: the batch's details with its items, the paperwork's upload,
a match by hand, and the list's search."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.equipment.disposals.services import MAX_ITEMS
from schoolkeep.equipment.models import Disposal
from schoolkeep.lib.date_input import UKDateField

# The service's field names the form shows under other names.
FIELD_FOR_ERROR = {"items": "items", "company_name": "company_name", "file": "file"}
MAX_NOTES = 5_000  # as the API and the service
MAX_ITEMS_TEXT = 50_000  # characters of the items' lines (500 lines of serials or tags)


class DisposalFilterForm(forms.Form):
    q = forms.CharField(label="Reference, company, serial number or asset tag", required=False,
                        max_length=100)


class DisposalForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    company = forms.ChoiceField(label="Disposal company", required=False,
                                help_text="One of the school's outside organisations.")
    company_name = forms.CharField(
        label="Or enter the company's name", required=False, max_length=200,
        help_text="When the company is not in the list: it is added to the school's outside "
                  "organisations.")
    reference = forms.CharField(label="The company's reference", required=False,
                                max_length=100, help_text="Its job or collection number.")
    collected_on = UKDateField(label="Collected on", past=True,
                               what="the date the company collected the items")
    waste_carrier_registration = forms.CharField(
        label="Waste carrier registration number", required=False, max_length=100,
        help_text="From the Environment Agency's public register, such as CBDU123456.")
    permit_or_certification = forms.CharField(
        label="AATF permit or ADISA certification", required=False, max_length=200,
        help_text="The treatment facility's permit number, or the company's ADISA "
                  "certificate number.")
    items = forms.CharField(
        label="Items collected", required=False, max_length=MAX_ITEMS_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="The serial number or asset tag of each item, one a line. Each item is "
                  "recorded as disposed of.")
    notes = forms.CharField(label="Notes", required=False, max_length=MAX_NOTES,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, organisations: list[Any], editing: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.public_id): o for o in organisations}
        company = self.fields["company"]
        assert isinstance(company, forms.ChoiceField)
        company.choices = [("", "Choose a company"),
                           *((key, o.name) for key, o in self.organisations.items())]
        if editing:
            self.fields["items"].label = "Add items to the batch"
            self.fields["items"].help_text = ("The serial number or asset tag of each item to "
                                              "add, one a line.")
        else:
            self.fields["items"].required = True
            self.fields["items"].error_messages["required"] = (
                "Enter the serial number or asset tag of at least one item.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("company") and not data.get("company_name", "").strip():
            self.add_error("company", "Choose the disposal company, or enter its name.")
        return data

    def chosen_company(self) -> Any:
        return self.organisations.get(self.cleaned_data.get("company") or "")

    def item_lines(self) -> list[str]:
        """The non-blank lines, no more than one past the service's bound (it refuses
        more than 500)."""
        lines: list[str] = []
        for line in (self.cleaned_data.get("items") or "").splitlines():
            if line.strip():
                lines.append(line)
                if len(lines) > MAX_ITEMS:
                    break
        return lines

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        company = self.chosen_company()
        return {"company": company, "company_name": "" if company else data["company_name"],
                "reference": data["reference"], "collected_on": data["collected_on"],
                "waste_carrier_registration": data["waste_carrier_registration"],
                "permit_or_certification": data["permit_or_certification"],
                "notes": data["notes"]}

    @staticmethod
    def initial_for(disposal: Disposal) -> dict[str, Any]:
        return {"version": disposal.version, "company": str(disposal.company.public_id),
                "reference": disposal.reference, "collected_on": disposal.collected_on,
                "waste_carrier_registration": disposal.waste_carrier_registration,
                "permit_or_certification": disposal.permit_or_certification,
                "notes": disposal.notes}


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(choices=[("note", "Waste transfer note"),
                                      ("certificate", "Certificate of secure deletion")],
                             widget=forms.HiddenInput)
    file = forms.FileField(label="PDF file", help_text="A PDF of at most 10 MB.",
                           error_messages={"required": "Choose a PDF file to upload."})


class MatchForm(forms.Form):
    item = forms.UUIDField(widget=forms.HiddenInput)
    matched = forms.ChoiceField(choices=[("yes", "Matched"), ("no", "Not matched")],
                                widget=forms.HiddenInput)
