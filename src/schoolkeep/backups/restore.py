"""Restoring an archive into an empty data directory and an empty database.

Every refusal about the archive or the target happens before anything is written to the
target: the target is checked first, and the archive is unpacked and checked completely in a
private directory beside the data directory, where the uploads are also laid out as their
final tree. Only then is anything placed, in this order: the keys (so a database never lands
without them), the database, then the uploads tree with one rename. If placing stops half-way,
the error says what is already in place.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess  # nosec B404 - pg_restore, with a fixed argument list
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Q
from django.utils.module_loading import import_string

from schoolkeep.backups.archive import Extracted, extract_checked
from schoolkeep.backups.errors import BackupError
from schoolkeep.backups.passphrase import resolve_passphrase
from schoolkeep.backups.postgres import postgres_conninfo, postgres_environment, postgres_tool
from schoolkeep.backups.workspace import remove_stale_folders
from schoolkeep.lib.private_files import is_in_memory, make_private

RESTORE_PREFIX = ".schoolkeep-restore-"
# Filled by ``migrate`` itself, so their rows do not make a database "not empty".
FILLED_BY_MIGRATE = frozenset({"contenttypes.contenttype", "auth.permission"})
# Tables where ``migrate`` adds some rows among the ones people make: the starting retention
# schedule's shipped record types (a key, no school, no trust; privacy migration 0004).
ROWS_FILLED_BY_MIGRATE = {
    "privacy.recordtype": Q(school__isnull=True, organisation__isnull=True) & ~Q(key=""),
}


@dataclass
class RestoreResult:
    manifest: dict[str, Any]
    files: int
    migrations_applied: int
    secrets_note: str


# ------------------------------------------------------------------ the target must be empty


def _target_problem() -> str | None:
    """Why the configured database or data directory is not an empty target, if it is not."""
    uploads = Path(settings.UPLOADS_DIR)
    if (uploads.exists() or uploads.is_symlink()) and not uploads.is_dir():
        return f"the uploads path {uploads} is not a folder"
    if uploads.is_dir() and _holds_more_than_folders(uploads):
        return f"the uploads directory {uploads} is not empty"
    name = str(connection.settings_dict["NAME"])
    in_memory = is_in_memory(name)  # the test suite's database
    if connection.vendor == "sqlite" and not in_memory and not Path(name).exists():
        return None  # a new data directory: nothing to check, and nothing created by looking
    existing = set(connection.introspection.table_names())
    for model in apps.get_models(include_auto_created=True):  # many-to-many tables too
        meta = model._meta
        if not meta.managed or meta.proxy or meta.label_lower in FILLED_BY_MIGRATE:
            continue
        rows = model._base_manager.using(connection.alias)
        if meta.label_lower in ROWS_FILLED_BY_MIGRATE:
            rows = rows.exclude(ROWS_FILLED_BY_MIGRATE[meta.label_lower])
        if meta.db_table in existing and rows.exists():
            return f"the database is not empty (the table {meta.db_table} has rows)"
    return None


def _holds_more_than_folders(root: Path) -> bool:
    """Anything but (real, not linked) folders under ``root``: files, links, sockets, …"""
    for folder, dirs, files in os.walk(root):
        if files or any(os.path.islink(os.path.join(folder, d)) for d in dirs):
            return True
    return False


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


# ------------------------------------------------------------------ restoring


def restore_archive(path: Path, *, passphrase: bytes | None = None) -> RestoreResult:
    passphrase = passphrase or resolve_passphrase()
    problem = _target_problem()
    if problem:
        raise BackupError(f"refusing to restore: {problem}")
    data_dir = Path(settings.DATA_DIR)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # Left by a restore that was killed: plaintext, so removed once they are hours old.
    remove_stale_folders(data_dir.parent, f"{RESTORE_PREFIX}*")
    # Unpacked on the data directory's file system, so moving into place is a rename.
    with tempfile.TemporaryDirectory(dir=data_dir.parent, prefix=RESTORE_PREFIX) as work:
        extracted = extract_checked(Path(path), passphrase, Path(work),
                                    check_manifest=_refuse_newer)
        tree = _stage_uploads(extracted, Path(work) / "uploads-tree")
        note = _place_everything(extracted, tree, data_dir)
    make_private()  # the restored folder and database are the service's alone, as on start
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


def _reason(exc: OSError) -> str:
    text = exc.strerror or type(exc).__name__
    if exc.filename:
        text += f": {exc.filename}"
    return " ".join(text.split())  # one line, whatever the file name holds


# ------------------------------------------------------------------ staging (nothing placed yet)


def _stage_uploads(extracted: Extracted, tree: Path) -> Path:
    """Lay the unpacked uploads out as UPLOADS_DIR's final tree, inside the private work dir."""
    tree.mkdir()
    for unpacked, relative in extracted.uploads:
        target = tree / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() or target.is_symlink():
                raise FileExistsError(errno.EEXIST, "already there", str(target))
            os.rename(unpacked, target)
        except OSError as exc:
            # e.g. both "z" and "z/b", or "z" twice: an archive this code never writes.
            raise BackupError(f"the archive's upload {relative!r} cannot be laid out as a file "
                              f"({_reason(exc)}); nothing was placed", damaged=True) from None
    return tree


# ------------------------------------------------------------------ placing


@dataclass
class _Progress:
    """What is in the target so far, for the message if placing stops half-way."""

    placed: list[str] = field(default_factory=list)
    step: str = "the keys"
    files_placed: int = 0
    files_total: int = 0


def _place_everything(extracted: Extracted, tree: Path, data_dir: Path) -> str:
    progress = _Progress(files_total=len(extracted.uploads))
    try:
        note = _place_secrets(extracted.secrets, data_dir)
        progress.placed.append("the keys")
        progress.step = "the database"
        _place_database(extracted)
        progress.placed.append("the database")
        progress.step = "the uploads"
        _place_uploads(tree, progress)
    except OSError as exc:
        raise BackupError(_stopped(progress, exc)) from None
    return note


def _stopped(progress: _Progress, exc: OSError) -> str:
    placed = list(progress.placed)
    if progress.files_placed:
        placed.append(f"{progress.files_placed} of {progress.files_total} uploads")
    if not placed:
        state = "nothing was placed yet"
    elif len(placed) == 1:
        state = f"{placed[0]} {'is' if placed[0] == 'the database' else 'are'} already in place"
    else:
        state = f"{', '.join(placed[:-1])} and {placed[-1]} are already in place"
    return (f"the restore stopped while placing {progress.step} ({_reason(exc)}): {state}; "
            "empty the data directory and the database before trying again")


def _renamed(source: Path, target: Path) -> bool:
    """``os.replace``; False (nothing done) when the two are on different file systems."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        return False
    return True


def _move_file(source: Path, target: Path) -> None:
    """Rename; across file systems, copy beside the target and rename, so it is whole or absent."""
    if _renamed(source, target):
        return
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=".restoring-")
    os.close(fd)
    try:
        shutil.copy2(source, name)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    source.unlink()


def _place_database(extracted: Extracted) -> None:
    if connection.vendor == "sqlite":
        target = Path(connection.settings_dict["NAME"])
        connections.close_all()
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        _move_file(extracted.database, target)
        return
    settings_dict = dict(connection.settings_dict)
    _empty_postgres_schema()
    process = subprocess.run(  # noqa: S603  # nosec B603
        [postgres_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
         f"--dbname={postgres_conninfo(settings_dict)}", str(extracted.database)],
        capture_output=True, env=postgres_environment(settings_dict), check=False,
    )
    if process.returncode != 0:
        reason = process.stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(f"pg_restore failed: {reason[0] if reason else process.returncode}")


def _django_tables() -> set[str]:
    """The tables Django made here: its models' (many-to-many included), migrations, caches."""
    tables = set(connection.introspection.django_table_names(only_existing=True,
                                                             include_views=False))
    tables.add(MigrationRecorder.Migration._meta.db_table)
    for cache in settings.CACHES.values():
        if issubclass(import_string(cache["BACKEND"]), DatabaseCache):
            tables.add(str(cache["LOCATION"]))
    return tables


def _empty_postgres_schema() -> None:
    """Drop the tables ``migrate`` may have made (row-less: checked), so pg_restore starts clean.

    Only Django's tables, in one statement and without CASCADE: anything else in the schema
    is left alone, and if something depends on a Django table the drop refuses as a whole.
    """
    ours = _django_tables()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            tables = sorted(row[0] for row in cursor.fetchall() if row[0] in ours)
            if tables:
                quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
                cursor.execute(f"DROP TABLE {quoted}")
    except DatabaseError as exc:
        raise BackupError("the database's empty Django tables cannot be dropped before the "
                          f"restore: {_database_reason(exc)}") from None
    connections.close_all()


def _database_reason(exc: DatabaseError) -> str:
    """PostgreSQL's message, with its detail (which names what depends on a table)."""
    lines = str(exc).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    detail = getattr(getattr(exc.__cause__, "diag", None), "message_detail", None)
    if detail and detail.strip() and detail.strip() not in reason:
        reason += f" ({' '.join(detail.split())})"
    return reason


def _place_uploads(tree: Path, progress: _Progress) -> None:
    """One rename of the whole tree; file by file only across file systems (or onto a mount)."""
    root = Path(settings.UPLOADS_DIR)
    keep_root = root.is_symlink() or os.path.ismount(root)  # cannot be replaced by a rename
    if root.is_dir():
        _remove_empty_folders(root, keep_root=keep_root)  # all it holds: checked first
    root.parent.mkdir(parents=True, exist_ok=True)
    if not keep_root and _renamed(tree, root):
        return
    _move_file_by_file(tree, root, progress)


def _remove_empty_folders(root: Path, *, keep_root: bool) -> None:
    for folder, _dirs, _files in os.walk(root, topdown=False):
        if not (keep_root and Path(folder) == root):
            os.rmdir(folder)  # fails, rather than deletes, if anything appeared meanwhile


def _move_file_by_file(tree: Path, root: Path, progress: _Progress) -> None:
    root.mkdir(exist_ok=True)
    for source in sorted(p for p in tree.rglob("*") if p.is_file()):
        target = root / source.relative_to(tree)
        target.parent.mkdir(parents=True, exist_ok=True)
        _move_file(source, target)
        progress.files_placed += 1


# ------------------------------------------------------------------ the keys


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
