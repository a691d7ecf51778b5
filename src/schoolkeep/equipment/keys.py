"""Keys that serial numbers and asset tags are compared by: upper case, letters and digits
only, so that "5CD-1234 abc" on a certificate matches "5cd1234abc" in the inventory."""

from __future__ import annotations

import re

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def serial_key(value: str) -> str:
    return _NOT_ALNUM.sub("", (value or "").upper())[:100]


def tag_key(value: str) -> str:
    return _NOT_ALNUM.sub("", (value or "").upper())[:50]
