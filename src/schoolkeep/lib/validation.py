"""Model validation that speaks the services' language."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from schoolkeep.lib.errors import DomainError


def full_clean_or_error(instance: models.Model, *, exclude: list[str] | None = None) -> None:
    """``full_clean()``, turning the first problem into a DomainError naming its field."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
        field, messages = next(iter(errors.items()))
        raise DomainError(" ".join(messages), field=None if field == "__all__" else field) from None


def clean_text(value: Any, *, field: str, label: str, limit: int,
               required: bool = False) -> str:
    """Free text from a form or the API, trimmed of surrounding white space.

    ``None`` counts as empty. Raises a DomainError naming ``field``: "Enter {label}." when
    ``required`` and empty, "{Label} must be {limit:,} characters or fewer." when longer
    than ``limit`` (``label`` reads mid-sentence, e.g. "the reason"; its first letter is
    capitalised at the start of the second message).
    """
    text = str(value or "").strip()
    if required and not text:
        raise DomainError(f"Enter {label}.", field=field)
    if len(text) > limit:
        raise DomainError(f"{label[0].upper()}{label[1:]} must be {limit:,} characters or "
                          "fewer.", field=field)
    return text
