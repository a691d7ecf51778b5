"""allauth adapters: no public sign-up, no answer that tells whether an account exists,
reset e-mails sent by the worker, and TOTP secrets encrypted with the application's keys.

Who may sign in, and what a stranger learns:
- a deactivated account with its correct password gets the wrong-password answer, and the
  attempt counts towards the lockout like any other failure (see ``authenticate``);
- a password reset answers every address alike (``ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False``
  sends nothing to an unknown or deactivated one), and the mail to a real member is sent by
  the worker, so the answer never waits on the mail server.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.httpkit import headed_redirect_response
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from schoolkeep.lib.crypto import decrypt_text, encrypt_text

# allauth says the same thing whenever recovery codes are made: "the old ones no longer
# work". That is true only when they are made again on their own page; when they come with
# a member's first authenticator there were no old ones.
CODES_MADE = "mfa/messages/recovery_codes_generated.txt"
FIRST_CODES_MADE = "mfa/messages/recovery_codes_first.txt"
CODES_MADE_AGAIN_URL = "mfa_generate_recovery_codes"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # members join only by invitation

    def add_message(self, request: HttpRequest, level: int, message_template: str | None = None,
                    message_context: dict[str, Any] | None = None, extra_tags: str = "",
                    message: str | None = None) -> None:
        if message_template == CODES_MADE:
            match = getattr(request, "resolver_match", None)
            if getattr(match, "url_name", None) != CODES_MADE_AGAIN_URL:
                message_template = FIRST_CODES_MADE
        super().add_message(request, level, message_template, message_context, extra_tags,
                            message)

    def authenticate(self, request: HttpRequest, **credentials: Any) -> AbstractBaseUser | None:
        """A deactivated account is refused exactly as a wrong password is.

        allauth's backend keeps aside a user whose password matched but who may not sign in,
        and its default hands that user on to an "account inactive" page (which Schoolkeep
        does not have, and which would tell a stranger the password was right). Django's
        ``authenticate`` has already reported the attempt as failed (``user_login_failed``),
        so django-axes counts it and the audit trail records a failed sign-in."""
        user = super().authenticate(request, **credentials)
        if user is not None and not user.is_active:
            return None
        return user

    def respond_user_inactive(self, request: HttpRequest, user: AbstractBaseUser) -> HttpResponse:
        # Not reached by password sign-in (``authenticate`` refuses the account first); kept
        # so that no other way in can send anyone to the removed "account inactive" route.
        return headed_redirect_response("account_login")

    def send_password_reset_mail(self, user: AbstractBaseUser, email: str,
                                 context: dict[str, Any]) -> None:
        """Queue the reset e-mail; the worker makes the link and sends it.

        Only the account's public id is queued: task arguments are kept in the tasks table,
        so the link (a key that sets the password) is made in the worker, fresh, and exists
        only in the e-mail. The link allauth made in ``context`` is dropped unused."""
        from schoolkeep.accounts.tasks import send_password_reset_email

        user_id = str(user.public_id)  # type: ignore[attr-defined]
        transaction.on_commit(lambda: send_password_reset_email.enqueue(user_id))


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and the recovery-code seed are stored encrypted (MultiFernet)."""

    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        # The relying party is the configured site, not whatever Host a request carried.
        return {"id": urlparse(settings.BASE_URL).hostname or "localhost", "name": "Schoolkeep"}
