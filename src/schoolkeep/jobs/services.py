"""Creating jobs and reporting their progress. Progress is written with single-row UPDATEs
so that a long-running task never overwrites fields another process changed."""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from schoolkeep.jobs.models import Job

logger = logging.getLogger(__name__)
KEEP_FILES_FOR = timedelta(days=1)


def jobs_dir() -> Path:
    path = Path(settings.DATA_DIR) / "jobs"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def job_create(*, school: Any, actor: Any, kind: str, title: str, total: int = 0) -> Job:
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return Job.objects.create(
        school=school,
        created_by=actor if is_user else None,
        created_by_label=str(actor)[:200] if actor is not None else "system",
        kind=kind,
        title=title[:200],
        total=total,
    )


def job_progress(job: Job, *, done: int, total: int | None = None, message: str = "") -> None:
    fields: dict[str, Any] = {"done": done, "status": Job.Status.RUNNING}
    if total is not None:
        fields["total"] = total
    if message:
        fields["message"] = message
    Job.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def job_finish(job: Job, *, content: bytes | None = None, filename: str = "",
               content_type: str = "", message: str = "",
               result: dict[str, Any] | None = None) -> None:
    fields: dict[str, Any] = {
        "status": Job.Status.DONE, "finished_at": timezone.now(), "message": message,
        "result": result or {}, "done": job.total or job.done,
    }
    if content is not None:
        stored = secrets.token_hex(16)
        path = jobs_dir() / stored
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        fields.update(stored_name=stored, filename=filename, content_type=content_type)
    Job.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def job_fail(job: Job, *, message: str) -> None:
    fields = {"status": Job.Status.FAILED, "finished_at": timezone.now(), "message": message}
    Job.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def job_file_path(job: Job) -> Path | None:
    if not job.stored_name:
        return None
    path = jobs_dir() / job.stored_name
    return path if path.is_file() else None


def jobs_clean_up(now: Any = None) -> int:
    """Remove finished jobs' files and rows after a day (the scheduler's tick calls this)."""
    cutoff = (now or timezone.now()) - KEEP_FILES_FOR
    old = list(Job.objects.filter(finished_at__lt=cutoff))
    for job in old:
        path = job_file_path(job)
        if path is not None:
            path.unlink(missing_ok=True)
    Job.objects.filter(pk__in=[job.pk for job in old]).delete()
    return len(old)
