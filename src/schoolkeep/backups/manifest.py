"""What an archive's manifest records about a database: migrations, row counts, checksums.

Checksums are computed from one consistent view of the database (the SQLite snapshot file, or
the PostgreSQL snapshot that ``pg_dump`` also reads) on a plain DB-API connection, rows read in
primary-key order in batches, so they can be recomputed after a restore and compared.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

BATCH = 2000


def canonical(value: Any) -> Any:
    """A JSON-able form of a column value that is the same each time it is read back."""
    if isinstance(value, bytes | bytearray | memoryview):
        return {"hex": bytes(value).hex()}
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return value


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [row[0] for row in cursor.fetchall()]


def _sqlite_order(cursor: Any, table: str) -> str:
    cursor.execute(f"PRAGMA table_info({_quote(table)})")
    columns = cursor.fetchall()
    keys = sorted((col[5], col[1]) for col in columns if col[5])
    if keys:
        return ", ".join(_quote(name) for _pos, name in keys)
    return ", ".join(str(n) for n in range(1, len(columns) + 1))


def _postgres_tables(cursor: Any) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


def _postgres_order(cursor: Any, table: str) -> str:
    cursor.execute(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
        "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %s::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey::int2[], a.attnum)",
        [_quote(table)],
    )
    keys = [row[0] for row in cursor.fetchall()]
    if keys:
        return ", ".join(_quote(name) for name in keys)
    cursor.execute(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_schema = current_schema() AND table_name = %s", [table],
    )
    return ", ".join(str(n) for n in range(1, cursor.fetchone()[0] + 1))


def table_checksums(connection: Any, vendor: str) -> dict[str, dict[str, Any]]:
    """``{table: {"rows": n, "sha256": hex}}`` for every table of the database."""
    meta = connection.cursor()
    if vendor == "sqlite":
        tables, order_of = _sqlite_tables(meta), _sqlite_order
    else:
        tables, order_of = _postgres_tables(meta), _postgres_order
    result: dict[str, dict[str, Any]] = {}
    for number, table in enumerate(tables):
        order = order_of(meta, table)
        # A server-side cursor on PostgreSQL, so a large table is never held in memory.
        rows = connection.cursor() if vendor == "sqlite" else connection.cursor(
            name=f"schoolkeep_backup_{number}"
        )
        rows.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order}")  # noqa: S608  # nosec B608 - names from the catalogue
        digest, count = hashlib.sha256(), 0
        while batch := rows.fetchmany(BATCH):
            for row in batch:
                digest.update(json.dumps([canonical(v) for v in row], sort_keys=True,
                                         default=str).encode())
                digest.update(b"\n")
            count += len(batch)
        rows.close()
        result[table] = {"rows": count, "sha256": digest.hexdigest()}
    meta.close()
    return result


def applied_migrations(connection: Any) -> list[list[str]]:
    cursor = connection.cursor()
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    rows = [[app, name] for app, name in cursor.fetchall()]
    cursor.close()
    return rows


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()
