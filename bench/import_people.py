"""Benchmark: importing a generated file of 5,000 people with their checks.

Not a test. ``make bench`` runs it in a throwaway data directory (deleted at the end). It
generates one file of N people (default 5,000) with their checks as CSV and as XLSX, then:

1. imports the CSV into an empty school (timed: rows per second);
2. imports the same CSV again (nothing changes: rows per second);
3. imports the XLSX into another empty school (timed);
4. imports the CSV into a third school under tracemalloc (peak of Python allocations) and
   again with 1/5 of the rows, to show whether memory grows with the file.

It prints rows per second, what was written (people, checks, audit events), the tracemalloc
peaks and the process's peak resident memory (ru_maxrss), and checks that the audit chains
still verify.

    .venv/bin/python bench/import_people.py [--rows N]
"""

from __future__ import annotations

import argparse
import csv
import random
import shutil
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import harness

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")  # no query log growing with the import

from django.core.management import call_command  # noqa: E402

FIRST = ["Amelia", "Ben", "Carys", "Dev", "Ewa", "Femi", "Grace", "Hamza", "Isla", "Jack",
         "Kiran", "Lena", "Mo", "Niamh", "Oscar", "Priya", "Quinn", "Rosa", "Sam", "Tomas",
         "Uma", "Vik", "Wren", "Yusuf", "Zoë"]
LAST = ["Hart", "Okafor", "Evans", "Patel", "Nowak", "Adeyemi", "Lee", "Khan", "Brown",
        "Smith", "Jones", "Murphy", "Garcia", "Chen", "Ali", "Taylor", "Wilson", "Davies",
        "Brontë", "O'Neill"]
KINDS = ["teaching"] * 4 + ["support"] * 4 + ["agency", "volunteer", "governor", "contractor"]


def uk(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def generate(rows: int, seed: int = 7) -> tuple[list[str], list[list[str]]]:
    from schoolkeep.people.imports import HEADINGS

    rng = random.Random(seed)
    today = date.today()
    data = []
    for n in range(rows):
        kind = KINDS[n % len(KINDS)]
        start = today - timedelta(days=rng.randint(30, 6000))
        checked = start - timedelta(days=rng.randint(5, 40))
        employee = kind in ("teaching", "support")
        values = {
            "Full name": f"{FIRST[n % len(FIRST)]} {LAST[(n // len(FIRST)) % len(LAST)]} {n}",
            "Date of birth": uk(date(1960, 1, 1) + timedelta(days=rng.randint(0, 14000))),
            "Kind": kind,
            "Job title": "Class teacher" if kind == "teaching" else "Teaching assistant",
            "Teaching work": "yes" if kind == "teaching" or n % 7 == 0 else "no",
            "Management post": "yes" if n % 25 == 0 else "no",
            "Lived or worked abroad": "yes" if n % 11 == 0 else "",
            "Sites": "Main site" if n % 3 else "Main site; Annexe",
            "Start date": uk(start),
            "Email": f"person{n}@school.example",
            "Staff number": f"S{n:05d}",
            "Identity status": "done", "Identity date": uk(checked),
            "Identity checked by": "HR office", "Identity evidence": "Passport",
        }
        if employee or kind == "volunteer" or kind == "governor":
            values.update({
                "DBS status": "done", "DBS date": uk(checked),
                "DBS certificate number": f"{n:012d}", "DBS issue date": uk(checked),
                "DBS barred list included": "yes" if employee else "no",
                "DBS update service": "yes" if n % 4 == 0 else "no",
                "DBS update service checked": uk(checked) if n % 4 == 0 else "",
            })
        if employee:
            values.update({
                "Right to work status": "done", "Right to work date": uk(checked),
                "Barred list check status": "done", "Barred list check date": uk(checked),
            })
            if values["Teaching work"] == "yes":
                values["Prohibition check date"] = uk(checked)
        if kind == "agency":
            values.update({"Agency confirmation date": uk(checked),
                           "Agency DBS certificate provided": "yes"})
        data.append([values.get(heading, "") for heading in HEADINGS])
    return HEADINGS, data


def write_files(rows: int, folder: Path) -> tuple[Path, Path]:
    from openpyxl import Workbook

    headings, data = generate(rows)
    csv_path = folder / f"people-{rows}.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headings)
        writer.writerows(data)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("People")
    sheet.append(headings)
    for row in data:
        sheet.append([cell or None for cell in row])
    xlsx_path = folder / f"people-{rows}.xlsx"
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


def make_school(slug: str) -> object:
    from schoolkeep.tenancy.models import School, Site

    school = School.objects.create(name=f"Bench {slug}", slug=slug)
    Site.objects.create(school=school, name="Main site")
    Site.objects.create(school=school, name="Annexe")
    return school


def timed_import(path: Path, school: Any) -> tuple[str, Any]:
    """Import ``path`` into ``school``: the figures as printed (wall and CPU seconds, rows
    per second of each; CPU time is steadier on a busy machine; the share of appending
    the audit chain) and the result."""
    from schoolkeep.people.imports import people_import, writing

    cpu = time.process_time()
    with harness.audit_cpu(writing) as audit:
        elapsed, result = harness.timed_import(people_import, path, school)
    cpu = time.process_time() - cpu
    rows = result.rows
    return (f"{elapsed:6.2f} s {rows / elapsed:7.0f} rows/s wall, {cpu:6.2f} s "
            f"{rows / cpu:7.0f} rows/s CPU; audit_record_many {audit[0]:5.2f} s CPU "
            f"({100 * audit[0] / cpu:2.0f}%)", result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    options = parser.parse_args()
    rows = options.rows
    try:
        call_command("migrate", verbosity=0, interactive=False)
        from schoolkeep.audit.models import AuditEvent
        from schoolkeep.people.models import Check, Person

        folder = Path(DATA_DIR)
        csv_path, xlsx_path = write_files(rows, folder)
        small_csv, _ = write_files(max(1, rows // 5), folder)
        print(f"Import of {rows} people with their checks, {harness.versions()}, one "
              "transaction each")
        print(f"  files: CSV {csv_path.stat().st_size / 1e6:.1f} MB, "
              f"XLSX {xlsx_path.stat().st_size / 1e6:.1f} MB")
        rss_before = harness.maxrss_mb()

        school = make_school("bench-csv")
        events = AuditEvent.objects.count()
        figures, result = timed_import(csv_path, school)
        people = Person.objects.filter(school=school).count()
        checks = Check.objects.filter(school=school).count()
        written = AuditEvent.objects.count() - events
        print(f"  CSV, first import:   {figures}\n"
              f"    ({people} people, {checks} checks, {written} audit events)")

        events = AuditEvent.objects.count()
        figures, result = timed_import(csv_path, school)
        assert result.unchanged == rows and AuditEvent.objects.count() == events
        print(f"  CSV, same again:     {figures}\n    (nothing changed, no audit event)")

        figures, result = timed_import(xlsx_path, make_school("bench-xlsx"))
        print(f"  XLSX, first import:  {figures}")
        rss_after = harness.maxrss_mb()

        print("  Peak of Python allocations during one import (tracemalloc), into an empty "
              "school:")
        for number, path in enumerate((csv_path, small_csv)):
            tracemalloc.start()
            _, result = timed_import(path, make_school(f"bench-memory-{number}"))
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"    {result.rows:5d} rows: {peak / 1e6:6.1f} MB")
        print(f"  Peak resident memory of the process (ru_maxrss): {rss_before:.0f} MB after "
              f"setup, {rss_after:.0f} MB after the three timed imports")
        harness.audit_chains_verified()
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
