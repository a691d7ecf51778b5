"""Benchmark: the dashboard of a school with 150 members against a bare Django view.

Not a test. ``make bench`` runs it on SQLite in a throwaway data directory (deleted at the
end): it builds a trust with three schools, the measured one holding 150 members with their
roles and data that raises the foundation's duties (privileged members without two-factor,
locked accounts, invitations not accepted, estimated term dates), signs the SIRO in with
Django's test client, then times, interleaved in one run:

- ``duties:dashboard``, what needs doing for the SIRO and for the school;
- a bare view returning a fixed page (defined below, under the same middleware and session).

It prints the median and 90th percentile of each, their ratio, and the dashboard's queries.

    .venv/bin/python bench/dashboard.py [--iterations N] [--members N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta

DATA_DIR = tempfile.mkdtemp(prefix="schoolkeep-bench-")
os.makedirs(os.path.join(DATA_DIR, "static"))  # STATIC_ROOT, or WhiteNoise warns
os.environ.pop("DATABASE_URL", None)  # SQLite in DATA_DIR, always
os.environ.update(
    SCHOOLKEEP_ENV="development",
    SCHOOLKEEP_DATA_DIR=DATA_DIR,
    SCHOOLKEEP_HTTPS="false",
    SCHOOLKEEP_ALLOWED_HOSTS="testserver",
    SCHOOLKEEP_EMAIL_URL="",
    DJANGO_SETTINGS_MODULE="schoolkeep.settings",
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

BARE_PAGE = b"<!doctype html><html lang=en><title>Bare</title><p>A fixed page.</p></html>"


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(BARE_PAGE)


# This module is the URLconf while timing: the application's URLs plus the bare view.
urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
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


def build(members: int) -> object:
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
    assert siro is not None
    return siro


def timed(client: Client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"bench: GET {url} answered {response.status_code}, not 200")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--members", type=int, default=150)
    options = parser.parse_args()

    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        siro = build(options.members)
        print(f"Data built in {time.perf_counter() - started:.1f}s (SQLite, {DATA_DIR})")

        with override_settings(ROOT_URLCONF=__name__):
            dashboard_url = reverse("duties:dashboard")
            bare_url = reverse("bench-bare")
            client = Client()
            client.force_login(siro, backend="allauth.account.auth_backends.AuthenticationBackend")
            first = client.get(dashboard_url)
            if first.status_code != 200 or b"What needs doing" not in first.content:
                raise SystemExit(
                    f"bench: the dashboard answered {first.status_code} without 'What needs doing'"
                )
            for _ in range(20):  # warm up: caches, estimated terms saved, code paths imported
                timed(client, dashboard_url)
                timed(client, bare_url)
            # Counted at once: each request empties the connection's query log.
            with CaptureQueriesContext(connection) as captured:
                timed(client, dashboard_url)
            dashboard_queries = len(captured)
            with CaptureQueriesContext(connection) as captured:
                timed(client, bare_url)
            bare_queries = len(captured)
            dashboard_times, bare_times = [], []
            for _ in range(options.iterations):
                dashboard_times.append(timed(client, dashboard_url))
                bare_times.append(timed(client, bare_url))
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)

    def ms(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    dash_median = 1000 * statistics.median(dashboard_times)
    bare_median = 1000 * statistics.median(bare_times)
    print(
        f"Django {django.get_version()}, Python {sys.version.split()[0]}, SQLite "
        f"{connection.Database.sqlite_version}; school of {options.members} members, "
        f"{options.iterations} requests each, interleaved"
    )
    print(
        f"dashboard   median {dash_median:8.2f} ms   p90 {ms(dashboard_times, 0.9):8.2f} ms   "
        f"queries {dashboard_queries}"
    )
    print(
        f"bare view   median {bare_median:8.2f} ms   p90 {ms(bare_times, 0.9):8.2f} ms   "
        f"queries {bare_queries} (middleware and session only)"
    )
    print(f"ratio       dashboard / bare view = {dash_median / bare_median:.1f}")


if __name__ == "__main__":
    main()
