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

from schoolkeep.backups.upgrading import migrate_safely


class Command(BaseCommand):
    help = ("Apply waiting migrations, taking a backup first; if a migration fails, "
            "Schoolkeep will not serve until it is fixed or the backup restored.")

    def handle(self, *args: Any, **options: Any) -> None:
        migrate_safely(lambda: call_command("migrate", interactive=False, stdout=self.stdout),
                       self.stdout)
