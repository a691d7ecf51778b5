"""Benchmark: every main page of one school against two bare views, at a given size.

Not a test. ``make bench`` runs it twice (``--scale small``: 10 assets and 10 people;
``--scale school``: 10,000 assets and 5,000 people) in a throwaway data directory, deleted
at the end. It builds the school through the importers (people with their checks, then
an Appendix 1 register whose owners are those people), adds systems and incidents through
their services, and a second school whose records must not show. Then, signed in as the
SIRO with Django's test client, it times these pages interleaved in one run:

- the dashboard, the asset register, the Appendix 1 page, the Single Central Record, the
  people list, the systems register, the incidents list, the audit trail, the policies;
- the issue's bare view: ``base.html`` with a 50-row table from one query, through the same
  middleware (``x base``);
- harness's bare view, a fixed page through the same middleware (``x bare``): its queries
  are the middleware's, so ``+q`` is what a page asks beyond them.

It prints, for each page, the median and 95th percentile, queries, the response's size and
the two ratios; with ``SCHOOLKEEP_BENCH_RESULTS`` set (bench/all.py) it records them too.

    .venv/bin/python bench/pages.py [--scale small|school] [--iterations N]
    .venv/bin/python bench/pages.py --profile "asset register" --iterations 20
"""

from __future__ import annotations

import argparse
import csv
import shutil
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import harness
import results

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")  # no query log growing as we time

from django.urls import include, path, reverse  # noqa: E402

SCALES = {"small": {"assets": 10, "people": 10, "systems": 3, "incidents": 3},
          "school": {"assets": 10_000, "people": 5_000, "systems": 40, "incidents": 300}}
OTHER_SCHOOL = {"assets": 200, "people": 100, "systems": 3, "incidents": 3}
PAGES = [
    ("dashboard", "duties:dashboard"),
    ("asset register", "assets:asset-list"),
    ("Appendix 1", "assets:appendix"),
    ("Single Central Record", "people:record"),
    ("people", "people:person-list"),
    ("systems", "systems:system-list"),
    ("incidents", "incidents:incident-list"),
    ("audit trail", "audit:event-list"),
    ("policies", "policies:policy-list"),
]
KINDS = ["teaching", "support", "support", "agency", "volunteer", "governor"]
OWNERS = 300  # people named as asset owners
# The bare view: base.html and a 50-row table from one query.
base_view = harness.base_view("assets.Asset", ("name", "classification"))


urlpatterns = [
    path("bench/bare/", harness.bare, name="bench-bare"),
    path("bench/base/", base_view, name="bench-base"),
    path("", include("schoolkeep.urls")),
]


# --- the school ---------------------------------------------------------------------------


def person_name(n: int, slug: str) -> str:
    return f"Person {n:05d} {slug.title()}"


def people_csv(folder: Path, count: int, slug: str) -> Path:
    """People of every kind with an identity check, DBS for most, right to work for staff."""
    from schoolkeep.people.imports import HEADINGS

    today = date.today()
    file = folder / f"people-{slug}.csv"
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADINGS)
        for n in range(count):
            kind = KINDS[n % len(KINDS)]
            checked = (today - timedelta(days=30 + n % 3000)).strftime("%d/%m/%Y")
            values = {"Full name": person_name(n, slug), "Kind": kind,
                      "Job title": "Teacher" if kind == "teaching" else "Assistant",
                      "Start date": checked, "Staff number": f"S{n:05d}",
                      "Identity status": "done", "Identity date": checked}
            if n % 5:  # one in five still waits for the DBS check
                values.update({"DBS status": "done", "DBS date": checked,
                               "DBS certificate number": f"{n:012d}",
                               "DBS issue date": checked})
            if kind in ("teaching", "support"):
                values.update({"Right to work status": "done", "Right to work date": checked})
            writer.writerow([values.get(heading, "") for heading in HEADINGS])
    return file


def register_csv(folder: Path, count: int, owners: int, slug: str) -> Path:
    """An Appendix 1 table: 20 groups, owners among the school's people or unmatched."""
    classifications = ["OFFICIAL", "OFFICIAL-SENSITIVE", ""]
    file = folder / f"register-{slug}.csv"
    per_group = max(1, count // 20)
    with file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["", "Information Asset Owner", "Who has access to enter information",
                         "Purpose", "Classification"])
        for n in range(count):
            if n % per_group == 0:
                writer.writerow([f"Group {n // per_group:02d}", "", "", "", ""])
            owner = person_name(n % owners, slug) if n % 10 else f"Former Owner {n % 7}"
            writer.writerow([f"Asset {n:05d}", owner, f"Office {n % 12} / Teacher",
                             "Statutory returns", classifications[n % 3]])
    return file


def build_school(slug: str, size: dict[str, int], folder: Path) -> Any:
    """A school, its SIRO and its records; returns the SIRO."""
    from schoolkeep.assets.imports import assets_import
    from schoolkeep.audit.context import audit_context
    from schoolkeep.incidents.report.services import incident_report
    from schoolkeep.people.imports import people_import
    from schoolkeep.systems.services import system_create
    from schoolkeep.tenancy.models import School

    school = School.objects.create(name=f"{slug.title()} School", slug=slug)
    siro = harness.siro_of(school) if slug == "alder" else other_siro(school)
    people = people_csv(folder, size["people"], slug)
    register = register_csv(folder, size["assets"], min(OWNERS, size["people"]), slug)
    harness.timed_import(people_import, people, school)
    harness.timed_import(assets_import, register, school)
    with audit_context(actor_label="bench"):
        for n in range(size["systems"]):
            system_create(school=school, actor=siro, name=f"System {n:02d}")
        for n in range(size["incidents"]):
            incident_report(school=school, actor=siro, channel="app", title=f"Lost laptop {n}",
                            description="A laptop was left on a train.",
                            personal_data=n % 2 == 0)
    return siro


def other_siro(school: Any) -> Any:
    from schoolkeep.accounts.models import User
    from schoolkeep.tenancy.models import Membership, MembershipRole

    user = User.objects.create(email=f"siro@{school.slug}.example", full_name="Other Siro",
                               password="!unusable")
    membership = Membership.objects.create(user=user, school=school)
    MembershipRole.objects.create(membership=membership, role="siro")
    return user


# --- timing -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="school")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--profile", metavar="PAGE", action="append",
                        choices=[label for label, _ in PAGES],
                        help="profile this page (harness.profile) instead of timing them all; "
                             "give it again for more pages")
    options = parser.parse_args()
    size = SCALES[options.scale]
    try:
        started = time.perf_counter()
        harness.migrate()
        siro = build_school("alder", size, Path(DATA_DIR))
        build_school("birch", OTHER_SCHOOL, Path(DATA_DIR))
        from django.db import connection
        from django.test import override_settings

        database = connection.vendor
        if database == "postgresql":
            harness.gather_statistics()
            # As autovacuum soon does after a bulk insert: with the visibility map set, the
            # audit trail's COUNT reads its (school, occurred_at) index alone instead of
            # every event's row (23 ms of the page's 32 ms of SQL without it).
            with connection.cursor() as cursor:
                cursor.execute("VACUUM")
        print(f"Data built in {time.perf_counter() - started:.1f}s ({database}): "
              f"{size['assets']:,} assets, {size['people']:,} people, {size['systems']} "
              f"systems, {size['incidents']} incidents in the measured school")
        with override_settings(ROOT_URLCONF=__name__):
            client = harness.signed_in(siro)
            if options.profile:
                for label in options.profile:
                    print(f"--- {label}")
                    harness.profile(client, reverse(dict(PAGES)[label]), options.iterations)
                return
            figures = measure(client, options.iterations)
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    report(figures, database=database, scale=options.scale, iterations=options.iterations)


def measure(client: Any, iterations: int) -> dict[str, dict[str, Any]]:
    """Each page's timings (interleaved), queries and size, the bare views' included."""
    urls = {label: reverse(name) for label, name in PAGES}
    urls["base (issue's bare view)"] = reverse("bench-base")
    urls["bare (fixed page)"] = reverse("bench-bare")
    figures: dict[str, dict[str, Any]] = {}
    for label, url in urls.items():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"bench: {label} ({url}) answered {response.status_code}")
        figures[label] = {"bytes": len(response.content),
                          "queries": harness.count_queries(client, url), "times": []}
    calls: dict[str, Callable[[], float]] = {
        label: (lambda url=url: harness.timed(client, url)) for label, url in urls.items()}
    for _ in range(2):  # warm up
        for call in calls.values():
            call()
    for _ in range(iterations):
        for label, call in calls.items():
            figures[label]["times"].append(call())
    return figures


def report(figures: dict[str, dict[str, Any]], *, database: str, scale: str,
           iterations: int) -> None:
    base = harness.median_ms(figures["base (issue's bare view)"]["times"])
    bare = harness.median_ms(figures["bare (fixed page)"]["times"])
    middleware = figures["bare (fixed page)"]["queries"]
    print(f"{harness.versions()} ({database}); scale {scale}; {iterations} requests of each "
          "page, interleaved; +q = queries beyond the middleware's")
    print(f"{'page':<26}{'median ms':>10}{'p95 ms':>9}{'queries':>8}{'+q':>4}{'bytes':>10}"
          f"{'x base':>8}{'x bare':>8}")
    for label, page in figures.items():
        median = harness.median_ms(page["times"])
        p95 = harness.percentile_ms(page["times"], 0.95)
        print(f"{label:<26}{median:10.2f}{p95:9.2f}{page['queries']:8d}"
              f"{page['queries'] - middleware:4d}{page['bytes']:10,d}{median / base:8.1f}"
              f"{median / bare:8.1f}")
        results.record(bench="pages", name=label, database=database, scale=scale,
                       median_ms=round(median, 2), p95_ms=round(p95, 2),
                       queries=page["queries"], bytes=page["bytes"],
                       x_base=round(median / base, 2), x_bare=round(median / bare, 2))


if __name__ == "__main__":
    main()
