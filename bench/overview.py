"""Benchmark: the overview pages of a large trust against two bare views.

Not a test. It builds a trust of N schools (default 200), each with 150 people of every kind
(some leavers) with about four checks each (identity; DBS for four in five, a third of them
on the Update Service; right to work for employees, some ending; the agency's confirmation
for every other agency worker; a few others), their stored missing-check facts computed as
the services would, 300 information assets (some without an owner, some owned by leavers,
some overdue for review), 12 policies (some past review, some never approved), 8 incident
reports (some decided late) and a published staff AUP with half its signers signed,
inserted in bulk, with the planner's statistics gathered. Then, signed in as the trust's
administrator (the page they land on), it times interleaved in one run:

- ``overview:schools``, every school's measures by area and its duties counted (the first
  50 schools: a page);
- ``overview:school``, one school's overview with its charts;
- the issue's bare view: ``base.html`` with a 50-row table from one query (``x base``);
- harness's bare view, a fixed page through the same middleware (``x bare``).

It prints the median and 95th percentile, queries, the response's size and the ratios; with
``SCHOOLKEEP_BENCH_RESULTS`` set (bench/all.py) it records them too. On PostgreSQL when
``SCHOOLKEEP_BENCH_POSTGRES`` is set (see bench/harness.py). ``--profile N`` also profiles
N requests of the schools page; ``--explain`` (PostgreSQL) shows the plans of the people
duties' check counts with and without the ``check_update_service`` index. (It replaces
bench/trust_overview.py, whose page, the old trust overview, is gone.)

    .venv/bin/python bench/overview.py [--schools N] [--iterations N] [--profile N]
        [--explain]
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


def checks_of(person: Any, n: int, today: date) -> list[Any]:
    """About four checks: identity always; DBS for four in five (a third on the Update
    Service, checked up to 400 days ago); right to work for employees (one in seven ending
    within 90 days or ended); the agency's confirmation for every other agency worker; a
    few others (barred list, prohibition, qualifications, section 128, childcare)."""
    from schoolkeep.people.models import Check

    done = today - timedelta(days=30 + n % 900)
    rows = [Check(school_id=person.school_id, person=person, check_type="identity",
                  status="done", done_on=done)]
    if n % 5:
        on_service = n % 3 == 0
        rows.append(Check(
            school_id=person.school_id, person=person, check_type="enhanced_dbs",
            status="done", done_on=done, dbs_issued_on=done, on_update_service=on_service,
            update_service_checked_on=today - timedelta(days=n % 400) if on_service else None))
    if person.kind in ("teaching", "support"):
        ends = today + timedelta(days=n % 90 - 20) if n % 7 == 0 else None
        rows.append(Check(school_id=person.school_id, person=person,
                          check_type="right_to_work", status="done", done_on=done,
                          right_to_work_expires_on=ends))
    if person.kind == "agency" and n % 2:
        rows.append(Check(school_id=person.school_id, person=person,
                          check_type="agency_confirmation", status="done", done_on=done))
    others = ["barred_list"] if n % 4 == 0 else []
    others += ["prohibition", "qualifications"] if person.kind == "teaching" else []
    others += ["section_128"] if n % 3 == 0 else []
    others += ["childcare"] if n % 2 == 0 else []
    rows += [Check(school_id=person.school_id, person=person, check_type=check_type,
                   status="done", done_on=done) for check_type in others]
    return rows


def _school_records(school: Any, today: date, now: datetime) -> None:
    from schoolkeep.assets.models import Asset, AssetGroup
    from schoolkeep.incidents.models import Decision, Incident
    from schoolkeep.people.models import Check, Person

    people = Person.objects.bulk_create([
        Person(school=school, full_name=f"Person {n:04d}", name_key=f"person {n:04d}",
               kind=KINDS[n % len(KINDS)], job_title="Teacher", uses_school_network=True,
               start_date=today - timedelta(days=n % 700 + (30 if n % 25 == 0 else -10)),
               leaving_date=today - timedelta(days=3) if n % 25 == 0 else None)
        for n in range(PEOPLE)])
    Check.objects.bulk_create([check for n, person in enumerate(people)
                               for check in checks_of(person, n, today)], batch_size=2000)
    group = AssetGroup.objects.create(school=school, name="Records", name_key="records",
                                      position=1)
    Asset.objects.bulk_create([
        Asset(school=school, group=group, name=f"Asset {n:04d}", name_key=f"asset {n:04d}",
              owner_person=people[n % PEOPLE] if n % 10 else None,
              review_due_on=today + timedelta(days=n % 400 - 20))
        for n in range(ASSETS)], batch_size=1000)
    harness.policies_with_reviews(school, today, POLICIES)
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
    from schoolkeep.people.missing_checks import refresh_for_schools
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
    # The stored missing-check facts, as the services keep them.
    refresh_for_schools([school.pk for school in made])
    harness.gather_statistics()
    return admin


def explain() -> None:
    """PostgreSQL: EXPLAIN ANALYZE of the people duties' check counts (the DBS checks on the
    Update Service and right to work ending, of current people) three ways: as it is; with
    the ``check_update_service`` index dropped (in a transaction rolled back); with the
    current-people join written as a correlated EXISTS (a nested loop per check)."""
    from unittest import mock

    from django.db import connection, transaction
    from django.db.models import Exists, OuterRef, Q

    from schoolkeep.duties.types import HORIZON
    from schoolkeep.people import duties
    from schoolkeep.people.models import Person
    from schoolkeep.people.selectors import current_q
    from schoolkeep.tenancy.models import School

    if connection.vendor != "postgresql":
        print("explain: PostgreSQL only")
        return
    ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
    intervals = {school.pk: duties._interval(school) for school in duties._schools(ids)}
    today = date.today()
    until = today + HORIZON

    def checks_counted() -> Any:
        return duties._checks_counted(ids, today, until, intervals)

    def show(label: str, runs: int = 7) -> None:
        """The plan of the last of ``runs`` runs (the first warms the cache), and the
        execution times' minimum and median."""
        times = []
        for _ in range(runs):
            lines = checks_counted().explain(analyze=True).splitlines()
            times.append(float(lines[-1].split(":")[1].split()[0]))
        nodes = [line.strip() for line in lines
                 if any(word in line for word in ("Scan", "Join", "Loop", "Aggregate"))]
        print(f"-- {label}: execution {min(times):.1f} ms min, "
              f"{sorted(times)[runs // 2]:.1f} ms median of {runs}")
        for node in nodes[:8]:
            print(f"   {node[:150]}")

    def current_by_exists(day: date, prefix: str = "") -> Q:
        if prefix != "person__":
            return current_q(day, prefix)
        return Q(Exists(Person.objects.filter(pk=OuterRef("person_id")).filter(current_q(day))))

    show("as it is (check_update_service index)")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX check_update_service")
        show("without the check_update_service index")
        transaction.set_rollback(True)
    with mock.patch.object(duties, "current_q", current_by_exists):
        show("current people as a correlated EXISTS")


def measure(client: Any, iterations: int) -> dict[str, dict[str, Any]]:
    """Timings (interleaved), queries and size of each page."""
    urls = {"overview: schools": reverse("overview:schools"),
            "overview: one school": reverse("overview:school"),
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
    parser.add_argument("--explain", action="store_true",
                        help="PostgreSQL: also EXPLAIN ANALYZE the people check counts, with "
                             "and without the check_update_service index, and as an EXISTS")
    options = parser.parse_args()
    try:
        started = time.perf_counter()
        harness.migrate()
        admin = build(options.schools)
        scale = f"{options.schools} schools"
        from schoolkeep.people.models import Check

        print(f"Data built in {time.perf_counter() - started:.1f}s "
              f"({harness.database_label()}): {options.schools} schools, each {PEOPLE} people, "
              f"{ASSETS} assets, {POLICIES} policies, {INCIDENTS} incidents, a staff AUP; "
              f"{Check.objects.count():,} checks in all")
        from django.test import override_settings

        with override_settings(ROOT_URLCONF=__name__):
            client = harness.signed_in(admin)
            figures = measure(client, options.iterations)
            if options.explain:
                explain()
            if options.profile:
                harness.profile(client, reverse("overview:schools"), options.profile)
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    report(figures, scale=scale, iterations=options.iterations)


if __name__ == "__main__":
    main()
