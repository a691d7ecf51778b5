"""``schoolkeep restore FILE [--ledger PATH]``: restore an archive into an empty data
directory and database, then re-apply the tombstone ledger.

A backup taken before an erasure still holds what was erased. After every restore the
ledger (``DATA_DIR/erasure-ledger.jsonl``, or the copy given with ``--ledger``) is read and
everything it lists is erased again (``privacy.erasure.reapply``).

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
    help = ("Restore a backup archive into an empty data directory and an empty database, "
            "then erase again everything the erasure ledger lists.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the archive to restore")
        parser.add_argument("--ledger", metavar="PATH",
                            help="the erasure ledger to re-apply (default: the one in the "
                                 "data directory, erasure-ledger.jsonl)")

    def handle(self, *args: Any, **options: Any) -> None:
        ledger = Path(options["ledger"]) if options.get("ledger") else None
        if ledger is not None and not ledger.is_file():
            raise CommandError(f"The erasure ledger {ledger} does not exist.", returncode=1)
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
        self._reapply(ledger)
        self.stdout.write(result.secrets_note)

    def _reapply(self, ledger: Path | None) -> None:
        from schoolkeep.privacy.erasure.ledger import ledger_path
        from schoolkeep.privacy.erasure.reapply import reapply_ledger

        done = reapply_ledger(ledger)
        where = ledger or ledger_path()
        if not done.lines:
            self.stdout.write(f"The erasure ledger ({where}) lists nothing to erase again.")
            return
        skipped = (f"; {done.skipped} skipped (their school or kind is gone)"
                   if done.skipped else "")
        self.stdout.write(
            f"Erasure ledger ({where}): {done.lines} erased records listed; "
            f"{done.erased_again} were in the backup and are erased again{skipped}.")
