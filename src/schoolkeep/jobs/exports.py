"""Files made by a background job, written row by row into the job's private file.

An export's writer takes a binary file and a callback told how many rows it has written
(``write(handle, on_row)``). The same writer makes a small file in memory, at once
(``in_memory``), and a large one in the worker (``export_job_run``), straight into the job's
file, so that CSV and write-only XLSX take the same memory for 50 rows or a million.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import (
    job_fail,
    job_finish,
    job_progress,
    job_started,
    job_write_file,
)

# Called with the number of rows written so far (a job's progress).
OnRow = Callable[[int], None] | None
Write = Callable[[BinaryIO, OnRow], None]

PROGRESS_EVERY = 100
READY = "Your file is ready. It is removed after a day."
FAILED = ("The file could not be made. Try again, or ask your IT lead to look at the "
          "server's log.")


def in_memory(write: Callable[[BinaryIO], None]) -> bytes:
    """What ``write`` writes, as bytes (a small file, made while the member waits)."""
    buffer = io.BytesIO()
    write(buffer)
    return buffer.getvalue()


def counted(items: Iterable[Any], on_row: OnRow) -> Iterator[Any]:
    """``items`` as they are, telling ``on_row`` how many went by."""
    for number, item in enumerate(items, start=1):
        yield item
        if on_row is not None:
            on_row(number)


def export_job_run(job: Job, write: Write, *, filename: str, content_type: str,
                   ready: str = READY, failed: str = FAILED,
                   progress_every: int = PROGRESS_EVERY) -> None:
    """Run an export's job: mark it running, let ``write`` write the job's private file while
    progress is saved every ``progress_every`` rows, then offer the file (or say it failed,
    leaving no file, and raise again so that the worker logs why)."""
    job_started(job)

    def progress(done: int) -> None:
        if done % progress_every == 0:
            job_progress(job, done=done)

    try:
        stored = job_write_file(lambda handle: write(handle, progress))
    except Exception:
        job_fail(job, message=failed)
        raise
    job_finish(job, stored_name=stored, filename=filename, content_type=content_type,
               message=ready)
