"""allauth adapters: no public sign-up; TOTP secrets encrypted with the application's keys."""

from __future__ import annotations

from urllib.parse import urlparse

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.http import HttpRequest

from schoolkeep.lib.crypto import decrypt_text, encrypt_text


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # members join only by invitation


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets and the recovery-code seed are stored encrypted (MultiFernet)."""

    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        # The relying party is the configured site, not whatever Host a request carried.
        return {"id": urlparse(settings.BASE_URL).hostname or "localhost", "name": "Schoolkeep"}
