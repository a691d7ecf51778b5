"""The web servers' own logs hold no secret address (issue 12, finding 6): gunicorn's access
log and Django's development server, started exactly as ``schoolkeep serve`` starts them, on
a copy of the test's database, with every secret address requested (right and wrong, with a
Referer and a ``?next=`` quoting it)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess  # nosec B404
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from tests.personas import Personas

import schoolkeep
from schoolkeep.duties.management.commands.serve import web_command
from schoolkeep.throttles.tests.secret_urls import secret_addresses

pytestmark = [pytest.mark.own_databases, pytest.mark.django_db(transaction=True)]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, **headers: str) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # nosec B310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def _copy_database(folder: Path) -> None:
    folder.mkdir(mode=0o700)
    target = sqlite3.connect(folder / "schoolkeep.sqlite3")
    try:
        connection.ensure_connection()
        connection.connection.backup(target)
    finally:
        target.close()
    (folder / "schoolkeep.sqlite3").chmod(0o600)


@pytest.mark.parametrize("server", ["gunicorn", "runserver"])
def test_the_servers_request_logs_hold_no_secret(personas: Personas, server: str,
                                                  tmp_path: Path, settings, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("copies the SQLite test database")
    secrets = secret_addresses(personas)
    _copy_database(tmp_path / "data")
    monkeypatch.setenv("SCHOOLKEEP_WEB_WORKERS", "1")
    settings.DEVELOPMENT = server == "runserver"
    port = _free_port()
    command = web_command("127.0.0.1", port)
    assert ("gunicorn" in command) == (server == "gunicorn")
    env = {**os.environ, "SCHOOLKEEP_ENV": "development",
           "SCHOOLKEEP_DATA_DIR": str(tmp_path / "data"),
           "DJANGO_SETTINGS_MODULE": "schoolkeep.settings",
           # The servers run the code under test, wherever it is checked out.
           "PYTHONPATH": str(Path(schoolkeep.__file__).resolve().parents[1])}
    env.pop("DATABASE_URL", None)
    base = f"http://127.0.0.1:{port}"
    with (open(tmp_path / "stdout.log", "wb") as out,
          open(tmp_path / "stderr.log", "wb") as err):
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env,  # nosec B603
                                   start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while _get_or_none(base + "/healthz") != 200:
                assert process.poll() is None and time.monotonic() < deadline, (
                    (tmp_path / "stderr.log").read_text())
                time.sleep(0.2)
            for paths in secrets.values():
                for path in paths:
                    _get(base + path, Referer=base + path)
                    _get(base + "/accounts/login/?next=" + quote(path, safe=""))
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    logs = (tmp_path / "stdout.log").read_text() + (tmp_path / "stderr.log").read_text()
    # The request lines are there (200s are logged by the access log alone), redacted.
    assert 'GET /join/[redacted]/ HTTP/1.1" 200' in logs
    assert 'GET /duties/calendar/[redacted] HTTP/1.1" 200' in logs
    for secret in secrets:
        assert secret not in logs and quote(secret, safe="") not in logs, secret


def _get_or_none(url: str) -> int | None:
    try:
        return _get(url)
    except OSError:
        return None
