"""The row of links shared by the pages about training."""

from __future__ import annotations

from typing import Any

from django import template

from schoolkeep.lib.sub_nav import sub_nav_links

register = template.Library()

PAGES = [
    ("status", "Who needs training", "training:status", "training.view"),
    ("records", "Training records", "training:record-list", "training.view"),
    ("courses", "Courses", "training:course-list", "training.view"),
    ("mine", "My training", "training:my-training", "training.own"),
    ("import", "Import training", "training:import-upload", "training.manage"),
]


@register.inclusion_tag("training/_training_nav.html", takes_context=True)
def training_nav(context: dict[str, Any], current: str) -> dict[str, Any]:
    """``current``: the key of this page in ``PAGES``."""
    return sub_nav_links(context, PAGES, current)
