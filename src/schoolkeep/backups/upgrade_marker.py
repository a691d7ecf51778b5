"""The marker ``schoolkeep upgrade`` leaves when a migration fails, and ``serve``'s check.

While ``<data dir>/MIGRATION_FAILED`` exists the database is half-migrated: serving it
could write records the next attempt cannot migrate, so ``schoolkeep serve`` refuses.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

MARKER_NAME = "MIGRATION_FAILED"


def marker_path() -> Path:
    return Path(settings.DATA_DIR) / MARKER_NAME


def write_marker(reason: str, backup: Path | None) -> Path:
    """Written before migrating ("in progress") and again with the reason if it fails; only a
    successful migration removes it, so an interrupted one (Ctrl-C, a power cut) leaves it."""
    path = marker_path()
    lines = [f"A migration failed: {reason}",
             f"Backup taken before the upgrade: {backup}" if backup else
             "No backup was taken before the upgrade (nothing to back up).",
             "Restore that backup (schoolkeep restore FILE into an empty data directory), "
             "or fix the cause and run `schoolkeep upgrade` again."]
    # 0600: a migration's error can quote row values.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{MARKER_NAME}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(partial, path)
    return path


def refusal() -> str | None:
    """The one line ``serve`` prints instead of starting, or None when all is well."""
    path = marker_path()
    if not path.exists():
        return None
    return (f"Not running: a migration failed or was interrupted ({path}). Restore the "
            "backup it names, or fix the cause and run `schoolkeep upgrade` again; the file "
            "is removed when the upgrade succeeds.")
