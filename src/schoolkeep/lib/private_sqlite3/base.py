"""Django's SQLite backend, except that a new database file is created 0600 in a 0700 folder
before SQLite opens it (SQLite would use the umask: readable by every local user). Its
``-wal`` and ``-shm`` files then take the same mode from SQLite itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base

from schoolkeep.lib.private_files import create_private_database, is_in_memory


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = str(conn_params["database"])
        if not is_in_memory(name):
            create_private_database(Path(name))
        return super().get_new_connection(conn_params)
