"""/api/v1/backup-sets: reads need continuity.view, writes continuity.manage; not a member:
404; bad input a 422 naming the field with nothing written; PATCH with versions (409 when
stale); Schoolkeep's own sets listed but never changed; retiring; the list's query count
the same at 3 and 40 sets."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.continuity.models import BackupSet
from schoolkeep.continuity.tests.scopes_records import make_scope, make_set
from schoolkeep.people.services import person_create

pytestmark = pytest.mark.django_db
LIST = reverse("api:backup-set-list")


def detail(backup_set: BackupSet) -> str:
    return reverse("api:backup-set-detail", args=[backup_set.public_id])


class Api:
    """A test client speaking as one user through a bearer token."""

    def __init__(self, client: Any, user: User) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, school: str = "oakfield", **params: Any) -> Any:
        return self.client.get(url, {"school": school, **params}, **self.headers)

    def send(self, method: str, url: str, body: Any, school: str | None = "oakfield") -> Any:
        query = f"?school={school}" if school else ""
        return self.client.generic(method, f"{url}{query}", json.dumps(body, default=str),
                                   content_type="application/json", **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


def test_list_filters_and_detail(api, personas: Personas) -> None:
    school = personas.school
    scope = make_scope(school)
    tapes = make_set(school, "Tapes", scopes=[scope], offline=True)
    make_set(school, "Old disk", scopes=[], checked_days_ago=60)
    ensure_install_sets([school.pk])
    reader = api(personas.auditor)
    body = reader.get(LIST).json()
    assert body["count"] == 3  # with Schoolkeep's archive (no copy folder set up)
    assert [item["name"] for item in body["items"]][-2:] == ["Old disk", "Tapes"]
    assert body["items"][0]["install_copy"] == "archive"  # Schoolkeep's own first
    found = reader.get(LIST, scope=str(scope.public_id)).json()
    assert [item["name"] for item in found["items"]] == ["Tapes"]
    assert found["items"][0]["counts"] is True
    assert found["items"][0]["scopes"] == [str(scope.public_id)]
    stale = reader.get(LIST, q="old").json()["items"][0]
    assert stale["counts"] is False and stale["last_successful_check"] is not None
    one = reader.get(detail(tapes)).json()
    assert (one["name"], one["offline"], one["version"]) == ("Tapes", True, 1)
    assert reader.get(LIST, school="hillside").status_code == 404
    assert api(personas.staff).get(LIST).status_code == 403


def test_create_names_the_field_and_writes_nothing_on_bad_input(api, personas: Personas) -> None:
    school = personas.school
    scope = make_scope(school)
    owner = person_create(school=school, actor=None, full_name="Lewis Carter",
                          kind="support")
    writer = api(personas.it_lead)
    body = {"school": "oakfield", "name": "JKCloud", "medium": "cloud",
            "location": "JKCloud data centre", "off_site": True, "encrypted": True,
            "provider_name": "JKCloud", "scopes": [str(scope.public_id)],
            "owner": str(owner.public_id)}
    theirs = make_scope(personas.other_school, "Theirs")
    refused = writer.send("POST", LIST, {**body, "scopes": [str(theirs.public_id)]},
                          school=None)
    assert refused.status_code == 422 and "scopes" in json.dumps(refused.json())
    both = writer.send("POST", LIST, {**body, "location": " "}, school=None)
    assert both.status_code == 422 and "location" in json.dumps(both.json())
    assert not BackupSet.objects.exists()
    made = writer.send("POST", LIST, body, school=None)
    assert made.status_code == 201, made.content
    out = made.json()
    assert (out["provider"], out["owner_name"], out["counts"]) == ("JKCloud", "Lewis Carter",
                                                                   False)
    assert api(personas.auditor).send("POST", LIST, body, school=None).status_code == 403
    assert AuditEvent.objects.filter(action="continuity.set.created").count() == 1


def test_patch_with_versions_and_retire(api, personas: Personas) -> None:
    backup_set = make_set(personas.school, "Tapes", scopes=[])
    writer = api(personas.business_manager)
    changed = writer.send("PATCH", detail(backup_set), {"version": 1, "offline": True})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = writer.send("PATCH", detail(backup_set), {"version": 1, "offline": False})
    assert stale.status_code == 409
    null = writer.send("PATCH", detail(backup_set), {"version": 2, "name": None})
    assert null.status_code == 422
    retire = reverse("api:backup-set-retire", args=[backup_set.public_id])
    done = writer.send("POST", retire, {})
    assert done.status_code == 200 and done.json()["retired_at"] is not None
    assert done.json()["counts"] is False
    again = writer.send("PATCH", detail(backup_set), {"version": 3, "notes": "Late"})
    assert again.status_code == 422


def test_schoolkeeps_own_sets_are_never_changed(api, personas: Personas) -> None:
    ensure_install_sets([personas.school.pk])
    archive = BackupSet.objects.get(install_copy="archive")
    writer = api(personas.siro)
    refused = writer.send("PATCH", detail(archive), {"version": archive.version,
                                                     "off_site": True})
    assert refused.status_code == 422
    retire = reverse("api:backup-set-retire", args=[archive.public_id])
    assert writer.send("POST", retire, {}).status_code == 422
    archive.refresh_from_db()
    assert not archive.off_site and archive.retired_at is None


def test_another_schools_set_is_not_found(api, personas: Personas) -> None:
    theirs = make_set(personas.other_school, "Their tapes", scopes=[])
    writer = api(personas.siro)
    assert writer.get(detail(theirs)).status_code == 404
    assert writer.send("PATCH", detail(theirs), {"version": 1, "notes": "x"}).status_code == 404


@pytest.mark.parametrize("rows", [3, 40])
def test_the_list_runs_the_same_queries(api, personas: Personas, rows: int,
                                        django_assert_num_queries) -> None:
    school = personas.school
    scope = make_scope(school)
    for number in range(rows):
        make_set(school, f"Disk {number:02}", scopes=[scope], provider_name="RedStor")
    reader = api(personas.auditor)
    reader.get(LIST)
    with CaptureQueriesContext(connection) as warm:
        reader.get(LIST)
    with django_assert_num_queries(len(warm)):
        body = reader.get(LIST, limit=100).json()
    assert body["count"] == rows and len(body["items"]) == rows and len(warm) <= 15
