"""Plain-English labels for audit action codes such as ``tenancy.membership.roles_changed``.

Each app may add its own with ``register_action_labels`` (from its ``AppConfig.ready``); a code
nobody registered is still given a readable label made from its last two parts.
"""

from __future__ import annotations

from collections.abc import Mapping

_LABELS: dict[str, str] = {
    # Signing in and out
    "accounts.login.succeeded": "Signed in",
    "accounts.login.failed": "Failed sign-in attempt",
    "accounts.logout": "Signed out",
    "accounts.lockout": "Account locked after failed sign-ins",
    "accounts.lockout.created": "Account locked after failed sign-ins",
    "accounts.lockout.cleared": "Locked account unlocked",
    "accounts.lockout.released": "Locked account unlocked",
    "accounts.session.expired": "Signed out after being idle",
    # Two-factor
    "accounts.mfa.added": "Two-factor method added",
    "accounts.mfa.removed": "Two-factor method removed",
    "accounts.mfa.recovery_codes_generated": "Two-factor recovery codes made",
    # Accounts and tokens
    "accounts.user.created": "Account created",
    "accounts.user.updated": "Account details changed",
    "accounts.user.deactivated": "Account deactivated",
    "accounts.user.reactivated": "Account reactivated",
    "accounts.password.changed": "Password changed",
    "accounts.password.reset": "Password reset",
    "accounts.token.created": "API token created",
    "accounts.token.revoked": "API token revoked",
    "accounts.token.used": "API token used",
    "accounts.calendar.reset": "Calendar feed link reset",
    # Schools, members and invitations
    "tenancy.organisation.created": "Trust or local authority created",
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
    # Duties
    "duties.reminder.sent": "Reminder e-mail sent",
}


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
