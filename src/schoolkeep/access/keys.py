"""How an account's username is compared: case-folded, spaces trimmed and single."""

from __future__ import annotations


def username_key(username: str) -> str:
    return " ".join(username.split()).casefold()
