"""The person's page shows their checklists (leaver, starter, mover) to whoever may read
them: one query, whatever the number of checklists."""

from __future__ import annotations

from typing import Any

from django import template

from schoolkeep.leavers.models import Checklist

register = template.Library()

SHOWN = 5  # the newest few; the list page has the rest


@register.inclusion_tag("leavers/_person_checklists.html", takes_context=True)
def person_checklists(context: dict[str, Any], person: Any) -> dict[str, Any]:
    access = getattr(context.get("request"), "access", None)
    if access is None or not access.can("leavers.view"):
        return {"checklists": [], "shown": False}
    checklists = list(Checklist.objects.filter(school_id=person.school_id, person=person)
                      .order_by("closed_at", "-effective_on", "-created_at")[:SHOWN])
    return {"checklists": checklists, "shown": True}
