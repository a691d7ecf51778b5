"""Encryption at rest with the application's keys (MultiFernet: the first key encrypts)."""

from __future__ import annotations

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.ENCRYPTION_KEYS))


def encrypt_text(text: str) -> str:
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise ValueError("This value cannot be decrypted with the configured keys.") from None


def keyed_hash(value: str, *, purpose: str) -> str:
    """An HMAC-SHA256 for matching encrypted or secret values without storing them."""
    key = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """SHA-256 of a high-entropy random token (API tokens, invitation and feed links)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# A token as secrets.token_urlsafe makes it; anything else is unknown without a query.
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def looks_like_token(token: str) -> bool:
    """True when ``token`` could be a link's random token (20 to 100 URL-safe characters):
    what is not is answered "unknown" without a query."""
    return 20 <= len(token) <= 100 and set(token) <= _TOKEN_CHARS
