"""Benchmark: backup and restore times, archive size and peak memory, on SQLite or PostgreSQL.

Not a test. Two data sets, each in a throwaway data directory (deleted at the end):

1. the demo (``schoolkeep demo``);
2. a generated school: 5,000 people, 10,000 assets and 100,000 audit events (bulk-created;
   the audit events are rows for size, not a verifiable chain).

For each it times ``schoolkeep backup`` and ``schoolkeep restore`` (into a fresh data
directory) as separate processes and reports each one's peak resident memory (its ru_maxrss
from wait4, which covers the ``pg_dump``/``pg_restore`` it waits for), and the archive's size.

With ``DATABASE_URL`` set to a PostgreSQL server, each Schoolkeep gets its own throwaway
database there (``schoolkeep_bench_<pid>_<n>``, dropped at the end):

    .venv/bin/python bench/backup.py [--people 5000 --assets 10000 --events 100000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/backup.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

SCHOOLKEEP = str(Path(sys.executable).parent / "schoolkeep")
SERVER_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SERVER_URL.startswith(("postgres://", "postgresql://"))

GENERATE = """
import django, uuid
django.setup()
from django.db.models import QuerySet
from django.utils import timezone
from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.audit.models import AuditEvent
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import Organisation, School

people, assets, events = %(people)d, %(assets)d, %(events)d
trust = Organisation.objects.create(name="Benchmark Trust", slug="bench-trust")
school = School.objects.create(name="Benchmark School", slug="bench", organisation=trust)
Person.objects.bulk_create(
    [Person(school=school, full_name=f"Person {n}", name_key=f"person {n}", kind="teaching")
     for n in range(people)], batch_size=2000)
group = AssetGroup.objects.create(school=school, name="Laptops", name_key="laptops")
Asset.objects.bulk_create(
    [Asset(school=school, group=group, name=f"Laptop {n}", name_key=f"laptop {n}")
     for n in range(assets)], batch_size=2000)
now = timezone.now()
# Plain rows for size: the model's own bulk_create refuses, rightly, in the application.
rows = QuerySet(model=AuditEvent)
for start in range(0, events, 5000):
    rows.bulk_create([
        AuditEvent(chain=f"bench-{school.pk}", sequence=n, school=school, actor_label="bench",
                   action="assets.asset.update", target_type="asset", target_id=str(n),
                   target_label=f"Laptop {n}", changes={"name": {"before": "a", "after": "b"}},
                   occurred_at=now, previous_hash="0" * 64, hash=uuid.uuid4().hex * 2)
        for n in range(start, min(events, start + 5000))])
"""


def on_server(sql: str) -> None:
    """One statement on the server of DATABASE_URL, outside a transaction."""
    import psycopg

    with psycopg.connect(urlparse(SERVER_URL)._replace(path="/postgres").geturl(),
                         autocommit=True) as conn:
        conn.execute(sql)


DATABASES: list[str] = []


def new_database_url() -> str:
    """A new, empty PostgreSQL database for one Schoolkeep (dropped by ``drop_databases``)."""
    name = f"schoolkeep_bench_{os.getpid()}_{len(DATABASES)}"
    on_server(f'CREATE DATABASE "{name}"')
    DATABASES.append(name)
    return urlparse(SERVER_URL)._replace(path=f"/{name}").geturl()


def drop_databases() -> None:
    for name in DATABASES:
        on_server(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(data_dir: Path, database_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCHOOLKEEP_", "DATABASE_"))}
    env.update(SCHOOLKEEP_ENV="development", SCHOOLKEEP_DATA_DIR=str(data_dir),
               SCHOOLKEEP_BACKUP_PASSPHRASE="benchmark passphrase",
               DJANGO_SETTINGS_MODULE="schoolkeep.settings")
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


DATABASE_SIZE = """
import django; django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("SELECT pg_database_size(current_database())")
    print(cursor.fetchone()[0])
"""


def database_size(env: dict[str, str]) -> int:
    if "DATABASE_URL" not in env:
        return (Path(env["SCHOOLKEEP_DATA_DIR"]) / "schoolkeep.sqlite3").stat().st_size
    return int(subprocess.run([sys.executable, "-c", DATABASE_SIZE], env=env, check=True,
                              capture_output=True, text=True).stdout)


def measured(env: dict[str, str], *args: str) -> tuple[float, int]:
    """Seconds taken and peak resident memory (KiB) of one ``schoolkeep`` process."""
    started = time.perf_counter()
    process = subprocess.Popen([SCHOOLKEEP, *args], env=env, stdout=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"schoolkeep {' '.join(args)} failed ({process.returncode})")
    return time.perf_counter() - started, usage.ru_maxrss


def prepare(env: dict[str, str], generate: str | None) -> None:
    subprocess.run([SCHOOLKEEP, "migrate", "-v0"], env=env, check=True)
    subprocess.run([SCHOOLKEEP, "createcachetable"], env=env, check=True)
    if generate is None:
        subprocess.run([SCHOOLKEEP, "demo", "--no-logins"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    else:
        subprocess.run([sys.executable, "-c", generate], env=env, check=True)


def bench(label: str, root: Path, generate: str | None) -> None:
    source = environment(root / f"{label}-a", new_database_url() if ON_POSTGRES else "")
    target = environment(root / f"{label}-b", new_database_url() if ON_POSTGRES else "")
    prepare(source, generate)
    db_size = database_size(source)
    backup_s, backup_kib = measured(source, "backup", "--out", str(root / label))
    archive = next((root / label).glob("*.skbackup"))
    verify_s, verify_kib = measured(source, "backup", "verify", str(archive))
    restore_s, restore_kib = measured(target, "restore", str(archive))
    size = archive.stat().st_size
    print(f"{label}: database {db_size / 1e6:.1f} MB, archive {size / 1e6:.1f} MB")
    print(f"  backup  {backup_s:6.2f} s  peak {backup_kib / 1024:6.1f} MiB")
    print(f"  verify  {verify_s:6.2f} s  peak {verify_kib / 1024:6.1f} MiB")
    print(f"  restore {restore_s:6.2f} s  peak {restore_kib / 1024:6.1f} MiB (includes migrate)",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--assets", type=int, default=10000)
    parser.add_argument("--events", type=int, default=100000)
    options = parser.parse_args()
    print("PostgreSQL" if ON_POSTGRES else "SQLite", flush=True)
    root = Path(tempfile.mkdtemp(prefix="schoolkeep-bench-backup-"))
    try:
        bench("demo", root, None)
        bench("generated", root, GENERATE % {"people": options.people, "assets": options.assets,
                                             "events": options.events})
    finally:
        shutil.rmtree(root, ignore_errors=True)
        drop_databases()


if __name__ == "__main__":
    main()
