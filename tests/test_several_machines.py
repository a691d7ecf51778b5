"""Several machines: two web servers and two task workers against one PostgreSQL database
and one shared data folder, as a large trust runs Schoolkeep (docs/scale.md).

Each "machine" is its own set of processes: gunicorn with two worker processes, and
``schoolkeep worker`` (the task worker with its scheduler), each started as an operator
starts them, against one throwaway PostgreSQL database and one data folder. The test then
checks what must hold whichever server a request reaches or whichever worker takes a job:

- a session made on one web server works on the other, and signing out on one ends it on both;
  a two-factor code used on one cannot be used again on the other;
- a file uploaded through one server is served by the other (the shared data folder);
- the lockout after ten wrong passwords counts failures made on both servers;
- a throttle (wrong signing links) counts attempts made on both servers;
- each of many jobs enqueued at once runs exactly once, and both workers take part;
- each scheduled slot (the ten-minute tick, the daily reminders, the nightly backup) is
  claimed by one worker only;
- a backup taken from either machine holds every table and every uploaded file, whichever
  server received it.

All processes run on this one host, in development mode with the keys and the backup
passphrase given as production requires (production adds HTTPS and a real mail server, which
a test cannot have). What differs between real machines (host names, clocks, network file
systems) is outside it: docs/scale.md says what the shared folder needs.

PostgreSQL only: two machines cannot share one SQLite file. Like the restore drill, it makes
its own database from SCHOOLKEEP_TEST_POSTGRES, so it runs in the SQLite pass of the suite
(see conftest.py) and is skipped, saying why, when no PostgreSQL server is given.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess  # nosec B404
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import psycopg
import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings

from schoolkeep.agreements.signing.page.views import WRONG_TOKEN_LIMIT
from schoolkeep.backups.archive import backup_verify
from schoolkeep.backups.ticks_backups import BACKUP_TIME
from schoolkeep.duties.scheduler import CATCH_UP, daily_slot, every_slot
from tests.factories import PASSWORD
from tests.personas import TOTP_SECRET

pytestmark = pytest.mark.own_databases  # see conftest.py

REPO = Path(__file__).resolve().parents[1]
SCHOOLKEEP = str(Path(sys.executable).with_name("schoolkeep"))
PASSPHRASE = "several machines, one passphrase kept apart"
JOBS = 60  # password-reset e-mails enqueued at once
WAIT = 40.0  # seconds: the longest any step may take

SETUP = """
import django, json
django.setup()
from django.core.management import call_command
from schoolkeep.agreements.policies.services import policy_create
from tests.personas import build_personas

call_command("migrate", verbosity=0)
call_command("createcachetable")
people = build_personas()
policy = policy_create(school=people.school, actor=people.siro, title="Online Security Policy")
print(json.dumps({"policy": str(policy.public_id), "siro": people.siro.email,
                  "dpo": people.dpo.email, "staff": str(people.staff.public_id)}))
"""

ENQUEUE = """
import django, sys
django.setup()
from django.db import transaction
from schoolkeep.accounts.tasks import send_password_reset_email

with transaction.atomic():  # all visible to the workers at the same moment
    for _ in range(int(sys.argv[2])):
        send_password_reset_email.enqueue(sys.argv[1])
"""


# --- the machines -------------------------------------------------------------------------


def postgres_url() -> str:
    for name in ("DATABASE_URL", "SCHOOLKEEP_TEST_POSTGRES"):
        value = os.environ.get(name, "")
        if value.startswith(("postgres://", "postgresql://")):
            return value
    return ""


def on_server(url: str, sql: str) -> None:
    server = urllib.parse.urlparse(url)._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    root: Path
    data_dir: Path
    database: str
    env: dict[str, str]
    web: dict[str, str] = field(default_factory=dict)  # machine -> base URL
    logs: dict[str, Path] = field(default_factory=dict)  # process -> its log
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    facts: dict[str, str] = field(default_factory=dict)
    workers_started: datetime = field(default_factory=lambda: datetime.now(UTC))

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database) as conn:
            return conn.execute(query, params).fetchall()  # type: ignore[arg-type]

    def run(self, *args: str, machine: str) -> None:
        result = subprocess.run([SCHOOLKEEP, *args], env=self.env, cwd=self.root / machine,
                                capture_output=True, text=True, timeout=120, check=False)
        assert result.returncode == 0, f"schoolkeep {' '.join(args)}: {result.stderr}"

    def python(self, script: str, *args: str) -> str:
        result = subprocess.run([sys.executable, "-c", script, *args], env=self.env,
                                cwd=self.root / "a", capture_output=True, text=True,
                                timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self, name: str, command: list[str], machine: str) -> None:
        log = self.root / f"{name}.log"
        self.logs[name] = log
        with log.open("wb") as out:
            self.processes[name] = subprocess.Popen(  # nosec B603
                command, env=self.env, cwd=self.root / machine, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True)

    def log(self, name: str) -> str:
        return self.logs[name].read_text(errors="replace")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait_for(what: str, check: Callable[[], bool], cluster: Cluster,
             timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        for name, process in cluster.processes.items():
            assert process.poll() is None, f"{name} stopped:\n{cluster.log(name)[-3000:]}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=5) as response:  # nosec B310
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    url = postgres_url()
    if not url:
        pytest.skip("several machines need one PostgreSQL server (SQLite cannot be shared "
                    "between machines): set SCHOOLKEEP_TEST_POSTGRES to run this test")
    root = tmp_path
    name = f"schoolkeep_machines_{uuid.uuid4().hex[:8]}"
    database = urllib.parse.urlparse(url)._replace(path=f"/{name}").geturl()
    data_dir = root / "shared-data"
    data_dir.mkdir(mode=0o700)
    for machine in ("a", "b"):
        (root / machine).mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SCHOOLKEEP_", "DJANGO_", "DATABASE_URL"))}
    # What every machine of a trust shares: the database, the data folder and the keys.
    env.update(SCHOOLKEEP_ENV="development", DATABASE_URL=database,
               SCHOOLKEEP_DATA_DIR=str(data_dir), SCHOOLKEEP_HTTPS="false",
               SCHOOLKEEP_SECRET_KEY="several-machines-" + "k" * 50,
               SCHOOLKEEP_ENCRYPTION_KEYS="Mb4xgl1i9cRPkIcqFMUAIA2GDZtyhtjuPwWqTTtHHq0=",
               SCHOOLKEEP_BACKUP_PASSPHRASE=PASSPHRASE,
               SCHOOLKEEP_ALLOWED_HOSTS="127.0.0.1,localhost",
               DJANGO_SETTINGS_MODULE="schoolkeep.settings",
               PYTHONPATH=str(REPO))  # the code under test, and tests.personas for the setup
    on_server(url, f'CREATE DATABASE "{name}"')
    machines = Cluster(root=root, data_dir=data_dir, database=database, env=env)
    try:
        machines.facts = json.loads(machines.python(SETUP).strip().splitlines()[-1])
        for machine in ("a", "b"):
            port = free_port()
            machines.web[machine] = f"http://127.0.0.1:{port}"
            machines.start(f"web-{machine}", [
                sys.executable, "-m", "gunicorn", "schoolkeep.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", "2"], machine)
        machines.workers_started = datetime.now(UTC)
        for machine in ("a", "b"):
            machines.start(f"worker-{machine}", [SCHOOLKEEP, "worker", "--interval", "0.2"],
                           machine)
        for machine, base in machines.web.items():
            wait_for(f"web server {machine}", lambda base=base: healthy(base), machines)
        for machine in ("a", "b"):
            wait_for(f"worker {machine}", lambda machine=machine: "Starting worker" in
                     machines.log(f"worker-{machine}"), machines)
        yield machines
    finally:
        machines.stop()
        on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- a browser that keeps its cookies, whichever server it talks to -----------------------


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the test looks at each redirect itself


@dataclass
class Response:
    status: int
    location: str
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode(errors="replace")


class Browser:
    """One person's browser. Cookies are kept per host, not per port, so the same browser
    reaching either server is what a load balancer in front of both would give."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirects())

    def get(self, url: str) -> Response:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, fields: dict[str, str], *, form_page: str = "",
             file: tuple[str, str, bytes] | None = None) -> Response:
        """Post ``fields`` with the CSRF token of ``form_page`` (default: ``url``), and
        ``file`` as (field, filename, content) in a multipart body."""
        page = self.get(form_page or url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, f"no form at {form_page or url} ({page.status})"
        fields = {"csrfmiddlewaretoken": token.group(1), **fields}
        if file is None:
            body = urllib.parse.urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            body, kind = multipart(fields, *file)
        return self._open(urllib.request.Request(
            url, data=body, headers={"Content-Type": kind, "Referer": url}))

    def _open(self, request: urllib.request.Request) -> Response:
        try:
            with self.opener.open(request, timeout=20) as answer:  # nosec B310
                return Response(answer.status, "", answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers.get("Location", ""), error.read())


def multipart(fields: dict[str, str], name: str, filename: str,
              content: bytes) -> tuple[bytes, str]:
    boundary = secrets.token_hex(16)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
             .encode() for key, value in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                 f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'.encode()
                 + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def totp_code() -> str:
    """The persona's current code, early in its period: the replay check must reach the
    other server while the code is still current (refused as used, not as expired)."""
    period = int(getattr(settings, "MFA_TOTP_PERIOD", 30))
    if time.time() % period > period - 10:
        time.sleep(period - time.time() % period + 0.5)
    return str(format_hotp_value(hotp_value(TOTP_SECRET, next(yield_hotp_counters_from_time()))))


def sign_in(browser: Browser, base: str, email: str, password: str = PASSWORD) -> Response:
    return browser.post(base + "/accounts/login/", {"login": email, "password": password})


# --- what must hold across machines -------------------------------------------------------


def test_two_web_servers_and_two_workers_share_one_database_and_data_folder(
        cluster: Cluster) -> None:
    """One test, so that the suite's workers never split it and start the machines twice;
    each check says what failed. The backup check comes last: it needs the uploads."""
    check_a_session_and_uploads_work_on_either_server(cluster)
    check_lockout_counts_failures_on_both_servers(cluster)
    check_a_throttle_counts_attempts_on_both_servers(cluster)
    check_each_job_runs_once_and_both_workers_take_jobs(cluster)
    check_each_scheduled_slot_is_claimed_by_one_worker(cluster)
    check_a_backup_taken_on_either_machine_is_complete(cluster)


def check_a_session_and_uploads_work_on_either_server(cluster: Cluster) -> None:
    a, b = cluster.web["a"], cluster.web["b"]
    browser = Browser()
    first = sign_in(browser, a, cluster.facts["siro"])
    assert first.status == 302 and "/2fa/" in first.location, first
    code = totp_code()
    second = browser.post(a + first.location, {"code": code})
    assert second.status == 302, second.text[:500]
    assert browser.get(a + "/duties/").status == 200

    # The code used on A cannot be used again on B (used codes are kept in the shared cache).
    thief = Browser()
    step = sign_in(thief, b, cluster.facts["siro"])
    assert step.status == 302 and "/2fa/" in step.location
    assert thief.post(b + step.location, {"code": code}).status == 200  # the form again
    assert thief.get(b + "/duties/").status == 302

    # The session made on A works on B: B serves the dashboard, then takes an upload.
    assert browser.get(b + "/duties/").status == 200
    policy = cluster.facts["policy"]
    for machine, base in (("a", a), ("b", b)):
        added = browser.post(f"{base}/policies/{policy}/versions/new/", {},
                             file=("file", f"from-{machine}.txt",
                                   f"Policy text uploaded through server {machine}.".encode()))
        assert added.status == 302, added.text[:2000]
    versions = cluster.sql("SELECT v.public_id, v.number FROM agreements_policyversion v "
                           "JOIN agreements_policy p ON p.id = v.policy_id "
                           "WHERE p.public_id = %s ORDER BY v.number", uuid.UUID(policy))
    assert [number for _, number in versions] == [1, 2]
    # Each file is served by the other server: both read one data folder.
    for (version, _), machine, other in zip(versions, "ab", (b, a), strict=True):
        download = browser.get(f"{other}/policies/versions/{version}/file/")
        assert download.status == 200
        assert download.body == f"Policy text uploaded through server {machine}.".encode()

    # Signing out on B ends the session on A too.
    assert browser.post(b + "/accounts/logout/", {}, form_page=b + "/duties/").status == 302
    after = browser.get(a + "/duties/")
    assert after.status == 302 and "/accounts/login/" in after.location


def check_lockout_counts_failures_on_both_servers(cluster: Cluster) -> None:
    a, b = cluster.web["a"], cluster.web["b"]
    email = cluster.facts["dpo"]
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong = sign_in(Browser(), (a, b)[attempt % 2], email, password="not-the-password")
        assert wrong.status == 200, (attempt, wrong.status)  # the form again, with its error
    last = sign_in(Browser(), b, email, password="not-the-password")
    assert last.status == 429  # the last failure locks: half of them were made on each server
    for base in (a, b):
        locked = sign_in(Browser(), base, email)  # even the right password
        assert locked.status == 429 and "Account locked" in locked.text


def check_a_throttle_counts_attempts_on_both_servers(cluster: Cluster) -> None:
    a, b = cluster.web["a"], cluster.web["b"]
    browser = Browser()
    for attempt in range(WRONG_TOKEN_LIMIT):
        wrong = browser.get(f"{(a, b)[attempt % 2]}/sign/{secrets.token_urlsafe(32)}")
        assert wrong.status == 404, (attempt, wrong.status)
    for base in (a, b):
        assert browser.get(f"{base}/sign/{secrets.token_urlsafe(32)}").status == 429


def check_each_job_runs_once_and_both_workers_take_jobs(cluster: Cluster) -> None:
    cluster.python(ENQUEUE, cluster.facts["staff"], str(JOBS))
    path = "schoolkeep.accounts.tasks.send_password_reset_email"

    def finished() -> bool:
        rows = cluster.sql("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                           "WHERE task_path = %s AND finished_at IS NOT NULL", path)
        return bool(rows[0][0] == JOBS)

    wait_for(f"{JOBS} jobs", finished, cluster)
    rows = cluster.sql("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
                       "WHERE task_path = %s", path)
    assert len(rows) == JOBS
    assert {status for status, _ in rows} == {"SUCCESSFUL"}
    assert all(len(workers) == 1 for _, workers in rows), "a job was claimed twice"
    takers = {workers[0] for _, workers in rows}
    assert len(takers) == 2, f"one worker took every job: {takers}"
    # Each job's e-mail sent once (a mail file may hold several messages: count the links).
    sent = sum(p.read_text(errors="replace").count("/accounts/password/reset/key/")
               for p in (cluster.data_dir / "mail").iterdir())
    assert sent == JOBS


def check_each_scheduled_slot_is_claimed_by_one_worker(cluster: Cluster) -> None:
    tick = "schoolkeep.duties.tasks.tick"

    def ticks_done() -> bool:
        waiting = cluster.sql("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                              "WHERE task_path = %s AND finished_at IS NULL", tick)
        return bool(waiting[0][0] == 0 and cluster.sql(
            "SELECT count(*) FROM backups_backuprun WHERE finished_at IS NOT NULL")[0][0])

    wait_for("the first tick and its nightly backup", ticks_done, cluster)
    logs = cluster.log("worker-a") + cluster.log("worker-b")
    for machine in ("a", "b"):
        assert "Scheduler started" in cluster.log(f"worker-{machine}")
    # Both schedulers looked at the slot they started in; one enqueued it. A later slot (the
    # test may cross ten past the hour) is enqueued once as well.
    slots = re.findall(r"Enqueued tick for (\S+)", logs)
    assert every_slot(cluster.workers_started).isoformat() in slots
    assert len(slots) == len(set(slots)), slots
    counts = dict(cluster.sql(
        "SELECT task_path, count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE task_path LIKE 'schoolkeep.duties.tasks.%%' GROUP BY task_path"))
    assert counts.get(tick) == len(slots)
    # The daily reminders are enqueued once, or skipped when the test runs long after 07:00.
    now = datetime.now(UTC)
    reminders = 1 if now - daily_slot(now) <= CATCH_UP else 0
    assert counts.get("schoolkeep.duties.tasks.send_reminders", 0) == reminders
    # One nightly backup per night the ticks fell in, not one per worker.
    nights = {daily_slot(datetime.fromisoformat(slot), BACKUP_TIME) for slot in slots}
    runs = cluster.sql("SELECT ok, message FROM backups_backuprun")
    assert len(runs) == len(nights) and all(ok for ok, _ in runs), runs
    assert len(list((cluster.data_dir / "backups").glob("*.skbackup"))) == len(nights)


def check_a_backup_taken_on_either_machine_is_complete(cluster: Cluster) -> None:
    uploads = {p.relative_to(cluster.data_dir / "uploads").as_posix()
               for p in (cluster.data_dir / "uploads").rglob("*") if p.is_file()}
    assert len(uploads) >= 2  # the two policy files, one received by each server
    tables = {name for (name,) in cluster.sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    for machine in ("a", "b"):
        out = cluster.root / machine / "backups"
        cluster.run("backup", "--out", str(out), machine=machine)
        verified = backup_verify(next(out.glob("*.skbackup")), passphrase=PASSPHRASE.encode())
        assert verified.ok, verified.problems  # decrypted, every checksum matches
        manifest = verified.manifest or {}
        assert {entry["path"] for entry in manifest["files"]} == uploads, machine
        assert tables <= set(manifest["tables"]), tables - set(manifest["tables"])
        assert manifest["tables"]["agreements_policyversion"]["rows"] == 2
