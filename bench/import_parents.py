"""Benchmark: importing a generated file of 10,000 parents.

Not a test. ``make bench`` may run it; it uses a throwaway data directory (deleted at the
end). It generates one CSV file of N parents (default 10,000): a name, an e-mail for nine in
ten (the others are matched by name), year groups or classes. Then:

1. imports it into an empty school (timed: rows per second, wall and CPU);
2. imports the same file again (nothing changes: rows per second, no audit event);
3. imports it with one row in ten changed (timed);
4. imports it into other empty schools and reports the process's peak resident memory
   (ru_maxrss) after each, at N/5 rows and then N rows, to show how memory grows with the
   file (the peak of the whole process only grows: the smaller file goes first).

It prints what was written (parents, audit events) and checks that the audit chains still
verify.

    .venv/bin/python bench/import_parents.py [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import time
from pathlib import Path
from typing import Any

import harness

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")  # no query log growing with the import

FIRST = ["Amelia", "Ben", "Carys", "Dev", "Ewa", "Femi", "Grace", "Hamza", "Isla", "Jack",
         "Kiran", "Lena", "Mo", "Niamh", "Oscar", "Priya", "Quinn", "Rosa", "Sam", "Zoë"]
LAST = ["Hart", "Okafor", "Evans", "Patel", "Nowak", "Adeyemi", "Lee", "Khan", "Brown",
        "Smith", "Jones", "Murphy", "Garcia", "Chen", "Ali", "Brontë", "O'Neill"]
CLASSES = ["Reception", "Year 1", "Year 2", "Year 3, 5B", "Year 4", "Year 5", "Year 6"]


def generate(rows: int, *, changed_every: int = 0) -> list[list[str]]:
    """Headings and N parents (``changed_every``: change the classes of one in that many)."""
    table = [["Name", "Email", "Year groups or classes"]]
    for n in range(rows):
        name = f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]} {n}"
        email = "" if n % 10 == 3 else f"parent{n}@home.example"
        classes = CLASSES[n % len(CLASSES)]
        if changed_every and n % changed_every == 0:
            classes += ", Nursery"
        table.append([name, email, classes])
    return table


def write_csv(path: Path, table: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(table)
    return path


def timed_import(path: Path, school: Any) -> tuple[str, Any]:
    """Import ``path`` into ``school``: the figures as printed (wall and CPU seconds, rows
    per second of each) and the result."""
    from schoolkeep.agreements.parents import imports

    cpu = time.process_time()
    with harness.audit_cpu(imports) as audit:
        elapsed, result = harness.timed_import(imports.parents_import, path, school)
    cpu = time.process_time() - cpu
    rows = result.rows
    return (f"{elapsed:6.2f} s {rows / elapsed:7.0f} rows/s wall, {cpu:6.2f} s "
            f"{rows / cpu:7.0f} rows/s CPU; audit_record_many {audit[0]:5.2f} s CPU "
            f"({100 * audit[0] / cpu:2.0f}%)", result)


def make_school(slug: str) -> Any:
    from schoolkeep.tenancy.models import School

    return School.objects.create(name=f"Bench {slug}", slug=slug)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    rows = parser.parse_args().rows
    try:
        harness.migrate()
        from schoolkeep.agreements.aups.models import Parent
        from schoolkeep.audit.models import AuditEvent

        folder = Path(DATA_DIR)
        path = write_csv(folder / f"parents-{rows}.csv", generate(rows))
        changed = write_csv(folder / f"parents-{rows}-changed.csv",
                            generate(rows, changed_every=10))
        small = write_csv(folder / f"parents-{rows // 5}.csv", generate(max(1, rows // 5)))
        print(f"Import of {rows} parents (CSV, {path.stat().st_size / 1e6:.1f} MB), "
              f"{harness.versions()}, one transaction each")

        school = make_school("bench-parents")
        events = AuditEvent.objects.count()
        figures, result = timed_import(path, school)
        print(f"  first import:          {figures}\n"
              f"    ({Parent.objects.filter(school=school).count()} parents, "
              f"{AuditEvent.objects.count() - events} audit events)")

        events = AuditEvent.objects.count()
        figures, result = timed_import(path, school)
        assert result.unchanged == rows and AuditEvent.objects.count() == events
        print(f"  same file again:       {figures}\n    (nothing changed, no audit event)")

        events = AuditEvent.objects.count()
        figures, result = timed_import(changed, school)
        print(f"  one row in ten changed: {figures}\n"
              f"    ({result.updated} parents changed, "
              f"{AuditEvent.objects.count() - events} audit events)")

        print("  Peak resident memory of the process (ru_maxrss) after one more import into "
              f"an empty school: {harness.maxrss_mb():.0f} MB before")
        for number, file in enumerate((small, path)):
            _, result = timed_import(file, make_school(f"bench-memory-{number}"))
            print(f"    {result.rows:7d} rows: {harness.maxrss_mb():6.0f} MB")
        harness.audit_chains_verified()
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
