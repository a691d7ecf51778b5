"""Forms of the suppliers' pages. They check input only; the rules live in services. Field
names are the services' argument names, so a DomainError lands on its field."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.assets.models import OutsideOrganisation
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.systems.models import System

from .article28 import TERMS
from .models import DataLocation, Processor, ProcessorRole, TransferMechanism
from .selectors import Suggestion

ROLE_HELP = ("A processor acts only on the school's instructions (the MIS supplier, say); a "
             "joint controller decides with the school why and how the data is used; an "
             "independent controller decides for itself (the local authority, say).")


class ProcessorFilterForm(forms.Form):
    role = forms.ChoiceField(label="Role", required=False,
                             choices=[("", "Any role"), *ProcessorRole.choices])
    attention = forms.BooleanField(label="Only those that need attention", required=False)


class ProcessorAddForm(forms.Form):
    suggestion = forms.ChoiceField(
        label="From the registers", required=False,
        help_text="Outside organisations that own information assets, and the suppliers of "
                  "your systems, not yet recorded here.")
    name = forms.CharField(label="Or another organisation's name", max_length=200,
                           required=False)
    role = forms.ChoiceField(label="Role", choices=ProcessorRole.choices,
                             initial=ProcessorRole.PROCESSOR, help_text=ROLE_HELP)

    def __init__(self, *args: Any, suggestions: list[Suggestion], system: System | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.suggestions = {found.key: found for found in suggestions}
        self.system = system  # the system the supplier is added for (?system=), linked to it
        if system is not None:
            self.fields["name"].help_text = (
                f"It will be linked to the system {system.name}.")
        field = self.fields["suggestion"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose one" if suggestions else "None left to add"),
                         *[(found.key, f"{found.name} ({found.source_label})")
                           for found in suggestions]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("suggestion") and not data.get("name"):
            self.add_error("name", "Choose an organisation from the registers or enter a name.")
        elif data.get("suggestion") and data.get("name"):
            self.add_error("name", "Either choose an organisation or enter a name, not both.")
        return data

    @staticmethod
    def initial_for(suggestions: list[Suggestion], *, system: System | None,
                    suggestion: str = "") -> dict[str, Any]:
        """Filled in from the system the supplier is added for: the suggestion that supplies
        it, else the supplier's name the system gives."""
        if system is None:
            return {"suggestion": suggestion}
        for found in suggestions:
            if any(linked.pk == system.pk for linked in found.systems):
                return {"suggestion": found.key}
        return {"suggestion": "", "name": system.supplier}

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        found = self.suggestions.get(data.get("suggestion") or "")
        fields: dict[str, Any] = {"name": data["name"], "role": data["role"], "systems": []}
        if found is not None:
            fields.update(name=found.name, outside_organisation=found.organisation,
                          systems=list(found.systems))
        if self.system is not None and self.system not in fields["systems"]:
            fields["systems"].append(self.system)
        if not fields["systems"]:
            del fields["systems"]
        return fields


class ProcessorForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Name", max_length=200,
                           error_messages={"required": "Enter the supplier's name."})
    role = forms.ChoiceField(label="Role", choices=ProcessorRole.choices, help_text=ROLE_HELP)
    outside_organisation = forms.ChoiceField(label="The same organisation in the asset "
                                                   "register", required=False)
    systems = forms.MultipleChoiceField(label="Systems it provides or supports",
                                        required=False, widget=forms.CheckboxSelectMultiple)
    article28_terms = forms.MultipleChoiceField(
        label="What the agreement says (processors: UK GDPR Article 28(3))", required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(term.key, f"{term.text} ({term.reference})") for term in TERMS])
    sub_processors = forms.CharField(
        label="Its sub-processors", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The other companies it uses to handle the data, one a line, with what they "
                  "do and where.")
    agreement_signed_on = UKDateField(label="Agreement signed on", required=False,
                                      what="the date the agreement was signed", past=True)
    agreement_review_on = UKDateField(label="Agreement's review or expiry date",
                                      required=False, what="the review or expiry date")
    contract_holder = forms.CharField(label="Who holds the contract", max_length=200,
                                      required=False,
                                      help_text="For example: the business manager.")
    data_location = forms.ChoiceField(label="Where the data is held", required=False,
                                      choices=[("", "Not known yet"), *DataLocation.choices])
    transfer_mechanism = forms.ChoiceField(
        label="Outside the UK and the EEA: the safeguard relied on", required=False,
        choices=[("", "None"), *TransferMechanism.choices])
    transfer_mechanism_note = forms.CharField(
        label="The safeguard, in a few words", max_length=300, required=False,
        help_text="Needed for adequacy regulations (the country, or the regulations relied "
                  "on: for example, the UK-US data bridge, for a supplier certified to it) "
                  "and for another safeguard.")
    transfer_risk_assessed_on = UKDateField(
        label="Transfer risk assessment done on", required=False, past=True,
        what="the date of the transfer risk assessment",
        help_text="Needed for the IDTA, the Addendum and other safeguards (not for adequacy "
                  "regulations).")
    cyber_essentials = forms.ChoiceField(
        label="Cyber Essentials", required=False,
        choices=[("", "Not certified"), ("ce", "Cyber Essentials"),
                 ("ce_plus", "Cyber Essentials Plus")])
    cyber_essentials_expires_on = UKDateField(label="Cyber Essentials expires on",
                                              required=False,
                                              what="the Cyber Essentials expiry date")
    iso27001 = forms.BooleanField(label="ISO 27001 certified", required=False)
    iso27001_expires_on = UKDateField(label="ISO 27001 expires on", required=False,
                                      what="the ISO 27001 expiry date")
    security_statement = forms.CharField(
        label="The supplier's own statement on security", required=False,
        widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, organisations: list[OutsideOrganisation],
                 systems: list[System], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(org.public_id): org for org in organisations}
        self.system_choices = {str(system.public_id): system for system in systems}
        organisation = self.fields["outside_organisation"]
        assert isinstance(organisation, forms.ChoiceField)
        organisation.choices = [("", "None"), *[(key, org.name) for key, org
                                                in self.organisations.items()]]
        system_field = self.fields["systems"]
        assert isinstance(system_field, forms.ChoiceField)
        system_field.choices = [(key, system.name) for key, system
                                in self.system_choices.items()]

    @staticmethod
    def initial_for(processor: Processor, systems: list[System]) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(processor, name) for name in (
            "name", "role", "sub_processors", "agreement_signed_on", "agreement_review_on",
            "contract_holder", "data_location", "transfer_mechanism",
            "transfer_mechanism_note", "transfer_risk_assessed_on", "cyber_essentials",
            "cyber_essentials_expires_on", "iso27001", "iso27001_expires_on",
            "security_statement", "version")}
        initial["article28_terms"] = [key for key, ticked in processor.article28_terms.items()
                                      if ticked]
        initial["systems"] = [str(system.public_id) for system in systems]
        if processor.outside_organisation is not None:
            initial["outside_organisation"] = str(processor.outside_organisation.public_id)
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["article28_terms"] = {key: True for key in data["article28_terms"]}
        data["systems"] = [self.system_choices[key] for key in data["systems"]]
        data["outside_organisation"] = self.organisations.get(data["outside_organisation"])
        return data


class AgreementUploadForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    agreement_file = forms.FileField(
        label="The signed agreement", help_text="A PDF or a Word document (.docx), at most "
                                                "10 MB.",
        error_messages={"required": "Choose the agreement's file to upload."})
    signed_on = UKDateField(label="Signed on", what="the date the agreement was signed",
                            past=True)
    review_on = UKDateField(label="Review or expiry date", required=False,
                            what="the review or expiry date")
    contract_holder = forms.CharField(label="Who holds the contract", max_length=200,
                                      required=False)


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reviewed_on = UKDateField(label="Reviewed on", what="the date of the review", past=True,
                              help_text="The agreement, where the data is held, the security "
                                        "evidence and the sub-processors were checked.")
