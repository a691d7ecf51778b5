"""Creating jobs and reporting their progress. Progress is written with single-row UPDATEs
so that a long-running task never overwrites fields another process changed.

An import writes all its rows in one transaction, and an UPDATE made inside it is seen by
others only when it commits: progress reported inside a transaction is also written to a
small note in the jobs folder (shared by every machine), which the job's page reads while
the job runs and which is removed when it ends."""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from schoolkeep.jobs.models import Job
from schoolkeep.lib.private_files import PRIVATE_FILE, PRIVATE_FOLDER
from schoolkeep.tenancy.roles import PERMISSIONS

logger = logging.getLogger(__name__)
KEEP_FILES_FOR = timedelta(days=1)
# A running job that has not reported for this long lost its worker (on another machine,
# where its process cannot be looked up). Imports report at least every few hundred rows.
STALE_AFTER = timedelta(minutes=30)
INTERRUPTED_MESSAGE = ("This stopped before it finished because the worker running it stopped. "
                       "An import saves all its rows or none of them: look at the records before "
                       "starting it again.")


def jobs_dir() -> Path:
    path = Path(settings.DATA_DIR) / "jobs"
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_FOLDER)
    return path


def job_create(*, school: Any, actor: Any, kind: str, title: str, permission: str,
               total: int = 0) -> Job:
    """A queued job. ``permission``: what its maker needed to start it, and so what its
    result needs: its page and file are served only while its maker still holds it."""
    if permission not in PERMISSIONS:
        raise ValueError(f"A job needs a known permission, not {permission!r}.")
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return Job.objects.create(
        school=school,
        created_by=actor if is_user else None,
        created_by_label=str(actor)[:200] if actor is not None else "system",
        kind=kind,
        title=title[:200],
        permission=permission,
        total=total,
    )


def job_result_allowed(job: Job, access: Any) -> bool:
    """Whether the member (their access to the job's school) may still see the job's result:
    they hold the permission that made it. A job without a known permission (made before
    jobs recorded one) is refused."""
    return job.permission in PERMISSIONS and bool(access.can(job.permission))


def _worker_fields() -> dict[str, Any]:
    """Who runs the job (this process) and that it is alive now."""
    return {"worker_host": socket.gethostname()[:200], "worker_pid": os.getpid(),
            "heartbeat_at": timezone.now()}


def job_started(job: Job) -> None:
    """The worker took the job: mark it running by this process (before any transaction, so
    that others see it)."""
    fields: dict[str, Any] = {"status": Job.Status.RUNNING, **_worker_fields()}
    Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def job_progress(job: Job, *, done: int, total: int | None = None, message: str = "") -> None:
    fields: dict[str, Any] = {"done": done, "status": Job.Status.RUNNING, **_worker_fields()}
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message
    Job.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)
    if transaction.get_connection().in_atomic_block:
        _write_progress_note(job)


def _progress_note(job: Job) -> Path:
    return jobs_dir() / f"{job.public_id}.progress.json"


def _write_progress_note(job: Job) -> None:
    """The job's progress as others cannot see it yet in its row (written whole, then moved
    into place, so that a reader never sees half a note)."""
    note = _progress_note(job)
    partial = note.with_suffix(".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w") as handle:
        json.dump({"done": job.done, "total": job.total, "message": job.message}, handle)
    os.replace(partial, note)


def _remove_progress_note(job: Job) -> None:
    _progress_note(job).unlink(missing_ok=True)


def _read_progress_note(job: Job) -> tuple[dict[str, Any], datetime] | None:
    """The note's progress and when it was written, or None when there is none (or it is
    being replaced this very instant: the row then says all there is)."""
    note = _progress_note(job)
    try:
        return json.loads(note.read_text()), datetime.fromtimestamp(note.stat().st_mtime, UTC)
    except (OSError, ValueError):
        return None


def job_as_seen(job: Job) -> Job:
    """The job with the progress its worker reported inside a transaction not yet
    committed, for its page."""
    read = _read_progress_note(job) if job.status == Job.Status.RUNNING else None
    if read is not None:
        reported = read[0]
        job.done, job.total = int(reported["done"]), int(reported["total"])
        job.message = str(reported["message"])
    return job


def _last_heard(job: Job) -> datetime | None:
    """When the job's worker last reported: in the job's row, or in its progress note."""
    last = job.heartbeat_at or job.created_at
    read = _read_progress_note(job)
    if read is not None and (last is None or read[1] > last):
        return read[1]
    return last


def _new_private_file() -> tuple[str, BinaryIO]:
    """A new file in the jobs folder, readable by the service's user only: its stored name
    (random, so that nobody guesses another's) and the file open for writing."""
    stored = secrets.token_hex(16)
    fd = os.open(jobs_dir() / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    return stored, os.fdopen(fd, "wb")


def job_finish(job: Job, *, content: bytes | None = None, filename: str = "",
               content_type: str = "", message: str = "",
               result: dict[str, Any] | None = None, stored_name: str = "") -> None:
    """Mark the job done, with its file: ``content`` written now, or ``stored_name``, a
    file ``job_write_file`` already wrote."""
    fields: dict[str, Any] = {
        "status": Job.Status.DONE, "finished_at": timezone.now(), "message": message,
        "result": result or {}, "done": job.total or job.done,
    }
    if content is not None:
        stored_name, handle = _new_private_file()
        with handle:
            handle.write(content)
    if stored_name:
        fields.update(stored_name=stored_name, filename=filename, content_type=content_type)
    Job.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)
    _remove_progress_note(job)


def job_write_file(write: Callable[[BinaryIO], None]) -> str:
    """Let ``write`` write a job's result straight into a new private file, piece by piece
    (an export of any size, never held whole in memory); its stored name, for
    ``job_finish``. A ``write`` that fails leaves no file behind."""
    stored, handle = _new_private_file()
    try:
        with handle:
            write(handle)
    except BaseException:
        (jobs_dir() / stored).unlink(missing_ok=True)
        raise
    return stored


def job_fail(job: Job, *, message: str) -> None:
    fields = {"status": Job.Status.FAILED, "finished_at": timezone.now(), "message": message}
    Job.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)
    _remove_progress_note(job)


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # it exists, run by another user
    return False


def job_lost_worker(job: Job, now: Any = None) -> bool:
    """Whether a running job's worker died: its process is gone from this machine, or it has
    not reported for STALE_AFTER."""
    if job.status != Job.Status.RUNNING:
        return False
    here = job.worker_host == socket.gethostname()[:200]
    if job.worker_pid and here and _process_gone(job.worker_pid):
        return True
    last = _last_heard(job)
    return last is not None and last < (now or timezone.now()) - STALE_AFTER


def job_mark_interrupted(job: Job, now: Any = None) -> bool:
    """Record that the job was interrupted when its worker died; True when it was."""
    if not job_lost_worker(job, now):
        return False
    fields = {"status": Job.Status.INTERRUPTED, "finished_at": now or timezone.now(),
              "message": INTERRUPTED_MESSAGE}
    # Only if still running as read: a worker finishing meanwhile wins.
    if Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING,
                          heartbeat_at=job.heartbeat_at).update(**fields):
        for name, value in fields.items():
            setattr(job, name, value)
        _remove_progress_note(job)
        return True
    job.refresh_from_db()
    return False


def jobs_mark_interrupted(now: Any = None) -> int:
    """Every running job whose worker died, marked interrupted (the scheduler's tick)."""
    running = Job.objects.filter(status=Job.Status.RUNNING)
    return sum(job_mark_interrupted(job, now) for job in running)


def job_file_path(job: Job) -> Path | None:
    if not job.stored_name:
        return None
    path = jobs_dir() / job.stored_name
    return path if path.is_file() else None


def jobs_clean_up(now: Any = None) -> int:
    """Remove finished jobs' files and rows after a day (the scheduler's tick calls this),
    first marking as interrupted the jobs whose worker died."""
    jobs_mark_interrupted(now)
    cutoff = (now or timezone.now()) - KEEP_FILES_FOR
    old = list(Job.objects.filter(finished_at__lt=cutoff))
    for job in old:
        path = job_file_path(job)
        if path is not None:
            path.unlink(missing_ok=True)
    Job.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)
