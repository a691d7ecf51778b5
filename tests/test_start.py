"""A fresh data folder: the commands that prepare it, the one-line refusal of every other
command until it is prepared, and a database no other local user can read."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db.utils import ConnectionHandler

from schoolkeep.lib.env import parse_database_url

SCHOOLKEEP = str(Path(sys.executable).with_name("schoolkeep"))

pytestmark = pytest.mark.own_databases


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("SCHOOLKEEP_", "DJANGO_", "DATABASE_URL"))}
    env.update(SCHOOLKEEP_ENV="development", SCHOOLKEEP_DATA_DIR=str(data_dir))
    return subprocess.run([SCHOOLKEEP, *args], env=env, cwd=data_dir.parent, capture_output=True,
                          text=True, timeout=300, check=False)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("command", [["demo"], ["audit", "verify"], ["shell", "-c", "pass"]])
def test_a_command_on_a_fresh_data_folder_stops_with_one_line_naming_upgrade(tmp_path, command):
    result = run(tmp_path / "data", *command)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "run `schoolkeep upgrade` first" in result.stderr


@pytest.mark.parametrize("command", [["check"], ["roles-doc", "--check"], ["showmigrations"]])
def test_commands_that_need_no_prepared_database_run_on_a_fresh_folder(tmp_path, command):
    result = run(tmp_path / "data", *command)
    assert "schoolkeep upgrade" not in result.stderr
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A data folder made by hand, open to every user, then ``upgrade`` and ``demo``: the slow
    part (every migration, the demo) done once for the two tests below."""
    data_dir = tmp_path_factory.mktemp("upgraded") / "data"
    data_dir.mkdir(mode=0o755)
    data_dir.chmod(0o755)
    upgraded = run(data_dir, "upgrade")
    modes = {path: mode(path) for path in (data_dir, data_dir / "schoolkeep.sqlite3")
             if path.exists()}  # before the demo or the server could change anything
    built = run(data_dir, "demo", "--no-logins") if upgraded.returncode == 0 else None
    return {"data_dir": data_dir, "upgraded": upgraded, "modes": modes, "built": built}


def test_upgrade_alone_leaves_a_database_that_works_private_to_its_owner(upgraded):
    data_dir, modes, built = upgraded["data_dir"], upgraded["modes"], upgraded["built"]
    upgraded = upgraded["upgraded"]

    assert upgraded.returncode == 0, upgraded.stderr
    # One line for the migrations, not one per migration: the first run's output stays short.
    assert "Applying" not in upgraded.stdout
    assert "The database is ready (" in upgraded.stdout
    assert len(upgraded.stdout.splitlines()) <= 3, upgraded.stdout
    assert f"Made {data_dir} private to its owner (chmod 700)" in upgraded.stdout
    assert modes.get(data_dir) == 0o700
    assert modes.get(data_dir / "schoolkeep.sqlite3") == 0o600
    # The sign-in rate limits keep their counts in the database cache: its table is there.
    cached = run(data_dir, "shell", "-c", "from django.core.cache import cache; "
                 "cache.set('k', 'cached'); print(cache.get('k'))")
    assert cached.returncode == 0, cached.stderr
    assert cached.stdout.strip().splitlines()[-1] == "cached"
    assert built.returncode == 0, built.stderr  # the demo builds on it


def test_a_new_sqlite_database_and_its_wal_and_shm_files_are_0600(tmp_path, django_db_blocker):
    data_dir = tmp_path / "data"
    # A connection of its own, beside the suite's (which is in memory).
    handler = ConnectionHandler({"default": parse_database_url(
        "", sqlite_path=data_dir / "schoolkeep.sqlite3")})
    connection = handler["default"]
    previous = os.umask(0o022)  # the usual umask: new files readable by every user
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute("CREATE TABLE secrets (value TEXT)")
            cursor.execute("INSERT INTO secrets VALUES ('a password hash')")
            files = sorted(data_dir.iterdir())
            modes = {path.name: mode(path) for path in files}
    finally:
        os.umask(previous)
        connection.close()
    assert mode(data_dir) == 0o700
    assert modes == {"schoolkeep.sqlite3": 0o600, "schoolkeep.sqlite3-shm": 0o600,
                     "schoolkeep.sqlite3-wal": 0o600}


def test_make_runs_serve_ends_with_the_address_the_logins_and_the_code_command(upgraded):
    """``serve --demo-logins`` (what ``make run`` starts) prints the address once the server
    is up, then the logins, and last the ``demo-code`` command; the worker's routine lines are
    quiet, so nothing pushes them off the screen. (The demo builds on the upgraded folder.)"""
    data_dir = upgraded["data_dir"]
    assert upgraded["built"] is not None and upgraded["built"].returncode == 0
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("SCHOOLKEEP_", "DJANGO_", "DATABASE_URL"))}
    env.update(SCHOOLKEEP_ENV="development", SCHOOLKEEP_DATA_DIR=str(data_dir))
    server = subprocess.Popen(
        [SCHOOLKEEP, "serve", "--host", "127.0.0.1", "--port", str(port), "--demo-logins"],
        env=env, cwd=data_dir.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    lines: list[str] = []
    try:
        assert server.stdout is not None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("(a code lasts 30 seconds"):
                break
        time.sleep(2)  # the worker's first tasks run meanwhile
    finally:
        server.send_signal(signal.SIGINT)
        _out, err = server.communicate(timeout=60)
    text = "\n".join(lines)
    assert lines and lines[-1].startswith("(a code lasts 30 seconds"), text
    running = next(i for i, line in enumerate(lines) if "Schoolkeep is running on" in line)
    sign_in = next(i for i, line in enumerate(lines) if line.startswith("Sign in at"))
    code = next(i for i, line in enumerate(lines) if "demo-code --email" in line)
    assert running < sign_in < code
    assert f"http://localhost:{port}/" in lines[sign_in]
    assert "Enqueued" not in err and "Starting worker" not in err, err
