"""The restore tests pages: the list with this term's status and the sets whose latest test
failed, filters, a query count the same at 3 and 40 rows; recording a test (``?set=``
chooses the set, a refusal on the form naming the field); a test's page, another school's a
404; read-only roles a 403."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.continuity.models import RestoreTest
from schoolkeep.continuity.tests.test_checks_services import make_scope, make_set

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LIST = reverse("continuity:restore-list")
CREATE = reverse("continuity:restore-create")


def make_test(backup_set, days_ago: int = 0, outcome: str = "worked", **kwargs) -> RestoreTest:
    return RestoreTest.objects.create(
        school_id=backup_set.school_id, backup_set=backup_set, outcome=outcome,
        tested_on=timezone.localdate() - timedelta(days=days_ago),
        what_was_restored=kwargs.pop("what", "The finance folder"),
        recorded_by_label="IT", **kwargs)


def _date(day) -> dict[str, str]:
    return {"tested_on_0": str(day.day), "tested_on_1": str(day.month),
            "tested_on_2": str(day.year)}


def test_the_list_says_where_the_term_stands(personas: Personas, login: Login) -> None:
    nas = make_set(personas.school)
    html = login(personas.auditor).get(LIST).content.decode()
    assert "A restore test is due by" in html or "A restore test was due by" in html
    assert "Record a restore test" not in html
    make_test(nas, outcome="failed", notes="The tape would not read")
    html = login(personas.auditor).get(LIST).content.decode()
    assert "A restore test was recorded on" in html
    assert "failed their latest restore test" in html and "Tests recorded (1)" in html
    make_test(nas, what="The HR folder")
    html = login(personas.auditor).get(LIST).content.decode()
    assert "failed their latest restore test" not in html
    failed = login(personas.auditor).get(LIST, {"outcome": "failed"}).content.decode()
    assert "Tests recorded (1)" in failed and "The HR folder" not in failed


def test_recording_a_test(personas: Personas, login: Login) -> None:
    nas, scope = make_set(personas.school), make_scope(personas.school)
    client = login(personas.business_manager)
    form = client.get(CREATE, {"set": str(nas.public_id)}).content.decode()
    assert f'value="{nas.public_id}" selected' in form
    response = client.post(CREATE, {
        "backup_set": str(nas.public_id), "scope": str(scope.public_id),
        **_date(timezone.localdate()), "what_was_restored": "Finance folder",
        "minutes_taken": "15", "outcome": "worked"})
    test = RestoreTest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("continuity:restore-detail", args=[test.public_id])
    html = client.get(response["Location"]).content.decode()
    assert "Finance folder" in html and "15 minutes" in html and scope.name in html


def test_a_refusal_lands_on_its_field(personas: Personas, login: Login) -> None:
    nas = make_set(personas.school)
    response = login(personas.it_lead).post(CREATE, {
        "backup_set": str(nas.public_id), **_date(timezone.localdate()),
        "what_was_restored": "Files", "outcome": "failed"})
    assert response.status_code == 200
    assert "Say what went wrong" in response.content.decode()
    future = timezone.localdate() + timedelta(days=2)
    response = login(personas.it_lead).post(CREATE, {
        "backup_set": str(nas.public_id), **_date(future), "what_was_restored": "Files",
        "outcome": "worked"})
    assert "must be today or in the past" in response.content.decode()
    assert not RestoreTest.objects.exists()


def test_scoping_and_roles(personas: Personas, login: Login) -> None:
    elsewhere = make_test(make_set(personas.other_school))
    url = reverse("continuity:restore-detail", args=[elsewhere.public_id])
    assert login(personas.siro).get(url).status_code == 404
    assert login(personas.outsider).get(url).status_code == 200
    assert login(personas.auditor).get(CREATE).status_code == 403
    assert login(personas.staff).get(LIST).status_code == 403


def _populate(personas: Personas, start: int, n: int) -> None:
    for i in range(start, start + n):
        backup_set = make_set(personas.school, f"Set {i}")
        make_test(backup_set, days_ago=i % 30, outcome="failed" if i % 3 == 0 else "worked",
                  scope=make_scope(personas.school, f"Scope {i}") if i % 2 else None,
                  minutes_taken=i if i % 4 else None)


def test_list_query_count_does_not_grow(personas: Personas, login: Login, steady_session,
                                        django_assert_num_queries) -> None:
    client = login(personas.it_lead)
    _populate(personas, 0, 3)
    client.get(LIST)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(LIST).content.decode()
    assert "Tests recorded (40)" in html
