"""``schoolkeep upgrade``: back up, then migrate; a failed migration stops the app serving.

When migrations are waiting and the database holds data, a backup is taken first into
``<data dir>/backups/`` (no backup, no migration). If a migration then fails, the marker
``<data dir>/MIGRATION_FAILED`` names the reason and the backup, and ``schoolkeep serve``
refuses to start until the upgrade succeeds (which removes it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from schoolkeep.backups import services_nightly, upgrade_marker


def pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def database_is_empty() -> bool:
    return not connection.introspection.table_names()


class Command(BaseCommand):
    help = ("Apply waiting migrations, taking a backup first; if a migration fails, "
            "Schoolkeep will not serve until it is fixed or the backup restored.")

    def handle(self, *args: Any, **options: Any) -> None:
        backup: Path | None = None
        if pending_migrations() and not database_is_empty():
            out_dir = services_nightly.backups_dir()
            try:
                out_dir.mkdir(parents=True, exist_ok=True)
                backup = Path(services_nightly.create_archive(out_dir).path)
            except Exception as exc:
                raise CommandError("Not migrating: the backup before the upgrade failed: "
                                   f"{services_nightly.one_line(exc)}") from None
            self.stdout.write(f"Backed up to {backup} before migrating.")
        try:
            call_command("migrate", interactive=False, stdout=self.stdout)
        except Exception as exc:
            reason = services_nightly.one_line(exc)
            marker = upgrade_marker.write_marker(reason, backup)
            raise CommandError(f"A migration failed: {reason}. Schoolkeep will not serve "
                               f"until this is resolved: see {marker}.", returncode=1) from None
        upgrade_marker.marker_path().unlink(missing_ok=True)
