"""The data folder and the SQLite database in it are private to the service's user.

The database holds sessions, password hashes and every school's records, so the data folder
is made 0700 and the database file 0600 before SQLite first opens it. SQLite gives the
``-wal`` and ``-shm`` files it makes later the database file's own mode, so they are 0600 too.
``make_private()`` tightens a data folder made by an older version (``schoolkeep upgrade``
and ``init`` call it); ``exposed_paths()`` lists what other users can still read, for the
start-up check (``schoolkeep.E010``: ``check --deploy``, ``serve`` and ``worker``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from django.conf import settings
from django.db import connection

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def is_in_memory(name: str) -> bool:
    """The test suite's SQLite databases live in memory, not in a file."""
    return name == ":memory:" or name.startswith("file:")


def sqlite_files() -> list[Path]:
    """The configured SQLite database and its companion files, or [] on PostgreSQL."""
    if connection.vendor != "sqlite":
        return []
    name = str(connection.settings_dict["NAME"])
    if is_in_memory(name):
        return []
    return [Path(name), *(Path(name + suffix) for suffix in SQLITE_COMPANIONS)]


def create_private_database(path: Path) -> None:
    """Make the folder (0700) and an empty database file (0600) unless they exist, so that
    SQLite never creates them with the umask's mode (usually readable by everyone)."""
    if not path.parent.exists():
        path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(fd)


def _open_to_others(path: Path) -> bool:
    try:
        return bool(stat.S_IMODE(path.stat().st_mode) & 0o077)
    except FileNotFoundError:
        return False


def private_mode(path: Path) -> int:
    """The mode ``path`` is made: 0700 for a folder, 0600 for a file."""
    return PRIVATE_FOLDER if path.is_dir() else PRIVATE_FILE


def exposed_paths() -> list[Path]:
    """The data folder and SQLite files that users other than the owner can read or enter."""
    data_dir = Path(settings.DATA_DIR)
    candidates = [data_dir, *sqlite_files()]
    return [path for path in candidates if _open_to_others(path)]


def make_private() -> list[Path]:
    """Create the data folder 0700 if it is missing, and take every other user's access off
    the data folder and the SQLite files; the paths changed are returned, to be told."""
    data_dir = Path(settings.DATA_DIR)
    data_dir.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    changed = []
    for path in exposed_paths():
        path.chmod(private_mode(path))
        changed.append(path)
    return changed
