"""Is the database ready for Schoolkeep? Commands other than those that prepare or inspect it
stop with one line naming ``schoolkeep upgrade`` rather than failing half-way with a traceback
(``no such table: accounts_user``), or serving a 500 at the first sign-in (``no such table:
schoolkeep_cache``).

Ready means: every migration applied and every database cache table made. Two queries (the
table names, the applied migrations) and a read of the migration files, at each start.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.utils.module_loading import import_string

FIX = "run `schoolkeep upgrade` first"


def cache_tables() -> set[str]:
    return {
        str(cache["LOCATION"]) for cache in settings.CACHES.values()
        if issubclass(import_string(cache["BACKEND"]), DatabaseCache)
    }


def unready_reason() -> str | None:
    """Why the database is not ready, as one line naming the fix, or None when it is."""
    try:
        tables = set(connection.introspection.table_names())
        if "django_migrations" not in tables:
            return f"the database has not been prepared: {FIX}"
        executor = MigrationExecutor(connection)
        waiting = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return f"the database cannot be read ({first_line})"
    if waiting:
        count = len(waiting)
        return (f"the database is not up to date ({count} migration{'s' if count > 1 else ''} "
                f"waiting): {FIX}")
    missing = sorted(cache_tables() - tables)
    if missing:
        return f"the cache table {missing[0]} is missing: {FIX}"
    return None
