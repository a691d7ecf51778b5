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
import stat
import subprocess  # nosec B404 - pg_dump, with a fixed argument list
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from django.conf import settings
from django.db import connection
from django.utils import timezone

from schoolkeep.backups.crypto import DecryptingReader, EncryptingWriter
from schoolkeep.backups.errors import BackupError
from schoolkeep.backups.manifest import applied_migrations, file_sha256, table_checksums
from schoolkeep.backups.passphrase import resolve_passphrase
from schoolkeep.backups.postgres import (
    postgres_connect,
    postgres_conninfo,
    postgres_environment,
    postgres_tool,
)
from schoolkeep.backups.workspace import private_folder, remove_stale_folders, sweep_stale_work

ARCHIVE_SUFFIX = ".skbackup"
MANIFEST_FORMAT = 1
SQLITE_MEMBER = "database/schoolkeep.sqlite3"
POSTGRES_MEMBER = "database/schoolkeep.pgdump"
DATABASE_MEMBERS = {"sqlite": SQLITE_MEMBER, "postgresql": POSTGRES_MEMBER}


@dataclass
class BackupResult:
    path: Path
    size: int
    manifest: dict[str, Any]
    skipped: list[str] = field(default_factory=list)  # uploads not backed up (symlinks, …)


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


def _snapshot_sqlite(work: Path) -> tuple[Path, dict[str, Any]]:
    target = work / "schoolkeep.sqlite3"
    _create_private(target).close()  # 0600 from the start, whatever the umask
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
    settings_dict = connection.settings_dict
    conn = postgres_connect(settings_dict)
    try:
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # pg_dump reads the very snapshot the checksums below are computed from. Its output
        # and its messages go straight to files: no pipe to fill up and deadlock on.
        with _create_private(target) as out, \
                tempfile.TemporaryFile(dir=work) as messages:
            process = subprocess.run(  # noqa: S603  # nosec B603
                [postgres_tool("pg_dump"), "--format=custom", "--no-owner",
                 f"--snapshot={snapshot}", f"--dbname={postgres_conninfo(settings_dict)}"],
                stdout=out, stderr=messages, env=postgres_environment(settings_dict),
                check=False,
            )
            if process.returncode != 0:
                messages.seek(0)
                reason = messages.read(64 * 1024).decode(errors="replace").strip().splitlines()
                raise BackupError(f"pg_dump failed: {reason[0] if reason else process.returncode}")
        info = {"tables": table_checksums(conn, "postgresql"),
                "migrations": applied_migrations(conn)}
        conn.rollback()
    finally:
        conn.close()
    return target, info


def _create_private(path: Path) -> BinaryIO:
    """A new file, readable by this user only, that must not exist yet."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return os.fdopen(fd, "wb")


# ------------------------------------------------------------------ uploads


@dataclass
class UploadSnapshot:
    """One upload, fixed at the moment of the backup: the archive stores this copy."""

    relative: str  # its path under UPLOADS_DIR, with "/"
    snapshot: Path  # a hard link (or a copy) in the private working folder
    size: int
    sha256: str


def _walk_uploads(root: Path) -> tuple[list[str], list[str]]:
    """(regular files, everything skipped) under ``root``, relative, sorted. Nothing is
    followed: a symlink is skipped, whether it points at a file, a folder or outside."""
    files: list[str] = []
    skipped: list[str] = []
    pending = [root]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                listing = list(entries)
        except OSError:  # a folder this user may not read: reported, not a traceback
            skipped.append(folder.relative_to(root).as_posix())
            continue
        for entry in listing:
            relative = Path(entry.path).relative_to(root).as_posix()
            if entry.is_symlink():
                skipped.append(relative)
            elif entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
            elif entry.is_file(follow_symlinks=False):
                files.append(relative)
            else:  # a socket, a FIFO, a device
                skipped.append(relative)
    return sorted(files), sorted(skipped)


def _copy_regular_file(source: Path, target: Path) -> bool:
    """Copy ``source`` unless it is no longer a regular file; never follows a symlink."""
    try:
        fd = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            return False
        with _create_private(target) as out:
            shutil.copyfileobj(handle, out, 1024 * 1024)
    return True


def _snapshot_upload(live: Path, target: Path) -> bool:
    """Fix one upload as it is now: a hard link keeps the content even if the live file is
    replaced afterwards; another file system gets a copy. False when it is no longer a
    regular file (it changed since the walk)."""
    try:
        os.link(live, target, follow_symlinks=False)
    except FileNotFoundError:
        return False
    except OSError:
        return _copy_regular_file(live, target)
    if not stat.S_ISREG(target.lstat().st_mode):  # replaced by a symlink since the walk
        target.unlink()
        return False
    return True


def _snapshot_uploads(work: Path) -> tuple[list[UploadSnapshot], list[str]]:
    root = Path(settings.UPLOADS_DIR)
    if not root.is_dir() or root.is_symlink():
        return [], []
    files, skipped = _walk_uploads(root)
    folder = work / "uploads"
    folder.mkdir(mode=0o700)
    snapshots = []
    for number, relative in enumerate(files):
        target = folder / f"{number:08d}"
        if not _snapshot_upload(root / relative, target):
            skipped.append(relative)
            continue
        snapshots.append(UploadSnapshot(relative, target, target.stat().st_size,
                                        file_sha256(target)))
    return snapshots, sorted(skipped)


# ------------------------------------------------------------------ writing the archive


class _HashingReader:
    """Hands a file's bytes to the tar, hashing them; a file that shrank is refused."""

    def __init__(self, handle: IO[bytes], name: str, size: int) -> None:
        self._handle, self._name, self._left = handle, name, size
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        wanted = self._left if size < 0 else min(size, self._left)
        block = self._handle.read(wanted)
        if len(block) < wanted:
            raise BackupError(f"{self._name} changed while it was being backed up; try again")
        self._left -= len(block)
        self.digest.update(block)
        return block


def _add_file(tar: tarfile.TarFile, name: str, path: Path, size: int, sha256: str) -> None:
    """Add ``path`` under ``name``, and check that what went in is what the manifest says."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if info.st_size != size:
            raise BackupError(f"{name} changed while it was being backed up; try again")
        member = tarfile.TarInfo(name)
        member.size, member.mode, member.mtime = size, 0o600, int(info.st_mtime)
        reader = _HashingReader(handle, name, size)
        tar.addfile(member, reader)  # type: ignore[arg-type]
    if reader.digest.hexdigest() != sha256:
        # A hard-linked upload written to in place: the manifest would not match the body.
        raise BackupError(f"{name} changed while it was being backed up; try again")


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o600) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def _secrets_json() -> bytes:
    return json.dumps({"secret_key": settings.SECRET_KEY,
                       "encryption_keys": ",".join(settings.ENCRYPTION_KEYS)}).encode()


def _archive_name(out_dir: Path, prefix: str) -> Path:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    return out_dir / f"{prefix}-{stamp}{ARCHIVE_SUFFIX}"


def _prepare_out_dir(out_dir: Path) -> None:
    """A folder this backup creates is private (0700); an existing one is the operator's."""
    if out_dir.is_dir():
        return
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        try:
            out_dir.mkdir(mode=0o700)
        except FileExistsError:
            if out_dir.is_dir():
                return  # made by someone else meanwhile: theirs
            raise
        out_dir.chmod(0o700)
    except OSError as exc:
        raise BackupError(f"the folder {out_dir} cannot be created: "
                          f"{exc.strerror or exc}") from None


def backup_create(*, out_dir: Path, passphrase: bytes | None = None,
                  prefix: str = "schoolkeep") -> BackupResult:
    """Write one encrypted archive into ``out_dir``; it appears under its name only when whole.

    Plaintext (the database snapshot, the uploads' snapshots) stays in a private folder under
    :func:`work_dir`; only the encrypted archive is written into ``out_dir``.
    """
    # A backup reads the database from outside any transaction: inside one, SQLite's online
    # backup would wait for the caller's own write lock for ever.
    if connection.in_atomic_block:
        raise BackupError("a backup cannot be taken inside a database transaction")
    passphrase = passphrase or resolve_passphrase()
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    out_dir = Path(out_dir)
    _prepare_out_dir(out_dir)
    sweep_stale_work()
    # Left by earlier versions, which took the snapshot beside the archive.
    remove_stale_folders(out_dir, ".backup-*")
    with private_folder("backup-") as work:
        snapshot = _snapshot_sqlite if vendor == "sqlite" else _snapshot_postgres
        db_file, info = snapshot(work)
        member = SQLITE_MEMBER if vendor == "sqlite" else POSTGRES_MEMBER
        db_size, db_sha256 = db_file.stat().st_size, file_sha256(db_file)
        uploads, skipped = _snapshot_uploads(work)
        manifest = {
            "format": MANIFEST_FORMAT,
            "schoolkeep_version": schoolkeep_version(),
            "created_at": timezone.now().isoformat(),
            "database": {"vendor": vendor, "member": member, "size": db_size,
                         "sha256": db_sha256},
            "migrations": info["migrations"],
            "tables": info["tables"],
            "files": [{"path": u.relative, "size": u.size, "sha256": u.sha256}
                      for u in uploads],
        }
        final = _archive_name(out_dir, prefix)
        _write_archive(final, passphrase, manifest, db_file, uploads)
    _fsync_dir(out_dir)
    return BackupResult(path=final, size=final.stat().st_size, manifest=manifest,
                        skipped=skipped)


def _write_archive(final: Path, passphrase: bytes, manifest: dict[str, Any], db_file: Path,
                   uploads: list[UploadSnapshot]) -> None:
    """Encrypt into ``.<name>.partial`` (0600, never an existing file), then rename."""
    partial = final.with_name(f".{final.name}.partial")
    try:
        with _create_private(partial) as sink:
            writer = EncryptingWriter(sink, passphrase)
            with tarfile.open(fileobj=writer, mode="w|") as tar:  # type: ignore[call-overload]
                _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
                db = manifest["database"]
                _add_file(tar, db["member"], db_file, db["size"], db["sha256"])
                for upload in uploads:
                    _add_file(tar, f"uploads/{upload.relative}", upload.snapshot, upload.size,
                              upload.sha256)
                _add_bytes(tar, "secrets.json", _secrets_json())
            writer.close()
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(partial, final)
    finally:
        partial.unlink(missing_ok=True)


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
    _check_manifest_shape(manifest)
    return manifest


def _check_manifest_shape(manifest: dict[str, Any]) -> None:
    """Every field the checks below read is there, of the right type: a malformed manifest is
    a damaged archive, not a traceback."""
    db = manifest.get("database")
    files = manifest.get("files")
    well_formed = (
        isinstance(db, dict) and isinstance(db.get("sha256"), str)
        and isinstance(db.get("size"), int)
        and db.get("vendor") in DATABASE_MEMBERS
        and isinstance(manifest.get("tables"), dict)
        and isinstance(manifest.get("migrations"), list)
        and all(isinstance(m, list) and len(m) == 2 and all(isinstance(x, str) for x in m)
                for m in manifest["migrations"])
        and isinstance(files, list)
        and all(isinstance(f, dict) and isinstance(f.get("path"), str)
                and isinstance(f.get("sha256"), str) and isinstance(f.get("size"), int)
                for f in files)
    )
    if not well_formed:
        raise BackupError("the archive's manifest is malformed", damaged=True)
    assert isinstance(db, dict)
    if db.get("member") != DATABASE_MEMBERS[db["vendor"]]:
        raise BackupError(f"the archive's database member is not "
                          f"{DATABASE_MEMBERS[db['vendor']]!r}", damaged=True)


def _parse_secrets(data: bytes) -> dict[str, str]:
    try:
        secrets = json.loads(data)
    except ValueError:
        raise BackupError("the archive's secrets.json is not valid JSON", damaged=True) from None
    if not (isinstance(secrets, dict) and isinstance(secrets.get("secret_key"), str)
            and isinstance(secrets.get("encryption_keys"), str)):
        raise BackupError("the archive's secrets.json does not hold the secret and encryption "
                          "keys", damaged=True)
    return {"secret_key": secrets["secret_key"], "encryption_keys": secrets["encryption_keys"]}


class _UploadPaths:
    """Refuses an upload that is also a folder of another upload: they cannot both be
    placed (a file cannot be a folder)."""

    def __init__(self) -> None:
        self._files: set[str] = set()
        self._folders: set[str] = set()

    def add(self, relative: str) -> None:
        parents = {parent.as_posix() for parent in PurePosixPath(relative).parents} - {"."}
        if relative in self._folders or parents & self._files:
            raise BackupError(f"the archive holds the upload {relative!r} both as a file and "
                              f"as a folder", damaged=True)
        self._files.add(relative)
        self._folders |= parents


def extract_checked(path: Path, passphrase: bytes, root: Path,
                    check_manifest: Any = None) -> Extracted:
    """Unpack and check every member. ``check_manifest(manifest)`` runs before anything else
    is unpacked (the restore's "newer Schoolkeep" refusal)."""
    manifest: dict[str, Any] | None = None
    database: Path | None = None
    secrets: dict[str, str] | None = None
    uploads: list[tuple[Path, str]] = []
    seen: dict[str, tuple[str, int]] = {}
    names: set[str] = {"manifest.json"}
    upload_paths = _UploadPaths()
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
            if name in names:
                raise BackupError(f"the archive holds {name!r} twice", damaged=True)
            names.add(name)
            source = tar.extractfile(member)
            assert source is not None
            if name == manifest["database"]["member"]:
                database = root / PurePosixPath(name).name
                seen[name] = _copy_hashing(source, database)
            elif name.startswith("uploads/"):
                relative = name.removeprefix("uploads/")
                upload_paths.add(relative)
                target = root / "uploads" / f"{len(uploads):08d}"
                seen[name] = _copy_hashing(source, target)
                uploads.append((target, relative))
            elif name == "secrets.json":
                secrets = _parse_secrets(source.read())
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
    sweep_stale_work()
    # Unpacked in a private folder under DATA_DIR, not /tmp: it is the plaintext database.
    with private_folder("verify-") as work:
        try:
            extracted = extract_checked(Path(path), passphrase, work)
        except BackupError as exc:
            return VerifyResult(ok=False, problems=[exc.message], damaged=exc.damaged)
    return VerifyResult(ok=True, manifest=extracted.manifest)
