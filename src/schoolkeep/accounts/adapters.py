"""allauth adapters: no public sign-up; TOTP secrets encrypted with the application's keys."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

from schoolkeep.lib.crypto import decrypt_text, encrypt_text


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # members join only by invitation


class MFAAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)

    def get_public_key_credential_rp_entity(self) -> dict[str, Any]:
        from django.conf import settings
        from urllib.parse import urlparse

        return {"id": urlparse(settings.BASE_URL).hostname or "localhost", "name": "Schoolkeep"}
