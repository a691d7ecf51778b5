"""Benchmark: the overdue password changes of a large trust.

Not a test. It builds a trust of N schools (default 200), each with 150 people (30,000 in
all), four systems and four password cycles: SIMS and FMS termly for ten and five admin staff,
USO every 90 days for three nominated contacts, and Microsoft 365 yearly for everyone (so
that every person holds a cycle); each holder has said they changed their password once or
twice in the last 14 months, some long enough ago to be overdue; every tenth school has a
possible compromise of SIMS still open; half the schools have term dates of their own, the
rest use the estimated default. Inserted in bulk, with the planner's statistics gathered.
Then it times, interleaved:

- ``passwords.selectors.overdue_holders`` for every school of the trust (the list the page
  pages through);
- ``passwords:overdue`` as the trust's administrator (every school of the trust, 50 a page);
- the duty counts of the ``passwords`` provider for every school (the dashboard's figure);
- the overview's measure (``passwords.measures``: ONE query) for every school.

It prints the median and 95th percentile and the queries of each. On PostgreSQL when
``SCHOOLKEEP_BENCH_POSTGRES`` is set (see bench/harness.py).

    SCHOOLKEEP_BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/passwords_overdue.py [--schools N] [--iterations N]
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import date, timedelta
from typing import Any

import harness
import results

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")  # no query log growing as we time

PEOPLE = 150
CYCLES = [  # system, kind, cycle name, cadence, every_days, holders (first n people; 0: all)
    ("SIMS", "mis", "Admin staff", "termly", None, 10),
    ("FMS", "finance", "Admin staff", "termly", None, 5),
    ("USO", "identity", "Nominated contacts", "every_n_days", 90, 3),
    ("Microsoft 365", "identity", "Everyone", "yearly", None, 0),
]


def _school_records(school: Any, n_school: int, today: date) -> None:
    from django.utils import timezone

    from schoolkeep.passwords.models import ForcedChange, PasswordChange, PasswordCycle
    from schoolkeep.people.models import Person
    from schoolkeep.systems.models import System
    from schoolkeep.tenancy.calendar import default_term_dates
    from schoolkeep.tenancy.models import Term

    people = Person.objects.bulk_create([
        Person(school=school, full_name=f"Person {n:04d}", name_key=f"person {n:04d}",
               kind="support", job_title="Office")
        for n in range(PEOPLE)])
    changes = []
    for name, kind, cycle_name, cadence, every_days, count in CYCLES:
        system = System.objects.create(school=school, name=name, name_key=name.lower(),
                                       kind=kind)
        cycle = PasswordCycle.objects.create(
            school=school, system=system, name=cycle_name, cadence=cadence,
            every_days=every_days, starts_on=today - timedelta(days=500))
        holders = people[:count] if count else people
        PasswordCycle.holders.through.objects.bulk_create([
            PasswordCycle.holders.through(passwordcycle_id=cycle.pk, person_id=p.pk)
            for p in holders])
        for k, person in enumerate(holders):
            for back in ((k * 37 + n_school) % 420, (k * 11) % 90)[: 1 + k % 2]:
                changes.append(PasswordChange(
                    school=school, system=system, person=person,
                    changed_on=today - timedelta(days=back), via="dashboard",
                    recorded_by_label=person.full_name))
        if name == "SIMS" and n_school % 10 == 0:
            ForcedChange.objects.create(
                school=school, system=system, reason="compromise",
                raised_at=timezone.now() - timedelta(days=3),
                due_on=today - timedelta(days=2), raised_by_label="IT lead")
    PasswordChange.objects.bulk_create(changes, batch_size=2000)
    if n_school % 2:
        year = today.year - 1 if today.month < 9 else today.year
        Term.objects.bulk_create([
            Term(school=school, academic_year=y, name=term, starts_on=starts + timedelta(days=1),
                 ends_on=ends + timedelta(days=1), estimated=False)
            for y in (year - 1, year, year + 1)
            for term, (starts, ends) in default_term_dates(y).items()])


def build(schools: int) -> Any:
    """The trust, its schools and their records; returns the trust's administrator."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from schoolkeep.accounts.models import User
    from schoolkeep.tenancy.models import Organisation, OrganisationMembership, School

    today = date.today()
    trust = Organisation.objects.create(name="Benchmark Learning Trust", slug="bench-trust")
    made = School.objects.bulk_create([
        School(name=f"School {n:03d}", slug=f"school-{n:03d}", organisation=trust,
               kind="academy")
        for n in range(schools)])
    admin = User.objects.create(email="admin@trust.example", full_name="Trust Admin",
                                password="!unusable")
    TOTP.activate(admin, generate_totp_secret())
    OrganisationMembership.objects.create(user=admin, organisation=trust)
    for n, school in enumerate(made):
        _school_records(school, n, today)
    harness.gather_statistics()
    return admin


def _timed_call(func: Any) -> tuple[float, int, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = func()
        elapsed = time.perf_counter() - started
    return elapsed, len(captured), result


def measure(client: Any, school_ids: list[int], iterations: int) -> dict[str, dict[str, Any]]:
    from django.urls import reverse
    from django.utils import timezone

    from schoolkeep.duties.types import HORIZON
    from schoolkeep.passwords.duties import provider
    from schoolkeep.passwords.measures import provider as measure_provider
    from schoolkeep.passwords.selectors import overdue_holders

    url = reverse("passwords:overdue")
    now = timezone.now()
    calls = {
        "selector: overdue_holders": lambda: overdue_holders(school_ids=school_ids,
                                                             today=timezone.localdate()),
        "page: passwords:overdue": lambda: client.get(url),
        "duties: counts": lambda: provider.counts(school_ids, now=now, horizon=now + HORIZON),
        "measure: figures": lambda: measure_provider.figures(school_ids, now=now),
    }
    figures: dict[str, dict[str, Any]] = {label: {"times": []} for label in calls}
    for label, call in calls.items():  # warm up, and the figures of one call
        _, queries, result = _timed_call(call)
        figures[label]["queries"] = queries
        if label.startswith("selector"):
            figures[label]["rows"] = len(result)
        elif label.startswith("page"):
            if result.status_code != 200:
                raise SystemExit(f"bench: {url} answered {result.status_code}")
            figures[label]["rows"] = 50
        elif label.startswith("measure"):
            figures[label]["rows"] = sum(total for found in result.values()
                                         for _met, total in found.values())
        else:
            figures[label]["rows"] = sum(c.total for c in result.values())
    for _ in range(iterations):
        for label, call in calls.items():
            figures[label]["times"].append(_timed_call(call)[0])
    return figures


def report(figures: dict[str, dict[str, Any]], *, scale: str, iterations: int) -> None:
    database = harness.database_label()
    print(f"{harness.versions()}; {scale}; {iterations} runs of each, interleaved")
    print(f"{'what':<30}{'median ms':>10}{'p95 ms':>9}{'queries':>8}{'rows':>8}")
    for label, item in figures.items():
        median = harness.median_ms(item["times"])
        p95 = harness.percentile_ms(item["times"], 0.95)
        print(f"{label:<30}{median:10.1f}{p95:9.1f}{item['queries']:8d}{item['rows']:8,d}")
        results.record(bench="passwords_overdue", name=label, database=database, scale=scale,
                       median_ms=round(median, 1), p95_ms=round(p95, 1),
                       queries=item["queries"], rows=item["rows"])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--iterations", type=int, default=5)
    options = parser.parse_args()
    try:
        started = time.perf_counter()
        harness.migrate()
        admin = build(options.schools)
        from schoolkeep.passwords.models import PasswordChange
        from schoolkeep.tenancy.models import School

        school_ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
        scale = f"{options.schools} schools, {options.schools * PEOPLE:,} people"
        print(f"Data built in {time.perf_counter() - started:.1f}s "
              f"({harness.database_label()}): {scale}, "
              f"{PasswordChange.objects.count():,} attestations")
        with harness.bench_urls():
            client = harness.signed_in(admin)
            figures = measure(client, school_ids, options.iterations)
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    report(figures, scale=scale, iterations=options.iterations)


if __name__ == "__main__":
    main()
