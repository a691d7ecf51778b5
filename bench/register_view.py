"""Benchmark: the information asset register of a school with 10,000 assets against a bare
view.

Not a test. ``make bench`` runs it on SQLite in a throwaway data directory (deleted at the
end): it builds a school of 10,000 assets in 50 groups (owners who are people, outside
organisations or names not yet matched; one to four access labels each from 60; up to two
of 12 systems; every classification), and a second school with 1,000 assets that must not
show, signs the SIRO in with Django's test client, then times, interleaved in one run:

- ``assets:asset-list``, the register's first page as the SIRO sees it;
- the same page filtered by classification (OFFICIAL-SENSITIVE) and by a search of names;
- ``assets:appendix``, the Appendix 1 page (its size in bytes is printed too);
- the asset duties' provider, called in-process: ``counts`` for the school and
  ``for_school`` (the list the dashboard draws from);
- a bare view returning a fixed page (bench/harness.py, under the same middleware and session).

It prints the median and 90th percentile of each, the ratios to the bare view, each page's
queries, and the Appendix 1 page's size.

    .venv/bin/python bench/register_view.py [--iterations N] [--assets N]
"""

from __future__ import annotations

import argparse
import random
import shutil
import time
from typing import Any

import harness

DATA_DIR = harness.start()

from django.urls import reverse  # noqa: E402

GROUPS = 50
PEOPLE = 300
LABELS = 60
SYSTEMS = 12
CLASSIFICATIONS = ["unclassified", "official", "official_sensitive"]


def build_register(school: Any, assets: int, rng: random.Random) -> None:
    """Groups, people, organisations, labels, systems and assets, written in bulk with the
    derived fields the services set."""
    from schoolkeep.assets.models import (
        AccessLabel,
        Asset,
        AssetGroup,
        OutsideOrganisation,
    )
    from schoolkeep.lib.text import fold
    from schoolkeep.people.derive import person_derive
    from schoolkeep.people.models import Person
    from schoolkeep.systems.models import System

    def named(model: Any, count: int, name: str, **extra: Any) -> list[Any]:
        rows = []
        for n in range(count):
            text = f"{name} {n:03d}"
            values = {"label": text, "label_key": fold(text)} if model is AccessLabel \
                else {"name": text, "name_key": fold(text)}
            rows.append(model(school=school, **values, **extra))
        return model.objects.bulk_create(rows)

    groups = [AssetGroup(school=school, name=f"Group {n:02d}", name_key=f"group {n:02d}",
                         position=n) for n in range(GROUPS)]
    AssetGroup.objects.bulk_create(groups)
    people = []
    for n in range(PEOPLE):
        person = Person(school=school, full_name=f"Owner {n:03d} {school.slug}", kind="support")
        person_derive(person)
        people.append(person)
    Person.objects.bulk_create(people)
    organisations = named(OutsideOrganisation, 10, "Supplier")
    labels = named(AccessLabel, LABELS, "Role")
    systems = named(System, SYSTEMS, "System")
    rows = []
    for n in range(assets):
        kind = n % 10
        asset = Asset(
            school=school, group=groups[n * GROUPS // assets], name=f"Asset {n:05d}",
            name_key=f"asset {n:05d}", purpose="Teaching and learning /statutory returns",
            description="Held for the school's statutory returns" if n % 2 else "",
            classification=CLASSIFICATIONS[n % 3],
            owner_person=people[rng.randrange(PEOPLE)] if kind < 7 else None,
            owner_organisation=organisations[n % 10] if kind in (7, 8) else None,
            owner_unmatched=f"Former Owner {n % 5}" if kind == 9 else "",
        )
        rows.append(asset)
    Asset.objects.bulk_create(rows, batch_size=1000)
    label_links = Asset.access_labels.through
    system_links = Asset.systems.through
    label_links.objects.bulk_create(
        [label_links(asset_id=asset.pk, accesslabel_id=label.pk)
         for asset in rows for label in rng.sample(labels, rng.randint(1, 4))],
        batch_size=2000)
    system_links.objects.bulk_create(
        [system_links(asset_id=asset.pk, system_id=system.pk)
         for asset in rows for system in rng.sample(systems, rng.randint(0, 2))],
        batch_size=2000)


def build(assets: int) -> Any:
    """The school with its register, another school's register, and the SIRO; returns the
    SIRO and the school."""
    from schoolkeep.tenancy.models import School

    rng = random.Random(5)
    school = School.objects.create(name="Alder Primary", slug="alder")
    other = School.objects.create(name="Birch Academy", slug="birch", kind="academy")
    build_register(school, assets, rng)
    build_register(other, 1000, rng)
    siro = harness.siro_of(school)
    return siro, school


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--assets", type=int, default=10_000)
    options = parser.parse_args()

    sensitive = {"classification": "official_sensitive"}
    search = {"q": "Asset 099"}
    timings: dict[str, Any] = {}
    try:
        started = time.perf_counter()
        harness.migrate()
        siro, school = build(options.assets)
        from schoolkeep.assets.models import Asset

        print(f"Data built in {time.perf_counter() - started:.1f}s (SQLite, {DATA_DIR}): "
              f"{Asset.objects.count()} assets in two schools")

        with harness.bench_urls():
            list_url = reverse("assets:asset-list")
            appendix_url = reverse("assets:appendix")
            bare_url = reverse("bench-bare")
            client = harness.signed_in(siro)
            first = client.get(list_url)
            page = first.content.decode()
            if first.status_code != 200 or "Information asset register" not in page:
                raise SystemExit(f"bench: the register answered {first.status_code}")
            if f"Assets ({options.assets:,})" not in page and \
                    f"Assets ({options.assets})" not in page:
                raise SystemExit("bench: the register does not count the school's assets")
            if "Birch" in page or "Asset 00000" not in page:
                raise SystemExit("bench: the first page is not the school's first assets")
            appendix_size = len(client.get(appendix_url).content)
            counts, duties = duty_calls(school.pk)
            timings = {
                "register": lambda: harness.timed(client, list_url),
                "sensitive": lambda: harness.timed(client, list_url, sensitive),
                "search": lambda: harness.timed(client, list_url, search),
                "appendix": lambda: harness.timed(client, appendix_url),
                "duty counts": counts,
                "duty list": duties,
                "bare view": lambda: harness.timed(client, bare_url),
            }
            for _ in range(3):  # warm up
                for call in timings.values():
                    call()
            queries = {
                "register": harness.count_queries(client, list_url),
                "sensitive": harness.count_queries(client, list_url, sensitive),
                "search": harness.count_queries(client, list_url, search),
                "appendix": harness.count_queries(client, appendix_url),
                "duty counts": queries_of(counts),
                "duty list": queries_of(duties),
                "bare view": harness.count_queries(client, bare_url),
            }
            times: dict[str, list[float]] = {name: [] for name in queries}
            for _ in range(options.iterations):
                for name, call in timings.items():
                    times[name].append(call())
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)

    bare = harness.median_ms(times["bare view"])
    print(f"{harness.versions()}; a register of {options.assets} assets, first page, "
          f"{options.iterations} requests each, interleaved")
    for name, values in times.items():
        median = harness.median_ms(values)
        print(f"{name:<10} median {median:8.2f} ms   p90 "
              f"{harness.percentile_ms(values, 0.9):8.2f} ms   queries {queries[name]:3d}   "
              f"{median / bare:5.1f} x bare view")
    print(f"Appendix 1 page: {appendix_size:,} bytes")
    print("(register: the first page; sensitive: filtered to OFFICIAL-SENSITIVE; search: "
          "names containing “Asset 099”; appendix: the Appendix 1 page; duty counts and duty "
          "list: the asset duties' provider in-process, no request; bare view: middleware "
          "and session only)")


def duty_calls(school_id: int) -> tuple[Any, Any]:
    """Two timed calls of the asset duties' provider for the school: its counts and its
    list, each returning the seconds it took."""
    from django.utils import timezone

    from schoolkeep.assets.duties import provider
    from schoolkeep.duties.types import HORIZON

    def counts() -> float:
        now = timezone.now()
        started = time.perf_counter()
        provider.counts([school_id], now=now, horizon=now + HORIZON)
        return time.perf_counter() - started

    def duties() -> float:
        now = timezone.now()
        started = time.perf_counter()
        provider.for_school(school_id, now=now, horizon=now + HORIZON)
        return time.perf_counter() - started

    return counts, duties


def queries_of(call: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


if __name__ == "__main__":
    main()
