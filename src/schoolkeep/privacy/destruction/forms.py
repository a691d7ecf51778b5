"""The destruction log's forms: the filters of the list and the record form. They check the
shape of what was typed; ``services.destruction_record`` checks the rest."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from django import forms

from schoolkeep.assets.models import Asset
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.privacy.destruction.models import DestructionMethod
from schoolkeep.privacy.destruction.selectors import LogFilters
from schoolkeep.privacy.schedule.models import RecordType

# The ways a person records by hand; Schoolkeep's own erasure writes its entries itself.
MANUAL_METHODS = [(value, label) for value, label in DestructionMethod.choices
                  if value != DestructionMethod.SCHOOLKEEP_ERASURE]


def _choices(field: forms.Field, choices: list[tuple[str, str]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class DestructionFilterForm(forms.Form):
    record_type = forms.ChoiceField(label="Record type", required=False)
    method = forms.ChoiceField(label="How", required=False,
                               choices=[("", "Any way"), *DestructionMethod.choices])
    year = forms.ChoiceField(label="Destroyed in", required=False)

    def __init__(self, *args: Any, record_types: list[RecordType], years: list[int],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record_types = {str(item.public_id): item for item in record_types}
        _choices(self.fields["record_type"], [
            ("", "Any record type"),
            *((key, item.name) for key, item in self.record_types.items())])
        _choices(self.fields["year"], [("", "Any year"),
                                       *((str(year), str(year)) for year in years)])

    def filters(self) -> LogFilters:
        """The selector's filters; a choice the form refused filters nothing."""
        if not self.is_bound or not self.is_valid():
            return LogFilters()
        data = self.cleaned_data
        chosen = self.record_types.get(data.get("record_type") or "")
        return LogFilters(record_type_id=chosen.pk if chosen else None,
                          method=data.get("method") or "",
                          year=int(data["year"]) if data.get("year") else None)


class DestructionForm(forms.Form):
    description = forms.CharField(
        label="What was destroyed", max_length=300,
        help_text="Describe the records, not what they said: for example “Year 6 leavers' "
                  "pupil files, 2017”. Never copy the destroyed information here.",
        error_messages={"required": "Enter what was destroyed."})
    record_type = forms.ChoiceField(label="Record type (from the retention schedule)",
                                    required=False)
    asset = forms.ChoiceField(label="Information asset", required=False)
    records_from = UKDateField(label="Earliest record dated", required=False,
                               what="the date of the earliest record")
    records_to = UKDateField(label="Latest record dated", required=False,
                             what="the date of the latest record")
    quantity = forms.IntegerField(
        label="How many", required=False, min_value=1, max_value=10_000_000,
        help_text="Records, files, boxes or drives.",
        error_messages={"invalid": "Enter how many as a whole number.",
                        "min_value": "How many must be 1 or more.",
                        "max_value": "How many must be 10,000,000 or fewer."})
    method = forms.ChoiceField(label="How they were destroyed", choices=MANUAL_METHODS,
                               widget=forms.RadioSelect,
                               error_messages={"required": "Choose how they were destroyed."})
    certificate_reference = forms.CharField(
        label="Certificate reference", max_length=200, required=False,
        help_text="Needed when a disposal company destroyed them: the number on its "
                  "certificate of destruction.")
    destroyed_on = UKDateField(label="Date destroyed", past=True,
                               what="the date of destruction")
    destroyed_by_label = forms.CharField(label="Destroyed by", max_length=200,
                                         error_messages={"required": "Enter who destroyed them."})
    witnessed_by_label = forms.CharField(label="Witnessed by", max_length=200, required=False)

    def __init__(self, *args: Any, record_types: list[RecordType], assets: list[Asset],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record_types = {str(item.public_id): item for item in record_types}
        self.assets = {str(item.public_id): item for item in assets}
        _choices(self.fields["record_type"], [
            ("", "Not one of the schedule's types"),
            *((key, item.name) for key, item in self.record_types.items())])
        _choices(self.fields["asset"], [
            ("", "Not one asset of the register"),
            *((key, item.name) for key, item in self.assets.items())])

    @staticmethod
    def initial_from(query: Any) -> dict[str, Any]:
        """What a link may fill in (the retention schedule's due page sends all four):
        ``?asset=<id>&record_type=<id>&records_from=<date>&records_to=<date>``."""
        initial: dict[str, Any] = {"asset": query.get("asset", ""),
                                   "record_type": query.get("record_type", "")}
        for name in ("records_from", "records_to"):
            with contextlib.suppress(ValueError):
                initial[name] = date.fromisoformat(query.get(name, ""))
        return initial

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["record_type"] = self.record_types.get(data.get("record_type") or "")
        data["asset"] = self.assets.get(data.get("asset") or "")
        return data
