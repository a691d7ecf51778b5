"""The nightly backup: retention, the copy directory, failures, its duty and the dashboard."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from schoolkeep.backups import passphrase, services_nightly, ticks_backups
from schoolkeep.backups.duties_backups import FAILED_TITLE, MISSING_TITLE, BackupDuties
from schoolkeep.backups.errors import BackupError
from schoolkeep.backups.models import BackupRun
from schoolkeep.backups.services_nightly import Archive, archives_to_keep, nightly_backup, prune
from schoolkeep.duties import selectors
from schoolkeep.duties.types import HORIZON

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("duties:dashboard")
NOW = datetime(2026, 11, 28, 2, 5, tzinfo=UTC)  # a Saturday


class FakeArchive:
    """Stands in for ``archive.backup_create``: writes a small file, or fails."""

    def __init__(self, error: Exception | None = None, skipped: list[str] | None = None
                 ) -> None:
        self.error = error
        self.calls = 0
        self.skipped = skipped or []

    def __call__(self, out_dir: Path) -> SimpleNamespace:
        self.calls += 1
        if self.error is not None:
            raise self.error
        path = out_dir / f"schoolkeep-{self.calls:04d}.skb"
        path.write_bytes(b"x" * 2048)
        return SimpleNamespace(path=path, size=2048, manifest={}, skipped=self.skipped)


@pytest.fixture
def fake_archive(monkeypatch):
    fake = FakeArchive()
    monkeypatch.setattr(services_nightly, "create_archive", fake)
    monkeypatch.setattr(services_nightly, "verify_archive", lambda path: None)
    return fake


# --- retention -------------------------------------------------------------------------------


def test_retention_keeps_newest_of_14_days_and_of_8_iso_weeks():
    archives = [Archive(Path(f"d{n}"), NOW - timedelta(days=n)) for n in range(120)]
    archives.append(Archive(Path("earlier-today"), NOW - timedelta(minutes=1)))
    kept = archives_to_keep(archives, NOW)
    # Today (the newest of today only) and the 13 days before it.
    assert {Path(f"d{n}") for n in range(14)} <= kept
    assert Path("earlier-today") not in kept
    # Older: only Sundays, the newest of their ISO week, back to 8 weeks including this one.
    older = sorted(int(p.name[1:]) for p in kept if int(p.name[1:]) >= 14)
    assert older == [20, 27, 34, 41, 48]
    assert all((NOW - timedelta(days=n)).weekday() == 6 for n in older)
    assert len(kept) == 19


def test_prune_deletes_only_archives_retention_drops(tmp_path):
    for days in (0, 1, 15, 16, 90):
        path = tmp_path / f"schoolkeep-{days}.skb"
        path.write_bytes(b"x")
        stamp = (NOW - timedelta(days=days)).timestamp()
        os.utime(path, (stamp, stamp))
    (tmp_path / "notes.txt").write_text("not an archive")
    deleted = prune(tmp_path, ".skb", NOW)
    # 15 days back is Friday 13 Nov, 16 days Thursday 12 Nov: same ISO week, Friday newer.
    assert sorted(deleted) == ["schoolkeep-16.skb", "schoolkeep-90.skb"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "notes.txt", "schoolkeep-0.skb", "schoolkeep-1.skb", "schoolkeep-15.skb"]


# --- the nightly run ---------------------------------------------------------------------------


def test_nightly_backup_records_the_run_and_copies_to_the_copy_dir(settings, fake_archive,
                                                                   tmp_path):
    settings.BACKUP_COPY_DIR = str(tmp_path / "offsite")
    run = nightly_backup(timezone.now())
    assert run.ok and run.size == 2048 and run.file_name == "schoolkeep-0001.skb"
    assert (settings.DATA_DIR / "backups" / run.file_name).exists()
    copy = tmp_path / "offsite" / run.file_name
    assert copy.read_bytes() == b"x" * 2048
    assert copy.stat().st_mode & 0o777 == 0o600
    assert not [p for p in copy.parent.iterdir() if p.name.startswith(".")]
    assert BackupRun.objects.get().ok


def test_a_failed_backup_is_recorded_and_never_raises(monkeypatch):
    monkeypatch.setattr(services_nightly, "create_archive",
                        FakeArchive(OSError("No space left on device\nmore detail")))
    run = nightly_backup(timezone.now())
    run.refresh_from_db()
    assert not run.ok and run.finished_at is not None
    assert run.message == "No space left on device"


def test_a_failed_copy_is_a_failed_run(settings, fake_archive, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the copy directory should be")
    settings.BACKUP_COPY_DIR = str(blocker)
    run = nightly_backup(timezone.now())
    assert not run.ok
    assert run.message.startswith(f"The backup was written but could not be copied to {blocker}")


def test_an_archive_that_does_not_verify_is_a_failed_run(settings, fake_archive, monkeypatch):
    def damaged(path):
        raise BackupError("the archive is damaged: unexpected end of data", damaged=True)

    monkeypatch.setattr(services_nightly, "verify_archive", damaged)
    run = nightly_backup(timezone.now())
    assert not run.ok and run.message == "the archive is damaged: unexpected end of data"


def test_uploads_left_out_are_noted_on_a_good_run(fake_archive):
    fake_archive.skipped = ["scans/link.pdf"]
    run = nightly_backup(timezone.now())
    assert run.ok
    assert run.message == ("1 item(s) in the uploads folder are not plain files and were not "
                           "backed up: scans/link.pdf")


def test_the_tick_backs_up_once_a_night_after_2am(fake_archive):
    before = datetime(2026, 11, 28, 1, 50, tzinfo=UTC)
    ticks_backups.nightly_tick(before)  # takes the night before's backup (caught up)
    assert fake_archive.calls == 1
    ticks_backups.nightly_tick(before + timedelta(minutes=5))
    assert fake_archive.calls == 1
    ticks_backups.nightly_tick(datetime(2026, 11, 28, 2, 0, tzinfo=UTC))
    ticks_backups.nightly_tick(datetime(2026, 11, 28, 2, 10, tzinfo=UTC))
    assert fake_archive.calls == 2
    # In summer 02:00 London is 01:00 UTC.
    ticks_backups.nightly_tick(datetime(2027, 7, 1, 1, 0, tzinfo=UTC))
    assert fake_archive.calls == 3


# --- the duty ----------------------------------------------------------------------------------


def _duties(school, now):
    return [d for d in selectors.duties_for_school(school, now) if d.module == "backups"]


def test_a_failed_backup_is_a_duty_of_every_schools_it_lead(personas, monkeypatch):
    monkeypatch.setattr(services_nightly, "create_archive", FakeArchive(OSError("Disk full")))
    now = timezone.now()
    nightly_backup(now)
    for school in (personas.school, personas.other_school):
        [duty] = _duties(school, now)
        assert duty.title == FAILED_TITLE and duty.subject == "Disk full" and duty.overdue
    [duty] = _duties(personas.school, now)
    assert duty.owner_user_ids == (personas.it_lead.pk,)
    # Hillside has no IT lead: its SIRO has it.
    [duty] = _duties(personas.other_school, now)
    assert duty.owner_user_ids == (personas.outsider.pk,)
    counts = BackupDuties().counts([personas.school.pk, personas.other_school.pk],
                                   now=now, horizon=now + HORIZON)
    assert {k: v.overdue for k, v in counts.items()} == {
        personas.school.pk: 1, personas.other_school.pk: 1}


def test_no_backup_in_36_hours_is_a_duty(personas, fake_archive):
    start = timezone.now()
    run = nightly_backup(start)
    assert _duties(personas.school, start + timedelta(hours=35)) == []
    later = run.finished_at + timedelta(hours=37)
    [duty] = _duties(personas.school, later)
    assert duty.title == MISSING_TITLE and duty.overdue
    counts = BackupDuties().counts([personas.school.pk], now=later, horizon=later + HORIZON)
    assert counts[personas.school.pk].overdue == 1
    # A good backup clears it.
    with time_machine.travel(later, tick=False):
        nightly_backup(later)
    assert _duties(personas.school, later + timedelta(minutes=1)) == []
    assert BackupDuties().counts([personas.school.pk], now=later + timedelta(minutes=1),
                                 horizon=later + HORIZON) == {}


def test_a_new_installation_waits_36_hours_before_the_missing_duty(personas):
    now = timezone.now()
    assert _duties(personas.school, now) == []
    [duty] = _duties(personas.school, now + timedelta(hours=37))
    assert duty.title == MISSING_TITLE


# --- the dashboard -----------------------------------------------------------------------------


def test_dashboard_shows_the_last_good_backup_to_who_sees_systems(personas, login,
                                                                  fake_archive):
    page = login(personas.siro).get(DASHBOARD).content.decode()
    assert "No good backup yet" in page
    with time_machine.travel(datetime(2026, 11, 28, 2, 0, 30, tzinfo=UTC), tick=False):
        nightly_backup(timezone.now())
    page = login(personas.it_lead).get(DASHBOARD).content.decode()
    assert "Last good backup: 28 November 2026 02:00 (2.0\xa0KB)" in page
    page = login(personas.staff).get(DASHBOARD).content.decode()
    assert "good backup" not in page


# --- with the real archive ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_nightly_backup_with_the_real_archive(monkeypatch, settings):
    monkeypatch.setenv("SCHOOLKEEP_BACKUP_PASSPHRASE", "correct horse battery staple")
    run = nightly_backup(timezone.now())
    assert run.ok, run.message
    path = settings.DATA_DIR / "backups" / run.file_name
    assert path.stat().st_size == run.size > 0


def test_development_passphrase_is_created_once_with_mode_0600(settings):
    first = passphrase.development_passphrase()
    path = settings.DATA_DIR / passphrase.DEV_PASSPHRASE_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    assert passphrase.development_passphrase() == first and len(first) >= 32


def test_a_backup_is_refused_inside_a_transaction(tmp_path):
    # Every test runs inside a transaction: SQLite's online backup would wait for ever.
    from schoolkeep.backups.archive import backup_create
    from schoolkeep.backups.errors import BackupError

    with pytest.raises(BackupError, match="inside a database transaction"):
        backup_create(out_dir=tmp_path, passphrase=b"x" * 20)
    assert not list(tmp_path.iterdir())
