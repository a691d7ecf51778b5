"""Records hidden from some members of a school, and so their events in the audit trail.

An app whose records may be hidden from named members (a request about the SIRO is hidden
from the SIRO) registers a function ``(school, user) -> hidden`` at start-up, where
``hidden`` is either a ``Q`` on ``AuditEvent`` matching the events that user may not see,
or a set of ``(target_type, target_id)`` pairs (as ``services.target_key`` names a record)
whose events they may not see. The trail's list, its exports, an event's page and a
record's history leave those events out for that user (a hidden record's history is a 404,
as for a record that does not exist). Each function should cost one query at most.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, QuerySet

from schoolkeep.audit.models import AuditEvent

Hidden = Q | Iterable[tuple[str, str]]
Concealer = Callable[[Any, Any], Hidden]

_CONCEALERS: dict[str, Concealer] = {}


def register_concealment(name: str, concealer: Concealer) -> None:
    """Register (or replace, under the same ``name``) what an app hides from a member."""
    _CONCEALERS[name] = concealer


def _as_condition(hidden: Hidden) -> Q | None:
    if isinstance(hidden, Q):
        return hidden if hidden else None
    by_type: dict[str, set[str]] = {}
    for target_type, target_id in hidden:
        by_type.setdefault(target_type, set()).add(str(target_id))
    condition: Q | None = None
    for target_type, ids in sorted(by_type.items()):
        part = Q(target_type=target_type, target_id__in=sorted(ids))
        condition = part if condition is None else condition | part
    return condition


def concealed_from(*, school: Any, user: Any) -> Q | None:
    """A condition matching the events of ``school`` hidden from ``user``, or None when
    nothing is hidden from them (or nobody is signed in: the trail needs a member)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    condition: Q | None = None
    for concealer in _CONCEALERS.values():
        part = _as_condition(concealer(school, user))
        if part is not None:
            condition = part if condition is None else condition | part
    return condition


def visible_to(events: QuerySet[AuditEvent], *, school: Any, user: Any) -> QuerySet[AuditEvent]:
    """``events`` without those hidden from ``user``."""
    condition = concealed_from(school=school, user=user)
    return events if condition is None else events.exclude(condition)
