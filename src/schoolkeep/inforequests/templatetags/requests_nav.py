"""The row of links shared by the requests pages."""

from __future__ import annotations

from typing import Any

from django import template

from schoolkeep.lib.sub_nav import sub_nav_links

register = template.Library()

PAGES = [
    ("requests", "Requests", "requests:request-list", "requests.log"),
    ("log", "Log a request", "requests:request-log", "requests.log"),
    ("page", "Public request page", "requests:public-page", "requests.handle"),
    ("exports", "Request log", "requests:export-list", "requests.view"),
    ("holidays", "Bank holidays", "requests:holiday-list", "requests.view"),
]


@register.inclusion_tag("inforequests/_requests_nav.html", takes_context=True)
def requests_nav(context: dict[str, Any], current: str) -> dict[str, Any]:
    """``current``: the key of this page in ``PAGES``."""
    return sub_nav_links(context, PAGES, current)
