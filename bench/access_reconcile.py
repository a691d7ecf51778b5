"""Benchmark: reconciling a generated user list of 20,000 accounts with a system's accounts.

Not a test. ``make bench`` runs it in a throwaway data directory (deleted at the end). It
makes one school with N people (default 20,000: two in three with an e-mail address, one in
twenty a leaver), an access label and an asset on the system, and a user list of N accounts
(CSV; one in twenty-five matches nobody), then times:

1. the check (``--dry-run``: read, match, compare, the preview's sections; nothing written);
2. the apply into the empty system (every account new: bulk inserts, one audit event);
3. the same file again (nothing changes, nothing written);
4. a changed list (one account in ten changed, 500 missing);

with rows per second (wall and CPU), then the peak of Python allocations of one check and
one apply (tracemalloc) and the process's peak resident memory (ru_maxrss).

    .venv/bin/python bench/access_reconcile.py [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import harness
import results

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")  # no query log growing with the import

FIRST = ["Amelia", "Ben", "Carys", "Dev", "Ewa", "Femi", "Grace", "Hamza", "Isla", "Jack"]
LAST = ["Hart", "Okafor", "Evans", "Patel", "Nowak", "Adeyemi", "Lee", "Khan", "Brown"]
HEADINGS = ["User principal name", "Display name", "Block credential", "Role", "MFA status",
            "Last sign-in"]


def name(n: int) -> str:
    return f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]} {n}"


def make_school(rows: int) -> tuple[Any, Any]:
    from schoolkeep.people import derive
    from schoolkeep.people.models import Person
    from schoolkeep.systems.models import System
    from schoolkeep.tenancy.models import School

    school = School.objects.create(name="Bench Academy", slug="bench-academy")
    system = System.objects.create(school=school, name="SIMS", name_key="sims")
    today = datetime.now(UTC).date()
    people = [Person(school=school, full_name=name(n), name_key=derive.name_key(name(n)),
                     kind="teaching" if n % 2 else "support",
                     email=f"person{n}@bench.example" if n % 3 else "",
                     leaving_date=today - timedelta(days=30) if n % 20 == 0 else None)
              for n in range(rows)]
    Person.objects.bulk_create(people, batch_size=2000)
    return school, system


def write_list(path: Path, rows: int, *, changed: bool = False) -> Path:
    """The accounts: usernames that are e-mail addresses (two in three match by it, the
    rest by name), one in twenty-five a name nobody has."""
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADINGS)
        for n in range(rows - (500 if changed else 0)):
            unknown = n % 25 == 0
            flip = changed and n % 10 == 0
            writer.writerow([
                f"person{n}@bench.example" if n % 3 else f"user{n}@bench.example",
                f"Nobody Known {n}" if unknown else name(n),
                "True" if (n % 40 == 0) != flip else "False",
                "Global Administrator" if n % 100 == 0 else "User",
                "Enforced" if n % 2 else "Disabled",
                (now - timedelta(days=n % 200)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            ])
    return path


def timed(path: Path, school: Any, system: Any, *, dry_run: bool) -> tuple[str, Any, float]:
    from schoolkeep.access.imports import user_list_reconcile
    from schoolkeep.audit.context import audit_context

    cpu = time.process_time()
    started = time.perf_counter()
    with audit_context(actor_label="bench"):
        result = user_list_reconcile(path, school=school, system=system, actor=None,
                                     dry_run=dry_run, filename=path.name)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu
    if not result.ok:
        raise SystemExit(f"The generated file has problems: {list(result.problems)[:3]}")
    rows = result.rows
    return (f"{elapsed:6.2f} s {rows / elapsed:7.0f} rows/s wall, {cpu:6.2f} s "
            f"{rows / cpu:7.0f} rows/s CPU", result, rows / elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    rows = parser.parse_args().rows
    try:
        harness.migrate()
        from schoolkeep.access.models import SystemAccount
        from schoolkeep.audit.models import AuditEvent

        database = harness.database_label()
        folder = Path(DATA_DIR)
        school, system = make_school(rows)
        path = write_list(folder / f"users-{rows}.csv", rows)
        changed = write_list(folder / f"users-{rows}-changed.csv", rows, changed=True)
        print(f"Reconciling a user list of {rows:,} accounts with {rows:,} people, "
              f"{harness.versions()}")
        print(f"  file: CSV {path.stat().st_size / 1e6:.1f} MB")
        rss_before = harness.maxrss_mb()

        figures, result, check_rate = timed(path, school, system, dry_run=True)
        sections = ", ".join(f"{key} {section.count:,}"
                             for key, section in result.sections.items())
        print(f"  check (dry run):      {figures}\n    ({sections})")
        events = AuditEvent.objects.count()
        figures, result, apply_rate = timed(path, school, system, dry_run=False)
        print(f"  apply, all new:       {figures}\n"
              f"    ({SystemAccount.objects.filter(system=system).count():,} accounts, "
              f"{AuditEvent.objects.count() - events} audit event)")
        figures, result, _ = timed(path, school, system, dry_run=False)
        assert result.changes == 0 and not result.written
        print(f"  same file again:      {figures}\n    (nothing changed, nothing written)")
        figures, result, _ = timed(changed, school, system, dry_run=False)
        print(f"  a changed list:       {figures}\n    ({result.updated:,} updated, "
              f"{result.newly_missing:,} marked missing)")
        rss_after = harness.maxrss_mb()

        tracemalloc.start()
        timed(path, school, system, dry_run=True)
        _, check_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        SystemAccount.objects.filter(system=system).delete()
        tracemalloc.start()
        timed(path, school, system, dry_run=False)
        _, apply_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  Peak of Python allocations (tracemalloc): check {check_peak / 1e6:.1f} MB, "
              f"apply into the empty system {apply_peak / 1e6:.1f} MB")
        print(f"  Peak resident memory of the process (ru_maxrss): {rss_before:.0f} MB after "
              f"setup, {rss_after:.0f} MB after the timed runs")
        for step, rate, peak in (("check", check_rate, check_peak),
                                 ("apply", apply_rate, apply_peak)):
            results.record(bench="access_reconcile", name=step, database=database,
                           scale=f"{rows}", rows_per_s=round(rate), peak_mb=peak / 1e6)
        harness.audit_chains_verified()
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
