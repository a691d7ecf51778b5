"""``schoolkeep upgrade``: back up, then migrate; a failed migration stops the app serving.

When migrations are waiting and the database holds data, a backup is taken first into
``<data dir>/backups/`` (no backup, no migration). If a migration then fails, the marker
``<data dir>/MIGRATION_FAILED`` names the reason and the backup, and ``schoolkeep serve``
refuses to start until the upgrade succeeds (which removes it). A plain ``schoolkeep
migrate`` at the command line does the same.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from schoolkeep.backups.upgrading import migrate_safely, pending_migrations


class Command(BaseCommand):
    help = ("Apply waiting migrations, taking a backup first; if a migration fails, "
            "Schoolkeep will not serve until it is fixed or the backup restored.")

    def handle(self, *args: Any, **options: Any) -> None:
        # One line by default: a first run applies over a hundred migrations, whose names
        # would push everything else off the screen. ``-v 2`` shows them.
        verbosity = int(options.get("verbosity", 1))
        waiting = pending_migrations()
        migrate_safely(lambda: call_command("migrate", interactive=False, stdout=self.stdout,
                                            verbosity=1 if verbosity > 1 else 0),
                       self.stdout)
        if verbosity >= 1:
            self.stdout.write(f"The database is ready ({_changes(waiting)} applied)."
                              if waiting else "The database is up to date.")


def _changes(count: int) -> str:
    return "1 change" if count == 1 else f"{count} changes"
