"""The query planner's statistics, refreshed after a large write.

Both databases choose an index from statistics about the table. A first import of 10,000
assets into an empty register leaves none (SQLite keeps none until ANALYZE runs; PostgreSQL
waits for autovacuum), so the register's page sorted every asset instead of reading its
ordering index: 4.6 s on PostgreSQL straight after a bulk load, against 0.3 s once analysed.
An import therefore refreshes the statistics of the tables it wrote, once it has committed.

A register typed in by hand never passes that threshold, and SQLite, unlike PostgreSQL's
autovacuum, never gathers statistics by itself: on SQLite every table's statistics are
refreshed each night (``refresh_statistics_nightly``, a tick of the scheduler), sampling a
bounded number of rows per index so that it stays quick whatever the size.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime

from django.db import DatabaseError, connection, transaction
from django.db.models import Model

from schoolkeep.lib.dates_text import LONDON

logger = logging.getLogger(__name__)

# Below this many rows written, the statistics are left to the database's own upkeep.
LARGE_WRITE = 1_000
# The nightly refresh: the ten-minute tick that starts at this hour (London time), and how
# many rows of each index SQLite's ANALYZE samples (an estimate is all the planner needs).
NIGHTLY_HOUR = 3
SAMPLED_ROWS = 1_000


def refresh_statistics(models: Iterable[type[Model]]) -> None:
    """ANALYZE the tables of ``models`` (on SQLite and PostgreSQL alike). A failure is logged,
    never raised: the import it follows has already been committed."""
    tables = sorted({model._meta.db_table for model in models})
    try:
        # In its own savepoint, so that a failure cannot leave an outer transaction aborted.
        with transaction.atomic(), connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")  # nosec B608: our own table names
    except DatabaseError:
        logger.warning("Could not refresh the planner's statistics of %s", ", ".join(tables),
                       exc_info=True)


def refresh_statistics_after_commit(models: Iterable[type[Model]], *, rows: int) -> None:
    """After the current transaction commits, refresh the statistics of ``models`` when
    ``rows`` written make it worth it."""
    if rows < LARGE_WRITE:
        return
    chosen = list(models)
    transaction.on_commit(lambda: refresh_statistics(chosen))


def refresh_statistics_nightly(now: datetime) -> None:
    """On SQLite, in the tick that starts the night's ``NIGHTLY_HOUR``, ANALYZE every table
    (each index sampled, not read whole). PostgreSQL's autovacuum keeps its own."""
    local = now.astimezone(LONDON)
    if connection.vendor != "sqlite" or local.hour != NIGHTLY_HOUR or local.minute >= 10:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA analysis_limit = {SAMPLED_ROWS}")
            cursor.execute("ANALYZE")
    except DatabaseError:
        logger.warning("Could not refresh the planner's statistics tonight", exc_info=True)
