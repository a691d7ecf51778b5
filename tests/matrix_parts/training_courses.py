# ruff: noqa: E501  (one row per line keeps the table readable)
"""Training courses: their pages and /api/v1/courses.

Reading needs ``training.view`` (the SIRO, DPO, business manager, HR administrator, auditor
and trust administrator); adding the usual courses (the list's POST), adding, changing and
archiving a course need ``training.manage`` (the SIRO, business manager and HR
administrator). Another school's course is a 404 for the outsider (the SIRO of their own
school, who sees and adds to their own catalogue). In the API, not a member: 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from schoolkeep.training.defaults import ensure_default_courses
from schoolkeep.training.models import Course
from tests.personas import Personas

# A fixed id, so that the API's record body (a constant) can name the course.
COURSE_ID = uuid.UUID("7a1c2f3e-5b6d-4e8f-9a0b-000000000420")


def build(personas: Personas) -> dict[str, Any]:
    ensure_default_courses(personas.school)
    course = Course.objects.get(school=personas.school, catalogue_key="ncsc_cyber")
    Course.objects.filter(pk=course.pk).update(public_id=COURSE_ID)
    return {"training_course_id": str(COURSE_ID)}


def _course(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["training_course_id"]}


URL_ARGUMENTS = {
    "training:course-detail": _course,
    "training:course-edit": _course,
    "training:course-archive": _course,
    "api:course-detail": lambda t: {"course_id": t.extra["training_course_id"]},
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("training:course-create", "POST"): lambda t: {
        "name": "Matrix Fire Safety", "topic": "own", "valid_for_months": "12"},
    ("training:course-edit", "POST"): lambda t: {
        "version": "1", "name": "Matrix Cyber Training", "topic": "cyber",
        "valid_for_months": "12"},
}

SCHOOL_QUERY = {"api:course-list", "api:course-create", "api:course-detail"}

_API_CREATE = {"school": "oakfield", "name": "Matrix API Course", "topic": "own"}
API_BODIES = {
    ("api:course-create", "POST"): _API_CREATE,
    ("api:course-list", "POST"): _API_CREATE,
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("training:course-list", "GET"): "302 200 200 403 200 403 403 200 403 403 403 200 200 200",
    ("training:course-list", "POST"): "302 302 403 403 302 403 403 302 403 403 403 403 403 302",
    ("training:course-create", "GET"): "302 200 403 403 200 403 403 200 403 403 403 403 403 200",
    ("training:course-create", "POST"): "302 302 403 403 302 403 403 302 403 403 403 403 403 302",
    ("training:course-detail", "GET"): "302 200 200 403 200 403 403 200 403 403 403 200 200 404",
    ("training:course-detail", "POST"): "302 405 405 403 405 403 403 405 403 403 403 405 405 405",
    ("training:course-edit", "GET"): "302 200 403 403 200 403 403 200 403 403 403 403 403 404",
    ("training:course-edit", "POST"): "302 302 403 403 302 403 403 302 403 403 403 403 403 404",
    ("training:course-archive", "GET"): "302 200 403 403 200 403 403 200 403 403 403 403 403 404",
    ("training:course-archive", "POST"): "302 302 403 403 302 403 403 302 403 403 403 403 403 404",
    ("api:course-list", "GET"): "401 200 200 403 200 403 403 200 403 403 403 200 200 404",
    ("api:course-list", "POST"): "401 201 403 403 201 403 403 201 403 403 403 403 403 404",
    ("api:course-create", "GET"): "401 200 200 403 200 403 403 200 403 403 403 200 200 404",
    ("api:course-create", "POST"): "401 201 403 403 201 403 403 201 403 403 403 403 403 404",
    ("api:course-detail", "GET"): "401 200 200 403 200 403 403 200 403 403 403 200 200 404",
    ("api:course-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
