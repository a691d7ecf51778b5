"""Model fields encrypted at rest with the application's keys (lib/crypto.py).

The database holds a Fernet token; Python sees the plain value. Such a field cannot be
filtered or made unique: keep a keyed hash beside it when values must be matched.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models
from django.utils.text import capfirst

from schoolkeep.lib.crypto import decrypt_text, encrypt_text


class EncryptedTextField(models.TextField):
    description = "Text encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if value in (None, ""):
            return ""
        return decrypt_text(value)

    def get_prep_value(self, value: Any) -> str:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return ""
        return encrypt_text(str(value))


class EncryptedDateField(models.TextField):
    """A date kept as an encrypted ISO string; Python sees a ``date`` or None."""

    description = "Date encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> date | None:
        if value in (None, ""):
            return None
        return date.fromisoformat(decrypt_text(value))

    def to_python(self, value: Any) -> date | None:
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        return date.fromisoformat(str(value))

    def get_prep_value(self, value: Any) -> str:
        value = self.to_python(value)
        return "" if value is None else encrypt_text(value.isoformat())

    def formfield(self, **kwargs: Any) -> Any:
        """The GOV.UK Day, Month, Year boxes (a model form would otherwise offer a text
        area, the column being text)."""
        from schoolkeep.lib.date_input import UKDateField

        kwargs.pop("widget", None)  # a text area meant for the column's type, not the date
        kwargs.setdefault("label", capfirst(self.verbose_name))
        kwargs.setdefault("help_text", self.help_text)
        kwargs.setdefault("required", not self.blank)
        form_class = kwargs.pop("form_class", None) or UKDateField
        return form_class(**kwargs)
