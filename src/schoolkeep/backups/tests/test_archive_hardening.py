"""The backup archive after the security review: how the PostgreSQL tools are reached, where
plaintext lives, what happens to odd uploads, file modes, and malformed-but-authentic archives.
"""

from __future__ import annotations

import errno
import io
import json
import os
import sqlite3
import tarfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from psycopg.conninfo import conninfo_to_dict

from schoolkeep.backups import archive
from schoolkeep.backups.archive import (
    SQLITE_MEMBER,
    backup_create,
    backup_verify,
    open_archive,
)
from schoolkeep.backups.crypto import EncryptingWriter
from schoolkeep.backups.errors import BackupError
from schoolkeep.backups.manifest import applied_migrations, file_sha256, table_checksums
from schoolkeep.backups.postgres import postgres_conninfo, postgres_environment
from schoolkeep.backups.workspace import sweep_stale_work, work_dir

PASSPHRASE = b"correct horse battery staple"

PG_SETTINGS: dict[str, Any] = {
    "NAME": "school", "USER": "keeper", "PASSWORD": "s3cret-pw", "HOST": "db.example",
    "PORT": "5433", "OPTIONS": {"sslmode": "verify-full", "sslrootcert": "/x"},
}


# ------------------------------------------------------------------ finding 1 and 10/11


def test_the_conninfo_carries_every_option_and_no_password() -> None:
    conninfo = postgres_conninfo(PG_SETTINGS)
    assert conninfo_to_dict(conninfo) == {
        "dbname": "school", "user": "keeper", "host": "db.example", "port": "5433",
        "sslmode": "verify-full", "sslrootcert": "/x",
    }
    assert "s3cret-pw" not in conninfo and "password" not in conninfo


def test_a_database_name_with_conninfo_syntax_stays_a_name() -> None:
    settings_dict = {**PG_SETTINGS, "NAME": "x host=evil.example"}
    parsed = conninfo_to_dict(postgres_conninfo(settings_dict))
    assert parsed["dbname"] == "x host=evil.example" and parsed["host"] == "db.example"


def test_an_option_libpq_does_not_know_is_refused() -> None:
    settings_dict = {**PG_SETTINGS, "OPTIONS": {"sslmode": "require", "sslmdoe": "x"}}
    with pytest.raises(BackupError, match="sslmdoe"):
        postgres_conninfo(settings_dict)


def test_djangos_own_options_are_not_given_to_libpq() -> None:
    settings_dict = {**PG_SETTINGS, "OPTIONS": {"isolation_level": "1", "sslmode": "require"}}
    assert "isolation_level" not in conninfo_to_dict(postgres_conninfo(settings_dict))


def test_the_tools_environment_is_minimal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHOOLKEEP_BACKUP_PASSPHRASE", "the passphrase")
    monkeypatch.setenv("SCHOOLKEEP_ENCRYPTION_KEYS", "app keys")
    monkeypatch.setenv("PGSSLMODE", "disable")  # must not weaken the conninfo's verify-full
    monkeypatch.setenv("LANG", "C.UTF-8")
    env = postgres_environment(PG_SETTINGS)
    assert not [name for name in env if name.startswith("SCHOOLKEEP_")]
    assert "PGSSLMODE" not in env
    assert env["PGPASSWORD"] == "s3cret-pw" and env["LANG"] == "C.UTF-8" and env["PATH"]
    assert "PGPASSWORD" not in postgres_environment({**PG_SETTINGS, "PASSWORD": ""})


# ------------------------------------------------------------------ finding 2 and 5


def test_only_the_archive_reaches_the_out_folder(settings: Any, tmp_path: Path,
                                                 transactional_db: None) -> None:
    out_dir = tmp_path / "usb" / "backups"
    result = backup_create(out_dir=out_dir, passphrase=PASSPHRASE)
    assert list(out_dir.iterdir()) == [result.path]
    assert result.path.name.startswith("schoolkeep-") and result.path.suffix == ".skbackup"
    assert result.path.stat().st_mode & 0o777 == 0o600
    assert out_dir.stat().st_mode & 0o777 == 0o700  # made by the backup: private
    assert list(work_dir().iterdir()) == []  # the plaintext snapshot is gone
    assert work_dir().stat().st_mode & 0o777 == 0o700
    assert work_dir().parent == settings.DATA_DIR
    assert backup_verify(result.path, passphrase=PASSPHRASE).ok
    assert list(work_dir().iterdir()) == []


def test_an_existing_out_folder_keeps_its_mode_and_a_prefix_names_the_archive(
        tmp_path: Path, transactional_db: None) -> None:
    out_dir = tmp_path / "shared"
    out_dir.mkdir()
    out_dir.chmod(0o750)
    result = backup_create(out_dir=out_dir, passphrase=PASSPHRASE,
                           prefix="schoolkeep-pre-upgrade")
    assert out_dir.stat().st_mode & 0o777 == 0o750
    assert result.path.name.startswith("schoolkeep-pre-upgrade-")
    assert result.path.stat().st_mode & 0o777 == 0o600


def test_an_out_folder_that_cannot_be_made_is_a_one_line_refusal(
        tmp_path: Path, transactional_db: None) -> None:
    (tmp_path / "a-file").write_bytes(b"")
    with pytest.raises(BackupError, match="cannot be created"):
        backup_create(out_dir=tmp_path / "a-file" / "backups", passphrase=PASSPHRASE)


def test_a_failed_backup_leaves_neither_partial_nor_plaintext(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, transactional_db: None) -> None:
    def fail(*_args: Any) -> None:
        raise BackupError("disk full")

    monkeypatch.setattr(archive, "_secrets_json", fail)
    with pytest.raises(BackupError, match="disk full"):
        backup_create(out_dir=tmp_path / "out", passphrase=PASSPHRASE)
    assert list((tmp_path / "out").iterdir()) == []
    assert list(work_dir().iterdir()) == []


def _age(folder: Path, hours: float) -> None:
    then = time.time() - hours * 3600
    for path in [*folder.rglob("*"), folder]:
        os.utime(path, (then, then), follow_symlinks=False)


def test_sweep_removes_stale_work_and_keeps_fresh_work() -> None:
    old, fresh, busy = (work_dir() / name for name in ("backup-old", "backup-new", "backup-busy"))
    for folder in (old, fresh, busy):
        folder.mkdir()
        (folder / "schoolkeep.sqlite3").write_bytes(b"plaintext")
    _age(old, 7)
    _age(fresh, 1)
    _age(busy, 7)
    (busy / "schoolkeep.sqlite3").write_bytes(b"still being written")  # a long pg_dump
    removed = sweep_stale_work(max_age=timedelta(hours=6))
    assert removed == [old]
    assert not old.exists() and fresh.exists() and busy.exists()


# ------------------------------------------------------------------ finding 3


def _members(path: Path) -> dict[str, bytes]:
    with open_archive(path, PASSPHRASE) as (_reader, tar):
        return {m.name: tar.extractfile(m).read() for m in tar}  # type: ignore[union-attr]


def test_symlinks_and_other_odd_uploads_are_skipped_and_reported(
        settings: Any, tmp_path: Path, transactional_db: None) -> None:
    uploads = Path(settings.UPLOADS_DIR)
    (uploads / "scans").mkdir(parents=True)
    (uploads / "scans" / "a.pdf").write_bytes(b"%PDF a scan")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_bytes(b"not an upload")
    (uploads / "link.txt").symlink_to("/etc/hostname")
    (uploads / "linked-folder").symlink_to(outside, target_is_directory=True)
    os.mkfifo(uploads / "scans" / "pipe")
    result = backup_create(out_dir=tmp_path / "out", passphrase=PASSPHRASE)
    assert result.skipped == ["link.txt", "linked-folder", "scans/pipe"]
    assert [f["path"] for f in result.manifest["files"]] == ["scans/a.pdf"]
    assert backup_verify(result.path, passphrase=PASSPHRASE).ok
    members = _members(result.path)
    assert members["uploads/scans/a.pdf"] == b"%PDF a scan"
    assert sorted(members) == [archive.DATABASE_MEMBERS[connection.vendor], "manifest.json",
                               "secrets.json", "uploads/scans/a.pdf"]


def test_an_upload_replaced_after_its_snapshot_is_backed_up_as_it_was(
        settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        transactional_db: None) -> None:
    uploads = Path(settings.UPLOADS_DIR)
    uploads.mkdir(parents=True)
    live = uploads / "report.pdf"
    live.write_bytes(b"first version")
    original = archive._snapshot_upload

    def snapshot_then_replace(source: Path, target: Path) -> bool:
        taken = original(source, target)
        replacement = uploads / ".report.tmp"
        replacement.write_bytes(b"a much longer second version")
        os.replace(replacement, source)  # as the site saves a file: a new one renamed in
        return taken

    monkeypatch.setattr(archive, "_snapshot_upload", snapshot_then_replace)
    result = backup_create(out_dir=tmp_path / "out", passphrase=PASSPHRASE)
    assert backup_verify(result.path, passphrase=PASSPHRASE).ok
    assert _members(result.path)["uploads/report.pdf"] == b"first version"


def test_uploads_on_another_file_system_are_copied(
        settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        transactional_db: None) -> None:
    uploads = Path(settings.UPLOADS_DIR)
    uploads.mkdir(parents=True)
    (uploads / "a.txt").write_bytes(b"alpha")

    def cross_device(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(archive.os, "link", cross_device)
    result = backup_create(out_dir=tmp_path / "out", passphrase=PASSPHRASE)
    assert backup_verify(result.path, passphrase=PASSPHRASE).ok
    assert _members(result.path)["uploads/a.txt"] == b"alpha"


def test_an_upload_written_in_place_during_the_backup_fails_it(
        settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        transactional_db: None) -> None:
    uploads = Path(settings.UPLOADS_DIR)
    uploads.mkdir(parents=True)
    live = uploads / "a.txt"
    live.write_bytes(b"alpha")
    original = archive._snapshot_uploads

    def hash_then_overwrite(work: Path) -> Any:
        taken = original(work)
        live.write_bytes(b"omega")  # same inode as the hard-linked snapshot, same size
        return taken

    monkeypatch.setattr(archive, "_snapshot_uploads", hash_then_overwrite)
    with pytest.raises(BackupError, match=r"uploads/a\.txt changed while it was being backed up"):
        backup_create(out_dir=tmp_path / "out", passphrase=PASSPHRASE)
    assert list((tmp_path / "out").iterdir()) == []  # no archive reported as good


# ------------------------------------------------------------------ finding 6 (archive part)


def _sqlite_database(folder: Path) -> tuple[bytes, dict[str, Any]]:
    path = folder / "crafted.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, app TEXT, name TEXT)")
    conn.execute("INSERT INTO django_migrations (app, name) VALUES ('people', '0001_initial')")
    conn.commit()
    info = {"tables": table_checksums(conn, "sqlite"), "migrations": applied_migrations(conn)}
    conn.close()
    return path.read_bytes(), {**info, "sha256": file_sha256(path)}


def crafted_members(folder: Path, uploads: dict[str, bytes] | None = None
                    ) -> list[tuple[str, bytes]]:
    """The members of a well-formed archive: a small SQLite database, uploads and keys."""
    import hashlib

    uploads = {"a.txt": b"alpha"} if uploads is None else uploads
    database, info = _sqlite_database(folder)
    manifest = {
        "format": 1, "schoolkeep_version": "test", "created_at": "2026-01-01T00:00:00+00:00",
        "database": {"vendor": "sqlite", "member": SQLITE_MEMBER, "size": len(database),
                     "sha256": info["sha256"]},
        "migrations": info["migrations"], "tables": info["tables"],
        "files": [{"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for path, data in uploads.items()],
    }
    return [("manifest.json", json.dumps(manifest).encode()), (SQLITE_MEMBER, database),
            *[(f"uploads/{path}", data) for path, data in uploads.items()],
            ("secrets.json", json.dumps({"secret_key": "k" * 50,
                                         "encryption_keys": "fernet"}).encode())]


def write_archive(path: Path, members: list[tuple[str, bytes]]) -> Path:
    with path.open("wb") as sink:
        writer = EncryptingWriter(sink, PASSPHRASE)
        with tarfile.open(fileobj=writer, mode="w|") as tar:  # type: ignore[call-overload]
            for name, data in members:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        writer.close()
    return path


def replace(members: list[tuple[str, bytes]], name: str, data: bytes
            ) -> list[tuple[str, bytes]]:
    return [(n, data if n == name else d) for n, d in members]


def edit_manifest(members: list[tuple[str, bytes]], change: Any) -> list[tuple[str, bytes]]:
    manifest = json.loads(members[0][1])
    change(manifest)
    return [("manifest.json", json.dumps(manifest).encode()), *members[1:]]


def assert_damaged(tmp_path: Path, members: list[tuple[str, bytes]], reason: str) -> None:
    result = backup_verify(write_archive(tmp_path / "crafted.skbackup", members),
                           passphrase=PASSPHRASE)
    assert not result.ok and result.damaged, result.problems
    assert reason in result.problems[0]


def test_a_crafted_well_formed_archive_verifies(tmp_path: Path) -> None:
    # The control for the refusals below: only what each one changes makes it fail.
    members = crafted_members(tmp_path, {"z/a.txt": b"alpha", "z/b.txt": b"beta"})
    result = backup_verify(write_archive(tmp_path / "good.skbackup", members),
                           passphrase=PASSPHRASE)
    assert result.ok, result.problems


def test_a_duplicate_member_is_refused(tmp_path: Path) -> None:
    members = crafted_members(tmp_path)
    members.insert(3, ("uploads/a.txt", b"alpha"))
    assert_damaged(tmp_path, members, "holds 'uploads/a.txt' twice")


def test_a_duplicate_member_spelt_differently_is_refused(tmp_path: Path) -> None:
    members = crafted_members(tmp_path)
    members.insert(3, ("uploads/./a.txt", b"alpha"))
    assert_damaged(tmp_path, members, "twice")


def test_a_duplicate_secrets_file_is_refused(tmp_path: Path) -> None:
    members = crafted_members(tmp_path)
    assert_damaged(tmp_path, [*members, members[-1]], "holds 'secrets.json' twice")


@pytest.mark.parametrize("paths", [["z", "z/b"], ["z/b", "z"], ["a/b/c", "a/b"]])
def test_an_upload_that_is_also_a_folder_of_another_is_refused(tmp_path: Path,
                                                                paths: list[str]) -> None:
    members = crafted_members(tmp_path, dict.fromkeys(paths, b"data"))
    assert_damaged(tmp_path, members, "both as a file and as a folder")


@pytest.mark.parametrize("member", ["uploads", "database/other.sqlite3", "secrets.json",
                                    "database/schoolkeep.pgdump"])
def test_a_database_member_other_than_the_expected_one_is_refused(tmp_path: Path,
                                                                  member: str) -> None:
    members = edit_manifest(crafted_members(tmp_path),
                            lambda m: m["database"].update(member=member))
    assert_damaged(tmp_path, members, "database member is not 'database/schoolkeep.sqlite3'")


def test_an_unknown_database_vendor_is_refused(tmp_path: Path) -> None:
    members = edit_manifest(crafted_members(tmp_path),
                            lambda m: m["database"].update(vendor="oracle"))
    assert_damaged(tmp_path, members, "manifest is malformed")


def test_a_manifest_without_its_fields_is_refused(tmp_path: Path) -> None:
    members = edit_manifest(crafted_members(tmp_path), lambda m: m.pop("files"))
    assert_damaged(tmp_path, members, "manifest is malformed")


@pytest.mark.parametrize(("secrets", "reason"), [
    (b"{not json", "secrets.json is not valid JSON"),
    (b"\xff\xfe", "secrets.json is not valid JSON"),
    (b'["k", "fernet"]', "does not hold the secret and encryption keys"),
    (b'{"secret_key": 1, "encryption_keys": "fernet"}', "does not hold the secret"),
    (b'{"secret_key": "k"}', "does not hold the secret"),
    (b'{"secret_key": "", "encryption_keys": "fernet"}', "holds no secret and encryption keys"),
])
def test_secrets_that_are_not_the_keys_are_refused(tmp_path: Path, secrets: bytes,
                                                   reason: str) -> None:
    members = replace(crafted_members(tmp_path), "secrets.json", secrets)
    assert_damaged(tmp_path, members, reason)
