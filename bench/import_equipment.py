"""Benchmark: importing a generated file of 20,000 items of equipment.

Not a test. ``make bench`` runs it in a throwaway data directory (deleted at the end). It
makes one school with 2,000 people (two in three with an e-mail address) and a CSV file of N
items (default 20,000) laid out like a Snipe-IT asset export (Asset Tag, Serial, Model,
Manufacturer, Category, Location, Checked Out To, Status, and a few columns Schoolkeep
ignores); one item in four is checked out to a person, found by name. Then it times:

1. the check (``--dry-run``: read, match, compare, the preview; nothing written);
2. the import into the empty inventory (every item new: bulk inserts, one audit event per
   item, chained in one pass);
3. the same file again (nothing changes, nothing written);
4. a changed file (one item in ten moved to another location: bulk updates, one audit event
   per changed item);

with rows per second (wall and CPU) and the CPU time spent in ``audit_record_many``, then
the peak of Python allocations of one check and one import into an empty school
(tracemalloc) and the process's peak resident memory (ru_maxrss). It checks that the audit
chains still verify.

    .venv/bin/python bench/import_equipment.py [--rows N] [--profile N]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import time
import tracemalloc
from pathlib import Path
from typing import Any

import harness
import results

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")  # no query log growing with the import

FIRST = ["Amelia", "Ben", "Carys", "Dev", "Ewa", "Femi", "Grace", "Hamza", "Isla", "Jack"]
LAST = ["Hart", "Okafor", "Evans", "Patel", "Nowak", "Adeyemi", "Lee", "Khan", "Brown"]
PEOPLE = 2_000
HEADINGS = ["Asset Name", "Asset Tag", "Serial", "Model", "Manufacturer", "Category",
            "Location", "Checked Out To", "Status", "Purchase Date", "Purchase Cost"]
MODELS = [("Latitude 5440", "Dell", "Laptops"), ("ProBook 450", "HP", "Laptops"),
          ("EliteDesk 800", "HP", "Desktops"), ("iPad 9th gen", "Apple", "Tablets"),
          ("iPhone SE", "Apple", "Mobile Phones"), ("My Passport", "WD", "External drives"),
          ("DataTraveler", "Kingston", "USB sticks"), ("PowerEdge T150", "Dell", "Servers")]
ROOMS = ["Office", "IT cupboard", "Staff room", "Library"] + [f"Room {n}" for n in range(30)]
STATUSES = ["Deployed", "Ready to Deploy", "Pending", "Archived"]


def name(n: int) -> str:
    return f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]} {n}"


def make_school(slug: str) -> Any:
    from schoolkeep.people import derive
    from schoolkeep.people.models import Person
    from schoolkeep.tenancy.models import School

    school = School.objects.create(name=f"Bench {slug}", slug=slug)
    Person.objects.bulk_create([
        Person(school=school, full_name=name(n), name_key=derive.name_key(name(n)),
               kind="support", email=f"person{n}@bench.example" if n % 3 else "")
        for n in range(PEOPLE)], batch_size=2000)
    return school


def write_file(path: Path, rows: int, *, changed: bool = False) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADINGS)
        for n in range(rows):
            model, make, category = MODELS[n % len(MODELS)]
            room = ROOMS[(n + (1 if changed and n % 10 == 0 else 0)) % len(ROOMS)]
            deployed = n % 4 == 0
            writer.writerow([
                f"Item {n}", f"BENCH-{n:06d}", f"5CD{n:07d}X", model, make, category, room,
                name(n % PEOPLE) if deployed else "",
                "Deployed" if deployed else STATUSES[n % len(STATUSES)],
                "2023-09-01", "499.00"])
    return path


def timed(path: Path, school: Any, *, dry_run: bool) -> tuple[str, Any, float]:
    from schoolkeep.audit.context import audit_context
    from schoolkeep.equipment.imports import equipment_import, writing

    cpu = time.process_time()
    started = time.perf_counter()
    with audit_context(actor_label="bench"), harness.audit_cpu(writing) as audit:
        result = equipment_import(path, school=school, actor=None, dry_run=dry_run,
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
    """The first import under cProfile: its costliest functions, by their own time and with
    what they call (timings inflated by the profiler: compare shares, not seconds)."""
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
        from schoolkeep.equipment.models import Item

        database = harness.database_label()
        folder = Path(DATA_DIR)
        school = make_school("bench-equipment")
        path = write_file(folder / f"equipment-{rows}.csv", rows)
        changed = write_file(folder / f"equipment-{rows}-changed.csv", rows, changed=True)
        print(f"Importing a file of {rows:,} items of equipment into a school of "
              f"{PEOPLE:,} people, {harness.versions()}")
        print(f"  file: CSV {path.stat().st_size / 1e6:.1f} MB")
        rss_before = harness.maxrss_mb()
        if options.profile:
            profile_first_import(path, school, options.profile)
            return

        figures, result, check_rate = timed(path, school, dry_run=True)
        print(f"  check (dry run):      {figures}\n    ({result.added:,} to add, "
              f"{result.assigned:,} assigned to a person)")
        events = AuditEvent.objects.count()
        figures, result, apply_rate = timed(path, school, dry_run=False)
        print(f"  import, all new:      {figures}\n"
              f"    ({Item.objects.filter(school=school).count():,} items, "
              f"{AuditEvent.objects.count() - events:,} audit events)")
        figures, result, _ = timed(path, school, dry_run=False)
        assert result.changes == 0 and not result.written
        print(f"  same file again:      {figures}\n    (nothing changed, nothing written)")
        events = AuditEvent.objects.count()
        figures, result, _ = timed(changed, school, dry_run=False)
        print(f"  a changed file:       {figures}\n    ({result.updated:,} updated, "
              f"{AuditEvent.objects.count() - events:,} audit events)")
        rss_after = harness.maxrss_mb()

        tracemalloc.start()
        timed(path, school, dry_run=True)
        _, check_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        empty = make_school("bench-equipment-empty")
        tracemalloc.start()
        timed(path, empty, dry_run=False)
        _, apply_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  Peak of Python allocations (tracemalloc): check {check_peak / 1e6:.1f} MB, "
              f"import into an empty school {apply_peak / 1e6:.1f} MB")
        print(f"  Peak resident memory of the process (ru_maxrss): {rss_before:.0f} MB after "
              f"setup, {rss_after:.0f} MB after the timed runs")
        for step, rate, peak in (("check", check_rate, check_peak),
                                 ("import", apply_rate, apply_peak)):
            results.record(bench="import_equipment", name=step, database=database,
                           scale=f"{rows}", rows_per_s=round(rate), peak_mb=peak / 1e6)
        harness.audit_chains_verified()
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
