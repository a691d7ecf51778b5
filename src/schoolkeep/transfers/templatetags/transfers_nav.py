"""The row of links shared by the pages about sending data: how to send something, the
transfer log, the rules, the questions to the DPO and taking material off site, each shown
to whoever may open it."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()

PAGES = [
    ("guide", "How do I send this?", "transfers:guide", "transfers.send|transfers.view"),
    ("log", "Transfer log", "transfers:transfer-list", "transfers.send|transfers.view"),
    ("off-site", "Taking data off site", "transfers:removal-list",
     "removals.request|removals.view"),
    ("questions", "Questions to the DPO", "transfers:question-list", "transfers.view"),
    ("rules", "Rules", "transfers:rules", "transfers.view"),
]


@register.inclusion_tag("transfers/_transfers_nav.html", takes_context=True)
def transfers_nav(context: dict[str, Any], current: str) -> dict[str, Any]:
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
