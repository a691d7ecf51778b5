"""The restore drill: demo → backup → restore into a fresh data directory, on SQLite and on
PostgreSQL, then the same member logs in with a fresh TOTP code; and the refusals.

Each Schoolkeep runs as its own ``schoolkeep`` process with its own data directory (and
database), as an operator would run it on a new machine.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.test import override_settings

from schoolkeep.backups.archive import POSTGRES_MEMBER, open_archive
from schoolkeep.backups.crypto import EncryptingWriter
from schoolkeep.backups.errors import BackupError
from schoolkeep.backups.passphrase import DEV_PASSPHRASE_FILE, resolve_passphrase

PASSPHRASE = "drill passphrase, kept apart from the backups"
SCHOOLKEEP = str(Path(sys.executable).parent / "schoolkeep")
MEMBER = "siro@larkspur.example"

LOGIN_SCRIPT = """
import django
django.setup()
from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value, hotp_value, yield_hotp_counters_from_time)
from django.test import Client
from schoolkeep.accounts.models import User
from schoolkeep.demo.builder import DEMO_PASSWORD

user = User.objects.get(email=%(email)r)
totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
secret = get_adapter().decrypt(totp.data["secret"])
client = Client()
first = client.post("/accounts/login/", {"login": user.email, "password": DEMO_PASSWORD})
if first.status_code != 302:  # say why, should it ever happen
    import re
    from django.utils.html import strip_tags
    page = first.content.decode()
    errors = re.findall(r'<[^>]*(?:error|alert)[^>]*>(.*?)</', page, re.S)
    raise SystemExit(f"login refused ({first.status_code}): "
                     f"{[strip_tags(e).strip() for e in errors][:5]} active={user.is_active}")
assert "2fa" in first["Location"], first["Location"]
# The code of this moment, not of before the password step (slow on a busy machine, which
# could cross into the next 30-second step).
code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
second = client.post(first["Location"], {"code": code})
assert second.status_code == 302, second
assert client.session["_auth_user_id"] == str(user.pk)
print("logged in")
"""


def run(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [SCHOOLKEEP, *args], env=env, capture_output=True, text=True, check=False, timeout=300,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"schoolkeep {' '.join(args)}: {result.stderr}")
    return result


def base_env(data_dir: Path, database_url: str = "") -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SCHOOLKEEP_", "DJANGO_", "DATABASE_URL"))}
    env.update(SCHOOLKEEP_ENV="development", SCHOOLKEEP_DATA_DIR=str(data_dir),
               SCHOOLKEEP_HTTPS="false", SCHOOLKEEP_ALLOWED_HOSTS="testserver",
               SCHOOLKEEP_BACKUP_PASSPHRASE=PASSPHRASE,
               DJANGO_SETTINGS_MODULE="schoolkeep.settings")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


_migrated: Path | None = None


def migrated_sqlite(env: dict[str, str], factory: pytest.TempPathFactory) -> None:
    """The data folder of ``env`` as ``migrate`` and ``createcachetable`` leave it on SQLite:
    a copy of a database migrated once per test process (every migration, run in a fresh
    process, takes half a minute or more on a busy machine; the drills need the result, not
    the run). The folder's own secrets are made when Schoolkeep next starts, as after a real
    migrate. ``test_a_plain_migrate_at_the_command_line_backs_up_first`` runs migrate itself."""
    global _migrated
    if _migrated is None:
        template = factory.mktemp("migrated") / "data"
        template_env = dict(env, SCHOOLKEEP_DATA_DIR=str(template))
        run(template_env, "migrate", "-v0")
        run(template_env, "createcachetable")
        _migrated = template
    data_dir = Path(env["SCHOOLKEEP_DATA_DIR"])
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    for database in _migrated.glob("schoolkeep.sqlite3*"):
        shutil.copy2(database, data_dir / database.name)


def postgres_url() -> str:
    for name in ("DATABASE_URL", "SCHOOLKEEP_TEST_POSTGRES"):
        value = os.environ.get(name, "")
        if value.startswith(("postgres://", "postgresql://")):
            return value
    return ""


def on_server(url: str, sql: str) -> None:
    import psycopg

    server = urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def drill(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[dict[str, object]]:
    """A demo school backed up once, and a second, empty Schoolkeep to restore it into."""
    root = tmp_path_factory.mktemp(f"drill-{request.param}")
    urls = {"a": "", "b": ""}
    if request.param == "postgresql":
        url = postgres_url()
        if not url:
            pytest.skip("the suite runs on SQLite (DATABASE_URL is not PostgreSQL)")
        for key in urls:
            name = f"schoolkeep_drill_{key}_{uuid.uuid4().hex[:8]}"
            on_server(url, f'CREATE DATABASE "{name}"')
            urls[key] = urlparse(url)._replace(path=f"/{name}").geturl()
    source, target = base_env(root / "a", urls["a"]), base_env(root / "b", urls["b"])
    try:
        if urls["a"]:
            run(source, "migrate", "-v0")
            run(source, "createcachetable")
        else:
            migrated_sqlite(source, tmp_path_factory)
        run(source, "demo", "--no-logins")
        made = run(source, "backup", "--out", str(root / "backups"))
        archive = next((root / "backups").glob("*.skbackup"))
        yield {"root": root, "source": source, "target": target, "archive": archive,
               "made": made.stdout, "vendor": request.param, "urls": urls}
    finally:
        for url in urls.values():
            if url:
                on_server(url, f'DROP DATABASE IF EXISTS "{urlparse(url).path[1:]}" WITH (FORCE)')


def checksums(env: dict[str, str]) -> dict[str, object]:
    """Every table's checksum, recomputed in a fresh process against that Schoolkeep."""
    script = (
        "import django, json; django.setup()\n"
        "from django.db import connection\n"
        "from schoolkeep.backups.manifest import table_checksums\n"
        "from schoolkeep.backups.postgres import postgres_connect\n"
        "connection.ensure_connection()\n"
        "raw = connection.connection if connection.vendor == 'sqlite' else "
        "postgres_connect(connection.settings_dict)\n"
        "print(json.dumps(table_checksums(raw, connection.vendor)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout)


def file_hashes(uploads: Path) -> dict[str, str]:
    return {p.relative_to(uploads).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in uploads.rglob("*") if p.is_file()}


@pytest.mark.own_databases
def test_backup_verifies_and_restores_exactly(drill: dict[str, object]) -> None:
    source, target = drill["source"], drill["target"]
    archive = str(drill["archive"])
    assert isinstance(source, dict) and isinstance(target, dict)
    verified = run(source, "backup", "verify", archive)
    assert "all checksums match" in verified.stdout
    before = checksums(source)
    assert before["people_person"]["rows"] > 0  # type: ignore[index]

    restored = run(target, "restore", archive)
    assert "Restored the backup" in restored.stdout
    assert "dev-secrets.json" in restored.stdout
    data_dir = Path(target["SCHOOLKEEP_DATA_DIR"])
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700  # private, as at every start
    for database in data_dir.glob("schoolkeep.sqlite3*"):
        assert stat.S_IMODE(database.stat().st_mode) == 0o600, database

    after = checksums(target)
    # The cache may differ (it is the one table written by merely starting a process).
    for table in set(before) | set(after):
        if table != "schoolkeep_cache":
            assert after.get(table) == before.get(table), table
    uploads_a = Path(source["SCHOOLKEEP_DATA_DIR"]) / "uploads"
    uploads_b = Path(target["SCHOOLKEEP_DATA_DIR"]) / "uploads"
    assert file_hashes(uploads_a) and file_hashes(uploads_b) == file_hashes(uploads_a)

    # The restored keys decrypt the TOTP secret: the member logs in with a fresh code.
    login = subprocess.run([sys.executable, "-c", LOGIN_SCRIPT % {"email": MEMBER}],
                           env=target, capture_output=True, text=True, check=False)
    assert login.returncode == 0, login.stderr
    assert "logged in" in login.stdout

    again = run(target, "restore", archive, check=False)
    assert again.returncode == 1
    assert again.stderr.strip().count("\n") == 0
    assert "refusing to restore" in again.stderr


def fresh_target(root: Path, name: str) -> tuple[dict[str, str], Path]:
    data_dir = root / name
    env = base_env(data_dir)
    # Keys from the environment, so that starting the command writes nothing itself.
    env.update(SCHOOLKEEP_SECRET_KEY="k" * 50,
               SCHOOLKEEP_ENCRYPTION_KEYS="Mb4xgl1i9cRPkIcqFMUAIA2GDZtyhtjuPwWqTTtHHq0=")
    return env, data_dir


def refused(archive: Path, name: str, passphrase: str = PASSPHRASE
            ) -> subprocess.CompletedProcess[str]:
    env, data_dir = fresh_target(archive.parent, name)
    env["SCHOOLKEEP_BACKUP_PASSPHRASE"] = passphrase
    result = run(env, "restore", str(archive), check=False)
    assert result.returncode in (1, 2)
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert not data_dir.exists(), "nothing may be written"
    assert not list(data_dir.parent.glob(".schoolkeep-restore-*"))
    return result


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of a migrated, empty Schoolkeep with one upload."""
    root = tmp_path_factory.mktemp("small")
    env = base_env(root / "data")
    migrated_sqlite(env, tmp_path_factory)
    (root / "data" / "uploads" / "scans").mkdir(parents=True)
    (root / "data" / "uploads" / "scans" / "a.pdf").write_bytes(b"%PDF-1.4 a scan")
    run(env, "backup", "--out", str(root / "out"))
    return next((root / "out").glob("*.skbackup"))


@pytest.mark.own_databases
def test_wrong_passphrase_is_refused(small_archive: Path) -> None:
    result = refused(small_archive, "wrong", passphrase="not the passphrase")
    assert "wrong passphrase or not a Schoolkeep backup" in result.stderr
    assert result.returncode == 1


@pytest.mark.own_databases
def test_a_flipped_byte_is_refused(small_archive: Path, tmp_path: Path) -> None:
    data = bytearray(small_archive.read_bytes())
    data[len(data) // 2] ^= 0x40  # inside the first chunk: damage, not a wrong passphrase
    damaged = tmp_path / "flipped.skbackup"
    damaged.write_bytes(bytes(data))
    result = refused(damaged, "flipped")
    assert "damaged" in result.stderr and result.returncode == 2
    verify = run(base_env(tmp_path / "v"), "backup", "verify", str(damaged), check=False)
    assert verify.returncode == 2 and "failed authentication" in verify.stderr


@pytest.mark.own_databases
def test_a_truncated_archive_is_refused(small_archive: Path, tmp_path: Path) -> None:
    data = small_archive.read_bytes()
    cut = tmp_path / "cut.skbackup"
    cut.write_bytes(data[: len(data) - 1000])
    result = refused(cut, "truncated")
    assert "truncated" in result.stderr and result.returncode == 2


@pytest.mark.own_databases
def test_an_archive_from_a_newer_schoolkeep_is_refused(small_archive: Path,
                                                        tmp_path: Path) -> None:
    import tarfile

    newer = tmp_path / "newer.skbackup"
    with newer.open("wb") as sink:
        writer = EncryptingWriter(sink, PASSPHRASE.encode())
        with open_archive(small_archive, PASSPHRASE.encode()) as (_r, tar), \
                tarfile.open(fileobj=writer, mode="w|") as out:  # type: ignore[call-overload]
            for member in tar:
                data = tar.extractfile(member).read()  # type: ignore[union-attr]
                if member.name == "manifest.json":
                    manifest = json.loads(data)
                    manifest["migrations"].append(["people", "9999_from_the_future"])
                    manifest["schoolkeep_version"] = "9.0.0"
                    data = json.dumps(manifest).encode()
                    member.size = len(data)
                out.addfile(member, io.BytesIO(data))
        writer.close()
    result = refused(newer, "newer")
    assert "newer Schoolkeep" in result.stderr and "people.9999_from_the_future" in result.stderr
    assert result.returncode == 1


def test_without_a_passphrase_production_says_why_and_development_keeps_its_own(
        settings: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("SCHOOLKEEP_BACKUP_PASSPHRASE", raising=False)
    monkeypatch.delenv("SCHOOLKEEP_BACKUP_KEY_FILE", raising=False)
    settings.DATA_DIR = tmp_path
    settings.DEVELOPMENT = False
    with pytest.raises(BackupError, match="SCHOOLKEEP_BACKUP_PASSPHRASE"):
        resolve_passphrase()
    assert not (tmp_path / DEV_PASSPHRASE_FILE).exists()
    settings.DEVELOPMENT = True
    assert resolve_passphrase() == (tmp_path / DEV_PASSPHRASE_FILE).read_bytes().strip()


@pytest.mark.own_databases
def test_the_postgres_archive_holds_a_custom_dump(drill: dict[str, object]) -> None:
    if drill["vendor"] != "postgresql":
        pytest.skip("PostgreSQL only")
    with open_archive(Path(str(drill["archive"])), PASSPHRASE.encode()) as (_reader, tar):
        names = [member.name for member in tar]
    assert names[0] == "manifest.json" and POSTGRES_MEMBER in names


@pytest.mark.django_db
def test_a_database_with_rows_is_refused(small_archive: Path, tmp_path: Path) -> None:
    from tests.factories import UserFactory

    from schoolkeep.backups.errors import BackupError
    from schoolkeep.backups.restore import restore_archive

    UserFactory()
    with override_settings(UPLOADS_DIR=tmp_path / "uploads", DATA_DIR=tmp_path), \
            pytest.raises(BackupError, match="the database is not empty"):
        restore_archive(small_archive, passphrase=PASSPHRASE.encode())
    assert list(tmp_path.iterdir()) == []
