"""Benchmark: 1,500 parents each signing the parents' acceptable use policy through their own
personal link, through the real views.

Not a test. It builds a school with a published parents' AUP and 1,500 parents, makes each
a link with ``link_issue`` (as reminders and letters do), then, one parent after another,
opens the link with Django's test client (GET ``/sign/<token>``) and signs it (POST, with a
typed name and the agreement). It prints the signatures per second sustained over the whole
run and over each window of ``--window`` parents (so a slowdown as signatures pile up
shows), the CPU time each signature took per window in Django and, when the server is on
this machine, in PostgreSQL's backend (flat CPU under a falling rate means a busy machine),
the median and 90th percentile of the GET and of the POST, their queries, and checks that
every parent signed exactly once and that the audit chain still verifies.

Database: SQLite in a throwaway data directory (the default), or PostgreSQL when
``DATABASE_URL`` is set: a throwaway database ``schoolkeep_bench_<pid>`` is created on that
server (the URL's user must be allowed to create databases) and dropped at the end.

    .venv/bin/python bench/aup_links.py [--parents N] [--window N]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/aup_links.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from typing import Any
from urllib.parse import urlparse, urlunparse

import harness

SERVER_URL = os.environ.get("DATABASE_URL", "")
BENCH_DB = f"schoolkeep_bench_{os.getpid()}"


def _server_command(sql: str) -> None:
    """Run one statement on the PostgreSQL server of DATABASE_URL, outside a transaction."""
    import psycopg

    with psycopg.connect(SERVER_URL, autocommit=True) as connection:
        connection.execute(sql)


def _bench_database_url() -> str:
    parsed = urlparse(SERVER_URL)
    return urlunparse(parsed._replace(path=f"/{BENCH_DB}"))


if SERVER_URL:
    _server_command(f'CREATE DATABASE "{BENCH_DB}"')
    DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false", DATABASE_URL=_bench_database_url())
else:
    DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402


def build(parents: int) -> tuple[Any, list[tuple[str, str]]]:
    """The school, its published parents' AUP and the parents; returns the AUP and each
    parent's (name, token)."""
    from schoolkeep.agreements.aups.models import Audience, AupVersion, Parent
    from schoolkeep.agreements.aups.services import aups_set_up, version_publish
    from schoolkeep.agreements.parents.services import derive_keys
    from schoolkeep.agreements.signing.links.services import link_issue
    from schoolkeep.audit.context import audit_context
    from schoolkeep.tenancy.models import School

    school = School.objects.create(name="Alder Primary", slug="alder")
    siro = harness.siro_of(school)
    with audit_context(actor_label="bench"):
        aup = next(a for a in aups_set_up(school=school, actor=siro)
                   if a.audience == Audience.PARENTS)
        version_publish(draft=AupVersion.objects.get(aup=aup, published_at__isnull=True),
                        actor=siro, requires_everyone_to_sign=True)
        rows = []
        for n in range(parents):
            parent = Parent(school=school, full_name=f"Parent {n:05d} Example",
                            email=f"parent{n:05d}@example.com", classes=f"Year {n % 6 + 1}")
            derive_keys(parent)
            rows.append(parent)
        Parent.objects.bulk_create(rows, batch_size=500)
        aup.refresh_from_db()
        links = []
        for parent in Parent.objects.filter(school=school).order_by("name_key"):
            _, token = link_issue(aup=aup, actor=siro, channel="email", parent=parent)
            links.append((parent.full_name, token))
    return aup, links


def sign_one(client: Client, name: str, token: str, timings: dict[str, list[float]]) -> None:
    url = reverse("signing:sign", args=[token])
    started = time.perf_counter()
    page = client.get(url)
    opened = time.perf_counter()
    if page.status_code != 200 or name not in page.content.decode():
        raise SystemExit(f"bench: the signing page answered {page.status_code} for {name}")
    signed = client.post(url, {"typed_name": name, "agreed": "on"})
    finished = time.perf_counter()
    if signed.status_code != 200 or b"Thank you" not in signed.content:
        raise SystemExit(f"bench: signing answered {signed.status_code} for {name}")
    timings["GET"].append(opened - started)
    timings["POST"].append(finished - opened)


def queries_of_one(client: Client, name: str, token: str) -> tuple[int, int]:
    url = reverse("signing:sign", args=[token])
    with CaptureQueriesContext(connection) as get:
        client.get(url)
    with CaptureQueriesContext(connection) as post:
        client.post(url, {"typed_name": name, "agreed": "on"})
    return len(get), len(post)


def database_label() -> str:
    if connection.vendor == "postgresql":
        version = connection.pg_version  # type: ignore[attr-defined]
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return f"SQLite {connection.Database.sqlite_version}"  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--parents", type=int, default=1500)
    parser.add_argument("--window", type=int, default=250)
    options = parser.parse_args()
    try:
        started = time.perf_counter()
        harness.migrate()
        aup, links = build(options.parents + 1)
        print(f"Data built in {time.perf_counter() - started:.1f}s ({database_label()}): "
              f"{options.parents + 1} parents, each with a personal link")
        client = Client()  # the page uses no session: one client serves every parent
        queries = queries_of_one(client, *links.pop())  # the extra parent, counted alone
        timings: dict[str, list[float]] = {"GET": [], "POST": []}
        windows: list[float] = []
        cpu: list[tuple[float, float | None]] = []  # per window: ms per signature
        backend = backend_pid()
        run_started = window_started = time.perf_counter()
        cpu_started = (time.process_time(), backend_cpu_seconds(backend))
        for number, (name, token) in enumerate(links, start=1):
            sign_one(client, name, token, timings)
            if number % options.window == 0 or number == len(links):
                now = time.perf_counter()
                size = number % options.window or options.window
                windows.append(size / (now - window_started))
                window_started = now
                cpu_now = (time.process_time(), backend_cpu_seconds(backend))
                cpu.append(cpu_per_signature(cpu_started, cpu_now, size))
                cpu_started = cpu_now
        elapsed = time.perf_counter() - run_started
        from schoolkeep.agreements.aups.models import Signature, SigningLink

        signed = Signature.objects.filter(aup=aup, method="link").count()
        unused = SigningLink.objects.filter(aup=aup, used_at__isnull=True).count()
        report(options, elapsed, windows, timings, queries)
        report_cpu(cpu)
        print(f"  Signatures recorded: {signed} (links left unused: {unused})")
        if signed != len(links) + 1 or unused:
            sys.exit("bench: not every parent signed exactly once")
        harness.audit_chains_verified()
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
        if SERVER_URL:
            connection.close()
            _server_command(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def backend_pid() -> int | None:
    """The process id of this connection's PostgreSQL backend when the server runs on this
    machine (its CPU time is then readable in /proc); None otherwise."""
    if connection.vendor != "postgresql" or urlparse(SERVER_URL).hostname not in (
            "127.0.0.1", "localhost", "::1"):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    return pid if os.path.exists(f"/proc/{pid}/stat") else None


def backend_cpu_seconds(pid: int | None) -> float | None:
    if pid is None:
        return None
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # user + system


def cpu_per_signature(started: tuple[float, float | None], now: tuple[float, float | None],
                      count: int) -> tuple[float, float | None]:
    """Milliseconds of CPU per signature in this process and in the database's backend."""
    server = None if now[1] is None or started[1] is None else 1000 * (now[1] - started[1]) / count
    return 1000 * (now[0] - started[0]) / count, server


def report_cpu(cpu: list[tuple[float, float | None]]) -> None:
    """CPU time per signature, window by window: unlike the rate, it does not move with
    whatever else the machine is doing, so a rate that falls while these stay flat is the
    machine, not Schoolkeep."""
    print("  CPU per signature, per window: Django " + ", ".join(f"{c:.1f}" for c, _ in cpu)
          + " ms")
    if all(server is not None for _, server in cpu):
        print("                                 PostgreSQL backend "
              + ", ".join(f"{server:.1f}" for _, server in cpu) + " ms")


def report(options: Any, elapsed: float, windows: list[float],
           timings: dict[str, list[float]], queries: tuple[int, int]) -> None:
    import django

    print(f"Django {django.get_version()}, Python {sys.version.split()[0]}, "
          f"{database_label()}; {options.parents} parents signing one after another "
          "(GET the link's page, then POST the signature)")
    print(f"  Sustained: {options.parents / elapsed:.1f} signatures per second "
          f"({elapsed:.1f}s in all)")
    print(f"  Per window of {options.window}: " + ", ".join(f"{rate:.1f}" for rate in windows)
          + f" signatures/s (slowest {min(windows):.1f}, fastest {max(windows):.1f})")
    for method, values in timings.items():
        print(f"  {method:<4} median {harness.median_ms(values):7.2f} ms   p90 "
              f"{harness.percentile_ms(values, 0.9):7.2f} ms   queries "
              f"{queries[0] if method == 'GET' else queries[1]}")


if __name__ == "__main__":
    main()
