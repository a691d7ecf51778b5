"""What the benchmarks in bench/ share: the throwaway database, the bare view and timing.

The scripts run as ``python bench/<name>.py``, so this folder is first on ``sys.path`` and they
``import harness``. Each calls ``start()`` before importing anything that needs Django set up.

The database is SQLite in a throwaway data directory, or, when ``SCHOOLKEEP_BENCH_POSTGRES``
holds a PostgreSQL server's URL (``postgres://postgres@127.0.0.1:5432/postgres``), a
throwaway database created on that server by ``start()`` and dropped when the script ends.
"""

from __future__ import annotations

import atexit
import os
import resource
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from django.test import Client

BARE_PAGE = b"<!doctype html><html lang=en><title>Bare</title><p>A fixed page.</p></html>"

POSTGRES = "SCHOOLKEEP_BENCH_POSTGRES"

# The URLconf while timing (see bench_urls()): the application's URLs plus the bare view.
urlpatterns: list[object] = []


def start(**environment: str) -> str:
    """Point Schoolkeep at a new throwaway data directory and set Django up; returns it.

    The database is SQLite in that directory, or a throwaway PostgreSQL database when
    ``SCHOOLKEEP_BENCH_POSTGRES`` is set (dropped at exit). ``environment`` adds or overrides
    variables (``SCHOOLKEEP_DEBUG="false"``, say). The caller deletes the directory.
    """
    data_dir = tempfile.mkdtemp(prefix="schoolkeep-bench-")
    os.makedirs(os.path.join(data_dir, "static"))  # STATIC_ROOT, or WhiteNoise warns
    os.environ.pop("DATABASE_URL", None)  # SQLite in the data directory...
    server = os.environ.get(POSTGRES, "")
    if server:  # ...or a database of its own on the server
        os.environ["DATABASE_URL"] = _throwaway_postgres(server)
    os.environ.update(
        SCHOOLKEEP_ENV="development",
        SCHOOLKEEP_DATA_DIR=data_dir,
        SCHOOLKEEP_HTTPS="false",
        SCHOOLKEEP_ALLOWED_HOSTS="testserver",
        SCHOOLKEEP_EMAIL_URL="",
        DJANGO_SETTINGS_MODULE="schoolkeep.settings",
    )
    os.environ.update(environment)

    import django

    django.setup()
    return data_dir


def _throwaway_postgres(server: str) -> str:
    """Create an empty database on the server (``server``: a URL to any of its databases),
    drop it when the process ends, and return its URL."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    name = f"schoolkeep_bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")  # nosec B608: our own random name
    atexit.register(_drop_postgres, server, name)
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_postgres(server: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")  # nosec B608


def database_label() -> str:
    """``SQLite`` or ``PostgreSQL``: the database this run uses."""
    from django.db import connection

    return "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"


def migrate() -> None:
    """Create the tables and the cache table of the throwaway database."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)


def begin() -> float:
    """Migrate the throwaway database and say what machine this is and how busy; the
    moment the data's building starts (for ``data_built``)."""
    migrate()
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"{versions()}; {os.cpu_count()} CPUs, load average {load} "
          "(figures are slower on a busy machine)")
    return time.perf_counter()


def data_built(started: float, what: str) -> None:
    """After the bulk build: the planner's statistics on PostgreSQL, and how long it took."""
    from django.db import connection

    if connection.vendor == "postgresql":
        gather_statistics()
    print(f"Data built in {time.perf_counter() - started:.1f}s ({connection.vendor}): {what}")


def gather_statistics() -> None:
    """The planner's statistics after a bulk load, as autovacuum (PostgreSQL) or an import
    (``lib.db_statistics``) would gather them: without them PostgreSQL took 10,000 rows for
    a handful and chose plans no real school would get."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE_PAGE)


_BASE_TEMPLATE = (
    '{% extends "base.html" %}{% block content %}<h1>Base</h1><table>'
    "<thead><tr>{% for heading in headings %}<th>{{ heading }}</th>{% endfor %}</tr></thead>"
    "<tbody>{% for first, second in rows %}<tr><td>{{ first }}</td><td>{{ second }}</td></tr>"
    "{% endfor %}</tbody></table>{% endblock %}")


def base_view(model: str, columns: tuple[str, str]) -> Callable[[HttpRequest], HttpResponse]:
    """The issue's bare view: ``base.html`` with a 50-row table from one query of two
    ``columns`` of ``model`` ("app.Model") in the request's school."""

    def view(request: HttpRequest) -> HttpResponse:
        from django.apps import apps
        from django.template import engines

        rows = list(apps.get_model(model).objects.filter(school=getattr(request, "school", None))
                    .order_by("pk").values_list(*columns)[:50])
        template = engines["django"].from_string(_BASE_TEMPLATE)
        return HttpResponse(template.render(
            {"rows": rows, "headings": columns, "page_title": "Base"}, request))

    return view


def profile(client: Client, url: str, requests: int) -> None:
    """Where a page's time goes: cProfile over ``requests`` requests (the 25 functions with
    the most time of their own, then Schoolkeep's by cumulative time), and the SQL of one
    request with its slowest queries."""
    import cProfile
    import io
    import pstats

    from django.db import connection

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(url)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats("schoolkeep", 40)
    print(out.getvalue())

    timings: list[tuple[float, str]] = []

    def timed_sql(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - started, sql))

    with connection.execute_wrapper(timed_sql):
        client.get(url)
    print(f"SQL of one request: {sum(t for t, _ in timings) * 1000:.1f} ms in "
          f"{len(timings)} queries; the slowest:")
    for seconds, sql in sorted(timings, reverse=True)[:8]:
        print(f"  {seconds * 1000:7.2f} ms  {len(sql):6} chars  {sql[:110]}")


@contextmanager
def bench_urls() -> Iterator[None]:
    """Serve the application's URLs plus the bare view, named ``bench-bare``."""
    from django.test import override_settings
    from django.urls import include, path

    urlpatterns[:] = [
        path("bench/bare/", bare, name="bench-bare"),
        path("", include("schoolkeep.urls")),
    ]
    with override_settings(ROOT_URLCONF=__name__):
        yield


def signed_in(user: object) -> Client:
    """A test client with ``user`` signed in (no two-factor step)."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


def timed(client: Client, url: str, data: dict[str, str] | None = None) -> float:
    """Seconds a GET of ``url`` took; stops the benchmark unless it answered 200."""
    started = time.perf_counter()
    response = client.get(url, data or {})
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"bench: GET {url} answered {response.status_code}, not 200")
    return elapsed


def count_queries(client: Client, url: str, data: dict[str, str] | None = None) -> int:
    """Queries one GET of ``url`` makes (counted alone: each request empties the log)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        timed(client, url, data)
    return len(captured)


def median_ms(values: list[float]) -> float:
    return 1000 * statistics.median(values)


def percentile_ms(values: list[float], q: float) -> float:
    """The ``q`` percentile (0.9 for the 90th) of timings in seconds, in milliseconds."""
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]


class Counted:
    """Counts the queries run meanwhile (no log kept, so no limit on how many)."""

    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.queries += 1
        return execute(sql, params, many, context)


def time_work(label: str, work: Callable[[], Any], *, width: int) -> None:
    """Run ``work`` once and print ``label`` (in ``width`` characters), its milliseconds
    and its queries (the providers' tables of bench/requests.py and bench/compliance.py)."""
    from django.db import connection

    counted = Counted()
    with connection.execute_wrapper(counted):
        started = time.perf_counter()
        work()
        elapsed = time.perf_counter() - started
    print(f"{label:<{width}}{elapsed * 1000:10.1f}{counted.queries:8d}")


def versions() -> str:
    """``Django x, Python y, SQLite z`` (or ``PostgreSQL z``) for the head of a report."""
    import django
    from django.db import connection

    if connection.vendor == "postgresql":
        connection.ensure_connection()
        major, minor = divmod(connection.pg_version, 10000)
        database = f"PostgreSQL {major}.{minor}"
    else:
        database = f"SQLite {connection.Database.sqlite_version}"
    return f"Django {django.get_version()}, Python {sys.version.split()[0]}, {database}"


def siro_of(school: object) -> object:
    """A SIRO of ``school`` (Sam Siro, siro@alder.example) with TOTP enrolled."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from schoolkeep.accounts.models import User
    from schoolkeep.tenancy.models import Membership, MembershipRole

    siro = User.objects.create(email="siro@alder.example", full_name="Sam Siro",
                               password="!unusable")
    membership = Membership.objects.create(user=siro, school=school)
    MembershipRole.objects.create(membership=membership, role="siro")
    TOTP.activate(siro, generate_totp_secret())
    return siro


def timed_import(importer: Callable[..., Any], path: Path, school: object) -> tuple[float, Any]:
    """Seconds ``importer`` (people_import, assets_import) took to import ``path`` into
    ``school``, and its result; stops the benchmark if the file has problems."""
    from schoolkeep.audit.context import audit_context

    started = time.perf_counter()
    with audit_context(actor_label="bench"):
        result = importer(path, school=school, actor=None, filename=path.name)
    elapsed = time.perf_counter() - started
    if not result.ok:
        sys.exit(f"The generated file has problems: {result.problems[:3]}")
    return elapsed, result


def maxrss_mb() -> float:
    """The process's peak resident memory in MB."""
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def audit_chains_verified() -> None:
    """Print whether the audit chains still verify; exit 1 if they do not."""
    from schoolkeep.audit.verify import audit_verify

    verified = audit_verify()
    print(f"  Audit chains: {'all intact' if verified.ok else 'BROKEN'} "
          f"({verified.events} events)")
    if not verified.ok:
        sys.exit(1)


@contextmanager
def audit_cpu(module: Any) -> Iterator[list[float]]:
    """CPU seconds spent meanwhile in ``module.audit_record_many`` (appending the audit
    chain, which the import calls through that name): ``spent[0]``."""
    spent = [0.0]
    real = module.audit_record_many

    def timed(events: list[dict[str, Any]]) -> int:
        started = time.process_time()
        try:
            return int(real(events))
        finally:
            spent[0] += time.process_time() - started

    module.audit_record_many = timed
    try:
        yield spent
    finally:
        module.audit_record_many = real


def policies_with_reviews(school: Any, today: Any, count: int = 12) -> None:
    """``count`` policies whose reviews fall from four months ago to a few years ahead, all
    but every sixth with an approved version (as data, not through the services)."""
    from datetime import timedelta

    from schoolkeep.agreements.policies.models import Policy, PolicyVersion

    for n in range(count):
        policy = Policy.objects.create(
            school=school, title=f"Policy {n}", title_key=f"policy {n}",
            next_review_on=today + timedelta(days=60 * n - 120))
        if n % 6:
            policy.current_version = PolicyVersion.objects.create(
                school=school, policy=policy, number=1, source="typed", status="approved",
                text="Text", content_hash="0" * 64)
            policy.save(update_fields=["current_version"])
