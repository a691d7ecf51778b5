"""The nightly backup: take one archive, record the run, copy it off site, prune old ones.

``nightly_backup(now)`` never raises into the scheduler: a failure is recorded as a run
with its one-line reason, which the IT lead then sees as a duty (``duties_backups``).

Retention (of the archives in ``<data dir>/backups/`` only; a copy directory is the
operator's own store and is left alone): the newest archive of each of the last 14 days
and the newest of each of the last 8 ISO weeks (Europe/London) are kept, the rest deleted.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record
from schoolkeep.backups.models import BackupRun
from schoolkeep.backups.passphrase import resolve_passphrase
from schoolkeep.duties.types import LONDON

logger = logging.getLogger(__name__)

ACTION_LABELS = {
    "backups.nightly.succeeded": "Nightly backup taken",
    "backups.nightly.failed": "Nightly backup failed",
}

KEEP_DAYS = 14
KEEP_WEEKS = 8
MESSAGE_LENGTH = 500


# --- where, and with which passphrase -------------------------------------------------------


def backups_dir() -> Path:
    return Path(settings.DATA_DIR) / "backups"


def copy_dir() -> Path | None:
    """``SCHOOLKEEP_BACKUP_COPY_DIR``: a second directory (a mounted off-site or offline
    store) that receives a copy of each nightly archive; None when unset."""
    value = getattr(settings, "BACKUP_COPY_DIR", None) or os.environ.get(
        "SCHOOLKEEP_BACKUP_COPY_DIR", "")
    return Path(value) if value else None


def create_archive(out_dir: Path) -> Any:
    from schoolkeep.backups.archive import backup_create

    return backup_create(out_dir=out_dir, passphrase=resolve_passphrase())


def verify_archive(path: Path) -> None:
    """Decrypt the archive just written and check every checksum: a run is recorded as good
    only if its archive can be restored."""
    from schoolkeep.backups.archive import backup_verify

    backup_verify(path, passphrase=resolve_passphrase())


def skipped_note(result: Any) -> str:
    """What the archive left out (links and other files that are not plain files), if any."""
    skipped = list(getattr(result, "skipped", []) or [])
    if not skipped:
        return ""
    names = ", ".join(skipped[:3]) + ("…" if len(skipped) > 3 else "")
    return (f"{len(skipped)} item(s) in the uploads folder are not plain files and were not "
            f"backed up: {names}")[:MESSAGE_LENGTH]


def one_line(exc: BaseException) -> str:
    """The reason of a failure on one line, as recorded and shown to the IT lead."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:MESSAGE_LENGTH]


# --- retention --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Archive:
    path: Path
    made_at: datetime  # aware


def archives_to_keep(archives: Iterable[Archive], now: datetime) -> set[Path]:
    """The newest archive of each of the last 14 days and of each of the last 8 ISO weeks
    (today and this week included); anything dated after ``now`` is kept too."""
    today = now.astimezone(LONDON).date()
    this_week = _week_number(today)
    newest: dict[tuple[str, object], Archive] = {}
    keep: set[Path] = set()
    for archive in archives:
        if archive.made_at > now:
            keep.add(archive.path)  # a clock set wrong: delete nothing we do not understand
            continue
        day = archive.made_at.astimezone(LONDON).date()
        buckets: list[tuple[str, object]] = []
        if (today - day).days < KEEP_DAYS:
            buckets.append(("day", day))
        if this_week - _week_number(day) < KEEP_WEEKS:
            buckets.append(("week", day.isocalendar()[:2]))
        for bucket in buckets:
            held = newest.get(bucket)
            if held is None or archive.made_at > held.made_at:
                newest[bucket] = archive
    return keep | {archive.path for archive in newest.values()}


def _week_number(day: date) -> int:
    """Weeks since a fixed Monday, so that ISO weeks across a new year subtract simply."""
    monday = date.fromordinal(day.toordinal() - day.weekday())
    return monday.toordinal() // 7


def prune(directory: Path, suffix: str, now: datetime) -> list[str]:
    """Delete the archives (files ending with ``suffix``) that retention does not keep;
    returns their names. Other files, and partial files (named with a leading dot), stay."""
    archives = [
        Archive(path, datetime.fromtimestamp(path.stat().st_mtime, tz=LONDON))
        for path in directory.iterdir()
        if path.is_file() and path.name.endswith(suffix) and not path.name.startswith(".")
    ]
    keep = archives_to_keep(archives, now)
    deleted = []
    for archive in sorted(archives, key=lambda a: a.made_at):
        if archive.path not in keep:
            archive.path.unlink(missing_ok=True)
            deleted.append(archive.path.name)
    return deleted


def copy_archive(path: Path, destination: Path) -> Path:
    """Copy under a temporary name, flush, then rename: the copy directory never holds a
    half-written archive under its real name. Readable by the Schoolkeep user only."""
    destination.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = destination / f".{path.name}.partial"
    partial.unlink(missing_ok=True)  # left by a copy that was interrupted
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with path.open("rb") as source, os.fdopen(fd, "wb") as target:
        shutil.copyfileobj(source, target, 1024 * 1024)
        target.flush()
        os.fsync(target.fileno())
    final = destination / path.name
    os.replace(partial, final)
    return final


def last_good_backup() -> BackupRun | None:
    """The newest successful run, for the dashboard: one query."""
    return BackupRun.objects.filter(ok=True).order_by("-finished_at").first()


# --- the nightly job --------------------------------------------------------------------------


def _archive_suffix(name: str) -> str:
    """".sk.age" from "schoolkeep-2026-11-28.sk.age": everything from the first dot."""
    _, dot, rest = name.partition(".")
    return f".{rest}" if dot else ""


def nightly_backup(now: datetime) -> BackupRun:
    """Take the nightly backup; returns the recorded run (ok or not). Never raises."""
    run = BackupRun.objects.create(started_at=now)
    deleted: list[str] = []
    try:
        out_dir = backups_dir()
        out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        result = create_archive(out_dir)
        path = Path(result.path)
        run.file_name, run.size = path.name, int(result.size)
        verify_archive(path)
        run.message = skipped_note(result)
        if run.message:
            logger.warning("Nightly backup: %s", run.message)
        destination = copy_dir()
        if destination is not None:
            try:
                copy_archive(path, destination)
            except OSError as exc:
                raise OSError(f"The backup was written but could not be copied to "
                              f"{destination}: {one_line(exc)}") from exc
        deleted = prune(out_dir, _archive_suffix(path.name) or path.suffix, now)
    except Exception as exc:  # recorded for the IT lead; the scheduler carries on
        logger.exception("The nightly backup failed")
        run.message = one_line(exc)
        run.ok = False
    else:
        run.ok = True
    run.finished_at = timezone.now()
    try:
        with transaction.atomic():
            run.save()
            audit_record(
                action="backups.nightly.succeeded" if run.ok else "backups.nightly.failed",
                target=run, target_label=run.file_name or "Nightly backup",
                changes={"file": run.file_name, "size": run.size, "message": run.message,
                         "deleted": deleted},
            )
    except Exception:
        logger.exception("The nightly backup's run could not be recorded")
    return run
