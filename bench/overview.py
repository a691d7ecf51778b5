"""Benchmark: the overview pages of a large trust against two bare views.

Not a test. It builds a trust of N schools (default 200), each with 150 people (some with a
check missing, some agency workers unconfirmed, some leavers), 300 information assets (some
without an owner, some overdue for review), 12 policies (some past review, some never
approved), 8 incident reports (some decided late) and a published staff AUP with half its
signers signed, inserted in bulk, with the planner's statistics gathered. Then, signed in as
the trust's administrator (the page they land on), it times interleaved in one run:

- ``overview:schools``, every school's measures by area and its duties counted;
- ``overview:school``, one school's overview with its charts;
- ``duties:trust-overview``, the old trust overview it replaces, for comparison;
- the issue's bare view: ``base.html`` with a 50-row table from one query (``x base``);
- harness's bare view, a fixed page through the same middleware (``x bare``).

It prints the median and 95th percentile, queries, the response's size and the ratios; with
``SCHOOLKEEP_BENCH_RESULTS`` set (bench/all.py) it records them too. On PostgreSQL when
``SCHOOLKEEP_BENCH_POSTGRES`` is set (see bench/harness.py).

    .venv/bin/python bench/overview.py [--schools N] [--iterations N] [--profile N]
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import date, datetime, timedelta
from typing import Any

import harness
import results

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")  # no query log growing as we time

from django.urls import include, path, reverse  # noqa: E402

PEOPLE, ASSETS, POLICIES, INCIDENTS = 150, 300, 12, 8
KINDS = ["teaching", "support", "support", "agency", "volunteer", "governor"]
base_view = harness.base_view("people.Person", ("full_name", "job_title"))

urlpatterns = [
    path("bench/bare/", harness.bare, name="bench-bare"),
    path("bench/base/", base_view, name="bench-base"),
    path("", include("schoolkeep.urls")),
]


def _school_records(school: Any, today: date, now: datetime) -> None:
    from schoolkeep.agreements.policies.models import Policy, PolicyVersion
    from schoolkeep.assets.models import Asset, AssetGroup
    from schoolkeep.incidents.models import Decision, Incident
    from schoolkeep.people.models import Person

    people = Person.objects.bulk_create([
        Person(school=school, full_name=f"Person {n:04d}", name_key=f"person {n:04d}",
               kind=KINDS[n % len(KINDS)], uses_school_network=True,
               checks_missing=n % 9 == 0, agency_confirmation_missing=n % 12 == 3,
               leaving_date=today - timedelta(days=3) if n % 25 == 0 else None)
        for n in range(PEOPLE)])
    group = AssetGroup.objects.create(school=school, name="Records", name_key="records",
                                      position=1)
    Asset.objects.bulk_create([
        Asset(school=school, group=group, name=f"Asset {n:04d}", name_key=f"asset {n:04d}",
              owner_person=people[n % PEOPLE] if n % 10 else None,
              review_due_on=today + timedelta(days=n % 400 - 20))
        for n in range(ASSETS)], batch_size=1000)
    for n in range(POLICIES):
        policy = Policy.objects.create(
            school=school, title=f"Policy {n}", title_key=f"policy {n}",
            next_review_on=today + timedelta(days=60 * n - 120))
        if n % 6:
            policy.current_version = PolicyVersion.objects.create(
                school=school, policy=policy, number=1, source="typed", status="approved",
                text="Text", content_hash="0" * 64)
            policy.save(update_fields=["current_version"])
    incidents = Incident.objects.bulk_create([
        Incident(school=school, reference=f"BR-2026-{n:04d}", reference_year=2026,
                 reference_number=n + 1, channel="app", title="Something",
                 description="Something", received_at=now - timedelta(days=20 * n + 4),
                 aware_at=now - timedelta(days=20 * n + 4), kind="personal_data_breach")
        for n in range(INCIDENTS)])
    Decision.objects.bulk_create([
        Decision(school=school, incident=incident, kind="ico", tell=False, reason="Low risk",
                 decided_by_label="DPO",
                 decided_at=incident.aware_at + timedelta(hours=48 if n % 4 else 80))
        for n, incident in enumerate(incidents) if n % 5])


def _aups(school: Any, people: list[Any]) -> None:
    """A published staff AUP, signed by half its list (through the services: the
    signature rules are theirs)."""
    from schoolkeep.agreements.aups.models import Audience, AupVersion, SigningMethod
    from schoolkeep.agreements.aups.services import aups_set_up, version_publish
    from schoolkeep.agreements.signing.services import signature_create

    staff = next(a for a in aups_set_up(school=school, actor=None)
                 if a.audience == Audience.STAFF)
    draft = AupVersion.objects.get(aup=staff, published_at__isnull=True)
    version_publish(draft=draft, actor=None, requires_everyone_to_sign=True)
    staff.refresh_from_db()
    for person in people[::2]:
        signature_create(aup=staff, method=SigningMethod.IN_APP, typed_name="Signer",
                         person=person)


def build(schools: int) -> Any:
    """The trust, its schools and their records; returns the trust's administrator."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.utils import timezone

    from schoolkeep.accounts.models import User
    from schoolkeep.people.models import Person
    from schoolkeep.tenancy.models import Organisation, OrganisationMembership, School

    today, now = date.today(), timezone.now()
    trust = Organisation.objects.create(name="Benchmark Learning Trust", slug="bench-trust")
    made = School.objects.bulk_create([
        School(name=f"School {n:03d}", slug=f"school-{n:03d}", organisation=trust,
               kind="academy" if n % 2 else "maintained")
        for n in range(schools)])
    admin = User.objects.create(email="admin@trust.example", full_name="Trust Admin",
                                password="!unusable")
    TOTP.activate(admin, generate_totp_secret())
    OrganisationMembership.objects.create(user=admin, organisation=trust)
    for school in made:
        _school_records(school, today, now)
        _aups(school, list(Person.objects.filter(school=school, kind="support")))
    harness.gather_statistics()
    return admin


def measure(client: Any, iterations: int) -> dict[str, dict[str, Any]]:
    """Timings (interleaved), queries and size of each page."""
    urls = {"overview: schools": reverse("overview:schools"),
            "overview: one school": reverse("overview:school"),
            "old trust overview": reverse("duties:trust-overview"),
            "base (issue's bare view)": reverse("bench-base"),
            "bare (fixed page)": reverse("bench-bare")}
    figures: dict[str, dict[str, Any]] = {}
    for label, url in urls.items():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"bench: {label} ({url}) answered {response.status_code}")
        figures[label] = {"bytes": len(response.content),
                          "queries": harness.count_queries(client, url), "times": []}
    for _ in range(2):  # warm up
        for url in urls.values():
            harness.timed(client, url)
    for _ in range(iterations):
        for label, url in urls.items():
            figures[label]["times"].append(harness.timed(client, url))
    return figures


def report(figures: dict[str, dict[str, Any]], *, scale: str, iterations: int) -> None:
    database = harness.database_label()
    base = harness.median_ms(figures["base (issue's bare view)"]["times"])
    bare = harness.median_ms(figures["bare (fixed page)"]["times"])
    print(f"{harness.versions()}; {scale}; {iterations} requests of each, interleaved")
    print(f"{'page':<26}{'median ms':>10}{'p95 ms':>9}{'queries':>8}{'bytes':>10}"
          f"{'x base':>8}{'x bare':>8}")
    for label, page in figures.items():
        median = harness.median_ms(page["times"])
        p95 = harness.percentile_ms(page["times"], 0.95)
        print(f"{label:<26}{median:10.2f}{p95:9.2f}{page['queries']:8d}{page['bytes']:10,d}"
              f"{median / base:8.1f}{median / bare:8.1f}")
        results.record(bench="overview", name=label, database=database, scale=scale,
                       median_ms=round(median, 2), p95_ms=round(p95, 2),
                       queries=page["queries"], bytes=page["bytes"],
                       x_base=round(median / base, 2), x_bare=round(median / bare, 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile N requests of the schools page (cProfile)")
    options = parser.parse_args()
    try:
        started = time.perf_counter()
        harness.migrate()
        admin = build(options.schools)
        scale = f"{options.schools} schools"
        print(f"Data built in {time.perf_counter() - started:.1f}s "
              f"({harness.database_label()}): {options.schools} schools, each {PEOPLE} people, "
              f"{ASSETS} assets, {POLICIES} policies, {INCIDENTS} incidents, a staff AUP")
        from django.test import override_settings

        with override_settings(ROOT_URLCONF=__name__):
            client = harness.signed_in(admin)
            figures = measure(client, options.iterations)
            if options.profile:
                harness.profile(client, reverse("overview:schools"), options.profile)
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    report(figures, scale=scale, iterations=options.iterations)


if __name__ == "__main__":
    main()
