"""Navigation and the school switcher, shown only as the role allows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

# (label, url name, permission). Later modules add their entries here.
NAVIGATION: list[tuple[str, str, str]] = [
    ("What needs doing", "duties:dashboard", "school.view"),
    ("Report an incident", "incidents:report", "incidents.report"),
    ("Incidents", "incidents:incident-list", "incidents.view"),
    ("Key contacts", "tenancy:key-contacts", "school.view"),
    ("People", "people:person-list", "school.view"),
    ("Single Central Record", "people:record", "scr.view"),
    ("Information assets", "assets:asset-list", "assets.view"),
    ("Systems", "systems:system-list", "systems.view"),
    ("Acceptable use", "agreements:aup-list", "aups.view"),
    ("Parents", "agreements:parent-list", "aups.records"),
    ("Policies", "policies:policy-list", "policies.view"),
    ("Members", "tenancy:member-list", "members.view"),
    ("Term dates", "tenancy:term-list", "terms.view"),
    ("Audit trail", "audit:event-list", "audit.view"),
    ("Locked accounts", "accounts:lockout-list", "lockouts.manage"),
    ("School settings", "tenancy:school-settings", "school.settings"),
    ("Trust overview", "duties:trust-overview", "trust.overview"),
]


def tenancy(request: HttpRequest) -> dict[str, Any]:
    from schoolkeep.accounts.middleware import idle_timeout_seconds

    access = getattr(request, "access", None)
    if access is None or getattr(request, "mfa_enrolment_required", False):
        return {"nav_items": [], "current_access": None, "school_choices": [],
                "idle_timeout_seconds": None}
    path = request.path
    items = []
    for label, name, permission in NAVIGATION:
        if access.can(permission):
            url = reverse(name)
            items.append({"label": label, "url": url, "current": path == url})
    return {
        "nav_items": items,
        "current_access": access,
        "school_choices": getattr(request, "access_list", []),
        "idle_timeout_seconds": idle_timeout_seconds(request),
    }
