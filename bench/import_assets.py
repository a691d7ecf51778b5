"""Benchmark: importing a generated register of 10,000 information assets.

Not a test. ``make bench`` runs it in a throwaway data directory (deleted at the end). It
generates one CSV file of N assets (default 10,000) laid out like the policy's Appendix 1:
an empty first heading, group heading rows (50 groups), the heading row repeated every 500
rows, owners who are people of the school, suppliers, marked outside organisations or
unknown names, one to four access labels from a pool of 60, a purpose and a classification
(Protect and Restricted among them). Then:

1. imports it into a school with 300 people and no register (timed: rows per second);
2. imports the same file again (nothing changes: rows per second, no audit event);
3. imports it with one row in ten changed (timed);
3b. checks (the preview's dry run) files against that register of N assets: the same file
   (every row found), and a file of N new names that each look like a recorded one
   ("Asset records 00042" beside "Asset 00042": the preview asks about each), timed;
4. imports it into another empty school under tracemalloc (peak of Python allocations),
   and again with 1/5 of the rows, to show how memory grows with the file;
5. with ``--xlsx``, imports the same register from an XLSX workbook (bounded by openpyxl's
   reading, reported apart).

Each import's line gives the CPU time spent in ``audit_record_many`` (the audit chain) too.

It prints rows per second, what was written (assets, labels, audit events), the tracemalloc
peaks and the process's peak resident memory (ru_maxrss), and checks that the audit chains
still verify.

    .venv/bin/python bench/import_assets.py [--rows N] [--xlsx] [--profile N]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import time
import tracemalloc
from pathlib import Path
from typing import Any

import harness

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")  # no query log growing with the import

from django.core.management import call_command  # noqa: E402

FIRST = ["Amelia", "Ben", "Carys", "Dev", "Ewa", "Femi", "Grace", "Hamza", "Isla", "Jack",
         "Kiran", "Lena", "Mo", "Niamh", "Oscar", "Priya", "Quinn", "Rosa", "Sam", "Tomas"]
LAST = ["Hart", "Okafor", "Evans", "Patel", "Nowak", "Adeyemi", "Lee", "Khan", "Brown",
        "Smith", "Jones", "Murphy", "Garcia", "Chen", "Ali"]
ROLES = ["Administrator", "Officer", "Manager", "Lead", "Assistant", "Technician"]
AREAS = ["Pupil Data", "Finance", "HR", "Exams", "Safeguarding", "Premises", "IT", "Office",
         "SEN", "Curriculum"]
SUPPLIERS = ["RedStor", "JKCloud", "Atomwide"]
MARKED = ["<i>CCTV support company</i>", "<i>Catering contractor</i>"]
CLASSIFICATIONS = ["OFFICIAL", "OFFICIAL-SENSITIVE", "Protect", "Restricted", ""]
GROUPS = 50
PEOPLE = 300
HEADING = ["", "Information Asset Owner", "Who has access to enter information", "Purpose",
           "Classification"]


def person_name(n: int) -> str:
    return f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]} {n}"


def generate(rows: int, *, changed_every: int = 0, seed: int = 11,
             names: str = "Asset {n:05d}") -> list[list[str]]:
    """The table: headings, group headings and asset rows (``changed_every``: change the
    purpose of one asset row in that many; ``names``: the assets' names)."""
    rng = random.Random(seed)
    labels = [f"{area} {role}" for area in AREAS for role in ROLES]
    table = [HEADING]
    per_group = max(1, rows // GROUPS)
    for n in range(rows):
        if n % per_group == 0 and n // per_group < GROUPS:
            table.append([f"Group {n // per_group:02d}", "", "", "", ""])
        if n and n % 500 == 0:
            table.append(HEADING)
        kind = n % 20
        owner = (SUPPLIERS[n % len(SUPPLIERS)] if kind == 0 else MARKED[n % len(MARKED)]
                 if kind == 1 else f"Former Owner {n % 7}" if kind == 2
                 else person_name(rng.randrange(PEOPLE)))
        access = " / ".join(rng.sample(labels, rng.randint(1, 4)))
        purpose = "Teaching and learning /statutory returns" if n % 3 else "Business continuity"
        if changed_every and n % changed_every == 0:
            purpose += " (reviewed)"
        table.append([names.format(n=n), owner, access, purpose,
                      CLASSIFICATIONS[n % len(CLASSIFICATIONS)]])
    return table


def write_csv(path: Path, table: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(table)
    return path


def write_xlsx(path: Path, table: list[list[str]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in table:
        sheet.append([cell or None for cell in row])
    workbook.save(path)
    return path


def profile_first_import(path: Path, school: Any, lines: int) -> None:
    """The import under cProfile: its costliest functions, by their own time and with
    what they call (timings inflated by the profiler: compare shares, not seconds)."""
    import cProfile
    import pstats

    from schoolkeep.assets.imports import assets_import

    profiler = cProfile.Profile()
    profiler.enable()
    harness.timed_import(assets_import, path, school)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)


def make_school(slug: str) -> Any:
    from schoolkeep.people.derive import person_derive
    from schoolkeep.people.models import Person
    from schoolkeep.tenancy.models import School

    school = School.objects.create(name=f"Bench {slug}", slug=slug)
    people = []
    for n in range(PEOPLE):
        person = Person(school=school, full_name=person_name(n), kind="support")
        person_derive(person)
        people.append(person)
    Person.objects.bulk_create(people)
    return school


def timed_import(path: Path, school: Any) -> tuple[str, Any]:
    """Import ``path`` into ``school``: the figures as printed (wall and CPU seconds, rows
    per second of each; CPU time is steadier on a busy machine) and the result."""
    from schoolkeep.assets.imports import assets_import, writing

    cpu = time.process_time()
    with harness.audit_cpu(writing) as audit:
        elapsed, result = harness.timed_import(assets_import, path, school)
    cpu = time.process_time() - cpu
    rows = result.rows
    return (f"{elapsed:6.2f} s {rows / elapsed:7.0f} rows/s wall, {cpu:6.2f} s "
            f"{rows / cpu:7.0f} rows/s CPU; audit_record_many {audit[0]:5.2f} s CPU "
            f"({100 * audit[0] / cpu:2.0f}%)", result)


def timed_check(path: Path, school: Any) -> tuple[str, Any]:
    """The check of ``path`` against ``school``'s register (``dry_run``: the preview's job),
    as printed, and the result."""
    from functools import partial

    from schoolkeep.assets.imports import assets_import

    cpu = time.process_time()
    elapsed, result = harness.timed_import(partial(assets_import, dry_run=True), path, school)
    cpu = time.process_time() - cpu
    return (f"{elapsed:6.2f} s wall, {cpu:6.2f} s CPU ({result.rows / cpu:7.0f} rows/s CPU)",
            result)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--xlsx", action="store_true",
                        help="also import the register from an XLSX workbook")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N costliest functions of a first import (cProfile) "
                             "and stop")
    options = parser.parse_args()
    rows = options.rows
    try:
        call_command("migrate", verbosity=0, interactive=False)
        from schoolkeep.assets.models import AccessLabel, Asset
        from schoolkeep.audit.models import AuditEvent

        folder = Path(DATA_DIR)
        path = write_csv(folder / f"register-{rows}.csv", generate(rows))
        changed = write_csv(folder / f"register-{rows}-changed.csv",
                            generate(rows, changed_every=10))
        small = write_csv(folder / f"register-{rows // 5}.csv", generate(max(1, rows // 5)))
        print(f"Import of a register of {rows} assets (CSV, {path.stat().st_size / 1e6:.1f} "
              f"MB, {GROUPS} groups, {PEOPLE} people), {harness.versions()}, one transaction "
              "each")
        rss_before = harness.maxrss_mb()

        school = make_school("bench-register")
        if options.profile:
            profile_first_import(path, school, options.profile)
            return
        events = AuditEvent.objects.count()
        figures, result = timed_import(path, school)
        assets = Asset.objects.filter(school=school).count()
        labels = AccessLabel.objects.filter(school=school).count()
        written = AuditEvent.objects.count() - events
        print(f"  first import:          {figures}\n"
              f"    ({assets} assets, {labels} labels, {written} audit events, "
              f"{len(result.warnings)} warnings)")

        events = AuditEvent.objects.count()
        figures, result = timed_import(path, school)
        assert result.unchanged == rows and AuditEvent.objects.count() == events
        print(f"  same file again:       {figures}\n    (nothing changed, no audit event)")

        events = AuditEvent.objects.count()
        figures, result = timed_import(changed, school)
        print(f"  one row in ten changed: {figures}\n"
              f"    ({result.changed} assets changed, "
              f"{AuditEvent.objects.count() - events} audit events)")
        figures, result = timed_check(path, school)
        print(f"  check of the same file (preview): {figures}")
        look_alikes = write_csv(folder / f"register-{rows}-look-alikes.csv",
                                generate(rows, names="Asset records {n:05d}"))
        figures, result = timed_check(look_alikes, school)
        print(f"  check of {rows} new names like the register's (preview): {figures}\n"
              f"    ({getattr(result, 'look_alike_count', 'no')} look-alikes found, "
              f"{len(getattr(result, 'look_alikes', []))} kept for the preview)")
        rss_after = harness.maxrss_mb()

        print("  Peak of Python allocations during one import (tracemalloc), into an empty "
              "register:")
        for number, file in enumerate((path, small)):
            target = make_school(f"bench-memory-{number}")
            tracemalloc.start()
            _, result = timed_import(file, target)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"    {result.rows:6d} rows: {peak / 1e6:6.1f} MB")
        print(f"  Peak resident memory of the process (ru_maxrss): {rss_before:.0f} MB after "
              f"setup, {rss_after:.0f} MB after the three timed imports")
        if options.xlsx:
            workbook = write_xlsx(folder / f"register-{rows}.xlsx", generate(rows))
            figures, result = timed_import(workbook, make_school("bench-register-xlsx"))
            print(f"  the same register as XLSX, first import (openpyxl reads it):\n"
                  f"                         {figures}")
        harness.audit_chains_verified()
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
