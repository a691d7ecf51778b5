"""The policy register in the JSON API (/api/v1/policies): read only, with the permission of
the register's pages (policies.view). Not a member of the school: 404.

A list and a record name their school as ``?school=<slug>``. Each policy carries its status
and next review as the register page shows them (a term read from the school's calendar,
``next_review_estimated`` while that year's dates are only the default pattern).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import AwareDatetime

from schoolkeep.agreements.policies import selectors
from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out

router = Router(tags=["policies"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class PolicyOut(Out):
    id: UUID
    title: str
    kind: Policy.Kind
    kind_label: str
    owner: UUID | None = Field(..., description="The owner's account id.")
    owner_name: str
    current_version: int | None = Field(..., description="The approved version in force.")
    approved_on: date | None
    approved_by_name: str
    review_cycle_months: int
    next_review_on: date | None
    next_review_term: str = Field(..., description='Set when given as a term ("Spring 2027").')
    next_review_estimated: bool
    status: str = Field(..., description="draft, waiting, up_to_date, due or overdue.")
    status_label: str
    version: int


class VersionOut(Schema):
    id: UUID
    number: int
    status: PolicyVersion.Status
    source: PolicyVersion.Source
    content_hash: str
    has_file: bool
    created_at: AwareDatetime
    sent_for_review_at: AwareDatetime | None
    approved_on: date | None
    approved_by_name: str


class PolicyDetailOut(PolicyOut):
    versions: list[VersionOut]


def _policy_out(policy: Policy, state: selectors.ReviewState) -> dict[str, Any]:
    owner = policy.owner
    current = policy.current_version
    return {
        "id": policy.public_id, "title": policy.title, "kind": policy.kind,
        "kind_label": policy.get_kind_display(),
        "owner": owner.public_id if owner is not None else None,
        "owner_name": (owner.full_name or owner.email) if owner is not None else "",
        "current_version": current.number if current is not None else None,
        "approved_on": policy.approved_on, "approved_by_name": policy.approved_by_name,
        "review_cycle_months": policy.review_cycle_months, "next_review_on": state.on,
        "next_review_term": state.term, "next_review_estimated": state.estimated,
        "status": state.status, "status_label": state.status_label, "version": policy.version,
    }


def _version_out(version: PolicyVersion) -> dict[str, Any]:
    return {
        "id": version.public_id, "number": version.number, "status": version.status,
        "source": version.source, "content_hash": version.content_hash,
        "has_file": bool(version.file_name), "created_at": version.created_at,
        "sent_for_review_at": version.sent_for_review_at, "approved_on": version.approved_on,
        "approved_by_name": version.approved_by_name,
    }


@router.get("", response={200: Page[PolicyOut], **READ_ERRORS}, url_name="policy-list",
            summary="The policies of a school")
def policy_list(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "policies.view")
    page = paginate(selectors.policy_list(school=access.school), limit=params.limit,
                    offset=params.offset)
    rows = selectors.review_states(access.school, page["items"], today=timezone.localdate())
    page["items"] = [_policy_out(policy, state) for policy, state in rows]
    return page


@router.get("/{policy_id}", response={200: PolicyDetailOut, **READ_ERRORS},
            url_name="policy-detail", summary="One policy, with its versions")
def policy_detail(request: HttpRequest, policy_id: UUID,
                  params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "policies.view")
    policy = selectors.policy_for_page(school=access.school, public_id=policy_id)
    [(_, state)] = selectors.review_states(access.school, [policy], today=timezone.localdate())
    return {**_policy_out(policy, state),
            "versions": [_version_out(version) for version in policy.versions.all()]}
