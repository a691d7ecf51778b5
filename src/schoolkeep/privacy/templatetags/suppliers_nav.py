"""The row of links shared by the suppliers' pages."""

from __future__ import annotations

from typing import Any

from django import template

from schoolkeep.lib.sub_nav import sub_nav_links

register = template.Library()

PAGES = [
    ("suppliers", "Suppliers", "processors:processor-list", "processors.view"),
    ("add", "Add a supplier", "processors:processor-add", "processors.manage"),
]


@register.inclusion_tag("privacy/suppliers/_suppliers_nav.html", takes_context=True)
def suppliers_nav(context: dict[str, Any], current: str) -> dict[str, Any]:
    """``current``: the key of this page in ``PAGES``."""
    return sub_nav_links(context, PAGES, current)
