"""Forms of the Single Central Record page: its filters and the export."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.lib.widgets import PlainSelect
from schoolkeep.people.models import PersonKind
from schoolkeep.people.record.exports import FORMATS
from schoolkeep.people.record.rows import RecordFilters
from schoolkeep.tenancy.models import Site


class RecordFilterForm(forms.Form):
    incomplete = forms.BooleanField(label="Only people missing a required check",
                                    required=False)
    kind = forms.ChoiceField(label="Kind of person", required=False, widget=PlainSelect,
                             choices=[("", "Any kind"), *PersonKind.choices])
    site = forms.ChoiceField(label="Site", required=False, widget=PlainSelect)

    def __init__(self, *args: Any, sites: list[Site], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sites = {str(site.public_id): site for site in sites}
        site_field = self.fields["site"]
        if sites and isinstance(site_field, forms.ChoiceField):
            site_field.choices = [
                ("", "Any site"), *((key, site.name) for key, site in self.sites.items())]
        else:
            del self.fields["site"]

    def record_filters(self, *, archive: bool) -> RecordFilters:
        """The filters chosen (none when the form is unbound or invalid)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return RecordFilters(
            incomplete=bool(data.get("incomplete")), kind=data.get("kind") or "",
            site=self.sites.get(data.get("site") or ""), archive=archive,
        )


class RecordExportForm(forms.Form):
    format = forms.ChoiceField(
        label="Format", widget=forms.RadioSelect,
        choices=[(code, label) for code, (label, _) in FORMATS.items()],
        error_messages={"required": "Choose a spreadsheet or a PDF."},
    )
    archive = forms.BooleanField(required=False, widget=forms.HiddenInput)
