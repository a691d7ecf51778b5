"""The form that records a paper signature. It checks input only; the rules live in
services.py and signing/services.py. Field names are the services' argument names, so a
DomainError lands on its field."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils import timezone

from schoolkeep.agreements.aups.models import KIOSK_AUDIENCES, Audience, AupVersion
from schoolkeep.lib.date_input import UKDateField


def _version_label(version: AupVersion) -> str:
    if version.published_at is None:
        return f"Version {version.number}"
    day = timezone.localdate(version.published_at)
    return f"Version {version.number}, published {day.day} {day:%B %Y}"


class SignerSearchForm(forms.Form):
    q = forms.CharField(label="Find the signer by name", required=False, max_length=200)


class PaperSignatureForm(forms.Form):
    signer = forms.CharField(
        label="Who signed", widget=forms.RadioSelect,
        error_messages={"required": "Choose who signed the form."})
    typed_name = forms.CharField(
        label="Name as written on the form", max_length=200,
        error_messages={"required": "Enter the name as written on the form."})
    organisation = forms.CharField(label="Organisation", max_length=200, required=False)
    visiting = forms.CharField(label="Whom they were visiting", max_length=200,
                               error_messages={"required": "Enter whom they were visiting."})
    pupil_class = forms.CharField(label="Class", max_length=100, required=False)
    aup_version = forms.TypedChoiceField(
        label="Version signed", coerce=int,
        error_messages={"required": "Choose the version that was signed."})
    signed_on = UKDateField(label="Date signed", past=True, what="the date signed",
                            error_messages={"required": "Enter the date the form was signed."})
    scan = forms.FileField(
        label="Scan of the signed form",
        help_text="A PDF, PNG or JPEG file of at most 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
        error_messages={"required": "Upload the scan of the signed form."})

    def __init__(self, *args: Any, audience: str, versions: list[AupVersion],
                 signer_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions_field = self.fields["aup_version"]
        assert isinstance(versions_field, forms.ChoiceField)
        versions_field.choices = [(v.number, _version_label(v)) for v in versions]
        if versions:
            versions_field.initial = versions[0].number
        if audience in KIOSK_AUDIENCES:
            del self.fields["signer"]
            if audience == Audience.PUPILS:
                del self.fields["organisation"], self.fields["visiting"]
            else:
                del self.fields["pupil_class"]
        else:
            del self.fields["organisation"], self.fields["visiting"], self.fields["pupil_class"]
            widget = self.fields["signer"].widget
            assert isinstance(widget, forms.RadioSelect)
            widget.choices = signer_choices

    def clean_signer(self) -> str:
        value = self.cleaned_data["signer"]
        try:
            return str(uuid.UUID(value))
        except ValueError:
            raise forms.ValidationError("Choose who signed the form.") from None
