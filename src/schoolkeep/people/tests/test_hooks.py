"""people.hooks: every writer of people (create, update, leaving, the import chunk by chunk,
and the API through the services) tells the hooks about arrivals and changes of leaving date,
start date and job title, in its own transaction; tenancy tells about role changes."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.services import token_create
from schoolkeep.lib.errors import DomainError
from schoolkeep.people import hooks, services
from schoolkeep.people.hooks import PersonChange, person_change
from schoolkeep.people.imports import people_import
from schoolkeep.people.imports import writing as import_writing
from schoolkeep.people.models import Person
from schoolkeep.tenancy import services as tenancy_services
from schoolkeep.tenancy.models import Membership


class Recorder:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)

    @property
    def changes(self) -> list[PersonChange]:
        return [change for call in self.calls for change in call["changes"]]


@pytest.fixture
def heard(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """Only this recorder is registered while the test runs (other apps' hooks are not)."""
    recorder = Recorder()
    monkeypatch.setattr(hooks, "_hooks", [])
    hooks.register_person_change_hook(recorder)
    hooks.register_person_change_hook(recorder)  # again: still called once
    return recorder


def make(personas: Personas, full_name: str = "Ada Lovelace", **fields: Any) -> Person:
    fields.setdefault("kind", "support")
    return services.person_create(school=personas.school, actor=personas.hr_admin,
                                  full_name=full_name, **fields)


def write_csv(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "people.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_create_tells_the_hooks_once_with_the_new_values(personas, heard):
    person = make(personas, job_title="Bursar", start_date=date(2026, 9, 1))
    (call,) = heard.calls
    assert call["school"] == personas.school
    assert call["actor"] == personas.hr_admin
    assert call["changes"] == [PersonChange(
        person_id=person.pk, school_id=personas.school.pk, created=True,
        old_leaving_date=None, new_leaving_date=None,
        old_start_date=None, new_start_date=date(2026, 9, 1),
        old_job_title="", new_job_title="Bursar")]


def test_update_tells_only_about_watched_fields(personas, heard):
    person = make(personas, job_title="Bursar")
    heard.calls.clear()
    person = services.person_update(person=person, actor=personas.hr_admin,
                                    version=person.version, preferred_name="Ada")
    assert heard.calls == []  # the preferred name is not watched
    services.person_update(person=person, actor=personas.hr_admin, version=person.version,
                           job_title="Business manager", leaving_date=date(2027, 7, 31))
    (change,) = heard.changes
    assert not change.created
    assert (change.old_job_title, change.new_job_title) == ("Bursar", "Business manager")
    assert (change.old_leaving_date, change.new_leaving_date) == (None, date(2027, 7, 31))
    assert change.job_title_changed and change.leaving_date_changed
    assert not change.start_date_changed


def test_marking_a_leaver_tells_the_hooks_and_the_same_date_again_does_not(personas, heard):
    person = make(personas)
    heard.calls.clear()
    person = services.person_mark_leaver(person=person, actor=personas.hr_admin,
                                         leaving_date=date(2026, 12, 18))
    (change,) = heard.changes
    assert (change.person_id, change.new_leaving_date) == (person.pk, date(2026, 12, 18))
    services.person_mark_leaver(person=person, actor=personas.hr_admin,
                                leaving_date=date(2026, 12, 18))
    assert len(heard.calls) == 1


def test_a_hook_that_refuses_undoes_the_write(personas, monkeypatch):
    def refuse(**kwargs: Any) -> None:
        raise DomainError("No.")

    monkeypatch.setattr(hooks, "_hooks", [refuse])
    with pytest.raises(DomainError):
        make(personas, full_name="Grace Hopper")
    assert not Person.objects.filter(full_name="Grace Hopper").exists()


def test_the_import_tells_the_hooks_once_per_chunk_and_only_about_changes(
        personas, heard, tmp_path, monkeypatch):
    monkeypatch.setattr(import_writing, "CHUNK_ROWS", 2)
    kept = make(personas, "Kept Same", job_title="Cook", staff_number="S1")
    moved = make(personas, "Moved Post", job_title="Cook", staff_number="S2")
    leaving = make(personas, "Leaving Soon", job_title="Cook", staff_number="S3")
    heard.calls.clear()
    rows = [
        {"Full name": "Kept Same", "Staff number": "S1", "Kind": "support",
         "Job title": "Cook", "Leaving date": ""},
        {"Full name": "Moved Post", "Staff number": "S2", "Kind": "support",
         "Job title": "Chef", "Leaving date": ""},
        {"Full name": "Leaving Soon", "Staff number": "S3", "Kind": "support",
         "Job title": "Cook",
         "Leaving date": "31/12/2026"},
        {"Full name": "New Starter", "Staff number": "S4", "Kind": "support",
         "Job title": "Cook", "Leaving date": ""},
    ]
    result = people_import(write_csv(tmp_path, rows), school=personas.school,
                           actor=personas.hr_admin)
    assert result.ok, result.problems
    assert [len(call["changes"]) for call in heard.calls] == [1, 2]  # two chunks of 2 rows
    assert all(call["school"] == personas.school for call in heard.calls)
    by_person = {change.person_id: change for change in heard.changes}
    new = Person.objects.get(full_name="New Starter")
    assert set(by_person) == {moved.pk, leaving.pk, new.pk}
    assert kept.pk not in by_person
    assert (by_person[moved.pk].old_job_title, by_person[moved.pk].new_job_title) == (
        "Cook", "Chef")
    assert not by_person[moved.pk].created
    assert by_person[leaving.pk].new_leaving_date == date(2026, 12, 31)
    assert by_person[new.pk].created and by_person[new.pk].new_job_title == "Cook"
    heard.calls.clear()
    people_import(write_csv(tmp_path, rows), school=personas.school, actor=personas.hr_admin)
    assert heard.calls == []  # the same file again changes nothing


def test_a_dry_run_tells_nobody(personas, heard, tmp_path):
    rows = [{"Full name": "New Starter", "Staff number": "S9", "Kind": "support"}]
    people_import(write_csv(tmp_path, rows), school=personas.school, actor=personas.hr_admin,
                  dry_run=True)
    assert heard.calls == []


def test_the_import_adds_no_query_per_row_for_the_hooks(personas, heard, tmp_path):
    """The same queries for 3 and 40 new people: the hooks' changes come from values the
    writer already holds (the recorder itself queries nothing)."""
    def rows(n: int, prefix: str) -> list[dict[str, str]]:
        return [{"Full name": f"{prefix} Person {i}", "Staff number": f"{prefix}{i}",
                 "Kind": "support", "Job title": "Cook"} for i in range(n)]

    people_import(write_csv(tmp_path, rows(1, "Warm")), school=personas.school,
                  actor=personas.hr_admin)  # the first import fills caches
    heard.calls.clear()
    counts = []
    for n, prefix in ((3, "Few"), (40, "Many")):
        with CaptureQueriesContext(connection) as captured:
            result = people_import(write_csv(tmp_path, rows(n, prefix)),
                                   school=personas.school, actor=personas.hr_admin)
        assert result.ok, result.problems
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert len(heard.changes) == 43


def test_the_api_create_update_and_archive_tell_the_hooks(personas, heard, client):
    _, secret = token_create(user=personas.hr_admin, name="test")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def send(method: str, url: str, body: Any = None) -> Any:
        data = "" if body is None else json.dumps(body)
        return client.generic(method, f"{url}?school={personas.school.slug}", data,
                              content_type="application/json", **headers)

    response = send("POST", reverse("api:person-list"),
                    {"full_name": "Api Person", "kind": "support", "job_title": "Cook"})
    assert response.status_code == 201, response.content
    person = Person.objects.get(full_name="Api Person")
    url = reverse("api:person-detail", args=[person.public_id])
    response = send("PATCH", url, {"job_title": "Chef", "version": person.version})
    assert response.status_code == 200, response.content
    assert send("DELETE", url).status_code == 204
    created, moved, left = heard.changes
    assert created.created and created.person_id == person.pk
    assert (moved.old_job_title, moved.new_job_title) == ("Cook", "Chef")
    assert left.new_leaving_date == timezone.localdate()


def test_person_change_of_a_new_person():
    change = person_change(person_id=1, school_id=2, old=None,
                           new={"leaving_date": None, "start_date": None, "job_title": ""})
    assert change.created and change.matters
    same = person_change(person_id=1, school_id=2, old={"job_title": "Cook"},
                         new={"job_title": "Cook"})
    assert not same.matters


# ---------------------------------------------------------------- tenancy: roles


def test_a_role_change_tells_the_roles_hooks(personas, monkeypatch):
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(tenancy_services, "_member_roles_changed_hooks", [])
    tenancy_services.register_member_roles_changed_hook(lambda **kw: calls.append(kw))
    membership = Membership.objects.get(user=personas.staff, school=personas.school)
    tenancy_services.membership_set_roles(membership=membership, roles=["staff", "governor"],
                                          actor=personas.siro)
    (call,) = calls
    assert call["membership"].pk == membership.pk
    assert (call["old_roles"], call["new_roles"]) == (["staff"], ["staff", "governor"])
    assert call["actor"] == personas.siro
    tenancy_services.membership_set_roles(membership=membership, roles=["staff", "governor"],
                                          actor=personas.siro)
    assert len(calls) == 1  # the same roles: no change, no call
