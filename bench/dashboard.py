"""Benchmark: the dashboard of a school with 150 members against a bare Django view.

Not a test. ``make bench`` runs it on SQLite in a throwaway data directory (deleted at the
end): it builds a trust with three schools, the measured one holding 150 members with their
roles and data that raises the foundation's duties (privileged members without two-factor,
locked accounts, invitations not accepted, estimated term dates), signs the SIRO in with
Django's test client, then times, interleaved in one run:

- ``duties:dashboard``, what needs doing for the SIRO and for the school;
- ``duties:duty-kind-list`` of assets without an owner, the first page of 50 (with
  ``--assets``);
- the dashboard again with the counts' compiled SQL forgotten (``duties.compiled``): what a
  viewer's first request of the day costs;
- the first dashboard of other members (up to ``--iterations``, those with two-factor set
  up), with the SIRO's SQL kept: what is compiled again per viewer;
- the issue's bare view: ``base.html`` with a 50-row table of the school's assets from one
  query (``x base``, the target's reference), and harness's fixed page (``x bare``), both
  under the same middleware and session.

With ``--assets N`` the measured school also holds N information assets with no owner and
no classification (two duties each, all overdue): the dashboard's size must not grow with them.

It prints the median and 90th percentile of each, their ratios to both bare views, the
dashboard's queries and its size in bytes.

    .venv/bin/python bench/dashboard.py [--iterations N] [--members N] [--assets N]
"""

from __future__ import annotations

import argparse
import shutil
import time
from datetime import UTC, datetime, timedelta

import harness

DATA_DIR = harness.start()

from django.test import override_settings  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

# The bare view: base.html and a 50-row table of the school's assets from one query.
base_view = harness.base_view("assets.Asset", ("name", "classification"))

urlpatterns = [
    path("bench/bare/", harness.bare, name="bench-bare"),
    path("bench/base/", base_view, name="bench-base"),
    path("", include("schoolkeep.urls")),
]

PRIVILEGED_ROLES = [
    "dpo",
    "iao",
    "business_manager",
    "it_lead",
    "dsl",
    "hr_admin",
    "data_admin",
    "governor",
    "auditor",
]


def build_assets(school: object, count: int) -> None:
    """``count`` assets without an owner or a classification, added a month ago."""
    from schoolkeep.assets.models import Asset, AssetGroup
    from schoolkeep.assets.review_due import refresh_review_due

    if not count:
        return
    group = AssetGroup.objects.create(school=school, name="Benchmark", name_key="benchmark")
    Asset.objects.bulk_create(
        [Asset(school=school, group=group, name=f"Asset {n:05d}", name_key=f"asset {n:05d}")
         for n in range(count)],
        batch_size=1000,
    )
    Asset.objects.filter(school=school).update(created_at=timezone.now() - timedelta(days=30))
    refresh_review_due(school)  # the stored fact, as the services and the import keep it


def build(members: int, assets: int = 0) -> object:
    """The trust, its schools and people; returns the SIRO of the measured school."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from axes.models import AccessAttempt

    from schoolkeep.accounts.models import User
    from schoolkeep.tenancy.models import (
        Invitation,
        Membership,
        MembershipRole,
        Organisation,
        School,
    )

    trust = Organisation.objects.create(name="Benchmark Learning Trust", slug="bench-trust")
    schools = [
        School.objects.create(name=name, slug=slug, organisation=trust)
        for name, slug in [
            ("Alder Primary", "alder"),
            ("Birch Academy", "birch"),
            ("Cedar Infants", "cedar"),
        ]
    ]
    measured = schools[0]
    sizes = {measured.pk: members, schools[1].pk: 50, schools[2].pk: 50}
    siro = None
    now = timezone.now()
    for school in schools:
        count = sizes[school.pk]
        users = User.objects.bulk_create(
            [
                User(
                    email=f"member{n}@{school.slug}.example",
                    full_name=f"Member {n} {school.name}",
                    password="!unusable",
                )
                for n in range(count)
            ]
        )
        memberships = Membership.objects.bulk_create(
            [Membership(user=user, school=school) for user in users]
        )
        roles = []
        for n, membership in enumerate(memberships):
            if n == 0:
                roles.append(MembershipRole(membership=membership, role="siro"))
            elif n <= 2 * len(PRIVILEGED_ROLES):
                # Two members in each privileged role...
                roles.append(
                    MembershipRole(
                        membership=membership, role=PRIVILEGED_ROLES[n % len(PRIVILEGED_ROLES)]
                    )
                )
                if n % 3 == 0:  # some hold a second role
                    roles.append(MembershipRole(membership=membership, role="staff"))
            else:
                roles.append(MembershipRole(membership=membership, role="staff"))
        MembershipRole.objects.bulk_create(roles)
        # ...of whom every other one has no two-factor yet (a duty each); the SIRO has it.
        for n, user in enumerate(users[: 2 * len(PRIVILEGED_ROLES) + 1]):
            if n == 0 or n % 2 == 0:
                TOTP.activate(user, generate_totp_secret())
        Invitation.objects.bulk_create(
            [
                Invitation(
                    school=school,
                    email=f"invited{n}@{school.slug}.example",
                    full_name=f"Invited {n}",
                    roles=["staff"],
                    token_hash=f"{school.slug}-{n:04d}".ljust(64, "0"),
                    invited_by_label="Benchmark",
                    expires_at=now + timedelta(days=7 if n % 3 else -1),
                )
                for n in range(12)
            ]
        )
        AccessAttempt.objects.bulk_create(
            [
                AccessAttempt(
                    username=users[n].email,
                    ip_address="192.0.2.10",
                    user_agent="bench",
                    http_accept="*/*",
                    path_info="/accounts/login/",
                    get_data="",
                    post_data="",
                    failures_since_start=10,
                )
                for n in (count - 1, count - 2, count - 3)
            ]
        )
        if school is measured:
            siro = users[0]
    build_assets(measured, assets)
    assert siro is not None
    return siro


def other_members(siro: object, count: int) -> list[object]:
    """Up to ``count`` other members of the SIRO's school with two-factor sign-in set up
    (the others in a privileged role would be sent to set it up first)."""
    from allauth.mfa.models import Authenticator

    from schoolkeep.accounts.models import User

    school_id = siro.memberships.values_list("school_id", flat=True).first()  # type: ignore[attr-defined]
    return list(User.objects.filter(memberships__school_id=school_id,
                                    authenticator__type=Authenticator.Type.TOTP)
                .exclude(pk=siro.pk).order_by("pk")[:count])  # type: ignore[attr-defined]


def next_days(siro: object, dashboard_url: str, bare_url: str, days: int) -> list[float]:
    """The SIRO's first view on each of ``days`` following days, the SQL kept from the days
    before (what a process does each morning): signed in afresh each day (a session lasts
    12 hours), the session warmed on the bare view first, then the dashboard timed."""
    import time_machine

    start = datetime.now(UTC)
    times = []
    for day in range(1, days + 1):
        with time_machine.travel(start + timedelta(days=day), tick=True):
            client = harness.signed_in(siro)
            harness.timed(client, bare_url)
            times.append(harness.timed(client, dashboard_url))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--members", type=int, default=150)
    parser.add_argument("--assets", type=int, default=0)
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile N dashboard requests (cProfile) and print where "
                             "the time goes: the top functions and the time inside SQLite")
    options = parser.parse_args()

    try:
        started = time.perf_counter()
        harness.migrate()
        siro = build(options.members, options.assets)
        print(f"Data built in {time.perf_counter() - started:.1f}s (SQLite, {DATA_DIR})")

        with override_settings(ROOT_URLCONF=__name__):
            dashboard_url = reverse("duties:dashboard")
            bare_url = reverse("bench-bare")
            base_url = reverse("bench-base")
            client = harness.signed_in(siro)
            first = client.get(dashboard_url)
            if first.status_code != 200 or b"What needs doing" not in first.content:
                raise SystemExit(
                    f"bench: the dashboard answered {first.status_code} without 'What needs doing'"
                )
            page_bytes = len(first.content)
            for _ in range(20):  # warm up: caches, estimated terms saved, code paths imported
                harness.timed(client, dashboard_url)
                harness.timed(client, bare_url)
                harness.timed(client, base_url)
            dashboard_queries = harness.count_queries(client, dashboard_url)
            bare_queries = harness.count_queries(client, bare_url)
            kind_url = reverse("duties:duty-kind-list", args=["assets.owner-missing"])
            kind_bytes = len(client.get(kind_url).content) if options.assets else 0
            kind_queries = harness.count_queries(client, kind_url) if options.assets else 0
            from schoolkeep.duties import compiled

            dashboard_times, bare_times, kind_times, cold_times, base_times = [], [], [], [], []
            for _ in range(options.iterations):
                dashboard_times.append(harness.timed(client, dashboard_url))
                compiled.forget()  # the next request compiles the counts' SQL again
                cold_times.append(harness.timed(client, dashboard_url))
                bare_times.append(harness.timed(client, bare_url))
                base_times.append(harness.timed(client, base_url))
                if options.assets:
                    kind_times.append(harness.timed(client, kind_url))
            # Each other member's first view, with the SIRO's already compiled and kept: what
            # stays per viewer (SQL whose key holds the viewer) is compiled again for each.
            others_times = [harness.timed(harness.signed_in(member), dashboard_url)
                            for member in other_members(siro, options.iterations)]
            next_day_times = next_days(siro, dashboard_url, bare_url, options.iterations)
            if options.profile:
                harness.profile(client, dashboard_url, options.profile)
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)

    dash_median = harness.median_ms(dashboard_times)
    bare_median = harness.median_ms(bare_times)
    base_median = harness.median_ms(base_times)
    cold_median = harness.median_ms(cold_times)
    print(
        f"{harness.versions()}; school of {options.members} members, "
        f"{options.assets} assets without owners, {options.iterations} requests each, interleaved"
    )
    print(
        f"dashboard   median {dash_median:8.2f} ms   "
        f"p90 {harness.percentile_ms(dashboard_times, 0.9):8.2f} ms   queries {dashboard_queries}"
        f"   {page_bytes:,} bytes"
    )
    print(
        f"first view  median {cold_median:8.2f} ms   "
        f"p90 {harness.percentile_ms(cold_times, 0.9):8.2f} ms   (the dashboard with the "
        "counts' SQL not yet compiled: a viewer's first of the day)"
    )
    others_median = harness.median_ms(others_times)
    next_day_median = harness.median_ms(next_day_times)
    print(
        f"next day    median {next_day_median:8.2f} ms   "
        f"p90 {harness.percentile_ms(next_day_times, 0.9):8.2f} ms   (the SIRO's first view "
        f"on each of {len(next_day_times)} following days, the SQL kept from the day before)"
    )
    print(
        f"other first median {others_median:8.2f} ms   "
        f"p90 {harness.percentile_ms(others_times, 0.9):8.2f} ms   (each of "
        f"{len(others_times)} other members' first view, the SIRO's SQL kept)"
    )
    print(
        f"bare view   median {bare_median:8.2f} ms   "
        f"p90 {harness.percentile_ms(bare_times, 0.9):8.2f} ms   "
        f"queries {bare_queries} (middleware and session only)"
    )
    print(
        f"base view   median {base_median:8.2f} ms   "
        f"p90 {harness.percentile_ms(base_times, 0.9):8.2f} ms   "
        "(the issue's bare view: base.html and 50 assets from one query)"
    )
    if kind_times:
        kind_median = harness.median_ms(kind_times)
        print(
            f"kind page   median {kind_median:8.2f} ms   "
            f"p90 {harness.percentile_ms(kind_times, 0.9):8.2f} ms   queries {kind_queries}"
            f"   {kind_bytes:,} bytes (assets without an owner, page 1 of 50)"
        )
    for label, median in [("dashboard", dash_median), ("first view", cold_median),
                          ("other first", others_median), ("next day", next_day_median),
                          *([("kind page", kind_median)] if kind_times else [])]:
        print(f"ratio       {label:<10} x base {median / base_median:5.1f}   "
              f"x bare {median / bare_median:5.1f}")


if __name__ == "__main__":
    main()
