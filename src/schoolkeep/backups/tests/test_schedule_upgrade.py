"""``schoolkeep upgrade``: back up, then migrate; a failed migration stops ``serve``."""

from __future__ import annotations

import os
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from schoolkeep.backups import services_nightly, upgrading
from schoolkeep.backups.management.commands import upgrade

pytestmark = pytest.mark.django_db


@pytest.fixture
def steps(monkeypatch):
    """Records the order of backup and migrate; migrations are waiting."""
    done: list[str] = []

    def backup(out_dir):
        done.append("backup")
        path = out_dir / "before-upgrade.skb"
        path.write_bytes(b"archive")
        return SimpleNamespace(path=path, size=7, manifest={})

    def migrate(name, **kwargs):
        assert name == "migrate"
        done.append("migrate")

    monkeypatch.setattr(upgrading, "pending_migrations", lambda: 2)
    monkeypatch.setattr(services_nightly, "create_archive", backup)
    monkeypatch.setattr(upgrade, "call_command", migrate)
    return done


def test_upgrade_backs_up_then_migrates(steps, settings):
    call_command("upgrade")
    assert steps == ["backup", "migrate"]
    # In its own folder: nightly retention never deletes it.
    assert (settings.DATA_DIR / "backups" / "before-upgrade" / "before-upgrade.skb").exists()
    assert not (settings.DATA_DIR / "MIGRATION_FAILED").exists()


def test_upgrade_refuses_to_migrate_when_the_backup_fails(steps, monkeypatch):
    def broken(out_dir):
        raise OSError("Permission denied")

    monkeypatch.setattr(services_nightly, "create_archive", broken)
    with pytest.raises(CommandError, match="the backup before the upgrade failed: Permission"):
        call_command("upgrade")
    assert steps == []


def test_upgrade_with_nothing_waiting_takes_no_backup(steps, monkeypatch):
    monkeypatch.setattr(upgrading, "pending_migrations", lambda: 0)
    call_command("upgrade")
    assert steps == ["migrate"]


def test_a_failed_migration_leaves_a_marker_that_stops_serve(steps, monkeypatch, settings):
    def failing(name, **kwargs):
        raise RuntimeError("table people_person has no column named nickname")

    monkeypatch.setattr(upgrade, "call_command", failing)
    with pytest.raises(CommandError, match="A migration failed") as raised:
        call_command("upgrade")
    assert raised.value.returncode == 1
    marker = settings.DATA_DIR / "MIGRATION_FAILED"
    text = marker.read_text()
    assert "no column named nickname" in text and "before-upgrade.skb" in text
    with pytest.raises(CommandError, match="Not running: a migration failed") as refused:
        call_command("serve", "--port", "8765")
    assert "schoolkeep upgrade" in str(refused.value) and "\n" not in str(refused.value)
    # Fixed, the upgrade succeeds and removes the marker.
    monkeypatch.setattr(upgrade, "call_command", lambda name, **kwargs: None)
    call_command("upgrade")
    assert not marker.exists()


def test_an_interrupted_migration_leaves_the_marker(steps, monkeypatch, settings):
    def interrupted(name, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(upgrade, "call_command", interrupted)
    with pytest.raises(KeyboardInterrupt):
        call_command("upgrade")
    marker = settings.DATA_DIR / "MIGRATION_FAILED"
    assert "interrupted" in marker.read_text()
    assert marker.stat().st_mode & 0o777 == 0o600
    with pytest.raises(CommandError, match="Not running"):
        call_command("worker", "--no-scheduler")


def test_only_the_newest_backups_before_upgrades_are_kept(steps, monkeypatch, settings):
    folder = upgrading.pre_upgrade_dir()
    folder.mkdir(parents=True)
    for n in range(7):
        old = folder / f"schoolkeep-old-{n}.skbackup"
        old.write_bytes(b"x")
        os.utime(old, (1_000_000 + n, 1_000_000 + n))

    def backup(out_dir):
        path = out_dir / "schoolkeep-new.skbackup"
        path.write_bytes(b"archive")
        return SimpleNamespace(path=path, size=7, manifest={})

    monkeypatch.setattr(services_nightly, "create_archive", backup)
    call_command("upgrade")
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == ["schoolkeep-new.skbackup", *[f"schoolkeep-old-{n}.skbackup"
                                                 for n in range(3, 7)]]
