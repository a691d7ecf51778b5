"""``schoolkeep backup [--out DIR]`` and ``schoolkeep backup verify FILE``.

A problem ends with its one-line reason on stderr: exit 1, or 2 for a damaged archive.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolkeep.backups.archive import backup_create, backup_verify
from schoolkeep.backups.errors import BackupError
from schoolkeep.backups.termination import cleanup_on_sigterm


def fail(exc: BackupError) -> CommandError:
    return CommandError(exc.message, returncode=2 if exc.damaged else 1)


class Command(BaseCommand):
    help = (
        "Write an encrypted backup archive (default: <data dir>/backups/), or with "
        "`verify FILE` decrypt an archive and check every checksum without restoring it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("subcommand", nargs="?", metavar="verify",
                            help="verify: check the archive FILE instead of making one")
        parser.add_argument("file", nargs="?", metavar="FILE", help="the archive to verify")
        parser.add_argument("--out", metavar="DIR", help="where to write the archive")

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options.get("subcommand")
        if subcommand not in (None, "verify"):
            raise CommandError(f"unknown subcommand {subcommand!r}; use: backup verify FILE")
        if subcommand == "verify" and not options.get("file"):
            raise CommandError("say which archive to verify: backup verify FILE")
        with cleanup_on_sigterm():
            if subcommand is None:
                self._create(options.get("out"))
            else:
                self._verify(Path(options["file"]))

    def _create(self, out: str | None) -> None:
        out_dir = Path(out) if out else Path(settings.DATA_DIR) / "backups"
        try:
            result = backup_create(out_dir=out_dir)
        except BackupError as exc:
            raise fail(exc) from None
        self.stdout.write(
            f"Backup written: {result.path} ({result.size:,} bytes, "
            f"{len(result.manifest['files'])} uploads)."
        )
        skipped = getattr(result, "skipped", [])
        if skipped:
            self.stderr.write(f"Not backed up ({len(skipped)} not plain files in the uploads "
                              f"folder): {', '.join(skipped)}")

    def _verify(self, path: Path) -> None:
        try:
            result = backup_verify(path)
        except BackupError as exc:
            raise fail(exc) from None
        if not result.ok:
            raise CommandError(result.problems[0], returncode=2 if result.damaged else 1)
        manifest = result.manifest or {}
        rows = sum(table["rows"] for table in manifest.get("tables", {}).values())
        self.stdout.write(
            f"Archive intact: made {manifest.get('created_at')} by Schoolkeep "
            f"{manifest.get('schoolkeep_version')}; {len(manifest.get('tables', {}))} tables, "
            f"{rows:,} rows, {len(manifest.get('files', []))} uploads, all checksums match."
        )
