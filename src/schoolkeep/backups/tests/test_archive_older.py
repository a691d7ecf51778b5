"""An archive from an older Schoolkeep is restored and then migrated; a plain ``schoolkeep
migrate`` at the command line backs up first, as ``upgrade`` does.

"Older" is made real by rolling migrations back with Django's own ``migrate APP TARGET`` after
the demo is built: the database then has the schema (and the ``django_migrations`` rows) of a
Schoolkeep from before those migrations existed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from schoolkeep.backups.archive import open_archive, read_manifest
from schoolkeep.backups.tests.test_archive_drill import (
    PASSPHRASE,
    base_env,
    migrated_sqlite,
    run,
)

pytestmark = pytest.mark.own_databases  # see conftest.py

# Later migrations of several apps: without them the archive is one from before issue 7
# (no backup runs, no job heartbeats), before incidents' reasons and policies' comments.
ROLLED_BACK = [("backups", "zero"), ("jobs", "0001_job"), ("incidents", "0001_incidents"),
               ("agreements", "0001_initial")]

COUNTS = """
import django, json; django.setup()
from django.db import connection
with connection.cursor() as cursor:
    result = {}
    for table in ("people_person", "assets_asset", "audit_auditevent", "incidents_incident"):
        cursor.execute(f"SELECT count(*) FROM {table}")
        result[table] = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM agreements_policyversion")
    result["policy_versions"] = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM agreements_policyversion WHERE returned_at IS NULL")
    result["not_returned"] = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM backups_backuprun")
    result["backup_runs"] = cursor.fetchone()[0]
print(json.dumps(result))
"""


def counts(env: dict[str, str]) -> dict[str, int]:
    result = subprocess.run([sys.executable, "-c", COUNTS], env=env, capture_output=True,
                            text=True, check=True)
    return json.loads(result.stdout)


def rolled_back_migrations() -> int:
    """How many migrations the roll-back undid: the restore applies them again."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    undone = {(app, name) for app, name in loader.disk_migrations for rolled, target in ROLLED_BACK
              if app == rolled and (target == "zero" or name > target)}
    # Migrations of other apps that depend on one undone (a password change's incident) are
    # undone with it.
    for key in list(undone):
        undone.update(loader.graph.backwards_plan(key))
    return len(undone)


def applied(archive: Path) -> set[tuple[str, str]]:
    with open_archive(archive, PASSPHRASE.encode()) as (_reader, tar):
        for member in tar:
            if member.name == "manifest.json":
                return {(app, name) for app, name in read_manifest(member, tar)["migrations"]}
    raise AssertionError("no manifest")


def test_an_archive_from_an_older_schoolkeep_is_restored_then_migrated(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    old = base_env(tmp_path / "old")
    migrated_sqlite(old, tmp_path_factory)  # migrate and createcachetable
    run(old, "demo", "--no-logins")
    current = counts(old)
    for app, target in ROLLED_BACK:
        run(old, "migrate", app, target, "-v0")
    assert not (tmp_path / "old" / "backups").exists()  # a named target is not wrapped
    run(old, "backup", "--out", str(tmp_path / "out"))
    archive = next((tmp_path / "out").glob("*.skbackup"))
    in_archive = applied(archive)
    assert ("backups", "0001_backup_runs") not in in_archive
    assert ("jobs", "0002_job_worker_heartbeat") not in in_archive
    assert ("jobs", "0001_job") in in_archive

    new = base_env(tmp_path / "new")
    restored = run(new, "restore", str(archive))
    newer = rolled_back_migrations()
    assert f"{newer} newer migrations applied" in restored.stdout, restored.stdout
    assert run(new, "migrate", "--check", check=False).returncode == 0  # nothing waiting
    after = counts(new)
    assert after["backup_runs"] == 0
    # Every record is there, and policy versions have the newer columns, empty.
    for table in ("people_person", "assets_asset", "audit_auditevent", "incidents_incident",
                  "policy_versions"):
        assert after[table] == current[table] > 0, table
    assert after["not_returned"] == after["policy_versions"]


def test_a_plain_migrate_at_the_command_line_backs_up_first(tmp_path: Path) -> None:
    env = base_env(tmp_path / "data")
    backups = tmp_path / "data" / "backups" / "before-upgrade"
    first = run(env, "migrate", "-v0")
    assert not backups.exists()  # a new, empty database: nothing to back up
    run(env, "migrate", "backups", "zero", "-v0")
    upgraded = run(env, "migrate")
    assert "Backed up to" in upgraded.stdout and "Applying backups.0001" in upgraded.stdout
    assert len(list(backups.glob("*.skbackup"))) == 1
    again = run(env, "migrate")
    assert "No migrations to apply" in again.stdout
    assert len(list(backups.glob("*.skbackup"))) == 1  # nothing waiting, no backup
    assert first.returncode == 0
