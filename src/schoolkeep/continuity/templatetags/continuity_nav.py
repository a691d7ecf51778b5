"""The row of links shared by the pages about backups and recovery."""

from __future__ import annotations

from typing import Any

from django import template

from schoolkeep.lib.sub_nav import sub_nav_links

register = template.Library()

PAGES = [
    ("scopes", "What needs protecting", "continuity:scope-list", "continuity.view"),
    ("sets", "Backup sets", "continuity:set-list", "continuity.view"),
    ("checks", "Backup checks", "continuity:check-list", "continuity.view"),
    ("restores", "Restore tests", "continuity:restore-list", "continuity.view"),
    ("plan", "Recovery plan", "continuity:plan", "continuity.view"),
]


@register.inclusion_tag("continuity/_continuity_nav.html", takes_context=True)
def continuity_nav(context: dict[str, Any], current: str) -> dict[str, Any]:
    """``current``: the key of this page in ``PAGES``."""
    return sub_nav_links(context, PAGES, current)
