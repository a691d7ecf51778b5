"""Frameworks in the JSON API (/api/v1/frameworks): where a school stands against each, for
a trust that automates its reporting.

Reads need ``compliance.view`` in the school named by ``?school=<slug>`` (not a member: 404;
a role without it: 403). The states are worked out when asked, as the pages do.

- ``GET /api/v1/frameworks?school=``: the current frameworks, each with its score and its
  requirements counted by state;
- ``GET /api/v1/frameworks/{id}/requirements?school=``: the school's requirements of one
  current framework (its own wording where it has one, less those it withdrew, plus the
  clauses it added), each with its state and its controls' codes and states, 50 a page.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from schoolkeep.api.pagination import ListParams, Page, school_access
from schoolkeep.api.schemas import MessageOut, Out
from schoolkeep.compliance.models import Framework
from schoolkeep.compliance.state import engine
from schoolkeep.compliance.state.types import FrameworkState

router = Router(tags=["compliance"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
PERMISSION = "compliance.view"


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class FrameworkOut(Out):
    id: UUID
    code: str = Field(..., description="Stable: school-policy, dfe-cyber, rpa-cyber.")
    version: str
    title: str
    short_title: str
    publisher: str
    source_url: str
    score_percent: int = Field(..., description="Met, partly met counting half, out of "
                                                "every requirement; rounded down.")
    score_permille: int
    requirements: int
    met: int
    partly: int
    not_met: int
    not_assessed: int = Field(..., description="Counted in the total, scoring nothing.")


class ControlRef(Out):
    id: UUID
    code: str = Field(..., description="Empty for a control the school added.")
    title: str
    state: str
    owner: str


class RequirementOut(Out):
    id: UUID
    code: str
    section: str
    title: str
    text: str
    met_means: str
    advice: str
    advice_source: str
    state: str = Field(..., description="met, partly, not_met or not_assessed.")
    edited: bool = Field(..., description="In the school's own words.")
    added: bool = Field(..., description="A clause the school added.")
    controls: list[ControlRef]


def _framework_out(state: FrameworkState) -> dict[str, Any]:
    framework = state.framework
    return {"id": framework.public_id, "code": framework.code, "version": framework.version,
            "title": framework.title, "short_title": framework.short_title,
            "publisher": framework.publisher, "source_url": framework.source_url,
            "score_percent": state.percent, "score_permille": state.score_permille,
            "requirements": len(state.requirements), "met": state.met,
            "partly": state.partly, "not_met": state.not_met,
            "not_assessed": state.not_assessed}


@router.get("", response={200: Page[FrameworkOut], **READ_ERRORS}, url_name="framework-list",
            summary="The current frameworks with the school's score and counts")
def framework_list(request: HttpRequest, params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, PERMISSION)
    states = engine.framework_states(access.school, now=timezone.now())
    return {"items": [_framework_out(state) for state in states], "count": len(states)}


@router.get("/{framework_id}/requirements", response={200: Page[RequirementOut], **READ_ERRORS},
            url_name="framework-requirements",
            summary="The school's requirements of one framework, with their states")
def framework_requirements(request: HttpRequest, framework_id: UUID,
                           params: Query[ListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, PERMISSION)
    framework = Framework.objects.filter(public_id=framework_id, is_current=True).first()
    if framework is None:
        raise Http404("Not found")
    state = engine.framework_state(access.school, framework.code, now=timezone.now())
    if state is None:  # made not current since
        raise Http404("Not found")
    rows = state.requirements[params.offset:params.offset + params.limit]
    return {"count": len(state.requirements), "items": [{
        "id": each.requirement.public_id, "code": each.requirement.replaces_code
        or each.requirement.code, "section": each.requirement.section,
        "title": each.requirement.title, "text": each.requirement.text,
        "met_means": each.requirement.met_means, "advice": each.requirement.advice,
        "advice_source": each.requirement.advice_source, "state": each.state,
        "edited": each.edited, "added": each.added,
        "controls": [{"id": cs.control.public_id, "code": cs.control.code,
                      "title": cs.control.title, "state": cs.state, "owner": cs.owner_label}
                     for cs in each.controls]} for each in rows]}
