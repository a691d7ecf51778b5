"""Courses in the JSON API (/api/v1/courses).

Reads need training.view, a create training.manage, through the courses' services (the same
rules and audit as the pages). Not a member of the school: 404; a role that may not: 403; a
broken rule (a name the school has already): 422 naming the field. A list and a record name
their school as ``?school=<slug>``, a create in its body. ``archived=true`` lists the
archived courses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.tenancy.selectors import get_for_school_or_404
from schoolkeep.training.courses import selectors, services
from schoolkeep.training.models import Course

router = Router(tags=["courses"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut, 422: ValidationErrorOut}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class CourseListParams(ListParams):
    archived: bool = Field(False, description="true: the archived courses instead.")


class CourseOut(Out):
    id: UUID
    name: str
    topic: str
    catalogue_key: str = Field(..., description="The default course it was made from "
                                                "(\"ncsc_cyber\": the NCSC's cyber security "
                                                "training), or empty.")
    provider: str
    link: str
    description: str
    valid_for_months: int
    archived_at: datetime | None
    records: int = Field(..., description="Its records not withdrawn.")
    version: int


class CourseIn(Schema):
    model_config = ConfigDict(extra="forbid")

    school: str = Field(..., description="The school's slug.")
    name: str = Field(..., max_length=200)
    topic: str = Field(..., description="cyber, data_protection, safeguarding or own.")
    valid_for_months: int = Field(12, description="1 to 120.")
    provider: str = Field("", max_length=200)
    link: str = Field("", max_length=200)
    description: str = Field("", max_length=2000)


COLUMNS = ("public_id", "name", "topic", "catalogue_key", "provider", "link", "description",
           "valid_for_months", "archived_at", "record_count", "version")


def _out(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["public_id"], "name": row["name"], "topic": row["topic"],
            "catalogue_key": row["catalogue_key"], "provider": row["provider"],
            "link": row["link"], "description": row["description"],
            "valid_for_months": row["valid_for_months"], "archived_at": row["archived_at"],
            "records": row["record_count"], "version": row["version"]}


def _course_out(school: Any, course_id: UUID) -> dict[str, Any]:
    state = ""
    course = get_for_school_or_404(Course, school=school, public_id=course_id)
    if course.archived_at is not None:
        state = selectors.ARCHIVED
    rows = selectors.course_list(school=school, state=state).filter(pk=course.pk)
    return _out(rows.values(*COLUMNS)[0])


@router.get("", response={200: Page[CourseOut], **READ_ERRORS}, url_name="course-list",
            summary="A school's courses, by name")
def course_list(request: HttpRequest, params: Query[CourseListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "training.view")
    courses = selectors.course_list(school=access.school,
                                    state=selectors.ARCHIVED if params.archived else "")
    page = paginate(courses, limit=params.limit, offset=params.offset, columns=COLUMNS)
    return {"items": [_out(row) for row in page["items"]], "count": page["count"]}


@router.post("", response={201: CourseOut, **WRITE_ERRORS}, url_name="course-create",
             summary="Add a course (the body names the school)")
def course_create(request: HttpRequest, payload: CourseIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "training.manage")
    course = services.course_create(school=access.school, actor=request.user,
                                    **payload.model_dump(exclude={"school"}))
    return Status(201, _course_out(access.school, course.public_id))


@router.get("/{course_id}", response={200: CourseOut, **READ_ERRORS},
            url_name="course-detail", summary="One course")
def course_detail(request: HttpRequest, course_id: UUID,
                  params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "training.view")
    return _course_out(access.school, course_id)
