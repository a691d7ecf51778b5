"""Training records' pages: the list (filters by course, kind and state; the auditor reads
without buttons; a query count the same at 3 and 40 rows), recording one with a certificate
(a false one refused on the form), a session (filter by kind, tick who attended; all or
nothing, the form naming who to untick), a record's page and certificate (another school's a
404; a member's own through My training, nobody else's), confirming (POST only),
withdrawing, My training and "I completed a course" (told plainly when no person is
linked), and the demo's records at Larkspur."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.people.services import person_link_account
from schoolkeep.training.models import TrainingRecord
from schoolkeep.training.records import services
from schoolkeep.training.tests.test_records_services import (
    PDF,
    certificate,
    cyber,
    make_person,
    record,
)

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LIST = reverse("training:record-list")
CREATE = reverse("training:record-create")
SESSION = reverse("training:record-session")
MINE = reverse("training:my-training")
MINE_ADD = reverse("training:my-training-add")


@pytest.fixture(autouse=True)
def private_uploads(settings: Any, tmp_path: Any) -> Any:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def page(name: str, made: TrainingRecord) -> str:
    return reverse(f"training:{name}", args=[made.public_id])


def day_fields(name: str, day: Any) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def test_the_list_filters(personas: Personas, login: Login) -> None:
    school = personas.school
    course = cyber(school)
    ellie = make_person(school, "Ellie Morgan")
    martin = make_person(school, "Martin Hughes", kind="governor")
    record(ellie, course)
    record(martin, course, days_ago=3)
    client = login(personas.auditor)
    html = client.get(LIST).content.decode()
    assert "Records (2)" in html and "Record a training session" not in html
    governors = client.get(LIST, {"kind": "governor"}).content.decode()
    assert "Martin Hughes" in governors and "Ellie Morgan" not in governors
    assert "Records (0)" in client.get(LIST, {"state": "awaiting"}).content.decode()
    mine = client.get(LIST, {"person": str(ellie.public_id)}).content.decode()
    assert "Records (1)" in mine and "Showing the records of Ellie Morgan" in mine


def test_recording_one_with_a_certificate(personas: Personas, login: Login) -> None:
    school = personas.school
    course, ellie = cyber(school), make_person(school, "Ellie Morgan")
    client = login(personas.business_manager)
    day = timezone.localdate() - timedelta(days=2)
    body = {"person": str(ellie.public_id), "course": str(course.public_id),
            **day_fields("completed_on", day)}
    refused = client.post(CREATE, {**body, "certificate": certificate(b"<html></html>")})
    assert refused.status_code == 200 and "The file must be a PDF, PNG or JPEG" in \
        refused.content.decode()
    assert not TrainingRecord.objects.exists()
    response = client.post(CREATE, {**body, "certificate": certificate(PDF)})
    made = TrainingRecord.objects.get()
    assert response["Location"] == page("record-detail", made)
    assert made.completed_on == day and made.has_certificate
    download = client.get(page("record-certificate", made))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF


def test_recording_a_session(personas: Personas, login: Login) -> None:
    school = personas.school
    course = cyber(school)
    amara, ben = make_person(school, "Amara Osei"), make_person(school, "Ben Hall")
    make_person(school, "Martin Hughes", kind="governor")
    make_person(school, "Peter Gray", leaving_date=timezone.localdate() - timedelta(days=9))
    client = login(personas.business_manager)
    html = client.get(SESSION, {"course": str(course.public_id)}).content.decode()
    assert "Amara Osei" in html and "Martin Hughes" in html and "Peter Gray" not in html
    teaching = client.get(SESSION, {"kind": "teaching"}).content.decode()
    assert "Martin Hughes" not in teaching
    today = timezone.localdate()
    services.record_create(school=school, actor=None, person=ben, course=course,
                           completed_on=today)
    body = {"course": str(course.public_id), **day_fields("completed_on", today),
            "people": [str(amara.public_id), str(ben.public_id)]}
    refused = client.post(SESSION, body)
    assert refused.status_code == 200 and "Ben Hall is already recorded" in \
        refused.content.decode()
    assert TrainingRecord.objects.count() == 1
    body["people"] = [str(amara.public_id)]
    response = client.post(SESSION, body)
    assert response.status_code == 302 and TrainingRecord.objects.count() == 2
    empty = client.post(SESSION, {**body, "people": []})
    assert "Choose the people who attended." in empty.content.decode()


def test_confirming_and_withdrawing(personas: Personas, login: Login) -> None:
    school, staff = personas.school, personas.staff
    ellie = person_link_account(person=make_person(school, "Ellie Morgan"), actor=None,
                                user=staff)
    own = services.own_record_create(school=school, actor=staff, person=ellie,
                                     course=cyber(school))
    client = login(personas.business_manager)
    assert "Awaiting confirmation" in client.get(LIST, {"state": "awaiting"}).content.decode()
    assert client.get(page("record-confirm", own)).status_code == 405
    assert client.post(page("record-confirm", own)).status_code == 302
    own.refresh_from_db()
    assert own.confirmed_at is not None
    withdraw = page("record-withdraw", own)
    assert "Say why the record is withdrawn." in client.post(withdraw, {"reason": ""}) \
        .content.decode()
    assert client.post(withdraw, {"reason": "Recorded twice"}).status_code == 302
    own.refresh_from_db()
    assert own.withdrawn_reason == "Recorded twice"
    assert "Recorded twice" in client.get(page("record-detail", own)).content.decode()


def test_my_training_and_recording_my_own(personas: Personas, login: Login) -> None:
    school, staff = personas.school, personas.staff
    client = login(staff)
    assert "not linked to a person" in client.get(MINE).content.decode()
    assert "not linked to a person" in client.get(MINE_ADD).content.decode()
    course = cyber(school)
    assert client.post(MINE_ADD, {"course": str(course.public_id),
                                  **day_fields("completed_on", timezone.localdate())}
                       ).status_code == 200
    assert not TrainingRecord.objects.exists()
    ellie = person_link_account(person=make_person(school, "Ellie Morgan"), actor=None,
                                user=staff)
    html = client.get(MINE).content.decode()
    assert "Needed" in html and "No training is recorded for you yet." in html
    response = client.post(MINE_ADD, {"course": str(course.public_id),
                                      **day_fields("completed_on", timezone.localdate()),
                                      "certificate": certificate(PDF)})
    assert response.status_code == 302 and response["Location"] == MINE
    own = TrainingRecord.objects.get()
    assert (own.person, own.source, own.confirmed_at) == (ellie, "self", None)
    assert "Awaiting confirmation" in client.get(MINE).content.decode()
    # Their own record and certificate open for them; nobody else's.
    assert client.get(page("record-detail", own)).status_code == 200
    assert client.get(page("record-certificate", own)).status_code == 200
    other = record(make_person(school, "Tom Whitfield"), course)
    assert client.get(page("record-detail", other)).status_code == 403
    assert client.get(page("record-certificate", other)).status_code == 403
    assert client.get(LIST).status_code == 403


def test_another_schools_record_is_a_404(personas: Personas, login: Login) -> None:
    other = record(make_person(personas.other_school, "Someone Else"),
                   cyber(personas.other_school))
    client = login(personas.siro)
    for name in ("record-detail", "record-certificate", "record-withdraw"):
        assert client.get(page(name, other)).status_code == 404
    assert client.post(page("record-confirm", other)).status_code == 404


def test_read_only_roles_may_not_write(personas: Personas, login: Login) -> None:
    made = record(make_person(personas.school, "Ellie Morgan"), cyber(personas.school))
    client = login(personas.auditor)
    assert client.get(page("record-detail", made)).status_code == 200
    assert client.get(CREATE).status_code == 403
    assert client.post(page("record-withdraw", made), {"reason": "x"}).status_code == 403
    assert client.get(MINE).status_code == 403


def _populate(personas: Personas, start: int, count: int) -> None:
    course = cyber(personas.school)
    for number in range(start, start + count):
        record(make_person(personas.school, f"Person {number:02}"), course)


def test_the_list_costs_the_same_at_3_and_40(personas: Personas, login: Login,
                                             steady_session: None,
                                             django_assert_num_queries: Any) -> None:
    client = login(personas.auditor)
    _populate(personas, 0, 3)
    client.get(LIST)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(LIST).content.decode()
    assert "Records (40)" in html


def test_the_demo_records_larkspur_training(db: None) -> None:
    from schoolkeep.demo.builder import build_demo
    from schoolkeep.tenancy.models import School

    build_demo()
    school = School.objects.get(slug="larkspur")
    records = TrainingRecord.objects.filter(school=school)
    assert records.filter(confirmed_at__isnull=True, source="self").count() == 1
    assert records.filter(person__kind="governor", course__catalogue_key="ncsc_cyber").exists()
    assert records.filter(source="session").count() >= 3
    assert not records.filter(person__full_name="Daniel Price").exists()
    today = timezone.localdate()
    expired = [r for r in records.select_related("course")
               if r.completed_on + timedelta(days=31 * r.course.valid_for_months) < today]
    assert len(expired) >= 2


def test_a_manager_is_not_offered_to_confirm_their_own_record(personas: Personas,
                                                                login: Login) -> None:
    school, manager = personas.school, personas.business_manager
    me = person_link_account(person=make_person(school, "Beth Manager", kind="support"),
                             actor=None, user=manager)
    own = services.own_record_create(school=school, actor=manager, person=me,
                                     course=cyber(school))
    client = login(manager)
    html = client.get(page("record-detail", own)).content.decode()
    assert "Confirm it" not in html and "another manager" in html
    response = client.post(page("record-confirm", own), follow=True)
    assert "You may not confirm your own training." in response.content.decode()
    own.refresh_from_db()
    assert own.confirmed_at is None


def test_my_training_agrees_with_the_training_rules(personas: Personas, login: Login) -> None:
    from schoolkeep.training.courses.services import course_archive, course_create
    from schoolkeep.training.defaults import ensure_default_courses
    from schoolkeep.training.models import Course, TrainingSettings

    school, staff = personas.school, personas.staff
    ellie = person_link_account(person=make_person(school, "Ellie Morgan"), actor=None,
                                user=staff)
    ncsc = cyber(school)
    own_cyber = course_create(school=school, actor=None, name="Our cyber briefing",
                              topic=Course.Topic.CYBER)
    record(ellie, own_cyber, days_ago=3)
    client = login(staff)
    html = client.get(MINE).content.decode()
    # The DfE's rule counts the school's own cyber course: nothing is "Needed".
    assert "Needed" not in html and "Trained</strong>, valid until" in html
    # An RPA member school asks for the NCSC's course itself.
    TrainingSettings.objects.create(school=school, rpa_member=True)
    html = client.get(MINE).content.decode()
    assert "Needed" in html and "RPA" in html and "Not completed" in html
    # The NCSC's course archived and added again: its records still stand.
    record(ellie, ncsc, days_ago=5)
    course_archive(course=ncsc, actor=None)
    ensure_default_courses(school)
    again = Course.objects.get(school=school, catalogue_key="ncsc_cyber",
                               archived_at__isnull=True)
    assert again.pk != ncsc.pk
    html = client.get(MINE).content.decode()
    assert "Needed" not in html
    assert (timezone.localdate() - timedelta(days=5)).strftime("%-d %B %Y") in html


def test_an_expired_record_says_after_its_last_valid_day(personas: Personas,
                                                         login: Login) -> None:
    from dateutil.relativedelta import relativedelta

    from schoolkeep.training.records.selectors import expires_on

    school, staff = personas.school, personas.staff
    ellie = person_link_account(person=make_person(school, "Ellie Morgan"), actor=None,
                                user=staff)
    course = cyber(school)
    today = timezone.localdate()
    completed = today - relativedelta(months=course.valid_for_months) - timedelta(days=1)
    made = services.record_create(school=school, actor=None, person=ellie, course=course,
                                  completed_on=completed)
    last_day = expires_on(completed, course.valid_for_months)
    assert last_day < today
    shown = f"Expired</strong> after {last_day.strftime('%-d %B %Y')}"
    assert shown in login(personas.business_manager).get(page("record-detail", made)) \
        .content.decode()
    assert shown in login(staff).get(MINE).content.decode()


def _my_records(person: Any, course: Any, start: int, count: int) -> None:
    for days_ago in range(start, start + count):
        record(person, course, days_ago=days_ago + 2)


def test_my_training_costs_the_same_at_3_and_40(personas: Personas, login: Login,
                                                steady_session: None,
                                                django_assert_num_queries: Any) -> None:
    school, staff = personas.school, personas.staff
    ellie = person_link_account(person=make_person(school, "Ellie Morgan"), actor=None,
                                user=staff)
    course = cyber(school)
    client = login(staff)
    _my_records(ellie, course, 0, 3)
    client.get(MINE)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(MINE).status_code == 200
    _my_records(ellie, course, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(MINE).content.decode()
    assert "My records (40)" in html


def test_the_session_page_costs_the_same_at_3_and_40_people(
        personas: Personas, login: Login, steady_session: None,
        django_assert_num_queries: Any) -> None:
    cyber(personas.school)
    client = login(personas.business_manager)
    for number in range(3):
        make_person(personas.school, f"Person {number:02}")
    client.get(SESSION)
    with CaptureQueriesContext(connection) as few:
        assert client.get(SESSION).status_code == 200
    for number in range(3, 40):
        make_person(personas.school, f"Person {number:02}")
    with django_assert_num_queries(len(few)):
        html = client.get(SESSION).content.decode()
    assert "Person 39" in html


def test_a_certificate_is_attached_to_an_existing_record(personas: Personas, login: Login,
                                                         private_uploads: Any) -> None:
    from schoolkeep.audit.models import AuditEvent
    from schoolkeep.training.models import TrainingSettings
    from schoolkeep.training.rules.rpa import MET, rpa_status

    school = personas.school
    course, ellie = cyber(school), make_person(school, "Ellie Morgan")
    made, = services.session_record(school=school, actor=None, course=course,
                                    completed_on=timezone.localdate() - timedelta(days=3),
                                    people=[ellie])
    upload = page("record-certificate-upload", made)
    assert login(personas.auditor).post(upload, {"certificate": certificate(PDF)}) \
        .status_code == 403
    client = login(personas.business_manager)
    assert "Attach the certificate" in client.get(page("record-detail", made)).content.decode()
    refused = client.post(upload, {"certificate": certificate(b"<html></html>")})
    assert refused.status_code == 200 and "The file must be a PDF, PNG or JPEG" in \
        refused.content.decode()
    made.refresh_from_db()
    assert not made.certificate_stored_name
    response = client.post(upload, {"certificate": certificate(PDF)})
    assert response.status_code == 302
    made.refresh_from_db()
    assert (private_uploads / services.FOLDER / made.certificate_stored_name).read_bytes() \
        == PDF
    assert AuditEvent.objects.filter(action="training.record.certificate-attached",
                                     target_id=str(made.public_id)).count() == 1
    settings = TrainingSettings.objects.create(school=school, rpa_member=True)
    row, = rpa_status(school, settings, today=timezone.localdate()).rows
    assert row.reason == MET
    assert "Attach the certificate" not in client.get(page("record-detail", made)) \
        .content.decode()  # one is attached now
    other = record(make_person(personas.other_school, "Someone Else"),
                   cyber(personas.other_school))
    assert client.post(page("record-certificate-upload", other),
                       {"certificate": certificate(PDF)}).status_code == 404


def test_a_member_attaches_a_certificate_to_their_own_record_while_it_awaits(
        personas: Personas, login: Login) -> None:
    school, staff = personas.school, personas.staff
    ellie = person_link_account(person=make_person(school, "Ellie Morgan"), actor=None,
                                user=staff)
    own = services.own_record_create(school=school, actor=staff, person=ellie,
                                     course=cyber(school))
    client = login(staff)
    assert client.post(page("record-certificate-upload", own),
                       {"certificate": certificate(PDF)}).status_code == 302
    own.refresh_from_db()
    assert own.certificate_stored_name
    confirmed = record(ellie, cyber(school), days_ago=20)  # the school's: confirmed
    assert "Attach the certificate" not in client.get(page("record-detail", confirmed)) \
        .content.decode()
    assert client.post(page("record-certificate-upload", confirmed),
                       {"certificate": certificate(PDF)}).status_code == 403
    confirmed.refresh_from_db()
    assert not confirmed.certificate_stored_name


def test_record_one_names_the_person_from_the_link(personas: Personas, login: Login) -> None:
    school = personas.school
    cyber(school)
    ellie = make_person(school, "Ellie Morgan")
    make_person(school, "Tom Whitfield")
    stranger = make_person(personas.other_school, "Someone Else")
    client = login(personas.business_manager)
    chosen = f'<option value="{ellie.public_id}" selected>Ellie Morgan</option>'
    assert chosen in client.get(CREATE, {"person": str(ellie.public_id)}).content.decode()
    for wanted in (str(stranger.public_id), "not-an-id", "7a1c2f3e-5b6d-4e8f-9a0b-00000000dead"):
        html = client.get(CREATE, {"person": wanted}).content.decode()
        assert '<option value="" selected>Choose a person</option>' in html
        assert "Someone Else" not in html
