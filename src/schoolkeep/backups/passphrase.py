"""The backup passphrase: distinct from the application's keys, from
SCHOOLKEEP_BACKUP_PASSPHRASE or the file SCHOOLKEEP_BACKUP_KEY_FILE; in development only,
a passphrase kept in the data directory when neither is set, so that ``make run`` works."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings

from schoolkeep.backups.errors import BackupError

DEV_PASSPHRASE_FILE = "backup-passphrase.dev"  # nosec B105 - a file name


def backup_passphrase() -> bytes:
    """The passphrase from SCHOOLKEEP_BACKUP_PASSPHRASE, or the file SCHOOLKEEP_BACKUP_KEY_FILE."""
    value = os.environ.get("SCHOOLKEEP_BACKUP_PASSPHRASE", "")
    path = os.environ.get("SCHOOLKEEP_BACKUP_KEY_FILE", "")
    if value and path:
        raise BackupError(
            "set SCHOOLKEEP_BACKUP_PASSPHRASE or SCHOOLKEEP_BACKUP_KEY_FILE, not both"
        )
    if path:
        try:
            mode = os.stat(path).st_mode
            secret = Path(path).read_bytes().strip()
        except OSError as exc:
            raise BackupError(
                f"SCHOOLKEEP_BACKUP_KEY_FILE cannot be read: {exc.strerror}"
            ) from None
        if mode & 0o077:
            # As ssh does with private keys: a key others may read is not a secret.
            raise BackupError(
                f"SCHOOLKEEP_BACKUP_KEY_FILE {path} can be read by other users: "
                f"run chmod 600 {path}"
            )
        if not secret:
            raise BackupError("SCHOOLKEEP_BACKUP_KEY_FILE is empty")
        return secret
    if value:
        return value.encode()
    raise BackupError(
        "no backup passphrase: set SCHOOLKEEP_BACKUP_PASSPHRASE or SCHOOLKEEP_BACKUP_KEY_FILE"
    )


def development_passphrase() -> bytes:
    """In development only: a passphrase kept in the data directory, created once with mode
    0600, so that ``make run`` works on a fresh machine without configuring one."""
    path = Path(settings.DATA_DIR) / DEV_PASSPHRASE_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32) + "\n")
    return path.read_bytes().strip()


def resolve_passphrase() -> bytes:
    """The configured backup passphrase; in development, the development one when none is
    set. A passphrase configured wrongly is an error in development too: falling back would
    make archives the intended passphrase cannot open."""
    configured = any(os.environ.get(name) for name in
                     ("SCHOOLKEEP_BACKUP_PASSPHRASE", "SCHOOLKEEP_BACKUP_KEY_FILE"))
    if settings.DEVELOPMENT and not configured:
        return development_passphrase()
    return backup_passphrase()
