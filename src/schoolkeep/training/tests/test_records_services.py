"""Training records' services: one record (confirmed at once, audited), refused for a day in
the future, a person who had left, an archived course or another school's person, or twice
on a day; a certificate kept by its content (a PDF or image) and refused otherwise, leaving
no file behind; a session all or nothing, naming who to untick; a member's own record
awaiting confirmation, confirmed by the business manager; a withdrawal kept with its
reason; the training_confirm duty's counts agreeing with its list."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_event
from schoolkeep.duties.types import HORIZON
from schoolkeep.lib import uploads
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create, person_link_account
from schoolkeep.training.courses.services import course_archive
from schoolkeep.training.defaults import ensure_default_courses
from schoolkeep.training.models import Course, TrainingRecord
from schoolkeep.training.records import duties, services

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


@pytest.fixture(autouse=True)
def private_uploads(settings: Any, tmp_path: Any) -> Any:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def make_person(school: Any, name: str, **fields: Any) -> Person:
    return person_create(school=school, actor=None, full_name=name,
                         kind=fields.pop("kind", "teaching"),
                         start_date=fields.pop("start_date", date(2020, 9, 1)), **fields)


def cyber(school: Any) -> Course:
    ensure_default_courses(school)
    return Course.objects.get(school=school, catalogue_key="ncsc_cyber")


def record(person: Person, course: Course, days_ago: int = 10, **fields: Any) -> TrainingRecord:
    return services.record_create(school=person.school, actor=None, person=person,
                                  course=course,
                                  completed_on=timezone.localdate() - timedelta(days=days_ago),
                                  **fields)


def certificate(data: bytes, name: str = "certificate.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_a_record_is_confirmed_when_the_school_makes_it(personas: Personas) -> None:
    ellie = make_person(personas.school, "Ellie Morgan")
    made = record(ellie, cyber(personas.school), notes="  Online  ")
    assert made.confirmed_at is not None and made.source == TrainingRecord.Source.ENTERED
    assert made.notes == "Online" and made.recorded_by_label == "system"
    event = AuditEvent.objects.get(action="training.record.created")
    assert open_event(event).changes["person"]["after"] == "Ellie Morgan"  # sealed: person's key


@pytest.mark.parametrize(("case", "field"), [
    ("future", "completed_on"), ("left", "person"), ("archived", "course"),
    ("other_school", "person"), ("twice", "completed_on"), ("no_day", "completed_on"),
    ("long_ago", "completed_on")])
def test_a_record_is_refused_naming_the_field(personas: Personas, case: str,
                                              field: str) -> None:
    school = personas.school
    course = cyber(school)
    person = make_person(school, "Ellie Morgan")
    today = timezone.localdate()
    day: Any = today - timedelta(days=3)
    if case == "future":
        day = today + timedelta(days=2)
    elif case == "left":
        person = make_person(school, "Peter Gray", leaving_date=today - timedelta(days=10))
    elif case == "archived":
        course_archive(course=course, actor=None)
    elif case == "other_school":
        person = make_person(personas.other_school, "Someone Else")
    elif case == "twice":
        services.record_create(school=school, actor=None, person=person, course=course,
                               completed_on=day)
    elif case == "no_day":
        day = None
    elif case == "long_ago":
        day = date(1, 1, 1)
    before = TrainingRecord.objects.count()
    with pytest.raises(DomainError) as error:
        services.record_create(school=school, actor=None, person=person, course=course,
                               completed_on=day)
    assert error.value.field == field
    assert TrainingRecord.objects.count() == before


def test_a_certificate_is_kept_privately_by_its_content(personas: Personas,
                                                        private_uploads: Any) -> None:
    ellie = make_person(personas.school, "Ellie Morgan")
    made = record(ellie, cyber(personas.school), certificate=certificate(PNG, "photo.png"))
    path = services.certificate_path(made)
    assert path is not None and path.read_bytes() == PNG and path.suffix == ".png"
    assert made.certificate_original_name == "photo.png" and made.certificate_size == len(PNG)
    assert services.certificate_type(made) == uploads.PNG
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    with services.certificate_open(record=made, actor=None) as handle:
        assert handle.read() == PNG
    assert AuditEvent.objects.filter(action="training.record.certificate-downloaded").exists()


@pytest.mark.parametrize("data", [b"<html><script>alert(1)</script></html>", b"", b"GIF89a"])
def test_a_certificate_that_is_not_a_pdf_or_image_is_refused(personas: Personas,
                                                             private_uploads: Any,
                                                             data: bytes) -> None:
    ellie = make_person(personas.school, "Ellie Morgan")
    with pytest.raises(DomainError) as error:
        record(ellie, cyber(personas.school), certificate=certificate(data, "fake.pdf"))
    assert error.value.field == "certificate"
    assert not TrainingRecord.objects.exists()
    assert not list(private_uploads.glob("**/*.*"))


def test_a_refused_record_leaves_no_file(personas: Personas, private_uploads: Any) -> None:
    ellie = make_person(personas.school, "Ellie Morgan")
    course = cyber(personas.school)
    record(ellie, course, days_ago=5)
    with pytest.raises(DomainError):
        record(ellie, course, days_ago=5, certificate=certificate(PDF))
    assert not list(private_uploads.glob("**/*.pdf"))


def test_a_certificate_over_10_mb_is_refused(personas: Personas) -> None:
    ellie = make_person(personas.school, "Ellie Morgan")
    big = certificate(PDF + b"0" * services.MAX_BYTES)
    with pytest.raises(DomainError) as error:
        record(ellie, cyber(personas.school), certificate=big)
    assert "10 MB" in error.value.message


def test_a_session_records_everyone_at_once(personas: Personas) -> None:
    school = personas.school
    people = [make_person(school, name) for name in ("Amara Osei", "Ben Hall", "Cara Diaz")]
    course = cyber(school)
    day = timezone.localdate() - timedelta(days=1)
    records = services.session_record(school=school, actor=personas.business_manager,
                                      course=course, completed_on=day, people=people,
                                      notes="INSET")
    assert len(records) == 3
    assert set(TrainingRecord.objects.values_list("source", flat=True)) == {"session"}
    assert all(r.confirmed_at is not None for r in TrainingRecord.objects.all())
    assert AuditEvent.objects.filter(action="training.record.created").count() == 3


def test_a_session_is_all_or_nothing(personas: Personas) -> None:
    school = personas.school
    course = cyber(school)
    today = timezone.localdate()
    amara, ben = make_person(school, "Amara Osei"), make_person(school, "Ben Hall")
    gone = make_person(school, "Peter Gray", leaving_date=today - timedelta(days=30))
    with pytest.raises(DomainError) as error:
        services.session_record(school=school, actor=None, course=course,
                                completed_on=today, people=[amara, gone, ben])
    assert error.value.field == "people" and "Peter Gray" in error.value.message
    assert not TrainingRecord.objects.exists()
    services.record_create(school=school, actor=None, person=ben, course=course,
                           completed_on=today)
    with pytest.raises(DomainError) as error:
        services.session_record(school=school, actor=None, course=course,
                                completed_on=today, people=[amara, ben])
    assert "Ben Hall is already recorded" in error.value.message
    assert TrainingRecord.objects.count() == 1
    outsider = make_person(personas.other_school, "Someone Else")
    with pytest.raises(DomainError):
        services.session_record(school=school, actor=None, course=course,
                                completed_on=today, people=[amara, outsider])
    with pytest.raises(DomainError) as error:
        services.session_record(school=school, actor=None, course=course,
                                completed_on=today, people=[])
    assert error.value.field == "people"
    assert TrainingRecord.objects.count() == 1


def test_only_managers_record_for_others(personas: Personas) -> None:
    ellie = make_person(personas.school, "Ellie Morgan")
    with pytest.raises(NotAllowed):
        services.record_create(school=personas.school, actor=personas.staff, person=ellie,
                               course=cyber(personas.school),
                               completed_on=timezone.localdate())


def test_a_members_own_record_awaits_confirmation(personas: Personas) -> None:
    school, staff = personas.school, personas.staff
    ellie = person_link_account(person=make_person(school, "Ellie Morgan"), actor=None,
                                user=staff)
    course = cyber(school)
    own = services.own_record_create(school=school, actor=staff, person=ellie, course=course)
    assert own.source == "self" and own.confirmed_at is None
    assert own.completed_on == timezone.localdate()
    # Someone else's person is refused; no person at all is told plainly.
    other = make_person(school, "Tom Whitfield")
    with pytest.raises(NotAllowed):
        services.own_record_create(school=school, actor=staff, person=other, course=course)
    with pytest.raises(DomainError) as error:
        services.own_record_create(school=school, actor=staff, person=None, course=course)
    assert "not linked to a person" in error.value.message
    with pytest.raises(NotAllowed):  # the auditor records nothing, not even their own
        services.own_record_create(school=school, actor=personas.auditor, person=ellie,
                                   course=course)
    with pytest.raises(NotAllowed):
        services.record_confirm(record=own, actor=staff)
    services.record_confirm(record=own, actor=personas.business_manager)
    assert own.confirmed_by_label == str(personas.business_manager)
    with pytest.raises(DomainError):
        services.record_confirm(record=own, actor=personas.business_manager)
    assert list(AuditEvent.objects.filter(target_id=str(own.public_id))
                .order_by("sequence").values_list("action", flat=True)) == [
        "training.record.self_recorded", "training.record.confirmed"]


def test_a_withdrawn_record_is_kept_with_its_reason(personas: Personas) -> None:
    ellie = make_person(personas.school, "Ellie Morgan")
    course = cyber(personas.school)
    made = record(ellie, course, days_ago=2)
    with pytest.raises(DomainError) as error:
        services.record_withdraw(record=made, actor=None, reason="  ")
    assert error.value.field == "reason"
    services.record_withdraw(record=made, actor=None, reason="Wrong person")
    made.refresh_from_db()
    assert made.withdrawn_reason == "Wrong person" and made.withdrawn_at is not None
    with pytest.raises(DomainError):
        services.record_confirm(record=made, actor=None)
    record(ellie, course, days_ago=2)  # the same day may be recorded again once withdrawn
    assert TrainingRecord.objects.count() == 2


def test_the_confirm_duty_counts_agree_with_its_list(personas: Personas) -> None:
    school, staff = personas.school, personas.staff
    ellie = person_link_account(person=make_person(school, "Ellie Morgan"), actor=None,
                                user=staff)
    course = cyber(school)
    old = services.own_record_create(school=school, actor=staff, person=ellie, course=course,
                                     completed_on=timezone.localdate() - timedelta(days=20))
    TrainingRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=10))
    services.own_record_create(school=school, actor=staff, person=ellie, course=course)
    record(make_person(school, "Tom Whitfield"), course)  # confirmed: no duty
    now = timezone.now()
    counts = duties.provider.counts([school.pk, personas.other_school.pk], now=now,
                                    horizon=now + HORIZON)
    assert (counts[school.pk].due, counts[school.pk].overdue) == (1, 1)
    assert personas.other_school.pk not in counts
    listed = duties.provider.for_school(school.pk, now=now, horizon=now + HORIZON)
    assert sorted(duty.status for duty in listed) == ["due", "overdue"]
    assert all("Ellie" not in duty.title for duty in listed)
    assert listed[0].subject.startswith("Ellie Morgan: Cyber security training")


def test_a_manager_may_not_confirm_their_own_record(personas: Personas) -> None:
    school, manager = personas.school, personas.business_manager
    me = person_link_account(person=make_person(school, "Beth Manager", kind="support"),
                             actor=None, user=manager)
    own = services.own_record_create(school=school, actor=manager, person=me,
                                     course=cyber(school))
    events = AuditEvent.objects.count()
    with pytest.raises(NotAllowed, match="Another manager"):
        services.record_confirm(record=own, actor=manager)
    own.refresh_from_db()
    assert (own.confirmed_at, own.confirmed_by_label, own.version) == (None, "", 1)
    assert AuditEvent.objects.count() == events
    # Still awaiting: the duty stays open, and another manager confirms it.
    now = timezone.now()
    TrainingRecord.objects.filter(pk=own.pk).update(created_at=now - timedelta(days=8))
    assert duties.provider.counts([school.pk], now=now, horizon=now + HORIZON)[school.pk] \
        .overdue == 1
    services.record_confirm(record=own, actor=personas.siro)
    assert own.confirmed_at is not None and own.confirmed_by_label == str(personas.siro)


def test_a_person_ticked_twice_in_a_session_is_recorded_once(personas: Personas) -> None:
    school = personas.school
    ellie = make_person(school, "Ellie Morgan")
    made = services.session_record(school=school, actor=None, course=cyber(school),
                                   completed_on=timezone.localdate(), people=[ellie, ellie])
    assert [r.person_id for r in made] == [ellie.pk]
    assert TrainingRecord.objects.count() == 1


def test_the_confirm_duty_counts_every_school_in_one_query(
        personas: Personas, django_assert_num_queries: Any) -> None:
    for school in (personas.school, personas.other_school):
        person = make_person(school, "Ellie Morgan")
        services.own_record_create(school=school, actor=None, person=person,
                                   course=cyber(school))
    now = timezone.now()
    with django_assert_num_queries(1):
        counts = duties.provider.counts([personas.school.pk, personas.other_school.pk],
                                        now=now, horizon=now + HORIZON)
    assert {school_id: row.due for school_id, row in counts.items()} == {
        personas.school.pk: 1, personas.other_school.pk: 1}
