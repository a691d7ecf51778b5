"""The row of links shared by the pages about equipment: the inventory, loans, disposals
and the import, each shown
to whoever may open it."""

from __future__ import annotations

from typing import Any

from django import template

from schoolkeep.lib.sub_nav import sub_nav_links

register = template.Library()

PAGES = [
    ("items", "Equipment", "equipment:item-list", "equipment.view"),
    ("loans", "Loans", "equipment:loan-list", "equipment.view"),
    ("disposals", "Disposals", "equipment:disposal-list", "equipment.view"),
    ("import", "Import equipment", "equipment:import-upload", "equipment.manage"),
]


@register.inclusion_tag("equipment/_equipment_nav.html", takes_context=True)
def equipment_nav(context: dict[str, Any], current: str) -> dict[str, Any]:
    """``current``: the key of this page in ``PAGES``."""
    return sub_nav_links(context, PAGES, current)
