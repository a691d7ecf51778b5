"""Leavers in the JSON API (/api/v1/leavers): each leaver with their checklist.

Read only, with leavers.view (steps are recorded on the checklist's page, where each one
goes through its register's own service). Not a member of the school: 404. A list names its
school as ``?school=<slug>``. Each leaver's steps are read live from the registers, as the
page reads them: a constant number of queries for a page of leavers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router
from pydantic import AwareDatetime

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out
from schoolkeep.leavers import selectors
from schoolkeep.leavers.models import Checklist, StepRecord

router = Router(tags=["leavers"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}


class LeaverListParams(ListParams):
    show: Literal["open", "all"] = Field(
        "open", description="open: checklists not yet closed (the default); all: every one.")


class PersonOut(Out):
    id: UUID
    full_name: str


class StepOut(Out):
    kind: str
    kind_label: str
    subject_id: str = Field(..., description="The id of the account, asset, system or cycle.")
    label: str
    done: bool
    detail: str
    url: str = Field(..., description="Where the step is seen or done.")


class RecordOut(Out):
    kind: StepRecord.Kind
    kind_label: str
    subject_id: str
    label: str
    new_holder: UUID | None = Field(..., description="The person who took it over.")
    note: str
    done_at: AwareDatetime
    done_by: str


class LeaverOut(Out):
    id: UUID = Field(..., description="The checklist's id.")
    person: PersonOut
    leaving_date: date
    closed_at: AwareDatetime | None
    steps: list[StepOut] = Field(..., description="What the registers still ask for (and "
                                                  "the shared passwords' changes, done or not).")
    records: list[RecordOut] = Field(..., description="Each step done: who and when.")


def _step(step: selectors.Step) -> dict[str, Any]:
    return {"kind": step.kind, "kind_label": step.kind_label, "subject_id": step.subject_id,
            "label": step.label, "done": step.done, "detail": step.detail, "url": step.url}


def _record(record: StepRecord) -> dict[str, Any]:
    return {"kind": record.kind, "kind_label": record.get_kind_display(),
            "subject_id": record.subject_id, "label": record.subject_label,
            "new_holder": record.new_holder.public_id if record.new_holder else None,
            "note": record.note, "done_at": record.done_at, "done_by": record.done_by_label}


def _page_out(checklists: list[Checklist]) -> list[dict[str, Any]]:
    records: dict[int, list[StepRecord]] = defaultdict(list)
    for record in (StepRecord.objects.filter(checklist__in=checklists)
                   .select_related("new_holder").order_by("done_at", "pk")):
        records[record.checklist_id].append(record)
    steps = selectors.leaver_steps(checklists)
    out = []
    for checklist in checklists:
        settled = selectors.settled_by(records[checklist.pk])
        out.append({
            "id": checklist.public_id,
            "person": {"id": checklist.person.public_id,
                       "full_name": checklist.person.full_name},
            "leaving_date": checklist.effective_on, "closed_at": checklist.closed_at,
            "steps": [_step(step) for step in steps[checklist.pk]
                      if step.subject_id not in settled],
            "records": [_record(record) for record in records[checklist.pk]],
        })
    return out


@router.get("", response={200: Page[LeaverOut], **READ_ERRORS}, url_name="leaver-list",
            summary="The leavers of a school, each with their checklist")
def leaver_list(request: HttpRequest, params: Query[LeaverListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "leavers.view")
    checklists = selectors.checklist_list(school=access.school, show=params.show).filter(
        kind=Checklist.Kind.LEAVER)
    page = paginate(checklists, limit=params.limit, offset=params.offset)
    page["items"] = _page_out(page["items"])
    return page
