"""Benchmark: every list of the JSON API at 10 and at 10,000 rows, against a bare API list.

Not a test. It builds two schools on SQLite in a throwaway data directory (deleted at the
end): "Small" with 10 of each record and "Large" with 10,000 (people, systems, assets,
incidents, policies, and signatures of the staff acceptable use policy), each made once
through its service and copied in bulk for the rest. A SIRO of both schools, with TOTP and
an API token, then asks for the first page (50 rows) of each list of each school, and of a
bare API list: an endpoint behind the same token authentication that reads 50 rows of one
table in one query and answers them as JSON. Requests are interleaved in one run.

It prints, for each list and size, the median and 90th percentile, the queries, the answer's
size and the ratio to the bare API list (the target is 2x at most, the same at both sizes),
and the ratio to the harness's bare page (bench/harness.py, middleware only, no token).
Under ``make bench`` it hands the same figures to bench/results.py (p95 there, "x base" the
ratio to the bare API list, "x bare" to the bare page).

    .venv/bin/python bench/api_lists.py [--iterations N] [--rows N]
    .venv/bin/python bench/api_lists.py --profile asset-list --iterations 30
"""

from __future__ import annotations

import argparse
import copy
import shutil
import time
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import harness
import results

DATA_DIR = harness.start(SCHOOLKEEP_DEBUG="false")

from django.http import HttpRequest  # noqa: E402
from django.urls import path, reverse  # noqa: E402
from ninja import NinjaAPI  # noqa: E402

from schoolkeep.api.auth import TokenAuth  # noqa: E402

SMALL = 10

bare_api = NinjaAPI(title="Bench bare API", version="bench", urls_namespace="bench-api",
                    auth=TokenAuth(), docs_url=None, openapi_url=None)


@bare_api.get("/people", url_name="bare-list")
def bare_list(request: HttpRequest, school: str) -> dict[str, Any]:
    """50 people of the school from one query, with no rule applied."""
    from schoolkeep.people.models import Person

    rows = list(Person.objects.filter(school__slug=school).order_by("name_key", "pk")
                .values("public_id", "full_name", "kind", "job_title", "email")[:50])
    return {"items": rows, "count": len(rows)}


def copies(record: Any, count: int, vary: Any) -> list[Any]:
    """``count`` unsaved copies of a saved record; ``vary(copy, n)`` makes each unique."""
    made = []
    for n in range(count):
        row = copy.copy(record)
        row.pk = row.id = None
        row._state = copy.copy(record._state)
        row._state.adding = True
        if hasattr(row, "public_id"):
            row.public_id = uuid.uuid4()
        vary(row, n)
        made.append(row)
    return made


def build_school(slug: str, name: str, rows: int, siro: Any) -> None:
    """A school with ``rows`` of each listed record."""
    from schoolkeep.agreements.aups.models import Audience, AupVersion, Signature
    from schoolkeep.agreements.aups.services import aups_set_up, version_publish
    from schoolkeep.agreements.policies.models import Policy
    from schoolkeep.agreements.policies.services import policy_create
    from schoolkeep.agreements.signing.services import signature_create
    from schoolkeep.assets.models import Asset
    from schoolkeep.assets.services import asset_create, group_get_or_create
    from schoolkeep.audit.context import audit_context
    from schoolkeep.incidents.models import Incident
    from schoolkeep.incidents.report.services import incident_report
    from schoolkeep.lib.text import fold
    from schoolkeep.people.models import Person
    from schoolkeep.people.services import person_create
    from schoolkeep.systems.models import System
    from schoolkeep.systems.services import system_create
    from schoolkeep.tenancy.models import Membership, MembershipRole, School

    school = School.objects.create(name=name, slug=slug)
    MembershipRole.objects.create(
        membership=Membership.objects.create(user=siro, school=school), role="siro")
    extra = rows - 1
    with audit_context(actor_label="bench"):
        person = person_create(school=school, actor=siro, full_name="Ada Person 00000",
                               kind="teaching", job_title="Teacher", email="ada@example.com")

        def person_vary(row: Any, n: int) -> None:
            row.full_name = f"Ada Person {n + 1:05d}"
            row.name_key = fold(row.full_name)
            row.email = f"ada{n + 1:05d}@example.com"

        people = Person.objects.bulk_create(copies(person, extra, person_vary), batch_size=1000)
        system = system_create(school=school, actor=siro, name="System 00000")

        def named(row: Any, n: int) -> None:
            row.name = f"{row.name[:-5]}{n + 1:05d}"
            row.name_key = fold(row.name)

        systems = System.objects.bulk_create(copies(system, extra, named), batch_size=1000)
        group = group_get_or_create(school=school, name="Pupil data (MIS)", actor=siro)
        asset = asset_create(school=school, actor=siro, name="Asset 00000", group=group,
                             owner_person=person, access_labels=["Teachers", "Office"],
                             systems=[system])
        assets = Asset.objects.bulk_create(copies(asset, extra, named), batch_size=1000)
        links = Asset.access_labels.through
        labels = list(asset.access_labels.all())
        links.objects.bulk_create([links(asset_id=a.pk, accesslabel_id=label.pk)
                                   for a in assets for label in labels], batch_size=2000)
        held = Asset.systems.through
        # Each asset held in one system, each system holding one asset: the relation's
        # size per row stays the same as the lists grow.
        held.objects.bulk_create([held(asset_id=a.pk, system_id=s.pk)
                                  for a, s in zip(assets, systems, strict=True)],
                                 batch_size=2000)
        incident, _ = incident_report(school=school, actor=siro, channel="app",
                                      title="Lost laptop", description="Left on a train.")

        def numbered(row: Any, n: int) -> None:
            row.reference_number = incident.reference_number + n + 1
            row.reference = f"{incident.reference[:-5]}{row.reference_number:05d}"
            row.received_at = incident.received_at - timedelta(minutes=n + 1)
            row.receipt_hash = ""

        Incident.objects.bulk_create(copies(incident, extra, numbered), batch_size=1000)
        policy = policy_create(school=school, actor=siro, title="Policy 00000",
                               next_review="Autumn 2027")

        def titled(row: Any, n: int) -> None:
            row.title = f"Policy {n + 1:05d}"
            if hasattr(row, "title_key"):
                row.title_key = fold(row.title)

        Policy.objects.bulk_create(copies(policy, extra, titled), batch_size=1000)
        staff_aup = next(a for a in aups_set_up(school=school, actor=siro)
                         if a.audience == Audience.STAFF)
        version_publish(draft=AupVersion.objects.get(aup=staff_aup, published_at__isnull=True),
                        actor=siro, requires_everyone_to_sign=True)
        staff_aup.refresh_from_db()
        signature = signature_create(aup=staff_aup, method="in_app", typed_name="Sam Siro",
                                     user=siro, actor=siro)

        def signer(row: Any, n: int) -> None:  # as if each person had signed in Schoolkeep
            row.user_id, row.person_id = None, people[n].pk
            row.typed_name = people[n].full_name

        Signature.objects.bulk_create(copies(signature, extra, signer), batch_size=1000)


def build(rows: int) -> tuple[Any, str, Any]:
    """The SIRO, their API token and the staff AUP of each school."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from schoolkeep.accounts.models import User
    from schoolkeep.accounts.services import token_create
    from schoolkeep.agreements.aups.models import Audience, Aup

    siro = User.objects.create(email="siro@alder.example", full_name="Sam Siro",
                               password="!unusable")
    TOTP.activate(siro, generate_totp_secret())
    build_school("small", "Small Primary", SMALL, siro)
    build_school("large", "Large Academy", rows, siro)
    _, secret = token_create(user=siro, name="bench")
    aups = {aup.school.slug: aup for aup in
            Aup.objects.filter(audience=Audience.STAFF).select_related("school")}
    return siro, secret, aups


def statistics() -> None:
    """Gather the planner's statistics, as an import of this size does on either database
    (lib.db_statistics) and autovacuum soon would on PostgreSQL: without them PostgreSQL
    takes 10,000 freshly copied rows for 2 and picks nested loops, and SQLite lists assets
    through an index that does not serve their order (the records here are copied in
    bulk, not imported)."""
    harness.gather_statistics()


LISTS = ["api:person-list", "api:system-list", "api:asset-list", "api:incident-list",
         "api:policy-list", "api:aup-list", "api:aup-signatures"]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--profile", metavar="LIST", action="append",
                        choices=[name[4:] for name in LISTS],
                        help="profile this list at the large size (harness.profile, "
                             "--iterations requests) instead of timing them all; give it "
                             "again for more lists")
    options = parser.parse_args()

    try:
        started = time.perf_counter()
        harness.migrate()
        siro, secret, aups = build(options.rows)
        statistics()
        print(f"Data built in {time.perf_counter() - started:.1f}s: {SMALL} and "
              f"{options.rows} of each listed record")
        with harness.bench_urls():
            harness.urlpatterns.insert(0, path("bench/api/", bare_api.urls))
            from django.test import Client
            from django.urls import clear_url_caches

            clear_url_caches()
            api_client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
            page_client = harness.signed_in(siro)
            calls: dict[str, tuple[Any, str, dict[str, str]]] = {}
            for slug in ("small", "large"):
                size = SMALL if slug == "small" else options.rows
                calls[f"bare API list at {size}"] = (
                    api_client, reverse("bench-api:bare-list"), {"school": slug})
                for name in LISTS:
                    args = [aups[slug].public_id] if name == "api:aup-signatures" else []
                    calls[f"{name[4:]} at {size}"] = (api_client, reverse(name, args=args),
                                                      {"school": slug})
            calls["bare page"] = (page_client, reverse("bench-bare"), {})
            if options.profile:
                for name in options.profile:
                    client, url, data = calls[f"{name} at {options.rows}"]
                    print(f"--- {name} at {options.rows}")
                    harness.profile(client, f"{url}?{urlencode(data)}", options.iterations)
                return
            sizes = {label: len(client.get(url, data).content)
                     for label, (client, url, data) in calls.items()}
            for _ in range(3):  # warm up (and the token's first use, which is audited)
                for client, url, data in calls.values():
                    harness.timed(client, url, data)
            queries = {label: harness.count_queries(client, url, data)
                       for label, (client, url, data) in calls.items()}
            times: dict[str, list[float]] = {label: [] for label in calls}
            for _ in range(options.iterations):
                for label, (client, url, data) in calls.items():
                    times[label].append(harness.timed(client, url, data))
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    report(options, times, queries, sizes)


def report(options: Any, times: dict[str, list[float]], queries: dict[str, int],
           sizes: dict[str, int]) -> None:
    page = harness.median_ms(times["bare page"])
    database = harness.database_label()
    print(f"{harness.versions()}; first page (50 rows) of each list, {options.iterations} "
          "requests each, interleaved")
    for label, values in times.items():
        size = label.rsplit(" ", 1)[-1]
        bare = harness.median_ms(times.get(f"bare API list at {size}", times["bare page"]))
        median = harness.median_ms(values)
        print(f"{label:<28} median {median:7.2f} ms   p90 "
              f"{harness.percentile_ms(values, 0.9):7.2f} ms   queries {queries[label]:2d}   "
              f"{sizes[label]:7,d} bytes   {median / bare:4.1f} x bare API list   "
              f"{median / page:4.1f} x bare page")
        results.record(bench="api_lists", name=label.rsplit(" at ", 1)[0], database=database,
                       scale=size if " at " in label else "-", median_ms=round(median, 2),
                       p95_ms=round(harness.percentile_ms(values, 0.95), 2),
                       queries=queries[label], bytes=sizes[label],
                       x_base=round(median / bare, 2), x_bare=round(median / page, 2))
    print("(bare API list: token authentication and one query for 50 rows; bare page: "
          "the harness's fixed page, middleware and session only)")


if __name__ == "__main__":
    main()
