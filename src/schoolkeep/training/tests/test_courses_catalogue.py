"""Courses: the usual courses added once (idempotent, audited), a course added, changed
(stale versions refused), archived (its name freed, no new records); the list's pages (a
query count the same at 3 and 40 rows), read-only roles a 403, another school's course a
404; /api/v1/courses (list, create with a 422 naming the field, one course)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.accounts.services import token_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.training.courses import services
from schoolkeep.training.defaults import DEFAULT_COURSES, ensure_default_courses
from schoolkeep.training.models import Course

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LIST = reverse("training:course-list")
CREATE = reverse("training:course-create")


def make_course(school: Any, name: str = "Fire safety", **fields: Any) -> Course:
    return services.course_create(school=school, actor=None, name=name,
                                  topic=fields.pop("topic", Course.Topic.OWN), **fields)


def test_the_usual_courses_are_added_once(personas: Personas) -> None:
    school = personas.school
    assert ensure_default_courses(school) == len(DEFAULT_COURSES)
    assert ensure_default_courses(school) == 0
    cyber = Course.objects.get(school=school, catalogue_key="ncsc_cyber")
    assert (cyber.name, cyber.provider, cyber.valid_for_months) == (
        "Cyber security training for school staff", "NCSC", 12)
    assert AuditEvent.objects.filter(action="training.course.created",
                                     school_id=school.pk).count() == len(DEFAULT_COURSES)
    # A course the school named the same way already is not added again.
    other = personas.other_school
    make_course(other, "safeguarding and child protection", topic="safeguarding")
    assert ensure_default_courses(other) == len(DEFAULT_COURSES) - 1


def test_a_course_is_added_changed_and_archived(personas: Personas) -> None:
    school = personas.school
    course = make_course(school, "  Fire   safety ", valid_for_months="24")
    assert (course.name, course.name_key, course.valid_for_months) == (
        "Fire safety", "fire safety", 24)
    with pytest.raises(DomainError) as error:
        make_course(school, "FIRE SAFETY")
    assert error.value.field == "name"
    with pytest.raises(DomainError) as error:
        make_course(school, "Ladders", valid_for_months=0)
    assert error.value.field == "valid_for_months"
    services.course_update(course=course, actor=None, version=1, provider="County fire")
    assert course.provider == "County fire" and course.version == 2
    with pytest.raises(StaleVersion):
        services.course_update(course=course, actor=None, version=1, provider="Other")
    services.course_archive(course=course, actor=None)
    assert course.archived_at is not None
    assert make_course(school, "Fire safety").pk != course.pk  # the name is free again
    assert list(AuditEvent.objects.filter(target_id=str(course.public_id))
                .order_by("sequence").values_list("action", flat=True)) == [
        "training.course.created", "training.course.updated", "training.course.archived"]


def test_only_managers_change_courses(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        services.course_create(school=personas.school, actor=personas.dpo, name="X",
                               topic="own")
    assert not Course.objects.exists()


def test_the_list_page_and_its_button(personas: Personas, login: Login) -> None:
    client = login(personas.business_manager)
    assert client.post(LIST).status_code == 302
    html = client.get(LIST).content.decode()
    assert "Cyber security training for school staff" in html and "Courses in use (3)" in html
    assert client.post(LIST).status_code == 302
    assert Course.objects.filter(school=personas.school).count() == 3
    reader = login(personas.auditor)
    assert "Add the usual courses" not in reader.get(LIST).content.decode()
    assert reader.post(LIST).status_code == 403


def test_adding_changing_and_archiving_through_the_pages(personas: Personas,
                                                         login: Login) -> None:
    client = login(personas.siro)
    response = client.post(CREATE, {"name": "", "topic": "own", "valid_for_months": "12"})
    assert response.status_code == 200 and "Enter the course&#x27;s name." in \
        response.content.decode()
    response = client.post(CREATE, {"name": "Fire safety", "topic": "own",
                                    "valid_for_months": "36", "link": "www.example.org"})
    course = Course.objects.get()
    assert response["Location"] == reverse("training:course-detail", args=[course.public_id])
    assert (course.valid_for_months, course.link) == (36, "https://www.example.org")
    edit = reverse("training:course-edit", args=[course.public_id])
    response = client.post(edit, {"version": "1", "name": "Fire safety", "topic": "own",
                                  "valid_for_months": "12"})
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.valid_for_months == 12
    archive = reverse("training:course-archive", args=[course.public_id])
    assert client.get(archive).status_code == 200
    course.refresh_from_db()
    assert course.archived_at is None  # a GET changes nothing
    assert client.post(archive).status_code == 302
    course.refresh_from_db()
    assert course.archived_at is not None
    assert "Fire safety" in client.get(LIST, {"state": "archived"}).content.decode()


def test_another_schools_course_is_a_404(personas: Personas, login: Login) -> None:
    course = make_course(personas.other_school)
    client = login(personas.siro)
    assert client.get(reverse("training:course-detail",
                              args=[course.public_id])).status_code == 404
    assert client.post(reverse("training:course-archive",
                               args=[course.public_id])).status_code == 404


def test_the_list_costs_the_same_at_3_and_40_courses(personas: Personas, login: Login,
                                                     steady_session: None,
                                                     django_assert_num_queries: Any) -> None:
    for number in range(3):
        make_course(personas.school, f"Course {number:02}")
    client = login(personas.auditor)
    client.get(LIST)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    for number in range(3, 40):
        make_course(personas.school, f"Course {number:02}")
    with django_assert_num_queries(len(few)):
        html = client.get(LIST).content.decode()
    assert "Courses in use (40)" in html


def _api(client: Client, user: User) -> dict[str, str]:
    _, secret = token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_api_lists_creates_and_reads(personas: Personas, client: Client) -> None:
    ensure_default_courses(personas.school)
    url = reverse("api:course-list")
    reader = _api(client, personas.auditor)
    body = client.get(url, {"school": "oakfield"}, **reader).json()
    assert body["count"] == 3 and {row["catalogue_key"] for row in body["items"]} == {
        "ncsc_cyber", "data_protection", "safeguarding"}
    new = {"school": "oakfield", "name": "Fire safety", "topic": "own", "valid_for_months": 6}
    assert client.post(url, json.dumps(new), content_type="application/json",
                       **reader).status_code == 403
    manager = _api(client, personas.business_manager)
    response = client.post(url, json.dumps(new), content_type="application/json", **manager)
    assert response.status_code == 201 and response.json()["valid_for_months"] == 6
    again = client.post(url, json.dumps(new), content_type="application/json", **manager)
    assert again.status_code == 422 and again.json()["detail"][0]["loc"][-1] == "name"
    course_id = response.json()["id"]
    detail = reverse("api:course-detail", args=[course_id])
    assert client.get(detail, {"school": "oakfield"}, **reader).json()["name"] == "Fire safety"
    outsider = _api(client, personas.outsider)
    assert client.get(detail, {"school": "oakfield"}, **outsider).status_code == 404


def test_the_api_list_costs_the_same_at_3_and_40(personas: Personas, client: Client,
                                                 django_assert_num_queries: Any) -> None:
    for number in range(3):
        make_course(personas.school, f"Course {number:02}")
    headers = _api(client, personas.auditor)
    url = reverse("api:course-list")
    client.get(url, {"school": "oakfield"}, **headers)
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"school": "oakfield", "limit": 100}, **headers)
    for number in range(3, 40):
        make_course(personas.school, f"Course {number:02}")
    with django_assert_num_queries(len(few)):
        body = client.get(url, {"school": "oakfield", "limit": 100}, **headers).json()
    assert body["count"] == 40 and len(body["items"]) == 40


def test_a_catalogue_course_keeps_its_topic(personas: Personas, login: Login) -> None:
    school = personas.school
    ensure_default_courses(school)
    ncsc = Course.objects.get(school=school, catalogue_key="ncsc_cyber")
    with pytest.raises(DomainError) as error:
        services.course_update(course=ncsc, actor=None, version=ncsc.version, topic="own")
    assert error.value.field == "topic"
    ncsc.refresh_from_db()
    assert (ncsc.topic, ncsc.version) == (Course.Topic.CYBER, 1)
    services.course_update(course=ncsc, actor=None, version=1, topic=Course.Topic.CYBER,
                           provider="NCSC")  # the same topic with other changes is fine
    assert ncsc.provider == "NCSC"
    # On the page the topic is shown but cannot be changed: a forged value is ignored.
    client = login(personas.siro)
    edit = reverse("training:course-edit", args=[ncsc.public_id])
    assert "keeps its topic" in client.get(edit).content.decode()
    assert client.post(edit, {"version": str(ncsc.version), "name": ncsc.name, "topic": "own",
                              "valid_for_months": "12"}).status_code == 302
    ncsc.refresh_from_db()
    assert ncsc.topic == Course.Topic.CYBER


def test_the_archive_page_says_the_records_still_count(personas: Personas,
                                                       login: Login) -> None:
    ensure_default_courses(personas.school)
    ncsc = Course.objects.get(school=personas.school, catalogue_key="ncsc_cyber")
    html = login(personas.siro).get(reverse("training:course-archive",
                                            args=[ncsc.public_id])).content.decode()
    assert "leaves the training rules" not in html
    assert "still count towards the training rules" in html


def test_a_courses_page_costs_the_same_at_3_and_40_records(personas: Personas, login: Login,
                                                           steady_session: None,
                                                           django_assert_num_queries: Any
                                                           ) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from schoolkeep.people.services import person_create
    from schoolkeep.training.records.services import record_create

    school = personas.school
    ensure_default_courses(school)
    ncsc = Course.objects.get(school=school, catalogue_key="ncsc_cyber")

    def trained(start: int, count: int) -> None:
        for number in range(start, start + count):
            person = person_create(school=school, actor=None, full_name=f"Person {number:02}",
                                   kind="teaching")
            record_create(school=school, actor=None, person=person, course=ncsc,
                          completed_on=timezone.localdate() - timedelta(days=number + 2))

    detail = reverse("training:course-detail", args=[ncsc.public_id])
    client = login(personas.auditor)
    trained(0, 3)
    client.get(detail)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(detail).status_code == 200
    trained(3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(detail).content.decode()
    assert "Person 00" in html and "Person 39" not in html  # the latest 20 only
