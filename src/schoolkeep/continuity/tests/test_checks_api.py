"""/api/v1/backup-checks and /api/v1/restore-tests: reads need continuity.view, writes
continuity.manage; not a member of the school: 404; another school's record: 404; a broken
rule a 422 naming the field (nothing written); lists filtered by set and outcome, with a
query count the same at 3 and 40 rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.continuity.models import BackupCheck, BackupSet, RestoreTest
from schoolkeep.continuity.tests.test_checks_services import make_scope, make_set, record
from schoolkeep.equipment.tests.test_loans_api import Api

pytestmark = pytest.mark.django_db
CHECKS = reverse("api:backup-check-list")
RESTORES = reverse("api:restore-test-list")


@pytest.fixture
def api(client):
    return lambda user: Api(client, user)


def test_checks_listed_filtered_and_read(api, personas: Personas) -> None:
    today = timezone.localdate()
    nas, tapes = make_set(personas.school), make_set(personas.school, "Tapes")
    first = record(personas.school, nas, checked_on=today - timedelta(days=2))
    record(personas.school, tapes, outcome="failed", action_taken="Ran again")
    caller = api(personas.auditor)
    body = caller.get(CHECKS).json()
    assert body["count"] == 2 and body["items"][0]["outcome"] == "failed"
    assert body["items"][1] == {
        "id": str(first.public_id), "backup_set": str(nas.public_id),
        "backup_set_name": nas.name, "checked_on": first.checked_on.isoformat(),
        "outcome": "succeeded", "action_taken": "", "has_report": False, "report_name": "",
        "recorded_by": "system"}
    assert caller.get(CHECKS, backup_set=str(nas.public_id)).json()["count"] == 1
    assert caller.get(CHECKS, outcome="failed").json()["count"] == 1
    other = make_set(personas.other_school)
    assert caller.get(CHECKS, backup_set=str(other.public_id)).json()["count"] == 0
    url = reverse("api:backup-check-detail", args=[first.public_id])
    assert caller.get(url).json()["id"] == str(first.public_id)
    elsewhere = record(personas.other_school, other)
    assert caller.get(reverse("api:backup-check-detail",
                              args=[elsewhere.public_id])).status_code == 404
    assert caller.get(CHECKS, school="hillside").status_code == 404
    assert api(personas.staff).get(CHECKS).status_code == 403


def test_a_check_is_created(api, personas: Personas) -> None:
    nas = make_set(personas.school)
    response = api(personas.it_lead).send("POST", CHECKS, {
        "school": "oakfield", "backup_set": str(nas.public_id),
        "checked_on": timezone.localdate(), "outcome": "succeeded"}, school=None)
    assert response.status_code == 201 and response.json()["backup_set_name"] == nas.name
    assert BackupCheck.objects.get().recorded_by_label == str(personas.it_lead)


@pytest.mark.parametrize(("change", "field"), [
    ({"outcome": "failed"}, "action_taken"),
    ({"checked_on": "2099-01-01"}, "checked_on"),
    ({"backup_set": "00000000-0000-0000-0000-000000000000"}, "backup_set"),
])
def test_a_broken_rule_names_the_field(api, personas: Personas, change, field) -> None:
    nas = make_set(personas.school)
    body = {"school": "oakfield", "backup_set": str(nas.public_id),
            "checked_on": timezone.localdate(), "outcome": "succeeded", **change}
    response = api(personas.it_lead).send("POST", CHECKS, body, school=None)
    assert response.status_code == 422
    assert field in str(response.json()["detail"])
    assert not BackupCheck.objects.exists()


def test_schoolkeeps_own_set_and_another_schools_set_are_refused(api, personas: Personas,
                                                                  settings) -> None:
    settings.BACKUP_COPY_DIR = ""
    ensure_install_sets([personas.school.pk])
    archive = BackupSet.objects.get(school=personas.school, install_copy="archive")
    other = make_set(personas.other_school)
    for target in (archive, other):
        response = api(personas.it_lead).send("POST", CHECKS, {
            "school": "oakfield", "backup_set": str(target.public_id),
            "checked_on": timezone.localdate(), "outcome": "succeeded"}, school=None)
        assert response.status_code == 422 and "backup_set" in str(response.json())
    assert not BackupCheck.objects.exists()


def test_writes_need_continuity_manage(api, personas: Personas) -> None:
    nas = make_set(personas.school)
    body = {"school": "oakfield", "backup_set": str(nas.public_id),
            "checked_on": timezone.localdate(), "outcome": "succeeded"}
    assert api(personas.auditor).send("POST", CHECKS, body, school=None).status_code == 403
    assert api(personas.outsider).send("POST", CHECKS, body, school=None).status_code == 404
    assert not BackupCheck.objects.exists()


def test_restore_tests_created_listed_and_read(api, personas: Personas) -> None:
    nas, scope = make_set(personas.school), make_scope(personas.school)
    caller = api(personas.it_lead)
    response = caller.send("POST", RESTORES, {
        "school": "oakfield", "backup_set": str(nas.public_id), "scope": str(scope.public_id),
        "tested_on": timezone.localdate(), "what_was_restored": "Finance folder",
        "minutes_taken": 20, "outcome": "worked"}, school=None)
    assert response.status_code == 201
    made = response.json()
    assert made["scope_name"] == scope.name and made["minutes_taken"] == 20
    assert caller.get(RESTORES).json()["count"] == 1
    assert caller.get(RESTORES, outcome="failed").json()["count"] == 0
    assert caller.get(reverse("api:restore-test-detail", args=[made["id"]])).json() == made
    other_scope = make_scope(personas.other_school)
    response = caller.send("POST", RESTORES, {
        "school": "oakfield", "backup_set": str(nas.public_id),
        "scope": str(other_scope.public_id), "tested_on": timezone.localdate(),
        "what_was_restored": "Files", "outcome": "worked"}, school=None)
    assert response.status_code == 422 and "scope" in str(response.json())
    response = caller.send("POST", RESTORES, {
        "school": "oakfield", "backup_set": str(nas.public_id),
        "tested_on": timezone.localdate(), "what_was_restored": "Files",
        "outcome": "failed"}, school=None)
    assert response.status_code == 422 and "notes" in str(response.json())
    assert RestoreTest.objects.count() == 1
    assert api(personas.outsider).get(
        reverse("api:restore-test-detail", args=[made["id"]]), school="hillside"
    ).status_code == 404


def _populate(personas: Personas, start: int, n: int) -> None:
    today = timezone.localdate()
    for i in range(start, start + n):
        backup_set = make_set(personas.school, f"Set {i}")
        record(personas.school, backup_set, checked_on=today - timedelta(days=i % 9))
        RestoreTest.objects.create(school=personas.school, backup_set=backup_set,
                                   scope=make_scope(personas.school, f"Scope {i}") if i % 2
                                   else None, tested_on=today, what_was_restored="Files",
                                   outcome="worked", recorded_by_label="IT")


@pytest.mark.parametrize("url", [CHECKS, RESTORES])
def test_list_query_count_does_not_grow(api, personas: Personas, django_assert_num_queries,
                                        url) -> None:
    caller = api(personas.auditor)
    _populate(personas, 0, 3)
    caller.get(url)  # the token's first use is recorded
    with CaptureQueriesContext(connection) as few:
        assert caller.get(url).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        body = caller.get(url).json()
    assert body["count"] == 40 and len(body["items"]) == 40


def test_minutes_taken_must_be_a_number(client, personas: Personas) -> None:
    nas = make_set(personas.school)
    response = Api(client, personas.it_lead).send("POST", reverse("api:restore-test-list"), {
        "school": "oakfield", "backup_set": str(nas.public_id),
        "tested_on": timezone.localdate(), "what_was_restored": "Files",
        "minutes_taken": True, "outcome": "worked"}, school=None)
    assert response.status_code == 422 and "minutes_taken" in str(response.json())
    assert not RestoreTest.objects.exists()
