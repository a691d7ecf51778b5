"""Benchmark: the Single Central Record and the people list against the bare views.

Not a test. ``make bench`` runs it on SQLite in a throwaway data directory (deleted at the
end): it builds a school of 1,000 people (every kind, some at two sites, some leavers) with
their checks (most complete, some pending or missing, DBS certificate numbers encrypted as
the services store them), signs the SIRO in with Django's test client, then times,
interleaved in one run:

- ``people:record``, the first page (50 people) of the current record as the SIRO sees it:
  every check's state from the rules in SQL, certificate numbers decrypted;
- the same page filtered to people missing a check (the filter runs over all 1,000);
- ``people:person-list``, the first page (50 people) of the people list;
- the issue's bare view (``base``): ``base.html`` with a 50-row table of the school's people
  from one query, through the same middleware (the target: each page at most 2x it);
- a bare view returning a fixed page (bench/harness.py, under the same middleware and
  session): its queries are the middleware's.

It prints the median and 90th percentile of each, the ratios, each page's queries and size,
and the median CPU time of this process (on a loaded machine the steadier figure; with
PostgreSQL it leaves out the server's share).

    .venv/bin/python bench/record_view.py [--iterations N] [--people N] [--profile N]

``--profile N`` also profiles N requests of the first page (cProfile, in-process) and prints
the functions with the most time of their own and each query's time.
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import date, timedelta

import harness

DATA_DIR = harness.start()

from django.urls import include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

# The bare view: base.html and a 50-row table of the school's people from one query.
base_view = harness.base_view("people.Person", ("full_name", "job_title"))
urlpatterns = [
    path("bench/bare/", harness.bare, name="bench-bare"),
    path("bench/base/", base_view, name="bench-base"),
    path("", include("schoolkeep.urls")),
]

# (kind, share of the school, person flags)
KINDS = [
    ("teaching", 30, {"does_teaching_work": True}),
    ("support", 35, {}),
    ("agency", 8, {"does_teaching_work": True}),
    ("contractor", 5, {}),
    ("volunteer", 10, {}),
    ("governor", 10, {}),
    ("trustee", 1, {}),
    ("member", 1, {}),
]


def build(people: int) -> object:
    """The school, its SIRO and its people with their checks; returns the SIRO."""
    from schoolkeep.people.derive import check_derive, person_derive
    from schoolkeep.people.models import Check, CheckType, Person
    from schoolkeep.people.rules.rule_sets import rule_set_for
    from schoolkeep.tenancy.models import School, Site

    school = School.objects.create(name="Alder Primary", slug="alder")
    other = School.objects.create(name="Birch Academy", slug="birch", kind="academy")
    sites = [Site.objects.create(school=school, name=name) for name in ("North", "South")]
    siro = harness.siro_of(school)

    today = timezone.localdate()
    kinds = [(kind, flags) for kind, share, flags in KINDS for _ in range(share)]
    rows = []
    for owner, count in ((school, people), (other, 200)):
        for n in range(count):
            kind, flags = kinds[n % len(kinds)]
            person = Person(
                school=owner, full_name=f"Person {n:05d} {owner.slug.title()}", kind=kind,
                job_title="Teacher" if kind == "teaching" else "",
                is_management_post=n % 17 == 0, lived_or_worked_abroad=n % 11 == 0,
                post_needs_qualifications=kind == "teaching",
                start_date=date(2015, 9, 1) + timedelta(days=n % 3000),
                # One in twenty has left (in the archive), a few leave in the future.
                leaving_date=(today - timedelta(days=30 + n % 900) if n % 20 == 0 else
                              today + timedelta(days=60) if n % 50 == 1 else None),
                email=f"person{n}@{owner.slug}.example", staff_number=f"S{n:05d}",
                date_of_birth=date(1970, 1, 1) + timedelta(days=n * 7),
                **flags,
            )
            person_derive(person)
            rows.append(person)
    Person.objects.bulk_create(rows, batch_size=500)
    saved = list(Person.objects.filter(school=school).order_by("pk"))
    Person.sites.through.objects.bulk_create(
        [Person.sites.through(person_id=p.pk, site_id=sites[i % 2].pk)
         for i, p in enumerate(saved) if i % 3]
    )
    # Checks: what the rules ask of each person, most done, some pending, some missing.
    rules = rule_set_for(school)
    checks = []
    for n, person in enumerate(Person.objects.filter(school__in=[school, other])):
        for check_type in CheckType.values:
            needed = any(rule.applies_to(person) for rule in rules.for_check(check_type))
            if not needed or n % 13 == 0:  # one in thirteen is missing every check
                continue
            status = "pending" if n % 7 == 0 and check_type == "enhanced_dbs" else "done"
            check = Check(
                school_id=person.school_id, person=person, check_type=check_type,
                status=status, done_on=date(2023, 9, 1) if status == "done" else None,
                checked_by="Office manager",
                dbs_certificate_number=(f"0012{n:08d}" if check_type == "enhanced_dbs"
                                        else ""),
            )
            check_derive(check)
            checks.append(check)
    Check.objects.bulk_create(checks, batch_size=500)
    try:  # the stored facts, as the services keep them (absent before they existed)
        from schoolkeep.people.missing_checks import refresh_for_schools
    except ImportError:
        pass
    else:
        refresh_for_schools([school.pk, other.pk])
    harness.gather_statistics()  # as autovacuum or an import would
    settle()
    return siro


def settle() -> None:
    """On PostgreSQL, vacuum the people's tables as autovacuum does soon after a bulk load:
    until then no page is marked all-visible and the record's COUNT reads every row from
    the table (1.1 ms at 5,000 people) instead of the (school, leaving_date) index alone
    (0.4 ms)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in ("people_person", "people_check", "people_checkoverride"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")  # nosec B608: fixed names


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile N requests of the first page (cProfile)")
    parser.add_argument("--profile-page", choices=["record", "people"], default="record",
                        help="the page --profile profiles")
    options = parser.parse_args()

    from django.test import override_settings

    try:
        started = time.perf_counter()
        harness.migrate()
        siro = build(options.people)
        from schoolkeep.people.models import Check, Person

        print(f"Data built in {time.perf_counter() - started:.1f}s "
              f"({harness.database_label()}, {DATA_DIR}): "
              f"{Person.objects.count()} people, {Check.objects.count()} checks in two schools")

        with override_settings(ROOT_URLCONF=__name__):
            # (label, url, query string)
            pages = [
                ("record", reverse("people:record"), {}),
                ("incomplete", reverse("people:record"), {"incomplete": "on"}),
                ("people", reverse("people:person-list"), {}),
                ("base", reverse("bench-base"), {}),
                ("bare view", reverse("bench-bare"), {}),
            ]
            client = harness.signed_in(siro)
            check_pages(client, pages[0][1], pages[2][1])
            for _ in range(20):  # warm up
                for _label, url, data in pages:
                    harness.timed(client, url, data)
            queries = {label: harness.count_queries(client, url, data)
                       for label, url, data in pages}
            sizes = {label: len(client.get(url, data).content) for label, url, data in pages}
            times: dict[str, list[float]] = {label: [] for label, _, _ in pages}
            cpu: dict[str, list[float]] = {label: [] for label, _, _ in pages}
            for _ in range(options.iterations):
                for label, url, data in pages:
                    started_cpu = time.process_time()
                    times[label].append(harness.timed(client, url, data))
                    cpu[label].append(time.process_time() - started_cpu)
            if options.profile:
                profiled = pages[0 if options.profile_page == "record" else 2][1]
                harness.profile(client, profiled, options.profile)
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)

    print(
        f"{harness.versions()}; school of {options.people} people, first page "
        f"of 50, {options.iterations} requests each, interleaved"
    )
    medians = {label: harness.median_ms(values) for label, values in times.items()}
    cpu_medians = {label: harness.median_ms(values) for label, values in cpu.items()}
    for label, values in times.items():
        p90 = harness.percentile_ms(values, 0.9)
        print(f"{label:<11} median {medians[label]:8.2f} ms   p90 {p90:8.2f} ms   "
              f"queries {queries[label]:3}   {sizes[label]:7,} bytes   "
              f"{medians[label] / medians['base']:5.1f}x base   "
              f"{medians[label] / medians['bare view']:5.1f}x bare   "
              f"CPU {cpu_medians[label]:6.2f} ms, {cpu_medians[label] / cpu_medians['base']:4.1f}x "
              "base")
    print("(record: the first page; incomplete: only people missing a check; people: the "
          "people list; base: base.html with 50 rows from one query; bare view: middleware "
          "and session only)")


def check_pages(client: object, record_url: str, people_url: str) -> None:
    """Stop unless the record and the people list show a full first page."""
    record = client.get(record_url)  # type: ignore[attr-defined]
    page = record.content.decode()
    if record.status_code != 200 or "Single Central Record" not in page:
        raise SystemExit(f"bench: the record answered {record.status_code}")
    if page.count("<tr") != 51 or "0012" not in page:
        raise SystemExit("bench: the first page does not show 50 people with their "
                         "certificate numbers")
    people = client.get(people_url)  # type: ignore[attr-defined]
    if people.status_code != 200 or people.content.decode().count("<tr") != 51:
        raise SystemExit("bench: the people list does not show 50 people")


if __name__ == "__main__":
    main()
