"""Benchmark: importing a generated file of 20,000 training records.

Not a test. ``make bench`` runs it in a throwaway data directory (deleted at the end). It
makes one school with 2,000 people (half with a staff number, a third of the rest with an
e-mail address, the others with a date of birth) and the usual three courses, and a CSV
file of N rows (default 20,000): each row one person's completion of one course on one day,
the person given by staff number, e-mail, or full name with date of birth, the course by
name or by its key, plus a column Schoolkeep ignores. Then it times:

1. the check (``dry_run``: read, match, compare, the preview; nothing written);
2. the import into a school with no training recorded (every row a new record: bulk
   inserts, one audit event per record, chained in one pass);
3. the same file again (every row skipped as recorded already, nothing written);

with rows per second (wall and CPU) and the CPU time spent in ``audit_record_many``, then
the peak of Python allocations of one check and one import into an empty school
(tracemalloc). It checks that the audit chains still verify.

    .venv/bin/python bench/import_training.py [--rows N] [--profile N]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import harness
import results

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")  # no query log growing with the import

FIRST = ["Amelia", "Ben", "Carys", "Dev", "Ewa", "Femi", "Grace", "Hamza", "Isla", "Jack"]
LAST = ["Hart", "Okafor", "Evans", "Patel", "Nowak", "Adeyemi", "Lee", "Khan", "Brown"]
PEOPLE = 2_000
HEADINGS = ["Staff number", "Email", "Full name", "Date of birth", "Course", "Completed on",
            "Score"]
COURSES = ["Cyber security training for school staff", "data_protection",
           "Safeguarding and child protection"]
FIRST_DAY = date(2020, 9, 1)


def name(n: int) -> str:
    return f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]} {n}"


def born(n: int) -> date:
    return date(1960, 1, 1) + timedelta(days=n * 7)


def make_school(slug: str) -> Any:
    from schoolkeep.people import derive
    from schoolkeep.people.models import Person
    from schoolkeep.tenancy.models import School
    from schoolkeep.training.defaults import ensure_default_courses

    school = School.objects.create(name=f"Bench {slug}", slug=slug)
    people = []
    for n in range(PEOPLE):
        dob = born(n) if n % 2 and n % 3 == 0 else None
        people.append(Person(
            school=school, full_name=name(n), name_key=derive.name_key(name(n)),
            kind="teaching", staff_number=f"T{n:05d}" if n % 2 == 0 else "",
            email=f"person{n}@bench.example" if n % 2 and n % 3 else "",
            date_of_birth=dob.isoformat() if dob else "",
            date_of_birth_hash=derive.date_of_birth_hash(dob)))
    Person.objects.bulk_create(people, batch_size=2000)
    ensure_default_courses(school)
    return school


def write_file(path: Path, rows: int) -> Path:
    """Row n: person n % 2,000, course (n // 2,000) % 3, day n // 6,000 (each row its own
    record)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADINGS)
        for n in range(rows):
            who = n % PEOPLE
            staff = f"T{who:05d}" if who % 2 == 0 else ""
            email = f"person{who}@bench.example" if who % 2 and who % 3 else ""
            named = not (staff or email)
            day = FIRST_DAY + timedelta(days=n // (PEOPLE * len(COURSES)) * 30 + who % 20)
            writer.writerow([
                staff, email, name(who), born(who).strftime("%d/%m/%Y") if named else "",
                COURSES[(n // PEOPLE) % len(COURSES)], day.strftime("%d/%m/%Y"), "90"])
    return path


def timed(path: Path, school: Any, *, dry_run: bool) -> tuple[str, Any, float]:
    from schoolkeep.audit.context import audit_context
    from schoolkeep.training.imports import training_import, writing

    cpu = time.process_time()
    started = time.perf_counter()
    with audit_context(actor_label="bench"), harness.audit_cpu(writing) as audit:
        result = training_import(path, school=school, actor=None, dry_run=dry_run,
                                 filename=path.name)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    if not result.ok:
        raise SystemExit(f"The generated file has problems: {list(result.problems)[:3]}")
    rows = result.rows
    return (f"{elapsed:6.2f} s {rows / elapsed:7.0f} rows/s wall, {cpu:6.2f} s "
            f"{rows / cpu:7.0f} rows/s CPU (audit {audit[0]:.2f} s CPU)", result,
            rows / elapsed)


def profile_first_import(path: Path, school: Any, lines: int) -> None:
    """The first import under cProfile: its costliest functions (timings inflated by the
    profiler: compare shares, not seconds)."""
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)  # CPU time: the machine may be busy
    profiler.enable()
    timed(path, school, dry_run=False)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N costliest functions of a first import (cProfile) "
                             "and stop")
    options = parser.parse_args()
    rows = options.rows
    try:
        harness.migrate()
        from schoolkeep.audit.models import AuditEvent
        from schoolkeep.training.models import TrainingRecord

        database = harness.database_label()
        folder = Path(DATA_DIR)
        school = make_school("bench-training")
        path = write_file(folder / f"training-{rows}.csv", rows)
        print(f"Importing a file of {rows:,} training records into a school of "
              f"{PEOPLE:,} people, {harness.versions()}")
        print(f"  file: CSV {path.stat().st_size / 1e6:.1f} MB")
        if options.profile:
            profile_first_import(path, school, options.profile)
            return

        figures, result, check_rate = timed(path, school, dry_run=True)
        print(f"  check (dry run):      {figures}\n    ({result.added:,} to add)")
        events = AuditEvent.objects.count()
        figures, result, apply_rate = timed(path, school, dry_run=False)
        print(f"  import, all new:      {figures}\n"
              f"    ({TrainingRecord.objects.filter(school=school).count():,} records, "
              f"{AuditEvent.objects.count() - events:,} audit events)")
        figures, result, again_rate = timed(path, school, dry_run=False)
        assert result.added == 0 and result.skipped == rows and not result.written
        print(f"  same file again:      {figures}\n    (every row skipped, nothing written)")

        tracemalloc.start()
        timed(path, school, dry_run=True)
        _, check_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        empty = make_school("bench-training-empty")
        tracemalloc.start()
        timed(path, empty, dry_run=False)
        _, apply_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  Peak of Python allocations (tracemalloc): check {check_peak / 1e6:.1f} MB, "
              f"import into an empty school {apply_peak / 1e6:.1f} MB")
        for step, rate, peak in (("check", check_rate, check_peak),
                                 ("import", apply_rate, apply_peak),
                                 ("again", again_rate, check_peak)):
            results.record(bench="import_training", name=step, database=database,
                           scale=f"{rows}", rows_per_s=round(rate), peak_mb=peak / 1e6)
        harness.audit_chains_verified()
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
