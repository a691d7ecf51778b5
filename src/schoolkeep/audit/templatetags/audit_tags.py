"""Filters for showing audit events in plain English (no queries)."""

from __future__ import annotations

from django import template
from django.urls import NoReverseMatch, reverse

from schoolkeep.audit.actions import action_label as _action_label
from schoolkeep.audit.selectors import target_type_label as _target_type_label

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return _action_label(code)


@register.filter
def target_type_label(target_type: str) -> str:
    return _target_type_label(target_type)


@register.filter
def history_link(event: object) -> str:
    """The record-history URL of an event's record, or "" when it names no record."""
    target_type = getattr(event, "target_type", "")
    target_id = getattr(event, "target_id", "")
    if not target_type or not target_id:
        return ""
    try:
        return reverse("audit:record-history", args=[target_type, target_id])
    except NoReverseMatch:  # an id the URL cannot carry, such as one with a slash
        return ""
