"""``schoolkeep serve``: the web server, the task worker and the scheduler together.

Development (``SCHOOLKEEP_ENV=development``): Django's ``runserver --noreload``.
Production: gunicorn serving ``schoolkeep.wsgi:application``. The worker and the scheduler
run in a second process (``schoolkeep worker``). Ctrl-C or SIGTERM stops both; if either
stops on its own, the other is stopped too and the command exits non-zero. Before starting
anything, every system check runs, deployment checks included: an error stops the command.

The "running on" line is printed once the web server accepts connections, after its own
start-up lines; with ``--demo-logins`` (``make run``) the demo's logins follow it, so the
address, the password and the ``demo-code`` command are the last thing on the screen.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess  # nosec B404
import sys
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from schoolkeep.lib.startup_checks import refuse_to_start_with_errors

STOP_TIMEOUT = 15.0  # seconds to wait for a clean stop before killing
LISTEN_TIMEOUT = 60.0  # seconds to wait for the web server to accept connections


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise CommandError(f"--port must be a number, not {value!r}.") from None
    if not 1 <= port <= 65535:
        raise CommandError("--port must be between 1 and 65535.")
    return port


def web_command(host: str, port: int) -> list[str]:
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if settings.DEVELOPMENT:
        return [sys.executable, "-m", "schoolkeep.cli", "runserver", "--noreload", address]
    workers = os.environ.get("SCHOOLKEEP_WEB_WORKERS", "3")
    if not workers.isdigit() or not 1 <= int(workers) <= 64:
        raise CommandError("SCHOOLKEEP_WEB_WORKERS must be a number from 1 to 64.")
    return [
        sys.executable, "-m", "gunicorn", "schoolkeep.wsgi:application",
        "--bind", address, "--workers", workers, "--access-logfile", "-",
        "--forwarded-allow-ips", os.environ.get("SCHOOLKEEP_FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


def worker_command(quiet: bool = False) -> list[str]:
    """``quiet``: only the worker's warnings and errors (``-v 0``)."""
    return [sys.executable, "-m", "schoolkeep.cli", "worker", *(["-v", "0"] if quiet else [])]


class Command(BaseCommand):
    help = (
        "Run the web server, the task worker and the scheduler together; Ctrl-C stops all. "
        "Development uses Django's server, production gunicorn."
    )
    # The checks run in handle(), deployment checks included, as one line per error.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="localhost",
                            help="Address to listen on (default: localhost).")
        parser.add_argument("--port", default="8000", help="Port to listen on (default: 8000).")
        parser.add_argument("--demo-logins", action="store_true",
                            help="Once the server is up, print the demo's logins (development).")

    def handle(self, *args: Any, host: str, port: str, demo_logins: bool = False,
               **options: Any) -> None:
        port_number = _port(port)
        if not host or any(c.isspace() for c in host):
            raise CommandError("--host must be a host name or an address.")
        refuse_to_start_with_errors()
        refuse_demo_in_production()
        refuse_after_failed_migration()
        stopping = {"requested": False}

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stopping["requested"] = True

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT,
                                                                      signal.SIGTERM)}
        processes: dict[str, subprocess.Popen[bytes]] = {}
        try:
            # Each child in its own session: a terminal's Ctrl-C reaches only this process,
            # which then stops each child exactly once (a second signal would make the
            # worker abandon its current task).
            processes["web server"] = subprocess.Popen(  # noqa: S603  # nosec B603
                web_command(host, port_number), start_new_session=True
            )
            processes["worker"] = subprocess.Popen(  # noqa: S603  # nosec B603
                worker_command(quiet=demo_logins), start_new_session=True
            )
            failed = self._wait_until_listening(host, port_number, processes, stopping)
            if failed is None and not stopping["requested"]:
                self._announce(host, port_number, demo_logins)
                failed = self._wait(processes, stopping)
        finally:
            self._stop_all(processes)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if failed:
            name, code = failed
            raise CommandError(f"The {name} stopped unexpectedly (exit code {code}); "
                               "everything has been stopped.")
        self.stdout.write("Stopped.")

    def _announce(self, host: str, port: int, demo_logins: bool) -> None:
        # WebAuthn needs a domain as relying party: print localhost, not 127.0.0.1.
        shown = "localhost" if host in ("127.0.0.1", "localhost", "::1") else host
        address = f"http://{shown}:{port}"
        self.stdout.write(f"Schoolkeep is running on {address}/ with its worker and "
                          "scheduler. Press Ctrl-C to stop.")
        if demo_logins and settings.DEVELOPMENT:
            from schoolkeep.demo.builder import demo_exists
            from schoolkeep.demo.login_text import login_lines

            if demo_exists():
                for line in login_lines(base_url=address):
                    self.stdout.write(line)

    @staticmethod
    def _wait_until_listening(host: str, port: int, processes: dict[str, subprocess.Popen[bytes]],
                              stopping: dict[str, bool]) -> tuple[str, int] | None:
        """Wait until the web server accepts a connection (or a process stops, or Ctrl-C)."""
        deadline = time.monotonic() + LISTEN_TIMEOUT
        while not stopping["requested"] and time.monotonic() < deadline:
            for name, process in processes.items():
                code = process.poll()
                if code is not None:
                    return name, code
            try:
                with socket.create_connection((host, port), timeout=0.5):
                    return None
            except OSError:
                time.sleep(0.2)
        return None

    @staticmethod
    def _wait(processes: dict[str, subprocess.Popen[bytes]],
              stopping: dict[str, bool]) -> tuple[str, int] | None:
        while not stopping["requested"]:
            for name, process in processes.items():
                code = process.poll()
                if code is not None:
                    return name, code
            time.sleep(0.3)
        return None

    @staticmethod
    def _stop_all(processes: dict[str, subprocess.Popen[bytes]]) -> None:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for process in processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def refuse_after_failed_migration() -> None:
    from schoolkeep.backups.upgrade_marker import refusal

    reason = refusal()
    if reason:
        raise CommandError(reason)


def refuse_demo_in_production() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from schoolkeep.demo.guard import refuse_if_demo_active

    try:
        refuse_if_demo_active()
    except ImproperlyConfigured as exc:
        raise CommandError(str(exc)) from None
