"""A job whose worker died shows as interrupted, not running: its process is gone from this
machine, or it has not reported for a long time. A job still being worked on is left alone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import (
    STALE_AFTER,
    job_create,
    job_progress,
    jobs_clean_up,
    jobs_dir,
)

Login = Callable[[User], Client]


def dead_pid() -> int:
    """The id of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def running_job(personas: Personas) -> Job:
    job = job_create(school=personas.school, actor=personas.hr_admin, kind="people.import.apply",
                     title="Importing people.csv", total=10, permission="people.manage")
    job_progress(job, done=3, message="Checking the file")
    return job


def test_progress_names_the_worker_process(personas: Personas) -> None:
    job = running_job(personas)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    assert job.worker_pid == os.getpid() and job.worker_host == socket.gethostname()
    assert job.heartbeat_at is not None


def test_a_job_whose_process_is_gone_shows_as_interrupted(personas: Personas,
                                                          login: Login) -> None:
    job = running_job(personas)
    Job.objects.filter(pk=job.pk).update(worker_pid=dead_pid())

    page = login(personas.hr_admin).get(reverse("jobs:job-detail", args=[job.public_id]))

    html = page.content.decode()
    assert "This was interrupted" in html and "In progress" not in html
    assert 'http-equiv="refresh"' not in html  # the page no longer waits
    job.refresh_from_db()
    assert job.status == Job.Status.INTERRUPTED and job.finished_at is not None


def test_a_job_being_worked_on_stays_running(personas: Personas, login: Login) -> None:
    job = running_job(personas)  # this process: alive

    page = login(personas.hr_admin).get(reverse("jobs:job-detail", args=[job.public_id]))

    assert "In progress" in page.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING


def test_the_tick_marks_a_silent_job_on_another_machine(personas: Personas) -> None:
    job = running_job(personas)
    alive = running_job(personas)
    silent_since = timezone.now() - STALE_AFTER - timedelta(minutes=1)
    Job.objects.filter(pk=job.pk).update(worker_host="another-machine", heartbeat_at=silent_since)
    # Its last report, made inside a transaction (as an import's), went to its note too.
    note = jobs_dir() / f"{job.public_id}.progress.json"
    os.utime(note, (silent_since.timestamp(), silent_since.timestamp()))
    Job.objects.filter(pk=alive.pk).update(worker_host="another-machine")

    jobs_clean_up()

    assert Job.objects.get(pk=job.pk).status == Job.Status.INTERRUPTED
    assert Job.objects.get(pk=alive.pk).status == Job.Status.RUNNING


def test_a_finished_job_is_never_marked(personas: Personas) -> None:
    job = running_job(personas)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, worker_pid=dead_pid())

    jobs_clean_up()

    assert Job.objects.get(pk=job.pk).status == Job.Status.DONE
