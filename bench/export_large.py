"""Benchmark: the large exports as their background jobs make them: the audit trail as CSV at
100,000 and 1,000,000 events, the Single Central Record as XLSX at 1,000 and 5,000 people.
Time and peak memory of each.

Not a test. For each size it builds a throwaway database (SQLite in a throwaway data
directory, or PostgreSQL when ``SCHOOLKEEP_BENCH_POSTGRES`` is set, see bench/harness.py),
then runs the export's job exactly as the worker does (``trail_export_start`` then
``trail_export_run``; ``record_export_start`` then ``record_export_run``) in a fresh process,
and prints:

- seconds for the job, and rows per second;
- the process's peak resident memory (``resource.getrusage``) and how much it rose during the
  job above what Django and the database connection already held;
- the file's size;
- for the trail, how long choosing and counting the events takes (the query the export's link
  runs to decide between a download at once and a job).

The events are inserted straight into the table (one INSERT run over the rows, as
``audit_record_many`` does, with made-up hashes: the export does not verify the chain); another
school's 10,000 events must not be exported. The people come from bench/record_view.py's
generator (with another school's 200). Both files are written while the rows are read, so
memory should stay flat from the smaller size to the larger.

    .venv/bin/python bench/export_large.py [--events 100000,1000000] [--people 1000,5000]
        [--formats xlsx,pdf]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import harness

OTHER_SCHOOL_EVENTS = 10_000
BATCH = 5_000


def _insert_events(school: object, count: int, actor: object) -> None:
    """``count`` plausible events of ``school``: settings, assets and checks changed by its
    SIRO or by the system, a second apart, each with a small before/after."""
    import uuid

    from django.db import connection, transaction

    from schoolkeep.audit.models import AuditEvent

    meta = AuditEvent._meta
    columns = ["public_id", "chain", "sequence", "school_id", "actor_id", "actor_label",
               "action", "target_type", "target_id", "target_label", "changes",
               "occurred_at", "request_id", "ip_address", "previous_hash", "hash"]
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(map(quote, columns))}) "  # nosec B608
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    uuid_field, time_field = meta.get_field("public_id"), meta.get_field("occurred_at")
    changes_field = meta.get_field("changes")
    actions = [("assets.asset.updated", "assets.asset", "Pupil records (MIS) {n}"),
               ("people.check.saved", "people.check", "Enhanced DBS of Person {n}"),
               ("tenancy.school.settings_changed", "tenancy.school", "Alder Primary")]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    chain = f"bench-{school.pk}"  # type: ignore[attr-defined]
    with transaction.atomic(), connection.cursor() as cursor:
        for first in range(0, count, BATCH):
            rows = []
            for n in range(first, min(count, first + BATCH)):
                action, target_type, label = actions[n % 3]
                by_siro = n % 4 != 0
                rows.append((
                    uuid_field.get_db_prep_save(uuid.uuid4(), connection), chain, n + 1,
                    school.pk, actor.pk if by_siro else None,  # type: ignore[attr-defined]
                    "Sam Siro" if by_siro else "system", action, target_type, str(n),
                    label.format(n=n),
                    changes_field.get_db_prep_save(
                        {"name": {"before": f"Old name {n}", "after": f"New name {n}"},
                         "review_interval": {"before": 12, "after": 24}}, connection),
                    time_field.get_db_prep_save(start + timedelta(seconds=n), connection),
                    f"req-{n:08d}", "192.0.2.10", "0" * 64, f"{n:064x}"))
            cursor.executemany(sql, rows)


def build_events(size: int) -> None:
    """Child: a school whose trail holds ``size`` events; print the data directory."""
    data_dir = harness.start()
    harness.migrate()
    from schoolkeep.tenancy.models import School

    school = School.objects.create(name="Alder Primary", slug="alder")
    other = School.objects.create(name="Birch Academy", slug="birch", kind="academy")
    siro = harness.siro_of(school)
    _insert_events(school, size, siro)
    _insert_events(other, OTHER_SCHOOL_EVENTS, siro)
    print(data_dir)


def build_people(size: int) -> None:
    """Child: a school of ``size`` people with their checks; print the data directory."""
    import record_view  # sets Django up in its own throwaway data directory

    harness.migrate()
    record_view.build(size)
    print(record_view.DATA_DIR)


def _start(data_dir: str) -> None:
    stray = harness.start(SCHOOLKEEP_DATA_DIR=data_dir, SCHOOLKEEP_DEBUG="false")
    shutil.rmtree(stray, ignore_errors=True)  # start() made one; the built one is used


def _figures(job: object, rows: int, elapsed: float, before: float, **more: float) -> None:
    from schoolkeep.jobs.models import Job
    from schoolkeep.jobs.services import job_file_path

    job.refresh_from_db()  # type: ignore[attr-defined]
    path = job_file_path(job)  # type: ignore[arg-type]
    if job.status != Job.Status.DONE or path is None:  # type: ignore[attr-defined]
        sys.exit(f"bench: the job ended {job.status}: {job.message}")  # type: ignore[attr-defined]
    print(json.dumps({"rows": rows, "seconds": elapsed, "peak_mb": harness.maxrss_mb(),
                      "rise_mb": harness.maxrss_mb() - before,
                      "bytes": path.stat().st_size, **more}))


def measure_trail(data_dir: str) -> None:
    """Child: export the whole trail as its job does; print the figures as JSON."""
    _start(data_dir)
    from schoolkeep.audit import export
    from schoolkeep.audit.context import audit_context
    from schoolkeep.audit.selectors import event_list
    from schoolkeep.tenancy.models import School

    school = School.objects.get(slug="alder")
    before = harness.maxrss_mb()
    started = time.perf_counter()
    chosen = export.trail_chosen(event_list(school=school))
    choosing = time.perf_counter() - started
    started = time.perf_counter()
    with audit_context(actor_label="bench"):
        job = export.trail_export_start(school=school, actor=None, selection={},
                                        filters="everything")
        export.trail_export_run(str(job.public_id), export.selection_params({}), chosen.newest)
    elapsed = time.perf_counter() - started
    _figures(job, chosen.rows, elapsed, before, choose_ms=choosing * 1000)


def measure_record(data_dir: str, fmt: str) -> None:
    """Child: export the whole record (every column) as its job does; print the figures."""
    _start(data_dir)
    from schoolkeep.audit.context import audit_context
    from schoolkeep.people.record import exports
    from schoolkeep.people.record.rows import RecordFilters
    from schoolkeep.people.visibility import Level
    from schoolkeep.tenancy.models import School

    school = School.objects.get(slug="alder")
    before = harness.maxrss_mb()
    started = time.perf_counter()
    with audit_context(actor_label="bench"):
        job = exports.record_export_start(school=school, actor=None, fmt=fmt,
                                          filters=RecordFilters(), level=Level.SENSITIVE)
        exports.record_export_run(str(job.public_id), fmt, RecordFilters().as_params(),
                                  int(Level.SENSITIVE))
    elapsed = time.perf_counter() - started
    _figures(job, job.total, elapsed, before)


def child(*arguments: str) -> str:
    done = subprocess.run([sys.executable, __file__, *arguments], check=True,
                          capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def line(label: str, unit: str, figures: dict[str, float]) -> str:
    text = (f"  {label:<22} {figures['seconds']:7.2f} s  "
            f"{figures['rows'] / figures['seconds']:8,.0f} {unit}/s  "
            f"peak RSS {figures['peak_mb']:6.1f} MB (+{figures['rise_mb']:5.1f} MB during the "
            f"job)  file {figures['bytes'] / 1024 / 1024:7.1f} MB")
    if "choose_ms" in figures:
        text += f"  choosing and counting {figures['choose_ms']:6.0f} ms"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", default="100000,1000000")
    parser.add_argument("--people", default="1000,5000")
    parser.add_argument("--formats", default="xlsx", help="of the record: xlsx,pdf")
    parser.add_argument("--build-events", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--build-people", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure-trail", metavar="DATA_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--measure-record", nargs=2, metavar=("DATA_DIR", "FORMAT"),
                        help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.build_events:
        return build_events(options.build_events)
    if options.build_people:
        return build_people(options.build_people)
    if options.measure_trail:
        return measure_trail(options.measure_trail)
    if options.measure_record:
        return measure_record(*options.measure_record)

    database = "PostgreSQL" if harness.POSTGRES in __import__("os").environ else "SQLite"
    print(f"Python {sys.version.split()[0]}, {database}; each job in its own process, as the "
          "worker runs it")
    for size in (int(text) for text in options.events.split(",") if text):
        started = time.perf_counter()
        data_dir = child("--build-events", str(size))
        print(f"\nAudit trail of {size:,} events (built in {time.perf_counter() - started:.1f}s;"
              f" another school's {OTHER_SCHOOL_EVENTS:,} not exported)")
        try:
            print(line("CSV", "events", json.loads(child("--measure-trail", data_dir))))
        finally:
            shutil.rmtree(Path(data_dir), ignore_errors=True)
    for size in (int(text) for text in options.people.split(",") if text):
        started = time.perf_counter()
        data_dir = child("--build-people", str(size))
        print(f"\nSingle Central Record of {size:,} people (built in "
              f"{time.perf_counter() - started:.1f}s; another school's 200 not exported)")
        try:
            for fmt in options.formats.split(","):
                figures = json.loads(child("--measure-record", data_dir, fmt))
                print(line(fmt.upper(), "people", figures))
        finally:
            shutil.rmtree(Path(data_dir), ignore_errors=True)


if __name__ == "__main__":
    main()
