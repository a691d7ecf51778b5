"""A worker process killed with SIGKILL at a random point of a 5,000-row people import leaves
all the rows or none, a sound database file, and a job shown as interrupted; importing the same
file again gives what an uninterrupted import gives.

The worker is a separate process running the import task against a SQLite file in a data
directory of its own (not the test database), as the real worker does."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.own_databases  # see conftest.py
ROWS = 5_000
SEEDS = list(range(1, 21))
REPO = Path(__file__).resolve().parents[4]

# One program for the three steps, run in a fresh process each time: ``setup`` (migrate, a
# school, the file), ``apply`` (the import task, as the worker runs it) and ``check`` (what
# is left, then the same import again).
PROGRAM = r'''
import csv, json, secrets, shutil, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create, job_mark_interrupted, job_started
from schoolkeep.lib.import_uploads import imports_dir
from schoolkeep.people.models import Check, Person
from schoolkeep.people.imports.tasks import APPLY_KIND, people_import_apply
from schoolkeep.tenancy.models import School

step, data = sys.argv[1], sys.argv[2]
source = f"{data}/people.csv"


def apply():
    school = School.objects.get(slug="crash")
    job = job_create(school=school, actor=None, kind=APPLY_KIND, title="Importing people.csv",
                     total=int(sys.argv[3]), permission="people.manage")
    stored = secrets.token_hex(16)
    shutil.copyfile(source, imports_dir() / stored)
    job_started(job)  # as the task does first: the job names this process
    print("ready", flush=True)
    people_import_apply.call(str(job.public_id), stored, "people.csv")
    return job


def people():
    return sorted([p.staff_number, p.full_name, p.kind, p.job_title]
                  for p in Person.objects.filter(school__slug="crash"))


if step == "setup":
    call_command("migrate", verbosity=0)
    School.objects.create(name="Crash Test Primary", slug="crash")
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Full name", "Kind", "Staff number", "Job title"])
        for n in range(int(sys.argv[3])):
            writer.writerow([f"Person {n:05d}", "support", f"S{n:05d}", f"Role {n % 7}"])
elif step == "apply":
    apply()
    print("finished", flush=True)
elif step == "check":
    job = Job.objects.get(kind=APPLY_KIND)
    job_mark_interrupted(job)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA integrity_check")
        integrity = [row[0] for row in cursor.fetchall()]
    before = people()
    checks = Check.objects.count()
    again = apply()
    again.refresh_from_db()
    print(json.dumps({"status": job.status, "message": job.message, "integrity": integrity,
                      "before": before, "after": people(), "again": again.status,
                      "checks": checks}))
'''


def environment(data: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="tests.settings", SCHOOLKEEP_DATA_DIR=str(data),
               PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])))
    return env


def run_step(step: str, data: Path) -> str:
    done = subprocess.run([sys.executable, "-c", PROGRAM, step, str(data), str(ROWS)],
                          cwd=REPO, env=environment(data), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated data directory with the school and the file, copied for each run."""
    data = tmp_path_factory.mktemp("crash-template")
    run_step("setup", data)
    return data


def copy_of(template: Path, where: Path) -> Path:
    data = where / "data"
    shutil.copytree(template, data)
    return data


def expected_people() -> list[list[str]]:
    """What an uninterrupted import of the file gives (as ``people()`` lists it)."""
    return [[f"S{n:05d}", f"Person {n:05d}", "support", f"Role {n % 7}"] for n in range(ROWS)]


def kill_at(data: Path, delay: float | None) -> bool:
    """Run the import task in a worker process and SIGKILL it ``delay`` seconds after it took
    the job (None: let it finish); whether it finished."""
    worker = subprocess.Popen([sys.executable, "-c", PROGRAM, "apply", str(data), str(ROWS)],
                              cwd=REPO, env=environment(data), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    assert worker.stdout is not None
    assert worker.stdout.readline().strip() == "ready"
    if delay is not None:
        time.sleep(delay)
        worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=60)
    return "finished" in worker.stdout.read()


def test_an_uninterrupted_import_writes_every_row(prepared: Path, tmp_path: Path) -> None:
    data = copy_of(prepared, tmp_path)
    assert kill_at(data, None)

    outcome = json.loads(run_step("check", data).splitlines()[-1])

    assert outcome["status"] == "done"
    assert outcome["before"] == expected_people()
    assert outcome["after"] == expected_people()  # and again: nothing changes
    assert outcome["integrity"] == ["ok"]


@pytest.mark.parametrize("seed", SEEDS)
def test_a_worker_killed_at_a_random_point_leaves_all_or_nothing(
        seed: int, prepared: Path, tmp_path: Path) -> None:
    data = copy_of(prepared, tmp_path)
    # Somewhere in the import: it writes for about a second, after a moment checking the file.
    finished = kill_at(data, random.Random(seed).uniform(0.0, 1.5))

    outcome = json.loads(run_step("check", data).splitlines()[-1])

    assert outcome["integrity"] == ["ok"]
    assert outcome["before"] in ([], expected_people()), (
        f"seed {seed}: {len(outcome['before'])} of {ROWS} rows")
    if finished:
        assert outcome["status"] == "done"
    else:
        assert outcome["status"] in ("interrupted", "done"), outcome["status"]
        if outcome["status"] == "interrupted":
            assert "stopped before it finished" in outcome["message"]
    assert outcome["again"] == "done"
    assert outcome["after"] == expected_people()
