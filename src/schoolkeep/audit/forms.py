"""The audit trail's filter form (read through GET, so a filtered view can be bookmarked)."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.audit.actions import AREA_BY_KEY, AREAS
from schoolkeep.audit.selectors import NO_PERSON
from schoolkeep.lib.date_input import UKDateField


class AuditFilterForm(forms.Form):
    person = forms.ChoiceField(label="Person", required=False)
    area = forms.ChoiceField(
        label="Area", required=False,
        choices=[("", "Every area"), *((area.key, area.label) for area in AREAS)],
        error_messages={"invalid_choice": "Choose an area from the list."},
    )
    date_from = UKDateField(label="From", required=False, what="the start date",
                            help_text="UK time.")
    date_to = UKDateField(label="To", required=False, what="the end date",
                          help_text="That whole day is included.")

    def __init__(self, *args: Any, people: list[tuple[int, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pk_by_public_id = {public_id: pk for pk, public_id, _ in people}
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ChoiceField)
        person_field.choices = [
            ("", "Anyone"),
            (NO_PERSON, "Nobody signed in (Schoolkeep itself, the command line, a kiosk or "
                        "a signing link)"),
            *((public_id, name) for _, public_id, name in people),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        return cleaned

    def selection(self) -> dict[str, Any]:
        """Keyword arguments for ``selectors.event_list`` (call after ``is_valid()``)."""
        person = self.cleaned_data.get("person") or None
        actor_id = person if person == NO_PERSON else self._pk_by_public_id.get(person or "")
        return {
            "actor_id": actor_id,
            "area": self.cleaned_data.get("area") or "",
            "date_from": self.cleaned_data.get("date_from"),
            "date_to": self.cleaned_data.get("date_to"),
        }

    def area_label(self) -> str:
        """The chosen area's name ("" when none), for the export's description."""
        area = AREA_BY_KEY.get(self.cleaned_data.get("area") or "")
        return area.label if area else ""

    @property
    def is_filtered(self) -> bool:
        # The dates arrive as their boxes (date_from_0...), so look at every value sent.
        return self.is_bound and any(value for key, value in self.data.items()
                                     if key != "page")
