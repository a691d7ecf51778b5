"""Benchmark: the pages, duties and overview figures of backups and recovery, training and the
digital housekeeping, with a large school among many.

Not a test. It builds (bulk, as data, not through the services) one school of 10,000 people
with a cyber training record each (a tenth expired, a tenth never trained), 50 backup sets
with 10,000 checks, 10,000 restore tests and a housekeeping campaign asking all 10,000, then
199 small schools (20 people, 3 sets, a campaign each). Signed in as the large school's
SIRO, it times each page (median and queries), then the new duty providers' ``counts`` and
the new measures' ``figures`` for all 200 schools at once.

    .venv/bin/python bench/continuity_training.py [--people 10000] [--schools 200]
    SCHOOLKEEP_BENCH_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/continuity_training.py
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import timedelta
from typing import Any

import harness

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")

PAGES = [
    ("what needs protecting", "continuity:scope-list"),
    ("backup sets", "continuity:set-list"),
    ("backup checks", "continuity:check-list"),
    ("restore tests", "continuity:restore-list"),
    ("recovery plan", "continuity:plan"),
    ("who needs training", "training:status"),
    ("training records", "training:record-list"),
    ("my training", "training:my-training"),
    ("housekeeping campaigns", "housekeeping:campaign-list"),
    ("dashboard", "duties:dashboard"),
]
DUTY_MODULES = ("backup_scopes", "backup_checks", "restore_tests", "recovery_plan", "training",
                "training_confirm", "housekeeping")
MEASURE_MODULES = ("backup_scopes", "backup_checks", "recovery_plan", "training",
                   "housekeeping")


def build_school(slug: str, people: int, sets: int, checks: int) -> tuple[Any, Any]:
    """A school with its people, training, backups and a campaign; returns it and a
    campaign."""
    from django.utils import timezone

    from schoolkeep.continuity.models import BackupCheck, BackupSet, RestoreTest, Scope
    from schoolkeep.housekeeping.models import Campaign, Confirmation
    from schoolkeep.people.models import Person
    from schoolkeep.tenancy.models import School
    from schoolkeep.training.defaults import ensure_default_courses
    from schoolkeep.training.models import Course, TrainingRecord

    now = timezone.now()
    today = timezone.localdate()
    school = School.objects.create(name=f"{slug.title()} School", slug=slug)
    kinds = ["teaching", "support", "support", "agency", "volunteer", "governor"]
    Person.objects.bulk_create(
        [Person(school=school, full_name=f"Person {n:05d}", name_key=f"person {n:05d}",
                kind=kinds[n % len(kinds)], start_date=today - timedelta(days=400 + n % 900))
         for n in range(people)], batch_size=2000)
    ensure_default_courses(school)
    cyber = Course.objects.get(school=school, catalogue_key="ncsc_cyber")
    found = list(Person.objects.filter(school=school).values_list("pk", flat=True))
    TrainingRecord.objects.bulk_create(
        [TrainingRecord(school=school, person_id=pk, course=cyber, recorded_by_label="bench",
                        completed_on=today - timedelta(days=400 if n % 10 == 1 else n % 300),
                        confirmed_at=now, confirmed_by_label="bench")
         for n, pk in enumerate(found) if n % 10], batch_size=2000)
    scope = Scope.objects.create(school=school, kind="admin_network", name="Admin network",
                                 name_key="admin network")
    made = BackupSet.objects.bulk_create(
        [BackupSet(school=school, name=f"Set {n:02d}", medium="disk", location=f"Place {n}",
                   device_key=f"place {n}", off_site=n % 2 == 0, offline=n % 3 == 0)
         for n in range(sets)])
    for backup_set in made:
        backup_set.scopes.add(scope)
    BackupCheck.objects.bulk_create(
        [BackupCheck(school=school, backup_set=made[n % sets], outcome="succeeded",
                     checked_on=today - timedelta(days=n % 60), recorded_by_label="bench")
         for n in range(checks)], batch_size=2000)
    RestoreTest.objects.bulk_create(
        [RestoreTest(school=school, backup_set=made[n % sets], outcome="worked",
                     tested_on=today - timedelta(days=n % 700), what_was_restored="Files",
                     recorded_by_label="bench")
         for n in range(checks)], batch_size=2000)
    campaign = Campaign.objects.create(
        school=school, title="Housekeeping", checklist=["Tidy"], launched_at=now,
        launched_by_label="bench", closes_on=today + timedelta(days=20))
    Confirmation.objects.bulk_create(
        [Confirmation(school=school, campaign=campaign, person_id=pk,
                      confirmed_at=now if n % 2 else None) for n, pk in enumerate(found)],
        batch_size=2000)
    return school, campaign


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--iterations", type=int, default=10)
    options = parser.parse_args()
    try:
        from django.db import connection
        from django.urls import reverse

        harness.migrate()
        started = time.perf_counter()
        large, campaign = build_school("alder", options.people, 50, options.people)
        siro = harness.siro_of(large)
        from schoolkeep.people.models import Person

        Person.objects.filter(school=large, name_key="person 00000").update(user=siro)
        schools = [large.pk]
        for n in range(1, options.schools):
            small, _ = build_school(f"small-{n:03d}", 20, 3, 30)
            schools.append(small.pk)
        if connection.vendor == "postgresql":
            harness.gather_statistics()
        print(f"Data built in {time.perf_counter() - started:.1f}s ({connection.vendor}): "
              f"{options.people:,} people, {options.people:,} checks and restore tests in "
              f"one school; {options.schools} schools")
        with harness.bench_urls():
            client = harness.signed_in(siro)
            urls = [(label, reverse(name)) for label, name in PAGES]
            urls.append(("housekeeping campaign",
                         reverse("housekeeping:campaign-detail", args=[campaign.public_id])))
            print(f"{'page':<26}{'median ms':>10}{'queries':>8}")
            for label, url in urls:
                queries = harness.count_queries(client, url)
                times = [harness.timed(client, url) for _ in range(options.iterations)]
                print(f"{label:<26}{harness.median_ms(times):10.1f}{queries:8d}")
        report_providers(schools)
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


def report_providers(schools: list[int]) -> None:
    """The new duties' counts and measures' figures for every school at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from schoolkeep.duties.registry import provider_for
    from schoolkeep.overview import registry as measures

    now = timezone.now()
    print(f"{'for all ' + str(len(schools)) + ' schools':<26}{'ms':>10}{'queries':>8}")
    for module in DUTY_MODULES:
        provider = provider_for(module)
        assert provider is not None, module
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            provider.counts(schools, now=now, horizon=now + timedelta(days=14))
            elapsed = time.perf_counter() - started
        print(f"{'duties ' + module:<26}{elapsed * 1000:10.1f}{len(captured):8d}")
    by_module = {provider.module: provider for provider in measures.providers()}
    for module in MEASURE_MODULES:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            by_module[module].figures(schools, now=now)
            elapsed = time.perf_counter() - started
        print(f"{'measures ' + module:<26}{elapsed * 1000:10.1f}{len(captured):8d}")


if __name__ == "__main__":
    main()
