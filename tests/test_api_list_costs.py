"""What keeps three API lists cheap at 10,000 rows, pinned without timing anything:

- the systems list reads no per-system asset count (a GROUP BY over the whole register);
- the incidents list reads its newest-first page through the (school, received_at) index;
- the AUP list's figures come from one aggregate query for the page, and equal the
  annotations the duties use (``duties.signer_figures``) for every audience.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolkeep.accounts.services import token_create
from schoolkeep.agreements.aups.duties import signer_figures
from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, SigningMethod
from schoolkeep.agreements.aups.selectors import signer_figures_of
from schoolkeep.agreements.aups.services import aups_set_up, draft_save, version_publish
from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.agreements.signing.services import Scan, signature_create
from schoolkeep.incidents.models import Incident
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person
from schoolkeep.systems import selectors as systems
from schoolkeep.systems.services import system_create
from tests.personas import Personas


@pytest.fixture
def api(client, personas) -> Any:
    _, secret = token_create(user=personas.siro, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(name: str) -> tuple[list[str], dict[str, Any]]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse(name), {"school": "oakfield"}, **headers)
        assert response.status_code == 200
        return [query["sql"] for query in captured.captured_queries], response.json()

    return get


# ---------------------------------------------------------------------------- systems


def test_system_list_can_leave_out_the_asset_count(personas) -> None:
    system_create(school=personas.school, actor=personas.siro, name="Arbor")
    counted = systems.system_list(school=personas.school).get()
    plain = systems.system_list(school=personas.school, with_asset_count=False).get()
    assert counted.asset_count == 0
    assert not hasattr(plain, "asset_count")


def test_the_systems_api_aggregates_nothing(api, personas) -> None:
    system_create(school=personas.school, actor=personas.siro, name="Arbor")
    queries, body = api("api:system-list")
    assert body["count"] == 1
    listed = [sql for sql in queries if 'FROM "systems_system"' in sql]
    assert len(listed) == 2  # the page and its count
    assert not any("GROUP BY" in sql or "COUNT(DISTINCT" in sql for sql in listed)


# ---------------------------------------------------------------------------- incidents


def test_the_incidents_page_is_read_through_its_index(api, personas) -> None:
    for n in range(3):
        incident_report(school=personas.school, actor=personas.siro, channel="app",
                        title=f"Lost laptop {n}", description="Left on a train.")
    queries, body = api("api:incident-list")
    assert body["count"] == 3
    newest = Incident.objects.filter(school=personas.school).order_by("-received_at", "-pk")
    assert [item["id"] for item in body["items"]] == [str(i.public_id) for i in newest]
    if connection.vendor != "sqlite":
        pytest.skip("The plan is pinned on SQLite; PostgreSQL picks by table size.")
    page = next(sql for sql in queries if 'FROM "incidents_incident"' in sql
                and "LIMIT" in sql)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {page}")  # nosec B608: the test's own query
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    index = next(i.name for i in Incident._meta.indexes
                 if i.fields == ["school", "received_at"])
    assert index in plan and "TEMP B-TREE" not in plan, plan


# ---------------------------------------------------------------------------- AUP figures


def _person(personas: Personas, name: str, kind: str = "support", **fields: Any) -> Person:
    return Person.objects.create(school=personas.school, full_name=name, name_key=fold(name),
                                 kind=kind, **fields)


def _publish(personas: Personas, aup: Aup, *, everyone: bool = True) -> Aup:
    if not AupVersion.objects.filter(aup=aup, published_at__isnull=True).exists():
        draft_save(aup=aup, actor=personas.business_manager, text="Be kind to computers.")
    version_publish(draft=AupVersion.objects.get(aup=aup, published_at__isnull=True),
                    actor=personas.business_manager, requires_everyone_to_sign=everyone)
    aup.refresh_from_db()
    return aup


def _sign(aup: Aup, name: str, **signer: Any) -> None:
    if aup.audience in (Audience.VISITORS, Audience.PUPILS):
        scan = Scan(name="scan", content_type="application/pdf", original_name="form.pdf",
                    sha256="0" * 64)
        signature_create(aup=aup, method=SigningMethod.PAPER, typed_name=name,
                         visiting="Office", scan=scan, **signer)
    else:
        signature_create(aup=aup, method=SigningMethod.IN_APP, typed_name=name, **signer)


def test_aup_figures_equal_the_duties_annotations(api, personas) -> None:
    aups = {aup.audience: aup for aup in aups_set_up(school=personas.school,
                                                     actor=personas.business_manager)}
    # Before any version is published: no figures, as the annotations say.
    assert signer_figures_of(list(aups.values()), today=timezone.localdate()) == {}
    assert _figures_agree(api, personas) == 4
    for audience in (Audience.STAFF, Audience.GOVERNORS, Audience.PARENTS, Audience.VISITORS):
        aups[audience] = _publish(personas, aups[audience])
    ada, grace = _person(personas, "Ada Lovelace"), _person(personas, "Grace Hopper", "agency")
    _person(personas, "Off Network", "contractor", uses_school_network=False)
    gone = _person(personas, "Long Gone", leaving_date=timezone.localdate() - timedelta(days=3))
    jo = _person(personas, "Jo Governor", "governor")
    pat = parent_create(school=personas.school, actor=personas.business_manager,
                        full_name="Pat Parent", email="pat@example.com")
    parent_create(school=personas.school, actor=personas.business_manager, full_name="Sam Carer")
    _sign(aups[Audience.STAFF], "Grace Hopper", person=grace)  # before the new requirement
    _sign(aups[Audience.GOVERNORS], "Jo Governor", person=jo)
    aups[Audience.STAFF] = _publish(personas, aups[Audience.STAFF])  # everyone signs again
    _sign(aups[Audience.STAFF], "Ada Lovelace", person=ada)
    _sign(aups[Audience.STAFF], "Ada Lovelace", person=ada)  # twice: one signer
    # Signed by an account with no person record: no signer's IN (a NULL among the ids).
    _sign(aups[Audience.STAFF], "Sam Siro", user=personas.business_manager)
    _sign(aups[Audience.STAFF], "Long Gone", person=gone)  # a leaver: not on the list
    _sign(aups[Audience.PARENTS], "Pat Parent", parent=pat)
    _sign(aups[Audience.VISITORS], "Vera Visitor")
    _sign(aups[Audience.VISITORS], "Vic Visitor")

    staff = Aup.objects.annotate(**signer_figures(today=timezone.localdate())).get(
        pk=aups[Audience.STAFF].pk)
    # Ada has signed; Grace's signature is of the requirement before; the rest are off the list.
    assert (staff.signed_count, staff.not_signed_count) == (1, 1)
    assert _figures_agree(api, personas) == 4
    # One query for any number of AUPs.
    every = list(Aup.objects.filter(school=personas.school))
    with CaptureQueriesContext(connection) as captured:
        figures = signer_figures_of(every, today=timezone.localdate())
    assert len(captured) == 1 and len(figures) == 4


def _figures_agree(api: Any, personas: Personas) -> int:
    """The API's figures equal ``duties.signer_figures``' for every AUP; how many AUPs."""
    expected = {str(aup.public_id): (aup.signed_count, aup.not_signed_count) for aup in
                Aup.objects.filter(school=personas.school)
                .annotate(**signer_figures(today=timezone.localdate()))}
    _queries, body = api("api:aup-list")
    assert {item["id"]: (item["signed"], item["not_signed"]) for item in body["items"]} \
        == expected
    assert body["count"] == len(expected)
    return len(expected)
