"""The digital housekeeping campaigns in the JSON API (/api/v1/housekeeping-campaigns).

The same scoping, permissions, rules and audit as the pages: reads need housekeeping.view,
a launch housekeeping.manage (the SIRO) and goes through ``campaign_launch``. Not a member of
the school: 404. A role that may not write: 403. A broken rule: 422 naming the field.

A list and a record name their school as ``?school=<slug>``; a launch carries ``school`` in
its body, with the sites and access labels by id. A campaign's record carries its figures:
asked and confirmed, overall and per group (kind of person, site), kept as they were when it
closed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.assets.models import AccessLabel
from schoolkeep.housekeeping.campaigns import selectors, services
from schoolkeep.lib.errors import DomainError
from schoolkeep.people.models import PersonKind
from schoolkeep.tenancy.models import Site

router = Router(tags=["housekeeping-campaigns"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut, 422: ValidationErrorOut}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class CampaignOut(Out):
    id: UUID
    title: str
    launched_at: datetime
    launched_by: str
    closes_on: date = Field(..., description="The confirm-by date.")
    closed_at: datetime | None
    kinds: list[str] = Field(..., description="Kinds of person asked; empty: all staff.")
    asked: int
    confirmed: int


class GroupOut(Schema):
    group: Literal["kind", "site"]
    label: str
    asked: int
    confirmed: int


class CampaignDetailOut(CampaignOut):
    checklist: list[str]
    groups: list[GroupOut]


class CampaignIn(Schema):
    model_config = ConfigDict(extra="forbid")

    school: str = Field(..., description="The school's slug.")
    title: str = Field(..., max_length=200)
    closes_on: date = Field(..., description="The confirm-by date, after today.")
    checklist: list[str] | None = Field(None, description="Left out: the school's checklist.")
    kinds: list[PersonKind] = Field([], description="Left out: all staff.")
    sites: list[UUID] = Field([], description="Ids of the school's sites; none: every site.")
    access_labels: list[UUID] = Field([], description="Ids of access labels; none: anyone.")


COLUMNS = ("public_id", "title", "launched_at", "launched_by_label", "closes_on", "closed_at",
           "audience_kinds", "asked", "confirmed")


def _out(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["public_id"], "title": row["title"], "launched_at": row["launched_at"],
            "launched_by": row["launched_by_label"], "closes_on": row["closes_on"],
            "closed_at": row["closed_at"], "kinds": row["audience_kinds"],
            "asked": row["asked"], "confirmed": row["confirmed"]}


def _detail(school: Any, campaign_id: UUID) -> dict[str, Any]:
    campaign = selectors.campaign_for_page(school=school, public_id=campaign_id)
    figures = selectors.figures_of(campaign).as_dict()
    return {"id": campaign.public_id, "title": campaign.title,
            "launched_at": campaign.launched_at, "launched_by": campaign.launched_by_label,
            "closes_on": campaign.closes_on, "closed_at": campaign.closed_at,
            "kinds": campaign.audience_kinds, "asked": figures["asked"],
            "confirmed": figures["confirmed"], "checklist": campaign.checklist,
            "groups": figures["groups"]}


def _by_ids(model: Any, school: Any, ids: list[UUID], field: str, what: str) -> list[Any]:
    found = list(model.objects.filter(school=school, public_id__in=ids))
    if len(found) != len(set(ids)):
        raise DomainError(f"Choose {what} of this school.", field=field)
    return found


@router.get("", response={200: Page[CampaignOut], **READ_ERRORS},
            url_name="housekeeping-campaign-list",
            summary="A school's digital housekeeping campaigns, newest first")
def campaign_list(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "housekeeping.view")
    page = paginate(selectors.campaign_list(school=access.school), limit=params.limit,
                    offset=params.offset, columns=COLUMNS)
    return {"items": [_out(row) for row in page["items"]], "count": page["count"]}


@router.post("", response={201: CampaignDetailOut, **WRITE_ERRORS},
             url_name="housekeeping-campaign-create",
             summary="Launch a campaign: everyone in the audience is asked and e-mailed")
def campaign_create(request: HttpRequest, payload: CampaignIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "housekeeping.manage")
    school = access.school
    checklist = payload.checklist
    if checklist is None:
        checklist = services.checklist_of(school)[0]
    campaign = services.campaign_launch(
        school=school, actor=request.user, title=payload.title, closes_on=payload.closes_on,
        checklist=checklist, kinds=[str(kind) for kind in payload.kinds],
        sites=_by_ids(Site, school, payload.sites, "sites", "sites"),
        access_labels=_by_ids(AccessLabel, school, payload.access_labels, "access_labels",
                              "access labels"))
    return Status(201, _detail(school, campaign.public_id))


@router.get("/{campaign_id}", response={200: CampaignDetailOut, **READ_ERRORS},
            url_name="housekeeping-campaign-detail",
            summary="One campaign with its figures, overall and per group")
def campaign_detail(request: HttpRequest, campaign_id: UUID,
                    params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "housekeeping.view")
    return _detail(access.school, campaign_id)
