"""Benchmark: Schoolkeep's own erasure of 5,000 leavers past the retention period.

Not a test. It builds (bulk, as data) one school with N leavers (default 5,000) who left
seven to twelve years ago, each with two checks (an enhanced DBS with its number, and
identity) and their audit keys, plus 500 current staff who stay. Then it times:

- the dry run (``run_erasure(dry_run=True)``): what would be erased;
- the erasure itself in batches of 200 (every registered provider asked for each batch),
  with the peak Python memory (tracemalloc) and the queries;
- the audit chains' verification afterwards.

On PostgreSQL when ``SCHOOLKEEP_BENCH_POSTGRES`` is set (see bench/harness.py).

    .venv/bin/python bench/erasure.py [--leavers 5000] [--batch 200]
"""

from __future__ import annotations

import argparse
import shutil
import time
import tracemalloc
from typing import Any

import harness

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")


def build(leavers: int) -> Any:
    from dateutil.relativedelta import relativedelta
    from django.utils import timezone

    from schoolkeep.people.models import Check, Person
    from schoolkeep.tenancy.models import Organisation, School

    today = timezone.localdate()
    trust = Organisation.objects.create(name="Benchmark Learning Trust", slug="bench-trust")
    school = School.objects.create(name="Alder Academy", slug="alder", organisation=trust)
    people = [Person(school=school, full_name=f"Leaver {n:05d}", name_key=f"leaver {n:05d}",
                     kind="support", email=f"leaver{n}@alder.example",
                     start_date=today - relativedelta(years=15),
                     leaving_date=today - relativedelta(years=7, days=n % 1800))
              for n in range(leavers)]
    people += [Person(school=school, full_name=f"Staff {n:04d}", name_key=f"staff {n:04d}",
                      kind="teaching", start_date=today - relativedelta(years=2))
               for n in range(500)]
    Person.objects.bulk_create(people, batch_size=1000)
    ids = list(Person.objects.filter(school=school, leaving_date__isnull=False)
               .values_list("pk", "start_date"))
    Check.objects.bulk_create(
        [Check(school=school, person_id=pk, check_type=kind, status="done", done_on=started,
               dbs_certificate_number="001234567890" if kind == "enhanced_dbs" else "")
         for pk, started in ids for kind in ("enhanced_dbs", "identity")], batch_size=2000)
    return school


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--leavers", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=200)
    options = parser.parse_args()
    try:
        from django.db import connection

        from schoolkeep.people.models import Person
        from schoolkeep.privacy.erasure.runner import run_erasure

        started = harness.begin()
        school = build(options.leavers)
        harness.data_built(started, f"{options.leavers:,} leavers past the period, two "
                                    "checks each, 500 staff who stay")
        counted = harness.Counted()
        with connection.execute_wrapper(counted):
            began = time.perf_counter()
            dry = run_erasure(school, dry_run=True, batch_size=options.batch)
            dry_s = time.perf_counter() - began
        print(f"  Dry run: {sum(len(s.due) for s in dry.schools):,} would be erased in "
              f"{dry_s:.1f}s, {counted.queries:,} queries")
        counted = harness.Counted()
        tracemalloc.start()
        with connection.execute_wrapper(counted):
            began = time.perf_counter()
            report = run_erasure(school, batch_size=options.batch)
            erase_s = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  Erasure: {report.erased_count:,} erased in {erase_s:.1f}s "
              f"({erase_s / max(report.erased_count, 1) * 1000:.1f} ms each), "
              f"{counted.queries:,} queries, peak Python memory {peak / 2**20:.1f} MB, "
              f"{report.waiting_count} waiting")
        print(f"  People left: {Person.objects.filter(school=school).count():,} (the staff)")
        harness.audit_chains_verified()
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
