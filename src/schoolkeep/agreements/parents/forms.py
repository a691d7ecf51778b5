"""Forms of the parents' pages. They check input only; the rules live in services.py.
Field names are the services' argument names, so a DomainError lands on its field."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.agreements.aups.models import Parent
from schoolkeep.agreements.parents.selectors import NOT_SIGNED, SIGNED
from schoolkeep.lib.import_uploads import SPREADSHEET_MAX_BYTES

IMPORT_MAX_MB = SPREADSHEET_MAX_BYTES // (1024 * 1024)


class ParentFilterForm(forms.Form):
    q = forms.CharField(label="Name, e-mail or class", required=False, max_length=200)
    state = forms.ChoiceField(label="Signed", required=False, choices=[
        ("", "Everyone"), (SIGNED, "Signed the current version"),
        (NOT_SIGNED, "Not signed the current version")])


class ParentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    full_name = forms.CharField(label="Full name", max_length=200,
                                error_messages={"required": "Enter the parent's full name."})
    email = forms.EmailField(label="E-mail", max_length=254, required=False,
                             help_text="Their signing link is sent here.",
                             error_messages={"invalid": "Enter an e-mail address, such as "
                                                        "name@example.com."})
    classes = forms.CharField(label="Year groups or classes", max_length=200, required=False,
                              help_text="Of their children, as the school writes them, such "
                                        "as Year 3, 5B. No pupils' names.")

    @staticmethod
    def initial_for(parent: Parent) -> dict[str, Any]:
        return {"full_name": parent.full_name, "email": parent.email,
                "classes": parent.classes, "version": parent.version}

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


class ParentImportUploadForm(forms.Form):
    file = forms.FileField(
        label="File of parents (CSV or XLSX)",
        help_text=f"One row per parent, with the template's headings. At most {IMPORT_MAX_MB} "
                  "MB. Nothing is saved until you confirm.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
