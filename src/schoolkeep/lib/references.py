"""Reference numbers and receipt codes of records that are counted per school and year
(incidents "BR-2026-0007", requests "RQ-2026-0007"), and the receipt codes their public
no-login pages give instead of the reference.

Each app keeps its prefix, its counter model and its hash purpose; only the mechanics live
here. A receipt code is stored only as its keyed hash (``lib/crypto.keyed_hash``), under the
app's purpose, so a code hashed for one app never matches in another.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, models, transaction

from schoolkeep.lib.crypto import keyed_hash

# No characters that read alike (0/O, 1/I/L).
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def receipt_code() -> str:
    """A random receipt code, such as "K7QM-2XRP-9DFA" (12 characters, about 59 bits)."""
    chars = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


def receipt_hash(code: str, *, purpose: str) -> str:
    """The keyed hash stored for a receipt code, ignoring case and surrounding spaces."""
    return keyed_hash(code.strip().upper(), purpose=purpose)


def next_number(counter_model: type[models.Model], *, school: Any, year: int) -> int:
    """The next number of ``school``'s counter for ``year``: ``counter_model`` has
    ``school``, ``year`` and ``last`` (unique on school and year).

    Call inside a transaction: the counter row is locked until it ends, so two records made
    at the same moment never share a number (on SQLite the IMMEDIATE transaction does the
    same). The year's row is made on first use; if another transaction makes it at the same
    moment, its row is used.
    """
    manager: Any = counter_model._default_manager
    try:
        with transaction.atomic():
            manager.get_or_create(school=school, year=year)
    except IntegrityError:  # another record made this year's counter at the same moment
        pass
    counter = manager.select_for_update().get(school=school, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return int(counter.last)
