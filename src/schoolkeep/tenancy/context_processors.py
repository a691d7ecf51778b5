"""Navigation and the school switcher, shown only as the role allows.

The menu is a few sections, each a list of entries; a new module adds its page with one line
in the section it belongs to. The menu is built from the request's access alone (no query):
every page shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from schoolkeep.tenancy.roles import PERMISSIONS

# Entries whose permission needs more than one school the viewer may see it in (a list
# across schools is pointless with one).
ACROSS_SCHOOLS = frozenset({"overview:schools", "compliance:trust"})

# (section, [(label, url name, permission), ...]). A section with one entry the viewer may use
# shows as that entry; an entry whose URL or permission does not exist yet is left out.
NAVIGATION: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("What needs doing", [
        ("What needs doing", "duties:dashboard", "school.view"),
    ]),
    ("Records", [
        ("People", "people:person-list", "school.view"),
        ("Single Central Record", "people:record", "scr.view"),
        ("Information assets", "assets:asset-list", "assets.view"),
        ("Systems", "systems:system-list", "systems.view"),
        # Two-factor, administrators, password changes, access reviews and leavers are in the
        # accounts pages' own row of links (access/templatetags/access_nav.py); leavers and
        # starters also from the People page. Records stays one row at 1280 pixels.
        ("Accounts", "access:account-list", "access.view"),
        ("Acceptable use", "agreements:aup-list", "aups.view"),
        ("Parents", "agreements:parent-list", "aups.records"),
        ("Policies", "policies:policy-list", "policies.view"),
    ]),
    # Reporting is everyone's most urgent action: one click from every page.
    ("Report an incident", [
        ("Report an incident", "incidents:report", "incidents.report"),
    ]),
    # Incidents, how to send data safely (everyone's guide; the transfer log, the rules and
    # taking data off site are in its pages' own row of links) and the equipment (its loans,
    # disposals and import likewise).
    ("Data safety", [
        ("Incidents", "incidents:incident-list", "incidents.view"),
        # Every member may log a request they received; the list shows what they may see.
        ("Sending data", "transfers:guide", "transfers.send|transfers.view"),
        ("Equipment", "equipment:item-list", "equipment.view"),
        ("Backup and recovery", "continuity:scope-list", "continuity.view"),
        ("Training", "training:status", "training.view|training.own"),
        ("Housekeeping", "housekeeping:campaign-list", "housekeeping.view"),
        ("Key contacts", "tenancy:key-contacts", "school.view"),
    ]),
    # Data protection by design: requests with legal clocks, DPIAs, the organisations that
    # handle the school's data, and how long records are kept and their destruction.
    ("Data protection", [
        # Every member may log a request they received; the list shows what they may see.
        ("Requests", "requests:request-list", "requests.log"),
        ("DPIAs", "dpias:dpia-list", "dpias.view"),
        ("Suppliers", "processors:processor-list", "processors.view"),
        ("Retention", "retention:schedule", "retention.view"),
        ("Destruction log", "destructions:destruction-list", "retention.view"),
    ]),
    ("Overview", [
        ("School overview", "overview:school", "overview.view"),
        ("All schools", "overview:schools", "overview.view"),
        ("Compliance", "compliance:home", "compliance.view"),
        ("Compliance of all schools", "compliance:trust", "compliance.view"),
    ]),
    ("Settings", [
        ("Members", "tenancy:member-list", "members.view"),
        ("Term dates", "tenancy:term-list", "terms.view"),
        ("Backups", "backups:backup-list", "systems.view"),
        ("Audit trail", "audit:event-list", "audit.view"),
        ("Locked accounts", "accounts:lockout-list", "lockouts.manage"),
        ("School settings", "tenancy:school-settings", "school.settings"),
    ]),
]


@dataclass(frozen=True)
class NavEntry:
    label: str
    url: str
    current: bool  # this very page
    within: bool  # this page or a page under it (an asset's page is within the register)


@dataclass(frozen=True)
class NavSection:
    label: str
    entries: list[NavEntry]

    @property
    def url(self) -> str:
        return self.entries[0].url

    @property
    def current(self) -> bool:
        return any(entry.within for entry in self.entries)


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # a module not installed yet
        return None


def _allowed(request: HttpRequest, access: Any, name: str, permission: str) -> bool:
    # "a|b": any of them opens the page.
    permissions = [each for each in permission.split("|") if each in PERMISSIONS]
    if not permissions:  # a permission not defined yet
        return False
    if name in ACROSS_SCHOOLS:
        schools = getattr(request, "access_list", [])
        return sum(1 for each in schools if any(each.can(p) for p in permissions)) > 1
    return any(access.can(each) for each in permissions)


def navigation(request: HttpRequest, access: Any) -> list[NavSection]:
    """The sections and entries ``access`` may use, the current one marked: the entry
    whose URL is the longest start of this page's path (the root only as itself)."""
    path = request.path
    allowed = [(section, [(label, url) for label, name, permission in entries
                          if _allowed(request, access, name, permission)
                          and (url := _url(name)) is not None])
               for section, entries in NAVIGATION]
    urls = [url for _section, entries in allowed for _label, url in entries]
    best = max((url for url in urls if path == url or (url != "/" and path.startswith(url))),
               key=len, default=None)
    return [NavSection(section, [NavEntry(label, url, path == url, url == best)
                                 for label, url in entries])
            for section, entries in allowed if entries]


def tenancy(request: HttpRequest) -> dict[str, Any]:
    from schoolkeep.accounts.middleware import idle_timeout_seconds

    access = getattr(request, "access", None)
    if access is None or getattr(request, "mfa_enrolment_required", False):
        return {"nav_sections": [], "current_access": None, "school_choices": [],
                "idle_timeout_seconds": None}
    return {
        "nav_sections": navigation(request, access),
        "current_access": access,
        "school_choices": getattr(request, "access_list", []),
        "idle_timeout_seconds": idle_timeout_seconds(request),
    }
