"""The row of links shared by the pages about equipment: the inventory, loans, disposals
and the import, each shown
to whoever may open it."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

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
    access = getattr(context.get("request"), "access", None)
    links = []
    for key, label, name, permission in PAGES:
        # "a|b": any of them opens the page.
        if access is None or not any(access.can(each) for each in permission.split("|")):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # a page still being built
            continue
        links.append((label, url, key == current))
    return {"links": links}
