"""The form for one academic year's term dates: three terms, up to three holidays in each,
and up to four INSET days or closures in each (a day, or a run of days, with no pupils that
the clocks of freedom of information and the educational record do not count)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms

from schoolkeep.lib.date_input import UKDateField
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.calendar import TERM_NAMES, term_label
from schoolkeep.tenancy.models import Term, TermHoliday
from schoolkeep.tenancy.services_terms import TermDatesError

HOLIDAYS_PER_TERM = 3
DAYS_PER_TERM = 4
DAY_KINDS = [("", "Choose INSET day or closure"),
             (TermHoliday.Kind.INSET.value, "INSET (training) day"),
             (TermHoliday.Kind.CLOSURE.value, "Closure (such as a polling day or snow)")]


def _date_field(label: str, *, required: bool) -> UKDateField:
    return UKDateField(
        label=label,
        required=required,
        what=f"the {label[0].lower()}{label[1:]}",
        error_messages={"required": "Enter {what}"},
    )


class TermYearForm(forms.Form):
    # Rendered field by field in tenancy/term_edit.html (see term_groups).

    # The fingerprint of the stored dates the form showed ("none" when there were none):
    # required, so that a save can never skip the comparison with a newer change.
    version = forms.CharField(widget=forms.HiddenInput, max_length=100, error_messages={
        "required": "Reload the page: the form is missing the dates it was opened with."})

    def __init__(self, *args: Any, academic_year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.academic_year = academic_year
        for name in TERM_NAMES:
            label = f"{term_label(name, academic_year)} term"
            self.fields[f"{name}_starts_on"] = _date_field(
                f"First day of the {label}", required=True
            )
            self.fields[f"{name}_ends_on"] = _date_field(f"Last day of the {label}", required=True)
            for number in range(1, HOLIDAYS_PER_TERM + 1):
                what = f"holiday {number} in the {label}"
                self.fields[f"{name}_holiday_{number}_starts_on"] = _date_field(
                    f"First day of {what}", required=False
                )
                self.fields[f"{name}_holiday_{number}_ends_on"] = _date_field(
                    f"Last day of {what}", required=False
                )
            for number in range(1, DAYS_PER_TERM + 1):
                what = f"INSET day or closure {number} in the {label}"
                self.fields[f"{name}_day_{number}_kind"] = forms.ChoiceField(
                    label=f"Kind of day {number} in the {label}", choices=DAY_KINDS,
                    required=False)
                self.fields[f"{name}_day_{number}_starts_on"] = _date_field(
                    f"Day of {what}", required=False
                )
                self.fields[f"{name}_day_{number}_ends_on"] = _date_field(
                    f"Last day of {what}, when it is more than one day", required=False
                )
        # The service numbers a term's holidays in the order given; map its names to ours.
        self._service_fields: dict[str, str] = {}

    @staticmethod
    def initial_for(terms: Sequence[Term], *, version: str) -> dict[str, Any]:
        """Initial values from stored terms (their holidays prefetched)."""
        initial: dict[str, Any] = {"version": version}
        for term in terms:
            initial[f"{term.name}_starts_on"] = term.starts_on
            initial[f"{term.name}_ends_on"] = term.ends_on
            stored = list(term.holidays.all())
            holidays = [h for h in stored if h.kind == TermHoliday.Kind.HOLIDAY]
            days = [h for h in stored if h.kind != TermHoliday.Kind.HOLIDAY]
            for number, holiday in enumerate(holidays[:HOLIDAYS_PER_TERM], start=1):
                initial[f"{term.name}_holiday_{number}_starts_on"] = holiday.starts_on
                initial[f"{term.name}_holiday_{number}_ends_on"] = holiday.ends_on
            for number, day in enumerate(days[:DAYS_PER_TERM], start=1):
                initial[f"{term.name}_day_{number}_kind"] = day.kind
                initial[f"{term.name}_day_{number}_starts_on"] = day.starts_on
                if day.ends_on != day.starts_on:
                    initial[f"{term.name}_day_{number}_ends_on"] = day.ends_on
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        holidays: list[tuple[str, date, date, str]] = []
        counts: dict[str, int] = {}
        for name in TERM_NAMES:
            for number in range(1, HOLIDAYS_PER_TERM + 1):
                start_key = f"{name}_holiday_{number}_starts_on"
                end_key = f"{name}_holiday_{number}_ends_on"
                if start_key in self.errors or end_key in self.errors:
                    continue
                starts_on, ends_on = cleaned.get(start_key), cleaned.get(end_key)
                if starts_on is None and ends_on is None:
                    continue
                if starts_on is None:
                    self.add_error(
                        start_key,
                        "Enter the first day of this holiday, or leave both of its dates empty.",
                    )
                    continue
                if ends_on is None:
                    self.add_error(
                        end_key,
                        "Enter the last day of this holiday, or leave both of its dates empty.",
                    )
                    continue
                counts[name] = counts.get(name, 0) + 1
                service_prefix = f"{name}_holiday_{counts[name]}"
                self._service_fields[f"{service_prefix}_starts_on"] = start_key
                self._service_fields[f"{service_prefix}_ends_on"] = end_key
                holidays.append((name, starts_on, ends_on, TermHoliday.Kind.HOLIDAY.value))
            holidays.extend(self._clean_days(name, cleaned))
        cleaned["terms"] = {
            name: (cleaned.get(f"{name}_starts_on"), cleaned.get(f"{name}_ends_on"))
            for name in TERM_NAMES
        }
        cleaned["holidays"] = holidays
        return cleaned

    def _clean_days(self, name: str, cleaned: dict[str, Any]) -> list[tuple[str, date, date, str]]:
        """The term's INSET days and closures: a kind and a day, with a last day only for a
        run of days."""
        days: list[tuple[str, date, date, str]] = []
        for number in range(1, DAYS_PER_TERM + 1):
            prefix = f"{name}_day_{number}"
            if any(f"{prefix}_{part}" in self.errors for part in ("kind", "starts_on", "ends_on")):
                continue
            kind = cleaned.get(f"{prefix}_kind") or ""
            starts_on = cleaned.get(f"{prefix}_starts_on")
            ends_on = cleaned.get(f"{prefix}_ends_on")
            if not kind and starts_on is None and ends_on is None:
                continue
            if starts_on is None:
                self.add_error(f"{prefix}_starts_on", "Enter the day, or leave this row empty.")
                continue
            if not kind:
                self.add_error(f"{prefix}_kind",
                               "Choose whether this is an INSET day or a closure.")
                continue
            days.append((name, starts_on, ends_on or starts_on, kind))
            service_prefix = f"{name}_day_{len(days)}"
            for part in ("starts_on", "ends_on"):
                self._service_fields[f"{service_prefix}_{part}"] = f"{prefix}_{part}"
        return days

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal on the fields it names (all of them for TermDatesError)."""
        problems = (
            error.errors if isinstance(error, TermDatesError) else [(error.field, error.message)]
        )
        for field, message in problems:
            name = self._service_fields.get(field or "", field)
            self.add_error(name if name in self.fields else None, message)

    def term_groups(self) -> list[dict[str, Any]]:
        """The bound fields grouped by term, for the template."""
        groups = []
        for name in TERM_NAMES:
            groups.append(
                {
                    "label": f"{term_label(name, self.academic_year)} term",
                    "starts_on": self[f"{name}_starts_on"],
                    "ends_on": self[f"{name}_ends_on"],
                    "holidays": [
                        {
                            "number": number,
                            "starts_on": self[f"{name}_holiday_{number}_starts_on"],
                            "ends_on": self[f"{name}_holiday_{number}_ends_on"],
                        }
                        for number in range(1, HOLIDAYS_PER_TERM + 1)
                    ],
                    "days": [
                        {
                            "number": number,
                            "kind": self[f"{name}_day_{number}_kind"],
                            "starts_on": self[f"{name}_day_{number}_starts_on"],
                            "ends_on": self[f"{name}_day_{number}_ends_on"],
                        }
                        for number in range(1, DAYS_PER_TERM + 1)
                    ],
                }
            )
        return groups
