"""The row of links shared by the DPIA pages."""

from __future__ import annotations

from typing import Any

from django import template

from schoolkeep.lib.sub_nav import sub_nav_links

register = template.Library()

PAGES = [
    ("dpias", "DPIAs", "dpias:dpia-list", "dpias.view"),
    ("start", "Start a DPIA", "dpias:dpia-start", "dpias.manage"),
]


@register.inclusion_tag("privacy/dpias/_dpias_nav.html", takes_context=True)
def dpias_nav(context: dict[str, Any], current: str) -> dict[str, Any]:
    """``current``: the key of this page in ``PAGES``."""
    return sub_nav_links(context, PAGES, current)
