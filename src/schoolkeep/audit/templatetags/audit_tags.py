"""Filters for showing audit events in plain English (no queries)."""

from __future__ import annotations

from django import template

from schoolkeep.audit import selectors
from schoolkeep.audit.actions import action_label as _action_label
from schoolkeep.audit.actions import area_of
from schoolkeep.audit.actors import actor_name

register = template.Library()


@register.filter
def action_label(code: str) -> str:
    return _action_label(code)


@register.filter
def target_type_label(target_type: str) -> str:
    return selectors.target_type_label(target_type)


register.filter("history_link", selectors.history_link)
register.filter("actor_name", actor_name)
register.filter("action_area", area_of)
