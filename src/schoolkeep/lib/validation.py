"""Model validation that speaks the services' language."""

from __future__ import annotations

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
