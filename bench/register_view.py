"""Benchmark: the information asset register of a school with 10,000 assets against a bare
view.

Not a test. ``make bench`` runs it on SQLite in a throwaway data directory (deleted at the
end): it builds a school of 10,000 assets in 50 groups (owners who are people, outside
organisations or names not yet matched; one to four access labels each from 60; up to two
of 12 systems; every classification), and a second school with 1,000 assets that must not
show, signs the SIRO in with Django's test client, then times, interleaved in one run:

- ``assets:asset-list``, the register's first page as the SIRO sees it;
- the same page filtered by classification (OFFICIAL-SENSITIVE) and by a search of names;
- a bare view returning a fixed page (bench/harness.py, under the same middleware and session).

It prints the median and 90th percentile of each, the ratios to the bare view, and each
page's queries.

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
    SIRO."""
    from schoolkeep.tenancy.models import School

    rng = random.Random(5)
    school = School.objects.create(name="Alder Primary", slug="alder")
    other = School.objects.create(name="Birch Academy", slug="birch", kind="academy")
    build_register(school, assets, rng)
    build_register(other, 1000, rng)
    siro = harness.siro_of(school)
    return siro


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--assets", type=int, default=10_000)
    options = parser.parse_args()

    sensitive = {"classification": "official_sensitive"}
    search = {"q": "Asset 099"}
    try:
        started = time.perf_counter()
        harness.migrate()
        siro = build(options.assets)
        from schoolkeep.assets.models import Asset

        print(f"Data built in {time.perf_counter() - started:.1f}s (SQLite, {DATA_DIR}): "
              f"{Asset.objects.count()} assets in two schools")

        with harness.bench_urls():
            list_url = reverse("assets:asset-list")
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
            for _ in range(20):  # warm up
                harness.timed(client, list_url)
                harness.timed(client, list_url, sensitive)
                harness.timed(client, list_url, search)
                harness.timed(client, bare_url)
            queries = {
                "register": harness.count_queries(client, list_url),
                "sensitive": harness.count_queries(client, list_url, sensitive),
                "search": harness.count_queries(client, list_url, search),
                "bare view": harness.count_queries(client, bare_url),
            }
            times: dict[str, list[float]] = {name: [] for name in queries}
            for _ in range(options.iterations):
                times["register"].append(harness.timed(client, list_url))
                times["sensitive"].append(harness.timed(client, list_url, sensitive))
                times["search"].append(harness.timed(client, list_url, search))
                times["bare view"].append(harness.timed(client, bare_url))
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
    print("(register: the first page; sensitive: filtered to OFFICIAL-SENSITIVE; search: "
          "names containing “Asset 099”; bare view: middleware and session only)")


if __name__ == "__main__":
    main()
