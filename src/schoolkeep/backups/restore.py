"""Restoring an archive into an empty data directory and an empty database.

Every refusal happens before anything is written to the target: the target is checked first,
the archive is unpacked and checked completely in a private directory beside the data
directory, and only then are the database, the uploads and the secrets moved into place.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess  # nosec B404 - pg_restore, with a fixed argument list
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader

from schoolkeep.backups.archive import (
    Extracted,
    extract_checked,
    postgres_environment,
    postgres_tool,
)
from schoolkeep.backups.errors import BackupError
from schoolkeep.backups.passphrase import resolve_passphrase


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    files: int
    migrations_applied: int
    secrets_note: str


def _target_problem() -> str | None:
    """Why the configured database or data directory is not an empty target, if it is not."""
    uploads = Path(settings.UPLOADS_DIR)
    if uploads.is_dir() and any(p.is_file() for p in uploads.rglob("*")):
        return f"the uploads directory {uploads} is not empty"
    name = str(connection.settings_dict["NAME"])
    in_memory = name.startswith("file:") or name == ":memory:"  # the test suite's database
    if connection.vendor == "sqlite" and not in_memory and not Path(name).exists():
        return None  # a new data directory: nothing to check, and nothing created by looking
    existing = set(connection.introspection.table_names())
    for model in apps.get_models():
        if not model.__module__.startswith("schoolkeep."):
            continue
        table = model._meta.db_table
        if table in existing and model._base_manager.using(connection.alias).exists():
            return f"the database is not empty (the table {table} has rows)"
    return None


def _refuse_newer(manifest: dict[str, Any]) -> None:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    unknown = sorted(f"{app}.{name}" for app, name in manifest["migrations"]
                     if (app, name) not in known)
    if unknown:
        version = manifest.get("schoolkeep_version", "a newer version")
        raise BackupError(
            f"the archive comes from a newer Schoolkeep ({version}; migrations unknown here: "
            f"{', '.join(unknown[:3])}{'…' if len(unknown) > 3 else ''}); upgrade first"
        )
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"the archive holds a {vendor} database but this Schoolkeep uses {connection.vendor}"
        )


def restore_archive(path: Path, *, passphrase: bytes | None = None) -> RestoreResult:
    passphrase = passphrase or resolve_passphrase()
    problem = _target_problem()
    if problem:
        raise BackupError(f"refusing to restore: {problem}")
    data_dir = Path(settings.DATA_DIR)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked on the data directory's file system, so moving into place is a rename.
    with tempfile.TemporaryDirectory(dir=data_dir.parent, prefix=".schoolkeep-restore-") as work:
        extracted = extract_checked(Path(path), passphrase, Path(work),
                                    check_manifest=_refuse_newer)
        _place_database(extracted)
        _place_uploads(extracted)
        note = _place_secrets(extracted.secrets, data_dir)
    before = _applied_count()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # as `init` does; cheap when it exists
    return RestoreResult(manifest=extracted.manifest, files=len(extracted.uploads),
                         migrations_applied=_applied_count() - before, secrets_note=note)


def _applied_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_migrations")
        row = cursor.fetchone()
    return int(row[0])


def _place_database(extracted: Extracted) -> None:
    if connection.vendor == "sqlite":
        target = Path(connection.settings_dict["NAME"])
        connections.close_all()
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(extracted.database, target)
        return
    _empty_postgres_schema()
    process = subprocess.run(  # noqa: S603  # nosec B603
        [postgres_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
         f"--dbname={connection.settings_dict['NAME']}", str(extracted.database)],
        capture_output=True, env=postgres_environment(connection.settings_dict), check=False,
    )
    if process.returncode != 0:
        reason = process.stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(f"pg_restore failed: {reason[0] if reason else process.returncode}")


def _empty_postgres_schema() -> None:
    """Drop the (row-less: checked) tables ``migrate`` may have made, so pg_restore starts clean."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        tables = [row[0] for row in cursor.fetchall()]
        if tables:
            quoted = ", ".join('"' + t.replace('"', '""') + '"' for t in tables)
            cursor.execute(f"DROP TABLE {quoted} CASCADE")
    connections.close_all()


def _place_uploads(extracted: Extracted) -> None:
    root = Path(settings.UPLOADS_DIR)
    for unpacked, relative in extracted.uploads:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(unpacked, target)


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(partial, path)


def _place_secrets(secrets: dict[str, str], data_dir: Path) -> str:
    """Development: the development secrets file. Production: files the operator points to."""
    values = {"secret_key": secrets["secret_key"], "encryption_keys": secrets["encryption_keys"]}
    if settings.DEVELOPMENT:
        target = data_dir / "dev-secrets.json"
        _write_private(target, json.dumps(values))
        note = f"The secret and encryption keys were written to {target}."
        if os.environ.get("SCHOOLKEEP_SECRET_KEY") or os.environ.get("SCHOOLKEEP_ENCRYPTION_KEYS"):
            note += " Unset SCHOOLKEEP_SECRET_KEY/SCHOOLKEEP_ENCRYPTION_KEYS so they are used."
        return note
    folder = data_dir / "restored-secrets"
    _write_private(folder / "secret_key", values["secret_key"])
    _write_private(folder / "encryption_keys", values["encryption_keys"])
    return (
        f"The archive's keys are in {folder} (readable by this user only). Point "
        f"SCHOOLKEEP_SECRET_KEY_FILE at {folder / 'secret_key'} and "
        f"SCHOOLKEEP_ENCRYPTION_KEYS_FILE at {folder / 'encryption_keys'} (or move them into "
        "your secrets store), then restart Schoolkeep: without them encrypted fields and "
        "two-factor secrets cannot be read."
    )
