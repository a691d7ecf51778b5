"""The row of links shared by the pages of one area (an app's sub-navigation).

Each app's template tag lists its pages as (key, label, URL name, permission) and calls
``sub_nav_links``: a page shows to whoever holds its permission ("a|b": any of them), and a
URL not yet mounted is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse

Page = tuple[str, str, str, str]


def sub_nav_links(context: dict[str, Any], pages: Iterable[Page],
                  current: str) -> dict[str, Any]:
    """``{"links": [(label, url, is_current), ...]}`` for an inclusion tag. ``current`` is
    this page's key; "a|b" marks either key current."""
    access = getattr(context.get("request"), "access", None)
    current_keys = set(current.split("|"))
    links = []
    for key, label, name, permission in pages:
        if access is None or not any(access.can(each) for each in permission.split("|")):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        links.append((label, url, key in current_keys))
    return {"links": links}
