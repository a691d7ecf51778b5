"""Making and checking Schoolkeep's own encrypted backup archives.

An archive is a tar stream (``manifest.json`` first, then ``database/…``, ``uploads/…`` and
``secrets.json``) written through :class:`EncryptingWriter`, so neither the tar nor the
database dump is ever held in memory. See docs/backup.md.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 - pg_dump, with a fixed argument list
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from schoolkeep.backups.crypto import DecryptingReader, EncryptingWriter
from schoolkeep.backups.errors import BackupError
from schoolkeep.backups.manifest import applied_migrations, file_sha256, table_checksums
from schoolkeep.backups.passphrase import backup_passphrase, resolve_passphrase

__all__ = [
    "BackupError", "BackupResult", "VerifyResult", "backup_create", "backup_passphrase",
    "backup_verify",
]

ARCHIVE_SUFFIX = ".skbackup"
MANIFEST_FORMAT = 1
SQLITE_MEMBER = "database/schoolkeep.sqlite3"
POSTGRES_MEMBER = "database/schoolkeep.pgdump"


@dataclass
class BackupResult:
    path: Path
    size: int
    manifest: dict[str, Any]


@dataclass
class VerifyResult:
    ok: bool
    problems: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    damaged: bool = False  # False with problems: wrong passphrase or not an archive


def schoolkeep_version() -> str:
    try:
        return metadata.version("schoolkeep")
    except metadata.PackageNotFoundError:
        return "unknown"


def postgres_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """libpq's variables for pg_dump/pg_restore, so no password appears on a command line."""
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                      ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    return env


def postgres_tool(name: str) -> str:
    """The full path of pg_dump or pg_restore, which must be those of the server's version."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client)")
    return found


def postgres_connect(settings_dict: dict[str, Any]) -> Any:
    import psycopg

    params = {"dbname": settings_dict["NAME"], "user": settings_dict.get("USER") or None,
              "password": settings_dict.get("PASSWORD") or None,
              "host": settings_dict.get("HOST") or None,
              "port": settings_dict.get("PORT") or None}
    return psycopg.connect(**{k: v for k, v in params.items() if v is not None})


def _snapshot_sqlite(work: Path) -> tuple[Path, dict[str, Any]]:
    target = work / "schoolkeep.sqlite3"
    connection.ensure_connection()
    dest = sqlite3.connect(target)
    try:
        connection.connection.backup(dest)  # the online backup API: a consistent copy
        info = {"tables": table_checksums(dest, "sqlite"), "migrations": applied_migrations(dest)}
    finally:
        dest.close()
    return target, info


def _snapshot_postgres(work: Path) -> tuple[Path, dict[str, Any]]:
    from psycopg import IsolationLevel

    target = work / "schoolkeep.pgdump"
    conn = postgres_connect(connection.settings_dict)
    try:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # pg_dump reads the very snapshot the checksums below are computed from.
        with target.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603  # nosec B603
                [postgres_tool("pg_dump"), "--format=custom", "--no-owner",
                 f"--snapshot={snapshot}"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=postgres_environment(connection.settings_dict),
            )
            assert process.stdout is not None
            shutil.copyfileobj(process.stdout, out, 1024 * 1024)
            _, stderr = process.communicate()
        if process.returncode != 0:
            reason = stderr.decode(errors="replace").strip().splitlines()
            raise BackupError(f"pg_dump failed: {reason[0] if reason else process.returncode}")
        info = {"tables": table_checksums(conn, "postgresql"),
                "migrations": applied_migrations(conn)}
        conn.rollback()
    finally:
        conn.close()
    return target, info


def _uploads() -> list[dict[str, Any]]:
    root = Path(settings.UPLOADS_DIR)
    if not root.is_dir():
        return []
    entries = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        entries.append({"path": path.relative_to(root).as_posix(), "size": path.stat().st_size,
                        "sha256": file_sha256(path)})
    return entries


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o600) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _secrets_json() -> bytes:
    return json.dumps({"secret_key": settings.SECRET_KEY,
                       "encryption_keys": ",".join(settings.ENCRYPTION_KEYS)}).encode()


def _archive_name(out_dir: Path) -> Path:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    return out_dir / f"schoolkeep-{stamp}{ARCHIVE_SUFFIX}"


def backup_create(*, out_dir: Path, passphrase: bytes | None = None) -> BackupResult:
    """Write one encrypted archive into ``out_dir``; it appears under its name only when whole."""
    # A backup reads the database from outside any transaction: inside one, SQLite's online
    # backup would wait for the caller's own write lock for ever.
    if connection.in_atomic_block:
        raise BackupError("a backup cannot be taken inside a database transaction")
    passphrase = passphrase or resolve_passphrase()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".backup-") as work_name:
        work = Path(work_name)
        snapshot = _snapshot_sqlite if vendor == "sqlite" else _snapshot_postgres
        db_file, info = snapshot(work)
        member = SQLITE_MEMBER if vendor == "sqlite" else POSTGRES_MEMBER
        files = _uploads()
        manifest = {
            "format": MANIFEST_FORMAT,
            "schoolkeep_version": schoolkeep_version(),
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": vendor, "member": member, "size": db_file.stat().st_size,
                         "sha256": file_sha256(db_file)},
            "migrations": info["migrations"],
            "tables": info["tables"],
            "files": files,
        }
        partial = work / "archive.partial"
        with partial.open("wb") as sink:
            writer = EncryptingWriter(sink, passphrase)
            with tarfile.open(fileobj=writer, mode="w|") as tar:  # type: ignore[call-overload]
                _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
                tar.add(db_file, arcname=member, recursive=False)
                for entry in files:
                    tar.add(Path(settings.UPLOADS_DIR) / entry["path"],
                            arcname=f"uploads/{entry['path']}", recursive=False)
                _add_bytes(tar, "secrets.json", _secrets_json())
            writer.close()
            sink.flush()
            os.fsync(sink.fileno())
        final = _archive_name(out_dir)
        os.replace(partial, final)
    _fsync_dir(out_dir)
    return BackupResult(path=final, size=final.stat().st_size, manifest=manifest)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ------------------------------------------------------------------ reading an archive


@dataclass
class Extracted:
    """An archive unpacked into a private directory, every member checked against the manifest."""

    root: Path
    manifest: dict[str, Any]
    database: Path
    uploads: list[tuple[Path, str]]  # (unpacked file, its path under UPLOADS_DIR)
    secrets: dict[str, str]


def _safe_relative(name: str) -> str:
    parts = PurePosixPath(name).parts
    if not parts or name.startswith("/") or any(part in ("..", "") for part in parts):
        raise BackupError(f"the archive holds an unsafe path: {name!r}", damaged=True)
    return str(PurePosixPath(*parts))


def _copy_hashing(source: IO[bytes], target: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        while block := source.read(1024 * 1024):
            digest.update(block)
            size += len(block)
            out.write(block)
    return digest.hexdigest(), size


@contextmanager
def open_archive(path: Path, passphrase: bytes) -> Iterator[tuple[DecryptingReader,
                                                                   tarfile.TarFile]]:
    try:
        handle = Path(path).open("rb")  # noqa: SIM115 (closed by the with below)
    except OSError as exc:
        raise BackupError(f"{path} cannot be read: {exc.strerror}") from None
    with handle:
        reader = DecryptingReader(handle, passphrase)
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                yield reader, tar
        except tarfile.TarError as exc:
            raise BackupError(f"the archive is damaged: {exc}", damaged=True) from None


def read_manifest(member: tarfile.TarInfo, tar: tarfile.TarFile) -> dict[str, Any]:
    if member.name != "manifest.json" or not member.isfile():
        raise BackupError("the archive does not start with its manifest", damaged=True)
    source = tar.extractfile(member)
    assert source is not None
    try:
        manifest = json.loads(source.read())
    except ValueError:
        raise BackupError("the archive's manifest is not valid JSON", damaged=True) from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise BackupError("the archive's manifest is of an unknown format", damaged=True)
    return manifest


def extract_checked(path: Path, passphrase: bytes, root: Path,
                    check_manifest: Any = None) -> Extracted:
    """Unpack and check every member. ``check_manifest(manifest)`` runs before anything else
    is unpacked (the restore's "newer Schoolkeep" refusal)."""
    manifest: dict[str, Any] | None = None
    database: Path | None = None
    secrets: dict[str, str] | None = None
    uploads: list[tuple[Path, str]] = []
    seen: dict[str, tuple[str, int]] = {}
    (root / "uploads").mkdir()
    with open_archive(path, passphrase) as (reader, tar):
        for member in tar:
            if manifest is None:
                manifest = read_manifest(member, tar)
                if check_manifest is not None:
                    check_manifest(manifest)
                continue
            if not member.isfile():
                raise BackupError(f"the archive holds an unexpected entry: {member.name!r}",
                                  damaged=True)
            name = _safe_relative(member.name)
            source = tar.extractfile(member)
            assert source is not None
            if name == manifest["database"]["member"]:
                database = root / PurePosixPath(name).name
                seen[name] = _copy_hashing(source, database)
            elif name.startswith("uploads/"):
                relative = name.removeprefix("uploads/")
                target = root / "uploads" / f"{len(uploads):08d}"
                seen[name] = _copy_hashing(source, target)
                uploads.append((target, relative))
            elif name == "secrets.json":
                secrets = json.loads(source.read())
            else:
                raise BackupError(f"the archive holds an unexpected file: {name!r}",
                                  damaged=True)
        reader.drain()
    if manifest is None:
        raise BackupError("the archive is empty", damaged=True)
    _check_against_manifest(manifest, seen, database, secrets)
    assert database is not None and secrets is not None
    return Extracted(root=root, manifest=manifest, database=database, uploads=uploads,
                     secrets=secrets)


def _check_against_manifest(manifest: dict[str, Any], seen: dict[str, tuple[str, int]],
                            database: Path | None, secrets: dict[str, str] | None) -> None:
    db = manifest["database"]
    if database is None:
        raise BackupError("the archive holds no database", damaged=True)
    if seen[db["member"]] != (db["sha256"], db["size"]):
        raise BackupError("the database in the archive does not match its checksum",
                          damaged=True)
    expected = {f"uploads/{f['path']}": (f["sha256"], f["size"]) for f in manifest["files"]}
    actual = {name: value for name, value in seen.items() if name.startswith("uploads/")}
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            raise BackupError(f"the archive lacks the upload {name}", damaged=True)
        if expected.get(name) != actual[name]:
            raise BackupError(f"the upload {name} does not match its checksum", damaged=True)
    if not secrets or not secrets.get("secret_key") or not secrets.get("encryption_keys"):
        raise BackupError("the archive holds no secret and encryption keys", damaged=True)
    if db["vendor"] == "sqlite":
        _check_sqlite_tables(manifest, database)


def _check_sqlite_tables(manifest: dict[str, Any], database: Path) -> None:
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if integrity != "ok":
            raise BackupError("the database in the archive fails SQLite's integrity check",
                              damaged=True)
        tables = table_checksums(conn, "sqlite")
    finally:
        conn.close()
    for table, recorded in manifest["tables"].items():
        if tables.get(table) != recorded:
            raise BackupError(f"the table {table} does not match its checksum", damaged=True)


def backup_verify(path: Path, *, passphrase: bytes | None = None) -> VerifyResult:
    """Decrypt the whole archive and check every checksum; nothing is restored."""
    passphrase = passphrase or resolve_passphrase()
    with tempfile.TemporaryDirectory(prefix="schoolkeep-verify-") as work:
        try:
            extracted = extract_checked(Path(path), passphrase, Path(work))
        except BackupError as exc:
            return VerifyResult(ok=False, problems=[exc.message], damaged=exc.damaged)
    return VerifyResult(ok=True, manifest=extracted.manifest)
