"""When two people edit one record: the second save is refused, naming who saved first and
when (from the record's newest audit event), with the second person's input kept on the form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import Model
from django.forms import Form

from schoolkeep.audit.selectors import last_change as audit_last_change
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.errors import DomainError, StaleVersion
from schoolkeep.lib.forms import refuse_on_form


def last_change(*, school: Any, target: Model) -> tuple[str, datetime] | None:
    """Who changed the record last and when (the newest audit event), or None."""
    # The audit trail keeps a member's name under their own key: it opens it.
    return audit_last_change(school=school, target=target)


def when_words(occurred_at: datetime) -> str:
    """"28 November 2026 at 17:10", in UK time."""
    moment = occurred_at.astimezone(LONDON)
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M}"


def stale_message(*, school: Any, target: Model, what: str) -> str:
    """The refusal of a stale save of ``what`` ("this person"), naming who changed it."""
    last = last_change(school=school, target=target)
    if last is None:
        return (f"Someone else changed {what} while you were editing it. Reload the page to "
                "see their changes, then make yours again.")
    label, occurred_at = last
    return (f"Someone else changed {what} while you were editing it: {label}, on "
            f"{when_words(occurred_at)}. "
            "Your changes below are not saved. Reload the page to see theirs, then make "
            "yours again.")


def stale_error(*, school: Any, target: Model, what: str) -> StaleVersion:
    """The StaleVersion a service raises, already naming who changed ``target`` and when, so
    that the API's 409 says it as the forms do."""
    return StaleVersion(stale_message(school=school, target=target, what=what), field="version")


def refuse_stale(form: Form, error: DomainError, *, school: Any, target: Model, what: str,
                 field_for_error: Mapping[str, str] | None = None) -> bool:
    """``refuse_on_form``, where a stale save names who changed the record and when (the
    bound form keeps what was typed). True when the record was stale."""
    if isinstance(error, StaleVersion):
        error = StaleVersion(stale_message(school=school, target=target, what=what),
                             field=error.field)
    return refuse_on_form(form, error, field_for_error)
