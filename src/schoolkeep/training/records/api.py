"""Training records in the JSON API (/api/v1/training-records).

Reads need training.view, a create training.manage, through the records' services (the
same rules and audit as the pages; a certificate is attached on the record's page, not
here). Not a member of the school: 404; a role that may not: 403; a broken rule (a person
who had left, an archived course, a day in the future, a record that day already): 422
naming the field. A list and a record name their school as ``?school=<slug>``, a create in
its body with the ids of the person and the course.

``state``: "" (records in force, the default), "awaiting" (recorded by members themselves,
not yet confirmed), "withdrawn" or "every".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.lib.errors import DomainError
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.tenancy.selectors import get_for_school_or_404
from schoolkeep.training.models import Course, TrainingRecord
from schoolkeep.training.records import selectors, services

router = Router(tags=["training-records"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut, 422: ValidationErrorOut}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class RecordListParams(ListParams):
    state: Literal["", "awaiting", "withdrawn", "every"] = Field(
        "", description="awaiting, withdrawn or every; left out: the records in force.")
    course: UUID | None = Field(None, description="Only this course's records.")
    person: UUID | None = Field(None, description="Only this person's records.")
    kind: str = Field("", max_length=20,
                      description="Only people of this kind (teaching, support, governor...).")


class RecordOut(Out):
    id: UUID
    person: UUID
    person_name: str
    course: UUID
    course_name: str
    completed_on: date
    source: str = Field(..., description="entered, session, import or self.")
    has_certificate: bool
    notes: str
    confirmed_at: datetime | None = Field(..., description="Empty: awaiting confirmation.")
    confirmed_by: str
    withdrawn_at: datetime | None
    withdrawn_reason: str
    recorded_by: str
    version: int


class RecordIn(Schema):
    model_config = ConfigDict(extra="forbid")

    school: str = Field(..., description="The school's slug.")
    person: UUID = Field(..., description="The id of a person of the school.")
    course: UUID = Field(..., description="The id of a course of the school, in use.")
    completed_on: date
    notes: str = Field("", max_length=500)


COLUMNS = ("public_id", "person__public_id", "person__full_name", "course__public_id",
           "course__name", "completed_on", "source", "certificate_stored_name", "notes",
           "confirmed_at", "confirmed_by_label", "withdrawn_at", "withdrawn_reason",
           "recorded_by_label", "version")


def _out(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["public_id"], "person": row["person__public_id"],
            "person_name": row["person__full_name"], "course": row["course__public_id"],
            "course_name": row["course__name"], "completed_on": row["completed_on"],
            "source": row["source"], "has_certificate": bool(row["certificate_stored_name"]),
            "notes": row["notes"], "confirmed_at": row["confirmed_at"],
            "confirmed_by": row["confirmed_by_label"], "withdrawn_at": row["withdrawn_at"],
            "withdrawn_reason": row["withdrawn_reason"],
            "recorded_by": row["recorded_by_label"], "version": row["version"]}


def _record_out(school: Any, record_id: UUID) -> dict[str, Any]:
    rows = list(TrainingRecord.objects.filter(school=school, public_id=record_id)
                .values(*COLUMNS))
    if not rows:
        get_for_school_or_404(TrainingRecord, school=school, public_id=record_id)
    return _out(rows[0])


def _one(model: Any, school: Any, wanted: UUID, field: str, message: str) -> Any:
    found = model.objects.filter(school=school, public_id=wanted).first()
    if found is None:
        raise DomainError(message, field=field)
    return found


def _filtered(school: Any, params: RecordListParams) -> QuerySet[TrainingRecord]:
    course = person = None
    if params.kind and params.kind not in PersonKind.values:
        raise DomainError(f"Choose one of: {', '.join(PersonKind.values)}.", field="kind")
    if params.course is not None:
        course = Course.objects.filter(school=school, public_id=params.course).first()
        if course is None:
            return TrainingRecord.objects.none()
    if params.person is not None:
        person = Person.objects.filter(school=school, public_id=params.person).first()
        if person is None:
            return TrainingRecord.objects.none()
    return selectors.record_list(school=school, state=params.state, course=course,
                                 person=person, kind=params.kind)


@router.get("", response={200: Page[RecordOut], **READ_ERRORS}, url_name="training-record-list",
            summary="A school's training records, latest first")
def record_list(request: HttpRequest, params: Query[RecordListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "training.view")
    page = paginate(_filtered(access.school, params), limit=params.limit,
                    offset=params.offset, columns=COLUMNS)
    return {"items": [_out(row) for row in page["items"]], "count": page["count"]}


@router.post("", response={201: RecordOut, **WRITE_ERRORS},
             url_name="training-record-create",
             summary="Record that a person completed a course (confirmed at once)")
def record_create(request: HttpRequest, payload: RecordIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "training.manage")
    person = _one(Person, access.school, payload.person, "person",
                  "Choose a person from the people of this school.")
    course = _one(Course, access.school, payload.course, "course",
                  "Choose one of the school's courses.")
    record = services.record_create(school=access.school, actor=request.user, person=person,
                                    course=course, completed_on=payload.completed_on,
                                    notes=payload.notes)
    return Status(201, _record_out(access.school, record.public_id))


@router.get("/{record_id}", response={200: RecordOut, **READ_ERRORS},
            url_name="training-record-detail", summary="One training record")
def record_detail(request: HttpRequest, record_id: UUID,
                  params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "training.view")
    return _record_out(access.school, record_id)
