"""The marker ``schoolkeep upgrade`` leaves when a migration fails, and ``serve``'s check.

While ``<data dir>/MIGRATION_FAILED`` exists the database is half-migrated: serving it
could write records the next attempt cannot migrate, so ``schoolkeep serve`` refuses.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

MARKER_NAME = "MIGRATION_FAILED"


def marker_path() -> Path:
    return Path(settings.DATA_DIR) / MARKER_NAME


def write_marker(reason: str, backup: Path | None) -> Path:
    path = marker_path()
    lines = [f"A migration failed: {reason}",
             f"Backup taken before the upgrade: {backup}" if backup else
             "No backup was taken before the upgrade (nothing to back up).",
             "Restore that backup (schoolkeep restore FILE into an empty data directory), "
             "or fix the cause and run `schoolkeep upgrade` again."]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def refusal() -> str | None:
    """The one line ``serve`` prints instead of starting, or None when all is well."""
    path = marker_path()
    if not path.exists():
        return None
    return (f"Not serving: a migration failed ({path}). Restore the backup it names, or fix "
            "the cause and run `schoolkeep upgrade` again; the file is removed when the "
            "upgrade succeeds.")
