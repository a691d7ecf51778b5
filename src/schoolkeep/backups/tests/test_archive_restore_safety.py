"""Restore safety: what an interrupted placement leaves and says, which rows make a target
"not empty", and (PostgreSQL) that emptying the schema drops only Django's own tables."""

from __future__ import annotations

import errno
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.db import connection
from django.test import override_settings

from schoolkeep.backups import restore
from schoolkeep.backups.archive import Extracted
from schoolkeep.backups.errors import BackupError
from schoolkeep.backups.tests.test_archive_drill import (
    PASSPHRASE,
    base_env,
    on_server,
    postgres_url,
    run,
)

UPLOADS = {"scans/a.pdf": b"%PDF-1.4 a scan", "letters/2024/b.txt": b"a letter"}


def forget_seeded_rows() -> None:
    """Empty the rows data migrations seed (the default check rules, the built-in compliance
    catalogue): a real restore target is not migrated, so it has none of them."""
    from schoolkeep.compliance.models import Control, Framework, Requirement
    from schoolkeep.people.models import CheckRule

    CheckRule.objects.all().delete()
    Requirement.objects.all().delete()
    Control.objects.all().delete()
    Framework.objects.all().delete()


def make_archive(root: Path, database_url: str = "") -> Path:
    """An archive of a migrated, empty Schoolkeep holding the two UPLOADS."""
    env = base_env(root / "data", database_url)
    run(env, "migrate", "-v0")
    for relative, content in UPLOADS.items():
        (root / "data" / "uploads" / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / "data" / "uploads" / relative).write_bytes(content)
    run(env, "backup", "--out", str(root / "out"))
    return next((root / "out").glob("*.skbackup"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_archive(tmp_path_factory.mktemp("safety"))


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in root.rglob("*") if p.is_file()}


# ------------------------------------------------------------------ placement (SQLite, in process)


@pytest.fixture
def target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """An empty data directory; the suite's own database stands in for the target database.

    Placing a SQLite file over the suite's in-memory database is not possible, so placing the
    database is recorded instead, together with whether the keys were already written then.
    """
    if connection.vendor != "sqlite":
        pytest.skip("the archive is a SQLite one")
    forget_seeded_rows()  # a real target is not migrated
    data_dir = tmp_path / "data"
    calls: dict[str, Any] = {"database": None}

    def place_database(extracted: Extracted) -> None:
        calls["database"] = {"keys_already_written": (data_dir / "dev-secrets.json").exists()}

    monkeypatch.setattr(restore, "_place_database", place_database)
    monkeypatch.setattr(restore, "call_command", lambda *args, **kwargs: None)
    with override_settings(DATA_DIR=data_dir, UPLOADS_DIR=data_dir / "uploads", DEVELOPMENT=True):
        yield {"data_dir": data_dir, "uploads": data_dir / "uploads", "calls": calls,
               "parent": tmp_path}


def failing_replace(when: Callable[[Path, Path], bool], error: int
                    ) -> Callable[[Any, Any], None]:
    real = os.replace

    def replace(source: Any, destination: Any) -> None:
        if when(Path(source), Path(destination)):
            raise OSError(error, os.strerror(error), str(destination))
        real(source, destination)

    return replace


def assert_one_line(exc: pytest.ExceptionInfo[BackupError]) -> str:
    message = exc.value.message
    assert "\n" not in message and message.strip() == message
    return message


@pytest.mark.django_db
def test_a_failure_placing_the_uploads_says_so_and_the_keys_are_already_written(
        archive: Path, target: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    uploads: Path = target["uploads"]
    monkeypatch.setattr(os, "replace", failing_replace(
        lambda _source, destination: destination == uploads, errno.ENOSPC))

    with pytest.raises(BackupError) as exc:
        restore.restore_archive(archive, passphrase=PASSPHRASE.encode())

    message = assert_one_line(exc)
    assert message.startswith("the restore stopped while placing the uploads (No space left")
    assert "the keys and the database are already in place" in message
    assert message.endswith("empty the data directory and the database before trying again")
    assert not exc.value.damaged
    # The keys went first: they were there before the database was placed, and they are the
    # archive's own.
    assert target["calls"]["database"] == {"keys_already_written": True}
    keys = json.loads((target["data_dir"] / "dev-secrets.json").read_text())
    assert keys["secret_key"] and keys["encryption_keys"]
    assert (target["data_dir"] / "dev-secrets.json").stat().st_mode & 0o777 == 0o600
    # The single rename failed, so no upload is half in place, and the work folder is gone.
    assert not uploads.exists()
    assert not list(target["parent"].glob(".schoolkeep-restore-*"))


@pytest.mark.django_db
def test_a_failure_placing_the_database_says_only_the_keys_are_in_place(
        archive: Path, target: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    def place_database(extracted: Extracted) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", "/srv/schoolkeep.sqlite3")

    monkeypatch.setattr(restore, "_place_database", place_database)
    with pytest.raises(BackupError) as exc:
        restore.restore_archive(archive, passphrase=PASSPHRASE.encode())
    message = assert_one_line(exc)
    assert message.startswith("the restore stopped while placing the database (Permission "
                              "denied: /srv/schoolkeep.sqlite3): the keys are already in place;")
    assert (target["data_dir"] / "dev-secrets.json").exists()
    assert not target["uploads"].exists()


@pytest.mark.django_db
def test_across_file_systems_the_uploads_move_file_by_file(
        archive: Path, target: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    uploads: Path = target["uploads"]
    monkeypatch.setattr(os, "replace", failing_replace(
        lambda source, _dest: "uploads-tree" in source.parts, errno.EXDEV))

    result = restore.restore_archive(archive, passphrase=PASSPHRASE.encode())

    assert result.files == 2
    assert tree(uploads) == UPLOADS
    assert not [p for p in uploads.rglob(".restoring-*")]


@pytest.mark.django_db
def test_a_failure_part_way_through_file_by_file_counts_what_was_placed(
        archive: Path, target: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "replace", failing_replace(
        lambda source, _dest: "uploads-tree" in source.parts, errno.EXDEV))
    copies: list[str] = []
    real_copy = shutil.copy2

    def copy2(source: Any, destination: Any) -> Any:
        copies.append(str(source))
        if len(copies) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(destination))
        return real_copy(source, destination)

    monkeypatch.setattr(shutil, "copy2", copy2)
    with pytest.raises(BackupError) as exc:
        restore.restore_archive(archive, passphrase=PASSPHRASE.encode())
    message = assert_one_line(exc)
    assert "the keys, the database and 1 of 2 uploads are already in place" in message
    placed = tree(target["uploads"])
    assert len(placed) == 1 and set(placed.items()) <= set(UPLOADS.items())  # whole, not torn


@pytest.mark.django_db
def test_an_uploads_folder_of_empty_folders_is_replaced(
        archive: Path, target: dict[str, Any]) -> None:
    uploads: Path = target["uploads"]
    (uploads / "scans" / "old").mkdir(parents=True)
    (uploads / "empty").mkdir()
    restore.restore_archive(archive, passphrase=PASSPHRASE.encode())
    assert tree(uploads) == UPLOADS
    assert not (uploads / "empty").exists() and not (uploads / "scans" / "old").exists()


@pytest.mark.django_db
def test_an_uploads_folder_holding_a_link_is_not_empty(
        archive: Path, target: dict[str, Any]) -> None:
    uploads: Path = target["uploads"]
    (uploads / "scans").mkdir(parents=True)
    (uploads / "scans" / "elsewhere").symlink_to(target["parent"])
    with pytest.raises(BackupError, match=r"the uploads directory .* is not empty"):
        restore.restore_archive(archive, passphrase=PASSPHRASE.encode())
    assert not (target["data_dir"] / "dev-secrets.json").exists()


def test_uploads_that_clash_are_refused_before_anything_is_placed(tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "uploads").mkdir(parents=True)
    files = []
    for number, relative in enumerate(("z", "z/b")):
        unpacked = work / "uploads" / f"{number:08d}"
        unpacked.write_bytes(b"x")
        files.append((unpacked, relative))
    extracted = Extracted(root=work, manifest={}, database=work / "db", uploads=files,
                          secrets={})
    with pytest.raises(BackupError) as exc:
        restore._stage_uploads(extracted, work / "uploads-tree")
    assert exc.value.damaged
    assert "'z/b' cannot be laid out as a file" in assert_one_line(exc)
    assert "nothing was placed" in exc.value.message


# ------------------------------------------------------------------ which rows count


def add_session() -> str:
    from django.contrib.sessions.backends.db import SessionStore

    SessionStore().create()
    return "django_session"


def add_email_address() -> str:
    from allauth.account.models import EmailAddress
    from tests.factories import UserFactory

    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return "account_emailaddress"  # checked before the user's own table (app order)


def add_login_attempt() -> str:
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(username="someone", ip_address="127.0.0.1", failures_since_start=1)
    return "axes_accessattempt"


@pytest.mark.django_db
@pytest.mark.parametrize("add_row", [add_session, add_email_address, add_login_attempt])
def test_rows_of_any_installed_app_make_the_database_not_empty(
        add_row: Callable[[], str], archive: Path, tmp_path: Path) -> None:
    forget_seeded_rows()
    data_dir = tmp_path / "data"
    with override_settings(UPLOADS_DIR=data_dir / "uploads", DATA_DIR=data_dir):
        # A migrated database is empty: content types and permissions are migrate's own.
        assert restore._target_problem() is None
        table = add_row()
        with pytest.raises(BackupError) as exc:
            restore.restore_archive(archive, passphrase=PASSPHRASE.encode())
    assert exc.value.message == (
        f"refusing to restore: the database is not empty (the table {table} has rows)")
    assert not data_dir.exists()


# ------------------------------------------------------------------ PostgreSQL: what is dropped


def pg_query(url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="module")
def pg() -> Iterator[dict[str, Any]]:
    """Throwaway databases on the server, dropped at the end: the source and targets."""
    url = postgres_url()
    if not url:
        pytest.skip("PostgreSQL only (set SCHOOLKEEP_TEST_POSTGRES)")
    made: list[str] = []

    def database() -> str:
        name = f"schoolkeep_safety_{uuid.uuid4().hex[:8]}"
        on_server(url, f'CREATE DATABASE "{name}"')
        made.append(name)
        return urlparse(url)._replace(path=f"/{name}").geturl()

    try:
        yield {"database": database}
    finally:
        for name in made:
            on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def pg_archive(pg: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_archive(tmp_path_factory.mktemp("pg-source"), pg["database"]())


def target_with_other_tables(pg: dict[str, Any], root: Path) -> tuple[dict[str, str], str]:
    """A PostgreSQL target holding a few of Django's tables (an empty session table, a cache
    and migration records, whose rows do not count) and another application's table, with a
    row, in the same schema."""
    url = pg["database"]()
    for sql in (
        "CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY, session_data text,"
        " expire_date timestamptz)",
        "CREATE TABLE schoolkeep_cache (cache_key varchar(255) PRIMARY KEY, value text,"
        " expires timestamptz)",
        "INSERT INTO schoolkeep_cache VALUES ('k', 'v', now())",
        "CREATE TABLE django_migrations (id serial PRIMARY KEY, app text, name text,"
        " applied timestamptz)",
        "INSERT INTO django_migrations (app, name, applied) VALUES ('x', '0001', now())",
        "CREATE TABLE other_app_notes (id int PRIMARY KEY, body text)",
        "INSERT INTO other_app_notes VALUES (1, 'not Schoolkeep''s')",
    ):
        pg_query(url, sql)
    return base_env(root / "data", url), url


def test_postgres_restore_leaves_another_applications_table_alone(
        pg: dict[str, Any], pg_archive: Path, tmp_path: Path) -> None:
    env, url = target_with_other_tables(pg, tmp_path)

    restored = run(env, "restore", str(pg_archive))

    assert "Restored the backup" in restored.stdout
    assert pg_query(url, "SELECT id, body FROM other_app_notes") == [(1, "not Schoolkeep's")]
    # Django's tables are the archive's now (its migration records, its seeded rules).
    assert pg_query(url, "SELECT count(*) FROM django_migrations WHERE app = 'x'") == [(0,)]
    assert pg_query(url, "SELECT count(*) FROM people_checkrule")[0][0] > 0
    assert tree(tmp_path / "data" / "uploads") == UPLOADS


def test_postgres_restore_refuses_when_something_depends_on_a_django_table(
        pg: dict[str, Any], pg_archive: Path, tmp_path: Path) -> None:
    env, url = target_with_other_tables(pg, tmp_path)
    pg_query(url, "CREATE VIEW other_app_sessions AS SELECT session_key FROM django_session")

    result = run(env, "restore", str(pg_archive), check=False)

    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "Django tables cannot be dropped" in result.stderr
    assert "other_app_sessions" in result.stderr  # PostgreSQL's detail names the dependant
    # One statement, no CASCADE: nothing was dropped, the other application's objects stay.
    assert pg_query(url, "SELECT count(*) FROM other_app_sessions") == [(0,)]
    assert pg_query(url, "SELECT count(*) FROM other_app_notes") == [(1,)]
    assert pg_query(url, "SELECT count(*) FROM schoolkeep_cache") == [(1,)]
    assert not (tmp_path / "data" / "uploads").exists()
