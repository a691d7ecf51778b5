"""The row of links shared by the pages about accounts and access: the accounts, two-factor
coverage, the administrators, password changes, access reviews, leavers and starters, and
the check of a user list, each shown to whoever may open it. The main menu has one entry
for them all."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

register = template.Library()

PAGES = [
    ("accounts", "Accounts", "access:account-list", "access.view"),
    ("two-factor", "Two-factor", "access:two-factor", "access.view"),
    ("administrators", "Administrators", "access:administrators", "access.view"),
    ("passwords", "Password changes", "passwords:cycle-list", "passwords.view"),
    ("my-passwords", "My password changes", "passwords:mine", "passwords.attest"),
    ("reviews", "Access reviews", "access:review-list", "access.review"),
    ("leavers", "Leavers and starters", "leavers:checklist-list", "leavers.view"),
    ("import", "Check a user list", "access:import-upload", "access.manage"),
]


@register.inclusion_tag("access/_access_nav.html", takes_context=True)
def access_nav(context: dict[str, Any], current: str) -> dict[str, Any]:
    """``current``: the key of this page in ``PAGES``."""
    access = getattr(context.get("request"), "access", None)
    links = []
    for key, label, name, permission in PAGES:
        if access is None or not access.can(permission):
            continue
        links.append((label, reverse(name), key == current))
    return {"links": links}
