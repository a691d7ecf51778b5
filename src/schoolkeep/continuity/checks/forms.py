"""Forms of backup checks and restore tests. They check input only; the rules live in the
services. Field names are the services' argument names, so a DomainError lands on its
field."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.continuity.models import BackupCheck, BackupSet, RestoreTest, Scope
from schoolkeep.lib.date_input import UKDateField

FORMATS = [("xlsx", "Spreadsheet (XLSX)"), ("csv", "CSV")]
CHECK_OUTCOMES = [("", "Every outcome"), *BackupCheck.Outcome.choices]
RESTORE_OUTCOMES = [("", "Every outcome"), *RestoreTest.Outcome.choices]


def _set_choices(sets: list[BackupSet], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((str(s.public_id), s.name) for s in sets)]


class _SetField(forms.Form):
    """A form choosing one of the sets given (by their public ids)."""

    def __init__(self, *args: Any, sets: list[BackupSet], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sets = {str(s.public_id): s for s in sets}
        field = self.fields["backup_set"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _set_choices(sets, field.empty_label)  # type: ignore[attr-defined]

    def clean_backup_set(self) -> BackupSet | None:
        return self.sets.get(self.cleaned_data["backup_set"])


class _ChoiceField(forms.ChoiceField):
    def __init__(self, *, empty_label: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.empty_label = empty_label


class CheckFilterForm(_SetField):
    backup_set = _ChoiceField(label="Backup set", required=False, empty_label="Every set")
    outcome = forms.ChoiceField(label="Outcome", required=False, choices=CHECK_OUTCOMES)


class CheckForm(_SetField):
    backup_set = _ChoiceField(label="Backup set", empty_label="Choose a set",
                              error_messages={"required": "Choose the backup set you checked."})
    checked_on = UKDateField(label="Checked on", what="the day of the check", past=True)
    outcome = forms.ChoiceField(label="Did the backup succeed?", widget=forms.RadioSelect,
                                choices=BackupCheck.Outcome.choices,
                                error_messages={"required": "Choose whether it succeeded."})
    action_taken = forms.CharField(
        label="What was done", required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when it failed: such as \"ran it again by hand\" or \"reported to "
                  "IT support\".")
    evidence = forms.FileField(
        label="The backup software's report (optional)", required=False,
        help_text="A PDF, a PNG or JPEG image (a screenshot), or a plain text log, at most "
                  "5 MB.")


class RestoreFilterForm(_SetField):
    backup_set = _ChoiceField(label="Backup set", required=False, empty_label="Every set")
    outcome = forms.ChoiceField(label="Outcome", required=False, choices=RESTORE_OUTCOMES)


class RestoreForm(_SetField):
    backup_set = _ChoiceField(label="Restored from the backup set", empty_label="Choose a set",
                              error_messages={"required": "Choose the set you restored from."})
    scope = forms.ChoiceField(label="For (optional)", required=False,
                              help_text="What the restored data belongs to, such as the "
                                        "admin network.")
    tested_on = UKDateField(label="Tested on", what="the day of the test", past=True)
    what_was_restored = forms.CharField(
        label="What was restored", max_length=300,
        help_text="Such as \"the finance folder from last Friday's backup\".",
        error_messages={"required": "Say what was restored."})
    minutes_taken = forms.IntegerField(label="How long it took (minutes, optional)",
                                       required=False, min_value=0, max_value=100_000)
    outcome = forms.ChoiceField(label="Did it work?", widget=forms.RadioSelect,
                                choices=RestoreTest.Outcome.choices,
                                error_messages={"required": "Choose whether it worked."})
    notes = forms.CharField(label="Notes", required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="Needed when it did not fully work: what went wrong "
                                      "and what will be done.")

    def __init__(self, *args: Any, scopes: list[Scope], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = {str(s.public_id): s for s in scopes}
        field = self.fields["scope"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Not recorded"), *((k, s.name) for k, s in self.scopes.items())]

    def clean_scope(self) -> Scope | None:
        return self.scopes.get(self.cleaned_data["scope"])


class ExportForm(forms.Form):
    format = forms.ChoiceField(choices=FORMATS, required=False)  # left out: XLSX
