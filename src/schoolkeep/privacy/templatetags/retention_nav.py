"""The row of links shared by the Retention, Destruction log and Erasure pages."""

from __future__ import annotations

from typing import Any

from django import template

from schoolkeep.lib.sub_nav import sub_nav_links

register = template.Library()

PAGES = [
    ("schedule", "Retention schedule", "retention:schedule", "retention.view"),
    ("due", "Due for destruction", "retention:due", "retention.view"),
    ("destructions", "Destruction log", "destructions:destruction-list",
     "destructions.record|retention.view"),
    ("erasure", "Schoolkeep's own erasure", "erasure:erasure-list", "retention.view"),
]


@register.inclusion_tag("privacy/schedule/_retention_nav.html", takes_context=True)
def retention_nav(context: dict[str, Any], current: str) -> dict[str, Any]:
    """``current``: the key of this page in ``PAGES``."""
    return sub_nav_links(context, PAGES, current)
