"""``schoolkeep restore FILE``: restore an archive into an empty data directory and database.

A refusal ends with its one-line reason on stderr and nothing written: exit 1, or 2 for a
damaged archive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolkeep.backups.errors import BackupError
from schoolkeep.backups.restore import restore_archive
from schoolkeep.backups.termination import cleanup_on_sigterm


class Command(BaseCommand):
    help = "Restore a backup archive into an empty data directory and an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the archive to restore")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with cleanup_on_sigterm():
                result = restore_archive(Path(options["file"]))
        except BackupError as exc:
            raise CommandError(exc.message, returncode=2 if exc.damaged else 1) from None
        manifest = result.manifest
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']} (Schoolkeep "
            f"{manifest['schoolkeep_version']}): {len(manifest['tables'])} tables, "
            f"{result.files} uploads; {result.migrations_applied} newer migrations applied."
        )
        self.stdout.write(result.secrets_note)
