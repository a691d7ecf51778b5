"""Benchmark: requests with legal clocks (subject access, FOI, ...) in a trust of 200 schools.

Not a test. It builds (bulk, as data, not through the services) a trust of N schools
(default 200). One large school ("alder") has three years of requests (default 2,000, every
kind), about one in four waiting for the requester or once paused, one in ten extended, each
with five search tasks over an asset register of 300 assets and a schedule of eight items;
the other schools have 10 requests each. Every request's deadline is worked out by the
clocks, as ``request_log`` does.

Then it times:

- the clocks: ``work_out`` for every request of the large school (one calendar, as
  ``clocks_refresh_open`` does), and ``clocks_refresh_open`` for every school (the daily tick
  for clocks waiting on the requester, and what a new bank holiday or term dates cost);
- signed in as the large school's DPO: the requests list, a request's page (five searches,
  eight items, its holds and extensions), the request log's page and the request log as
  XLSX and as CSV (median and queries);
- the duties ``requests`` counted for every school and the measure ``requests`` for every
  school.

It prints the figures; with ``SCHOOLKEEP_BENCH_RESULTS`` set (bench/all.py) it records the
pages' too. On PostgreSQL when ``SCHOOLKEEP_BENCH_POSTGRES`` is set (see bench/harness.py).

    .venv/bin/python bench/requests.py [--schools 200] [--requests 2000] [--iterations 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import harness
import results

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")  # no query log growing as we time

KINDS = ["subject_access", "subject_access", "subject_access", "foi", "foi", "erasure",
         "educational_record", "complaint", "exam_marks", "eir", "rectification"]
SEARCHES_PER_REQUEST = 5
ITEMS_PER_REQUEST = 8


def _assets(school: Any, count: int) -> list[Any]:
    from schoolkeep.assets.models import Asset, AssetGroup

    group = AssetGroup.objects.create(school=school, name="Records", name_key="records",
                                      position=1)
    subjects = [["pupils"], ["pupils", "parents"], ["staff"], ["governors", "staff"]]
    return Asset.objects.bulk_create([
        Asset(school=school, group=group, name=f"Asset {n:04d}", name_key=f"asset {n:04d}",
              data_subjects=subjects[n % len(subjects)])
        for n in range(count)], batch_size=2000)


def _requests(school: Any, count: int, now: datetime, assets: list[Any]) -> list[Any]:
    """``count`` requests received over three years up to ``now``, with their holds,
    extensions, searches and schedules (bulk), every deadline worked out by the clocks."""
    from schoolkeep.inforequests.clocks.calendar import ClockCalendar
    from schoolkeep.inforequests.clocks.deadline import _apply, work_out
    from schoolkeep.inforequests.models import (
        RIGHTS_KINDS,
        Extension,
        Hold,
        Request,
        ScheduleItem,
        SearchTask,
    )

    span = 3 * 365 * 24 * 3600
    made = []
    for n in range(count):
        received = now - timedelta(seconds=span * (count - n) // (count + 1))
        kind = KINDS[n % len(KINDS)]
        answered = received < now - timedelta(days=60) and n % 13
        made.append(Request(
            school=school, reference=f"RQ-{received.year}-{n + 1:05d}",
            reference_year=received.year, reference_number=n + 1, kind=kind,
            channel="email", requester_type="parent", requester_name=f"Requester {n}",
            requester_contact=f"requester{n}@example.org", subject_type="pupils",
            subject_name=f"Pupil {n}", description="Everything you hold about my child.",
            received_on=received.date(), received_at=received,
            clock_starts_on=received.date(), due_on=received.date(),
            status="answered" if answered else "open",
            responded_on=(received + timedelta(days=20 + n % 15)).date() if answered else None,
            outcome="full" if answered and kind != "complaint" else
            ("upheld" if answered else "")))
    made = Request.objects.bulk_create(made, batch_size=1000)
    holds, extensions = [], []
    for n, request in enumerate(made):
        if n % 4 == 0:
            reason = "identity" if request.kind in RIGHTS_KINDS else "clarification"
            asked = request.received_on + timedelta(days=2)
            holds.append(Hold(request=request, reason=reason, asked_on=asked,
                              answered_on=None if request.status == "open" and n % 8 == 0
                              else asked + timedelta(days=5), note="Asked by e-mail."))
        if n % 10 == 0 and request.kind in RIGHTS_KINDS:
            extensions.append(Extension(request=request, decided_on=request.received_on
                                        + timedelta(days=20), amount=1,
                                        reason="Many records across several systems.",
                                        told_on=request.received_on + timedelta(days=21)))
    Hold.objects.bulk_create(holds, batch_size=1000)
    Extension.objects.bulk_create(extensions, batch_size=1000)
    tasks = [SearchTask(request=request, asset=assets[(n + k) % len(assets)],
                        place=assets[(n + k) % len(assets)].name, state="found")
             for n, request in enumerate(made) for k in range(SEARCHES_PER_REQUEST)]
    SearchTask.objects.bulk_create(tasks, batch_size=2000)
    items = [ScheduleItem(request=request, number=k + 1, source="Asset",
                          description=f"Record {k}", decision="disclosed" if k % 3 else
                          "withheld", exemption="" if k % 3 else "third_party")
             for request in made for k in range(ITEMS_PER_REQUEST)]
    ScheduleItem.objects.bulk_create(items, batch_size=2000)
    calendar = ClockCalendar(school)
    for request in Request.objects.filter(school=school).prefetch_related("holds",
                                                                           "extensions"):
        _apply(request, work_out(request, calendar=calendar))
        made.append(request)
    Request.objects.bulk_update(made[count:], ["clock_starts_on", "due_on", "due_estimated",
                                               "extension_tell_by", "waiting_since"],
                                batch_size=1000)
    return made[count:]


def _dpo(school: Any) -> Any:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from schoolkeep.accounts.models import User
    from schoolkeep.tenancy.models import Membership, MembershipRole

    user = User.objects.create(email=f"dpo@{school.slug}.example", full_name="The DPO",
                               password="!unusable")
    TOTP.activate(user, generate_totp_secret())
    membership = Membership.objects.create(user=user, school=school)
    MembershipRole.objects.create(membership=membership, role="dpo")
    return user


def build(schools: int, requests: int) -> tuple[Any, Any, list[Any]]:
    """The trust, its schools and their requests; returns (the large school, its DPO, the
    large school's requests)."""
    from django.utils import timezone

    from schoolkeep.tenancy.models import Organisation, School

    now = timezone.now()
    trust = Organisation.objects.create(name="Benchmark Learning Trust", slug="bench-trust")
    made = School.objects.bulk_create([
        School(name="Alder Academy" if n == 0 else f"School {n:03d}",
               slug="alder" if n == 0 else f"school-{n:03d}", organisation=trust)
        for n in range(schools)])
    large = made[0]
    dpo = _dpo(large)
    assets = _assets(large, 300)
    large_requests = _requests(large, requests, now, assets)
    for school in made[1:]:
        _requests(school, 10, now, _assets(school, 5))
    return large, dpo, large_requests


def median_of(runs: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def time_clocks(large: Any, large_requests: list[Any]) -> None:
    from django.db import connection

    from schoolkeep.inforequests.clocks.calendar import ClockCalendar
    from schoolkeep.inforequests.clocks.deadline import clocks_refresh_open, work_out
    from schoolkeep.inforequests.models import Request
    from schoolkeep.tenancy.models import School

    requests = list(Request.objects.filter(school=large).prefetch_related("holds",
                                                                           "extensions"))
    calendar = ClockCalendar(large)

    def every_clock() -> None:
        for request in requests:
            work_out(request, calendar=calendar)

    seconds = median_of(3, every_clock)
    print(f"\n{'clocks':<44}{'ms':>10}{'queries':>8}")
    print(f"{'work_out, every request of ' + large.slug + f' ({len(requests):,})':<44}"
          f"{seconds * 1000:10.1f}{'':>8}   "
          f"({seconds / len(requests) * 1e6:.0f} µs each)")
    schools = list(School.objects.order_by("pk"))
    for label, options in (("clocks_refresh_open, waiting only", {"waiting_only": True}),
                           ("clocks_refresh_open, every open request", {})):
        counted = harness.Counted()
        with connection.execute_wrapper(counted):
            started = time.perf_counter()
            changed = clocks_refresh_open(schools=schools, **options)
            elapsed = time.perf_counter() - started
        print(f"{label + f' ({len(schools)} schools)':<44}{elapsed * 1000:10.1f}"
              f"{counted.queries:8d}   ({changed} changed)")
    del large_requests


def time_pages(large: Any, dpo: Any, request: Any, iterations: int) -> None:
    from django.urls import reverse

    database = harness.database_label()
    pages = [
        ("requests list", reverse("requests:request-list")),
        ("requests list, open only", reverse("requests:request-list") + "?status=open"),
        ("a request's page", reverse("requests:request-detail", args=[request.public_id])),
        ("request log page", reverse("requests:export-list")),
        ("request log XLSX", reverse("requests:export-log") + "?format=xlsx"),
        ("request log CSV", reverse("requests:export-log") + "?format=csv"),
    ]
    client = harness.signed_in(dpo)
    print(f"\n{'page':<30}{'median ms':>10}{'p95 ms':>9}{'queries':>8}{'bytes':>11}")
    for label, url in pages:
        response = client.get(url)
        if response.status_code != 200:
            print(f"{label:<30} answered {response.status_code}")
            continue
        size = len(response.content)
        queries = harness.count_queries(client, url)
        times = [harness.timed(client, url) for _ in range(iterations)]
        median, p95 = harness.median_ms(times), harness.percentile_ms(times, 0.95)
        print(f"{label:<30}{median:10.1f}{p95:9.1f}{queries:8d}{size:11,d}")
        results.record(bench="requests", name=label[:26], database=database, scale="trust",
                       median_ms=median, p95_ms=p95, queries=queries, bytes=size)


def time_providers(school_ids: list[int]) -> None:
    from django.utils import timezone

    from schoolkeep.duties.registry import provider_for
    from schoolkeep.overview import registry as measures

    now = timezone.now()
    print(f"\n{'for all ' + str(len(school_ids)) + ' schools':<44}{'ms':>10}{'queries':>8}")

    provider = provider_for("requests")
    if provider is not None:
        harness.time_work("duties requests (counts)", lambda: provider.counts(
            school_ids, now=now, horizon=now + timedelta(days=14)), width=44)
    measure = {p.module: p for p in measures.providers()}.get("requests")
    if measure is not None:
        harness.time_work("measures requests", lambda: measure.figures(school_ids, now=now),
                          width=44)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--iterations", type=int, default=5)
    options = parser.parse_args()
    try:
        from schoolkeep.tenancy.models import School

        started = harness.begin()
        large, dpo, large_requests = build(options.schools, options.requests)
        harness.data_built(started, f"{options.schools} schools; {large.name} with "
                           f"{options.requests:,} requests over three years, the others 10 each")
        school_ids = list(School.objects.order_by("pk").values_list("pk", flat=True))
        busiest = max(large_requests, key=lambda r: (r.status == "open", r.received_at))
        with harness.bench_urls():
            time_pages(large, dpo, busiest, options.iterations)
        time_clocks(large, large_requests)
        time_providers(school_ids)
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
