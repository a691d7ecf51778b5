# ruff: noqa: E501  (one row per line keeps the table readable)
"""Training records: their pages (the list, one, a session, a record's page and certificate,
attaching a certificate, confirm, withdraw, My training and "I completed a course") and /api/v1/training-records.

Reading everyone's records needs ``training.view`` (the SIRO, DPO, business manager, HR
administrator, auditor and trust administrator); recording, confirming and withdrawing need
``training.manage`` (the SIRO, business manager and HR administrator). A record's page and
its certificate open for ``training.view``, or for the person the record is about: the
record here is nobody's persona, so the others get 403 (their POST is a 405 first, the page
being GET only). A certificate is attached (POST) by a manager, or by the member whose own
record awaits confirmation (the staff persona's record here). My training needs ``training.own`` (every member but the auditor and the
trust administrator): a member linked to a person records a course (302), one linked to
none is told so on the page (200). The outsider, the SIRO of their own school, sees their own
lists and forms; this school's record is a 404 and this school's person or course is not a
choice on their forms (200). In the API, not a member: 404.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create, person_link_account
from schoolkeep.training.defaults import ensure_default_courses
from schoolkeep.training.models import Course
from schoolkeep.training.records.services import own_record_create, record_create
from tests.personas import Personas

PERSON_ID = uuid.UUID("7a1c2f3e-5b6d-4e8f-9a0b-000000000421")
ATTENDEE_ID = uuid.UUID("7a1c2f3e-5b6d-4e8f-9a0b-000000000422")
COURSE_ID = uuid.UUID("7a1c2f3e-5b6d-4e8f-9a0b-000000000423")
CERTIFICATE = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _staff_person(personas: Personas) -> Person:
    found = Person.objects.filter(school=personas.school, user=personas.staff).first()
    if found is not None:
        return found
    person = person_create(school=personas.school, actor=None, full_name="Matrix Staff Trainee",
                           kind="support")
    return person_link_account(person=person, actor=None, user=personas.staff)


def build(personas: Personas) -> dict[str, Any]:
    school = personas.school
    today = timezone.localdate()
    ensure_default_courses(school)
    Course.objects.filter(school=school, catalogue_key="data_protection").update(
        public_id=COURSE_ID)
    course = Course.objects.get(public_id=COURSE_ID)
    trainee = person_create(school=school, actor=None, full_name="Matrix Trainee",
                            kind="teaching")
    Person.objects.filter(pk=trainee.pk).update(public_id=PERSON_ID)
    trainee.refresh_from_db()
    attendee = person_create(school=school, actor=None, full_name="Matrix Attendee",
                             kind="support")
    Person.objects.filter(pk=attendee.pk).update(public_id=ATTENDEE_ID)
    made = record_create(school=school, actor=None, person=trainee, course=course,
                         completed_on=today - timedelta(days=20),
                         certificate=SimpleUploadedFile("certificate.pdf", CERTIFICATE))
    awaiting = own_record_create(school=school, actor=None, person=_staff_person(personas),
                                 course=course, completed_on=today - timedelta(days=5))
    return {"training_record_id": str(made.public_id),
            "training_awaiting_id": str(awaiting.public_id),
            "training_records_course": str(course.public_id)}


def _record(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["training_record_id"]}


URL_ARGUMENTS = {
    "training:record-detail": _record,
    "training:record-certificate": _record,
    "training:record-withdraw": _record,
    "training:record-confirm": lambda t: {"public_id": t.extra["training_awaiting_id"]},
    "training:record-certificate-upload": lambda t: {
        "public_id": t.extra["training_awaiting_id"]},
    "api:training-record-detail": lambda t: {"record_id": t.extra["training_record_id"]},
}

_TODAY = timezone.localdate

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("training:record-create", "POST"): lambda t: {
        "person": str(PERSON_ID), "course": t.extra["training_records_course"],
        "completed_on": _TODAY().isoformat()},
    ("training:record-session", "POST"): lambda t: {
        "course": t.extra["training_records_course"], "completed_on": _TODAY().isoformat(),
        "people": [str(PERSON_ID), str(ATTENDEE_ID)]},
    ("training:record-withdraw", "POST"): lambda t: {"reason": "Matrix: the wrong person"},
    ("training:record-certificate-upload", "POST"): lambda t: {
        "certificate": SimpleUploadedFile("certificate.pdf", CERTIFICATE)},
    ("training:my-training-add", "POST"): lambda t: {
        "course": t.extra["training_records_course"], "completed_on": _TODAY().isoformat()},
}

SCHOOL_QUERY = {"api:training-record-list", "api:training-record-create",
                "api:training-record-detail"}

_API_CREATE = {"school": "oakfield", "person": str(PERSON_ID),
               "course": str(COURSE_ID), "completed_on": "2026-01-05"}
API_BODIES = {
    ("api:training-record-create", "POST"): _API_CREATE,
    ("api:training-record-list", "POST"): _API_CREATE,
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("training:record-list", "GET"): "302 200 200 403 200 403 403 200 403 403 403 200 200 200",
    ("training:record-list", "POST"): "302 405 405 403 405 403 403 405 403 403 403 405 405 405",
    ("training:record-create", "GET"): "302 200 403 403 200 403 403 200 403 403 403 403 403 200",
    ("training:record-create", "POST"): "302 302 403 403 302 403 403 302 403 403 403 403 403 200",
    ("training:record-session", "GET"): "302 200 403 403 200 403 403 200 403 403 403 403 403 200",
    ("training:record-session", "POST"): "302 302 403 403 302 403 403 302 403 403 403 403 403 200",
    ("training:record-detail", "GET"): "302 200 200 403 200 403 403 200 403 403 403 200 200 404",
    ("training:record-detail", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("training:record-certificate", "GET"): "302 200 200 403 200 403 403 200 403 403 403 200 200 404",
    ("training:record-certificate", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("training:record-certificate-upload", "GET"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("training:record-certificate-upload", "POST"): "302 302 403 403 302 403 403 302 403 302 403 403 403 404",
    ("training:record-confirm", "GET"): "302 405 403 403 405 403 403 405 403 403 403 403 403 405",
    ("training:record-confirm", "POST"): "302 302 403 403 302 403 403 302 403 403 403 403 403 404",
    ("training:record-withdraw", "GET"): "302 200 403 403 200 403 403 200 403 403 403 403 403 404",
    ("training:record-withdraw", "POST"): "302 302 403 403 302 403 403 302 403 403 403 403 403 404",
    ("training:my-training", "GET"): "302 200 200 200 200 200 200 200 200 200 200 403 403 200",
    ("training:my-training", "POST"): "302 405 405 405 405 405 405 405 405 405 405 403 403 405",
    ("training:my-training-add", "GET"): "302 200 200 200 200 200 200 200 200 200 200 403 403 200",
    ("training:my-training-add", "POST"): "302 200 200 302 200 200 200 200 200 302 200 403 403 200",
    ("api:training-record-list", "GET"): "401 200 200 403 200 403 403 200 403 403 403 200 200 404",
    ("api:training-record-list", "POST"): "401 201 403 403 201 403 403 201 403 403 403 403 403 404",
    ("api:training-record-create", "GET"): "401 200 200 403 200 403 403 200 403 403 403 200 200 404",
    ("api:training-record-create", "POST"): "401 201 403 403 201 403 403 201 403 403 403 403 403 404",
    ("api:training-record-detail", "GET"): "401 200 200 403 200 403 403 200 403 403 403 200 200 404",
    ("api:training-record-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
