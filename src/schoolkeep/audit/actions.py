"""Plain-English labels for audit action codes such as ``tenancy.membership.roles_changed``,
and the areas of the school's work the trail is filtered by.

Each app may add its own with ``register_action_labels`` (from its ``AppConfig.ready``); a code
nobody registered is still given a readable label made from its last two parts (a test finds
every code the services write and checks it has a label).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

_LABELS: dict[str, str] = {
    # Signing in and out
    "accounts.login.succeeded": "Signed in",
    "accounts.login.failed": "Failed sign-in attempt",
    "accounts.logout": "Signed out",
    "accounts.lockout.locked": "Account locked after failed sign-ins",
    "accounts.lockout.cleared": "Locked account unlocked",
    # Two-factor
    "accounts.mfa.added": "Two-factor method added",
    "accounts.mfa.removed": "Two-factor method removed",
    "accounts.mfa.failed": "Wrong two-factor code entered",
    # Accounts and tokens
    "accounts.user.created": "Account created",
    "accounts.user.deactivated": "Account deactivated",
    "accounts.user.reactivated": "Account reactivated",
    "accounts.user.sessions_ended": "Signed out everywhere",
    "accounts.token.created": "API token created",
    "accounts.token.revoked": "API token revoked",
    "accounts.token.used": "API token used",
    # Trusts, schools, members and invitations
    "tenancy.organisation.created": "Trust or local authority created",
    "tenancy.organisation_membership.created": "Trust administrator added",
    "tenancy.organisation_membership.reactivated": "Trust administrator reactivated",
    "tenancy.school.created": "School created",
    "tenancy.school.settings_changed": "School settings changed",
    "tenancy.site.created": "Site added",
    "tenancy.membership.created": "Member added",
    "tenancy.membership.reactivated": "Member reactivated",
    "tenancy.membership.roles_changed": "Member's roles changed",
    "tenancy.membership.deactivated": "Member deactivated",
    "tenancy.invitation.created": "Invitation sent",
    "tenancy.invitation.revoked": "Invitation withdrawn",
    "tenancy.invitation.accepted": "Invitation accepted",
    # Term dates
    "tenancy.term.created": "Term dates entered",
    "tenancy.term.updated": "Term dates changed",
    "tenancy.term.deleted": "Term dates removed",
    # Duties and the demo
    "duties.reminders.sent": "Reminder e-mails sent",
    "duties.calendar_feed.reset": "Calendar feed link reset",
    "demo.user.marked": "Marked as a demo account",
    "demo.certificate_copy.backdated": "Demo: a DBS certificate copy made due for deletion",
    # The trail itself
    "audit.chain-reanchored": "Audit trail re-anchored after its personal values were sealed",
}


@dataclass(frozen=True)
class Area:
    """An area of the school's work as the trail's filter offers it: its value in the URL,
    its name, and the first part of the action codes in it."""

    key: str
    label: str
    prefixes: tuple[str, ...]


AREAS = (
    Area("people", "People and checks", ("people.",)),
    Area("assets", "Information assets", ("assets.",)),
    Area("systems", "Systems and suppliers", ("systems.",)),
    Area("incidents", "Incidents and breaches", ("incidents.",)),
    Area("policies", "Policies, acceptable use and signatures", ("agreements.",)),
    Area("access", "Accounts on each system, two-factor and access reviews", ("access.",)),
    Area("passwords", "Password changes", ("passwords.",)),
    Area("leavers", "Leavers, starters and movers", ("leavers.",)),
    Area("transfers", "Sending data and taking it off site", ("transfers.",)),
    Area("equipment", "Equipment, loans and disposals", ("equipment.",)),
    Area("continuity", "Backups and recovery", ("continuity.",)),
    Area("training", "Training", ("training.",)),
    Area("housekeeping", "Digital housekeeping", ("housekeeping.",)),
    Area("compliance", "Compliance, governor packs and the policy document", ("compliance.",)),
    Area("requests", "Requests with legal clocks (subject access, FOI, ...)", ("requests.",)),
    Area("privacy", "DPIAs, suppliers, retention, destruction and erasure",
         ("dpias.", "processors.", "retention.", "destructions.", "erasure.")),
    Area("backups", "Backups", ("backups.",)),
    Area("school", "Members, invitations, term dates and school settings", ("tenancy.",)),
    Area("sign-in", "Sign-in, accounts and API tokens", ("accounts.",)),
    Area("reminders", "Reminders and the calendar feed", ("duties.",)),
    Area("audit", "Exports of the audit trail", ("audit.",)),
    Area("demo", "The demonstration data", ("demo.",)),
)
AREA_BY_KEY = {area.key: area for area in AREAS}


def area_of(code: str) -> str:
    """The name of the area an action code belongs to ("" when none)."""
    return next((area.label for area in AREAS if code.startswith(area.prefixes)), "")


def register_action_labels(labels: Mapping[str, str]) -> None:
    """Add or replace the labels of some action codes."""
    _LABELS.update(labels)


def action_label(code: str) -> str:
    """A plain-English label for an action code."""
    known = _LABELS.get(code)
    if known:
        return known
    parts = [part for part in code.split(".") if part]
    if not parts:
        return "Unknown action"
    words = " ".join(parts[-2:]).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def known_actions() -> dict[str, str]:
    return dict(_LABELS)
