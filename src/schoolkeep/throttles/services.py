"""Counting attempts at the public pages, so that guessing their secret addresses or flooding
a school with reports is slow.

Why a table and one statement. The check and the count must be one atomic step: when they
were two (read the count from the cache, then write it back), 20 requests at once all read
"under the limit" and all got through. ``throttle_hit`` counts the attempt and says whether
it is over the limit in a single ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: on
PostgreSQL the unique key makes concurrent hits on one counter queue on its row, on SQLite
the write lock (an IMMEDIATE transaction) does. Each hit therefore sees its own position in
the window, and exactly ``limit`` attempts get through however many arrive together.

A counter is per (throttle, page, client address): a limit per school's page keys on the
school, so one school's visitors never use up another school's page. Addresses are stored
as a keyed hash only. Counters are operational state, not records: they are not audited
(the refusals are logged by the pages), and the ten-minute tick deletes ended windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from schoolkeep.lib.crypto import keyed_hash
from schoolkeep.throttles.models import ThrottleCounter


@dataclass(frozen=True)
class Throttle:
    """At most ``limit`` attempts per client (and page) in a fixed window of ``window``
    from the first attempt."""

    name: str
    limit: int
    window: timedelta


def client_key(address: str) -> str:
    """A keyed hash of the client address: the table never holds addresses."""
    return keyed_hash(address or "-", purpose="schoolkeep.throttles.client")[:40]


def _upsert_sql() -> str:
    table = ThrottleCounter._meta.db_table
    q = connection.ops.quote_name
    t, hits, ends = q(table), q("hits"), q("window_ends")
    key = ", ".join(q(column) for column in ("throttle", "page", "client"))
    # Every name is the model's own, quoted; the values are parameters.
    return (
        f"INSERT INTO {t} ({key}, {hits}, {ends}) VALUES (%s, %s, %s, 1, %s) "  # noqa: S608  # nosec B608
        f"ON CONFLICT ({key}) DO UPDATE SET "
        f"{hits} = CASE WHEN {t}.{ends} > %s THEN {t}.{hits} + 1 ELSE 1 END, "
        f"{ends} = CASE WHEN {t}.{ends} > %s THEN {t}.{ends} ELSE excluded.{ends} END "
        f"RETURNING {hits}"
    )


def throttle_hit(*, throttle: Throttle, address: str, page: str = "") -> bool:
    """Count one attempt and say, in the same atomic step, whether it is within the limit
    (True: go on; False: refuse). A window that has ended starts again at this attempt."""
    now = timezone.now()
    field = ThrottleCounter._meta.get_field("window_ends")
    at_now = field.get_db_prep_value(now, connection)
    ends_if_new = field.get_db_prep_value(now + throttle.window, connection)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_upsert_sql(), [throttle.name, page, client_key(address), ends_if_new,
                                       at_now, at_now])
        (hits,) = cursor.fetchone()
    return bool(hits <= throttle.limit)


def throttle_blocked(*, throttle: Throttle, address: str, page: str = "") -> bool:
    """Whether the next attempt would be refused (a read only: it counts nothing, so use it
    to refuse early, never to let an attempt through; ``throttle_hit`` decides that)."""
    return ThrottleCounter.objects.filter(
        throttle=throttle.name, page=page, client=client_key(address),
        window_ends__gt=timezone.now(), hits__gte=throttle.limit).exists()


def throttle_reset(*, throttle: Throttle, address: str, page: str = "") -> None:
    """Start the count again (a right second-factor code clears the wrong ones before it)."""
    ThrottleCounter.objects.filter(throttle=throttle.name, page=page,
                                   client=client_key(address)).delete()


def throttles_clean_up(now: datetime) -> int:
    """Delete the counters whose window has ended (the ten-minute tick)."""
    deleted, _ = ThrottleCounter.objects.filter(window_ends__lte=now).delete()
    return deleted
