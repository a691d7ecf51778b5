"""Every list of the JSON API reads a pinned number of queries, the same at 3 and at 40 rows:
the token, the caller's schools (one query: tenancy.selectors.user_access), the page, its
count, and one query per related list it answers (labels, systems, sites, ...)."""

from __future__ import annotations

import copy
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolkeep.accounts.services import token_create
from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, Signature
from schoolkeep.agreements.aups.services import aups_set_up, version_publish
from schoolkeep.agreements.policies.models import Policy
from schoolkeep.agreements.policies.services import policy_create
from schoolkeep.agreements.signing.services import signature_create
from schoolkeep.assets.models import Asset
from schoolkeep.assets.services import asset_create, group_get_or_create
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_create
from tests.personas import Personas

# list -> queries: token, schools, page, count, then what each answers besides its rows.
PINNED = {
    "api:person-list": 5,  # + the people's sites
    "api:system-list": 7,  # + administrators' ids, assets' ids, the agreements (dpa_on_file)
    # + access labels' texts, systems' ids, record types in force, DPIAs, agreements
    "api:asset-list": 9,
    "api:incident-list": 4,
    "api:policy-list": 5,  # + the school's terms (review dates given as a term)
    "api:aup-list": 4,  # token, schools, page, the figures (no count: one AUP per audience at most)
    "api:aup-signatures": 5,  # + the policy itself
}


def copies(record: Any, count: int, vary: Any) -> list[Any]:
    """``count`` unsaved copies of a record made by its service; ``vary(copy, n)`` makes
    each one unique."""
    made = []
    for n in range(count):
        row = copy.copy(record)
        row.pk = row.id = None
        row._state = copy.copy(record._state)
        row._state.adding = True
        row.public_id = uuid.uuid4()
        vary(row, n)
        made.append(row)
    return made


def named(row: Any, n: int) -> None:
    row.name = f"{row.name} {n:02d}"
    row.name_key = fold(row.name)


def build(personas: Personas, rows: int, start: int) -> None:
    """``rows`` more of every listed record of the home school."""
    school, siro = personas.school, personas.siro
    person = person_create(school=school, actor=siro, full_name=f"Ada Person {start}",
                           kind="teaching")

    def person_vary(row: Any, n: int) -> None:
        row.full_name = f"Ada Person {start} {n:02d}"
        row.name_key = fold(row.full_name)

    people = [*Person.objects.bulk_create(copies(person, rows - 1, person_vary)), person]
    system = system_create(school=school, actor=siro, name=f"System {start}",
                           administrators=[person])
    systems = [*System.objects.bulk_create(copies(system, rows - 1, named)), system]
    System.administrators.through.objects.bulk_create(
        System.administrators.through(system_id=s.pk, person_id=person.pk)
        for s in systems[:-1])
    group = group_get_or_create(school=school, name="Pupil data (MIS)", actor=siro)
    asset = asset_create(school=school, actor=siro, name=f"Asset {start}", group=group,
                         access_labels=["Teachers", "Office"], systems=[system])
    assets = Asset.objects.bulk_create(copies(asset, rows - 1, named))
    Asset.systems.through.objects.bulk_create(
        Asset.systems.through(asset_id=a.pk, system_id=s.pk)
        for a, s in zip(assets, systems, strict=False))
    labels = list(asset.access_labels.all())
    Asset.access_labels.through.objects.bulk_create(
        Asset.access_labels.through(asset_id=a.pk, accesslabel_id=label.pk)
        for a in assets for label in labels)
    for n in range(rows):
        incident_report(school=school, actor=siro, channel="app", title=f"Lost {start} {n}",
                        description="Left on a train.")
    policy = policy_create(school=school, actor=siro, title=f"Policy {start}",
                           next_review="Autumn 2027")

    def titled(row: Any, n: int) -> None:
        row.title = f"Policy {start} {n:02d}"
        row.title_key = fold(row.title)

    Policy.objects.bulk_create(copies(policy, rows - 1, titled))
    aup = Aup.objects.get(school=school, audience=Audience.STAFF)
    signature = signature_create(aup=aup, method="in_app", typed_name=person.full_name,
                                 person=person)

    def signer(row: Any, n: int) -> None:
        row.person_id = people[n].pk
        row.signed_at = signature.signed_at - timedelta(seconds=n + 1)

    Signature.objects.bulk_create(copies(signature, rows - 1, signer))


@pytest.fixture
def lists(client, personas) -> Any:
    """Ask for the first page of a list as the SIRO, counting its queries."""
    for aup in aups_set_up(school=personas.school, actor=personas.siro):
        if aup.audience == Audience.STAFF:
            version_publish(draft=AupVersion.objects.get(aup=aup, published_at__isnull=True),
                            actor=personas.siro, requires_everyone_to_sign=True)
    _, secret = token_create(user=personas.siro, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client.get(reverse("api:me"), **headers)  # the token's first use is audited

    def ask(name: str) -> tuple[int, dict[str, Any]]:
        args = ([Aup.objects.get(school=personas.school, audience=Audience.STAFF).public_id]
                if name == "api:aup-signatures" else [])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(name, args=args), {"school": "oakfield"}, **headers)
        assert response.status_code == 200
        return len(captured), response.json()

    return ask


def test_every_list_reads_its_pinned_queries_at_3_and_at_40_rows(personas, lists):
    build(personas, 3, start=0)
    few = {name: lists(name) for name in PINNED}
    build(personas, 37, start=1)
    many = {name: lists(name) for name in PINNED}
    for name, pinned in PINNED.items():
        assert (name, few[name][0], many[name][0]) == (name, pinned, pinned)
    # The rows really grew, and the related lists are answered.
    assert many["api:asset-list"][1]["count"] == 40
    first = many["api:asset-list"][1]["items"][0]
    assert first["access_labels"] == ["Teachers", "Office"] and len(first["systems"]) == 1
    assert many["api:system-list"][1]["count"] == 40
    assert all(len(item["administrators"]) == 1 for item in many["api:system-list"][1]["items"])
    assert many["api:aup-signatures"][1]["count"] == 40
