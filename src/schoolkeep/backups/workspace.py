"""The private folder every plaintext file of a backup or a verification is written in, and
the sweeping of folders left by a run that was killed."""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings

WORK_DIR_NAME = ".backup-work"
STALE_WORK_AGE = timedelta(hours=6)


def work_dir() -> Path:
    """``DATA_DIR/.backup-work`` (0700): every plaintext file of a backup or a verification is
    written under it, never into the folder the archive goes to, nor into /tmp."""
    path = Path(settings.DATA_DIR) / WORK_DIR_NAME
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)  # mkdir's mode is subject to the umask, and the folder may be older
    return path


def _newest_mtime(folder: Path) -> float:
    """The folder's own mtime or that of anything directly in it, whichever is newer: a file
    being written (a long pg_dump) keeps its folder from looking stale."""
    newest = folder.lstat().st_mtime
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                newest = max(newest, entry.stat(follow_symlinks=False).st_mtime)
            except OSError:
                continue
    return newest


def remove_stale_folders(parent: Path, pattern: str,
                         max_age: timedelta = STALE_WORK_AGE) -> list[Path]:
    cutoff = time.time() - max_age.total_seconds()
    removed = []
    for folder in parent.glob(pattern):
        try:
            info = folder.lstat()
            if (not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid()
                    or _newest_mtime(folder) >= cutoff):
                continue
        except OSError:
            continue  # gone already, or not ours to look into
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def sweep_stale_work(max_age: timedelta = STALE_WORK_AGE) -> list[Path]:
    """Remove working folders left by a backup or verification that was killed (SIGKILL, OOM,
    power loss): each may hold a plaintext copy of the database."""
    removed = remove_stale_folders(work_dir(), "*", max_age)
    # Left by earlier versions, which unpacked verifications into the system's temp folder.
    removed += remove_stale_folders(Path(tempfile.gettempdir()), "schoolkeep-verify-*",
                                     max_age)
    return removed


@contextmanager
def private_folder(prefix: str) -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=work_dir()))  # mkdtemp: mode 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
