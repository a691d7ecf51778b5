"""Whom an audit event is about: its subject, whose key seals the event's personal values.

A subject is a (model label, primary key as text) pair: a person ("people.person", "12") or
a user ("accounts.user", "7"). Each app registers, for each model whose events are about a
person, a resolver that reads the foreign key id of that person (never a query), so that
``audit_record(target=check)`` seals a check's values under its person's key.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model

Subject = tuple[str, str]
Resolver = Callable[[Model], "Subject | None"]

PERSON = "people.person"
USER = "accounts.user"

_resolvers: dict[str, Resolver] = {}
# Events whose target is a person or a user are about them, registered or not.
_OWN_SUBJECT = frozenset({PERSON, USER})


def register_subject(model_label: str, resolver: Resolver) -> None:
    """Events whose target is a ``model_label`` record are about ``resolver(record)``.

    e.g. ``register_subject("people.check", lambda c: ("people.person", str(c.person_id)))``.
    Registering a label twice keeps the last resolver (apps' ready() may run again in tests).
    """
    _resolvers[model_label.lower()] = resolver


def registered_labels() -> frozenset[str]:
    return frozenset(_resolvers)


def subject_of(instance: Any) -> Subject | None:
    """The subject of events about ``instance``, by its model's registered resolver; None
    when its model has none (or the resolver finds no person, e.g. a blank link)."""
    if instance is None:
        return None
    label = instance._meta.label_lower
    resolver = _resolvers.get(label)
    if resolver is not None:
        return resolver(instance)
    if label in _OWN_SUBJECT and instance.pk is not None:
        return label, str(instance.pk)  # a person or a user: the event is about them
    return None


def subject_key(subject: Any, target: Any = None) -> Subject | None:
    """The subject an ``audit_record(subject=..., target=...)`` call means.

    A (label, id) pair as it is; a model instance by its resolver, or itself when its model
    has none (a person, a user); None: the target's resolver decides.
    """
    if subject is None:
        return subject_of(target)
    if isinstance(subject, tuple):
        label, pk = subject
        if not label or pk in (None, ""):
            raise ValueError(f"An audit subject needs a model label and an id: {subject!r}")
        return str(label).lower(), str(pk)
    if isinstance(subject, Model):
        resolved = subject_of(subject)
        if resolved is not None:
            return resolved
        if subject.pk is None:
            raise ValueError("An audit subject must be saved first.")
        return subject._meta.label_lower, str(subject.pk)
    raise TypeError(f"An audit subject is a model instance or a (label, id) pair: {subject!r}")
