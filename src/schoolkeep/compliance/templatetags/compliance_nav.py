"""The row of links shared by the compliance pages."""

from __future__ import annotations

from typing import Any

from django import template

from schoolkeep.lib.sub_nav import sub_nav_links

register = template.Library()

PAGES = [
    ("frameworks", "Where we stand", "compliance:home", "compliance.view"),
    ("controls", "Controls", "compliance:control-list", "compliance.view"),
    ("pack", "Governor pack", "compliance:pack-list", "compliance.view"),
    ("policy", "Policy document", "compliance:policydoc", "compliance.view"),
    ("trust", "All schools", "compliance:trust", "compliance.view"),
]


@register.inclusion_tag("compliance/_compliance_nav.html", takes_context=True)
def compliance_nav(context: dict[str, Any], current: str) -> dict[str, Any]:
    """``current``: the key of this page in ``PAGES``."""
    return sub_nav_links(context, PAGES, current)
