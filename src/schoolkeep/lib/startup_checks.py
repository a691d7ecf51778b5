"""Deployment checks that are errors, and the refusal of ``serve`` and ``worker`` to start
with any error a system check reports.

Settings that can be judged from their value alone (a weak secret key, an encryption key
Fernet cannot use) stop every command in ``settings.py``. What needs a look at the machine is
checked here, registered as deployment checks (``schoolkeep check --deploy``):

- ``schoolkeep.E010``: the data folder or the SQLite database is open to other local users;
- ``schoolkeep.E011``: production has no usable backup passphrase, so the nightly backup
  would fail in the log.

``serve`` and ``worker`` run every check, deployment ones included, before starting
(``refuse_to_start_with_errors``), and stop with one line per error.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core import checks
from django.core.checks import CheckMessage, Error
from django.core.management.base import CommandError

from schoolkeep.lib.private_files import exposed_paths, private_mode


def check_private_data(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """schoolkeep.E010: sessions, password hashes and records must not be readable by others."""
    return [
        Error(f"{path} can be read by other users of this machine.",
              hint=f"Run `chmod {private_mode(path):o} {path}` "
                   "(or `schoolkeep upgrade`, which does it).",
              id="schoolkeep.E010")
        for path in exposed_paths()
    ]


def check_backup_passphrase(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """schoolkeep.E011: the nightly backup needs its passphrase; production has no fallback
    (development keeps one in the data folder unless one is configured, and then checks it)."""
    from schoolkeep.backups.errors import BackupError
    from schoolkeep.backups.passphrase import backup_passphrase

    configured = any(os.environ.get(name) for name in
                     ("SCHOOLKEEP_BACKUP_PASSPHRASE", "SCHOOLKEEP_BACKUP_KEY_FILE"))
    if settings.DEVELOPMENT and not configured:
        return []
    try:
        backup_passphrase()
    except BackupError as exc:
        return [Error(f"The nightly backup cannot run: {exc}.",
                      hint="See docs/backup.md for choosing and keeping the passphrase.",
                      id="schoolkeep.E011")]
    return []


def register() -> None:
    checks.register(check_private_data, checks.Tags.security, deploy=True)
    checks.register(check_backup_passphrase, checks.Tags.security, deploy=True)


def start_up_errors() -> list[str]:
    """Every error (not warning) the system checks report, deployment checks included,
    one line each."""
    messages = checks.run_checks(include_deployment_checks=True)
    return [
        f"{message.id}: {message.msg}" + (f" {message.hint}" if message.hint else "")
        for message in messages
        if message.level >= checks.ERROR and not message.is_silenced()
    ]


def refuse_to_start_with_errors() -> None:
    """Raise a CommandError naming every error, so the process stops before serving."""
    errors = start_up_errors()
    if errors:
        raise CommandError("refusing to start: " + "\n".join(errors))
