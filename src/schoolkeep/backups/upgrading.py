"""Migrating safely: a backup first when migrations are waiting and the database holds data,
and a marker that stops ``serve`` when a migration fails. Afterwards the database is ready:
the cache table made, and the data folder and database private to the service's user.

Used by ``schoolkeep upgrade`` and by a plain ``schoolkeep migrate`` typed at the command line
(both are "migrate on upgrade"); ``call_command("migrate")`` from code (the test runner,
``init``, ``restore``) migrates plainly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from schoolkeep.backups import services_nightly, upgrade_marker
from schoolkeep.lib.private_files import make_private, private_mode

IN_PROGRESS = "it was interrupted before it finished (the upgrade was stopped)"
PRE_UPGRADE_KEEP = 5


def pre_upgrade_dir() -> Path:
    """Backups taken before migrating: their own folder, so nightly retention never deletes
    them; the newest PRE_UPGRADE_KEEP are kept."""
    return services_nightly.backups_dir() / "before-upgrade"


def pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


def backup_before_migrating(stdout: OutputWrapper) -> Path | None:
    """The archive taken before migrating, or None when there was nothing to back up.
    No backup, no migration: a failure is a CommandError."""
    if not pending_migrations() or database_is_empty():
        return None
    out_dir = pre_upgrade_dir()
    try:
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        backup = Path(services_nightly.create_archive(out_dir).path)
    except Exception as exc:
        raise CommandError("Not migrating: the backup before the upgrade failed: "
                           f"{services_nightly.one_line(exc)}") from None
    stdout.write(f"Backed up to {backup} before migrating.")
    _keep_newest(out_dir, PRE_UPGRADE_KEEP)
    return backup


def _keep_newest(directory: Path, count: int) -> None:
    from schoolkeep.backups.archive import ARCHIVE_SUFFIX

    archives = sorted((p for p in directory.iterdir()
                       if p.is_file() and p.name.endswith(ARCHIVE_SUFFIX)),
                      key=lambda p: p.stat().st_mtime, reverse=True)
    for old in archives[count:]:
        old.unlink(missing_ok=True)


def migrate_safely(migrate: Callable[[], Any], stdout: OutputWrapper) -> None:
    """Back up (when needed), then ``migrate()``; a failure leaves the marker ``serve``
    refuses to start with, and a success removes an earlier one."""
    tell_made_private(stdout)
    backup = backup_before_migrating(stdout)
    upgrade_marker.write_marker(IN_PROGRESS, backup)
    try:
        migrate()
        # The sign-in rate limits share the database cache: without its table, a 500.
        call_command("createcachetable", verbosity=0)
    except Exception as exc:
        reason = services_nightly.one_line(exc)
        marker = upgrade_marker.write_marker(reason, backup)
        raise CommandError(f"A migration failed: {reason}. Schoolkeep will not serve "
                           f"until this is resolved: see {marker}.", returncode=1) from None
    # KeyboardInterrupt and the like leave the "in progress" marker: serve stays stopped.
    upgrade_marker.marker_path().unlink(missing_ok=True)


def tell_made_private(stdout: OutputWrapper) -> None:
    """Take other users' access off the data folder and the SQLite files, saying so (a data
    folder made by an older version, or by hand)."""
    for path in make_private():
        stdout.write(f"Made {path} private to its owner (chmod {private_mode(path):o}).")
