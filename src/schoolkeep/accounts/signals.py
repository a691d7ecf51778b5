"""Sign-in events, audited: logins, failures, lockouts and two-factor changes."""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from schoolkeep.audit.services import audit_record


@receiver(auth_signals.user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit_record(action="accounts.login.succeeded", actor=user, target=user)


@receiver(auth_signals.user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action="accounts.logout", actor=user, target=user)


@receiver(auth_signals.user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None,
                  **kwargs: Any) -> None:
    # Never the password: only which account was tried.
    tried = str(credentials.get("email") or credentials.get("username") or "")[:200]
    audit_record(action="accounts.login.failed", target_type="accounts.user",
                 target_label=tried)


@receiver(mfa_signals.authenticator_added)
def _mfa_added(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    audit_record(action="accounts.mfa.added", actor=user, target=user,
                 changes={"type": {"before": None, "after": authenticator.type}})
    if request is not None and hasattr(request, "session"):
        request.session.cycle_key()  # a new factor means a new session key


@receiver(mfa_signals.authenticator_removed)
def _mfa_removed(sender: Any, request: Any, user: Any, authenticator: Any, **kwargs: Any) -> None:
    audit_record(action="accounts.mfa.removed", actor=user, target=user,
                 changes={"type": {"before": authenticator.type, "after": None}})
