"""Assertions shared by several apps' tests."""

from __future__ import annotations

from django.db.models import Model

from schoolkeep.audit.selectors import history_for
from schoolkeep.lib.stale import when_words


def assert_names_last_change(message: str, target: Model) -> None:
    """A stale-save refusal names who changed ``target`` last and when (UK time)."""
    last = history_for(school=target.school_id, target=target).first()  # type: ignore[attr-defined]
    assert last is not None
    assert last.actor_label in message, message
    assert when_words(last.occurred_at) in message, message
