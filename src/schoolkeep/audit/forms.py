"""The audit trail's filter form (read through GET, so a filtered view can be bookmarked)."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.audit.selectors import NO_PERSON

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    person = forms.ChoiceField(label="Person", required=False)
    action = forms.CharField(
        label="Action", required=False, max_length=100,
        help_text="The start of an action code, such as tenancy. for every change to "
                  "members, invitations and school settings.",
    )
    date_from = forms.DateField(label="From", required=False, widget=DATE_WIDGET,
                                help_text="A date, such as 1/9/2026 (UK time).")
    date_to = forms.DateField(label="To", required=False, widget=DATE_WIDGET,
                              help_text="A date, such as 31/12/2026; that whole day is included.")

    def __init__(self, *args: Any, people: list[tuple[int, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pk_by_public_id = {public_id: pk for pk, public_id, _ in people}
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ChoiceField)
        person_field.choices = [
            ("", "Anyone"),
            (NO_PERSON, "Nobody signed in (the system or the command line)"),
            *((public_id, name) for _, public_id, name in people),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", "The end date must be the same as or after the start date.")
        cleaned["action"] = (cleaned.get("action") or "").strip()
        return cleaned

    def selection(self) -> dict[str, Any]:
        """Keyword arguments for ``selectors.event_list`` (call after ``is_valid()``)."""
        person = self.cleaned_data.get("person") or None
        actor_id = person if person == NO_PERSON else self._pk_by_public_id.get(person or "")
        return {
            "actor_id": actor_id,
            "action_prefix": self.cleaned_data["action"],
            "date_from": self.cleaned_data.get("date_from"),
            "date_to": self.cleaned_data.get("date_to"),
        }

    @property
    def is_filtered(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
