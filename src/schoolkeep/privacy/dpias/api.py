"""DPIAs in the JSON API (``/api/v1/dpias``): the same services and rules as the pages.

- ``GET ?school=`` lists the school's current DPIAs (``dpias.view``), newest first;
  ``state`` filters by state (``screening``, ``not_required``, ``in_progress``,
  ``awaiting_ico``, ``signed_off``).
- ``GET /{id}?school=`` reads one, with its screening answers, its assessment, its risks
  (each with its result and its residual result on the product's one scale), the DPO's
  advice, the ICO's prior consultation and the sign-off.
- ``POST`` starts one (``dpias.manage``) for an asset (``asset``: its id), a system
  (``system``) or a new project (``project_name``): one of the three. A second current DPIA
  for the same asset or system is refused (422 naming it).
- ``PATCH /{id}?school=`` changes the assessment's text fields and the review date
  (``dpias.manage``): only the fields sent change; ``version`` is the one read (a newer
  one: 409).
- ``POST /{id}/screening?school=`` records the screening (``dpias.manage``): every answer
  yes or no with a note, by question key (``GET /screening-questions`` lists them); the
  decision and its reasons come back in the DPIA.

The DPO's advice and the SIRO's sign-off are recorded on the pages only: each is a
judgement a named member makes there, with what it needs shown beside it.

Errors: not a member of the school, or another school's DPIA, 404; a role without the
permission 403; a broken rule 422 naming the field as the body names it; a stale version 409.
Dates are ISO 8601 texts only ("2026-11-20"); numbers are integers, flags true or false.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import BeforeValidator, ConfigDict, StrictBool, StrictInt
from pydantic_core import PydanticCustomError

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.assets.models import Asset
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.lib.risk import risk_result
from schoolkeep.privacy.dpias import screening, services
from schoolkeep.privacy.dpias.models import Dpia, DpiaState
from schoolkeep.systems.models import System
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.selectors import get_for_school_or_404

router = Router(tags=["dpias"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut, 409: MessageOut,
                                422: ValidationErrorOut}
LIST_COLUMNS = ("public_id", "state", "asset__public_id", "asset__name", "system__public_id",
                "system__name", "project_name", "legacy", "screening_required",
                "screened_on", "signed_off_on", "review_on", "version")
TEXT_LIMIT = 20_000  # a DPIA's section is a few paragraphs; this bounds a mistake


def _iso_day(value: Any) -> date:
    """A day as an ISO 8601 text only: not a number (a Unix time)."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise PydanticCustomError("iso_date", "Give the date as an ISO 8601 text, such as "
                                          "2026-11-20.")


IsoDate = Annotated[date, BeforeValidator(_iso_day)]
Text = Annotated[str, Field(max_length=TEXT_LIMIT)]


# ---------------------------------------------------------------------------- shapes in


class StateParams(ListParams):
    state: DpiaState | None = Field(None, description="Only DPIAs in this state.")


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class DpiaIn(Schema):
    model_config = ConfigDict(extra="forbid")

    school: str = Field(..., description="The school's slug.")
    asset: UUID | None = Field(None, description="The information asset's id.")
    system: UUID | None = Field(None, description="The system's id.")
    project_name: str = Field("", max_length=300, description="A new project's name (when "
                                                              "neither asset nor system).")


class DpiaPatch(Schema):
    """Only the fields sent change; ``version`` is the one read (a newer one: 409)."""

    model_config = ConfigDict(extra="forbid")

    version: StrictInt
    processing_notes: Text | None = Field(None, description="Nature, scope and context.")
    necessity: Text | None = Field(None, description="Necessity and proportionality.")
    consultation_views: Text | None = Field(None, description="Views of the people "
                                                              "affected.")
    consultation_not_sought_reason: Text | None = Field(
        None, description="Why their views were not sought.")
    review_on: IsoDate | None = Field(None, description="When the DPIA is next reviewed.")
    description: dict[str, Annotated[str, Field(max_length=5000)]] | None = Field(
        None, description="Notes of the processing by heading (purpose, lawful_basis, "
                          "categories, recipients, retention, systems, transfers): only "
                          "the headings sent change.")


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: StrictBool
    note: str = Field("", max_length=2000)


class ScreeningIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: StrictInt
    answers: dict[str, AnswerIn] = Field(..., description="By question key (see "
                                                          "/dpias/screening-questions).")


# ---------------------------------------------------------------------------- shapes out


class SubjectOut(Out):
    kind: str = Field(..., description='"asset", "system" or "project".')
    id: UUID | None
    name: str


class DpiaOut(Out):
    id: UUID
    subject: SubjectOut
    state: DpiaState
    legacy: bool = Field(..., description="Recorded before Schoolkeep tracked it (made from "
                                          "the register's old DPIA fields).")
    required: bool | None = Field(..., description="The screening's decision; null until "
                                                   "screened.")
    screened_on: date | None
    signed_off_on: date | None = Field(..., description="Completed: signed off by the SIRO.")
    review_on: date | None
    version: int


class AnswerOut(Schema):
    key: str
    answer: bool
    note: str


class RiskOut(Schema):
    id: UUID
    description: str
    likelihood: int
    severity: int
    result: str
    measures: str
    residual_likelihood: int | None
    residual_severity: int | None
    residual_result: str = Field(..., description='"unlikely", "risk", "high", or "" '
                                                  "until scored.")
    measures_approved: bool


class DpiaDetailOut(DpiaOut):
    screening: list[AnswerOut]
    screening_reasons: str
    description: dict[str, Any] = Field(..., description="The processing, as filled from "
                                                         "the registers and edited.")
    processing_notes: str
    necessity: str
    consultation_views: str
    consultation_not_sought_reason: str
    risks: list[RiskOut]
    dpo_advice: str
    dpo_advice_on: date | None
    dpo_advice_followed: bool | None
    dpo_advice_not_followed_reason: str
    ico_consulted_on: date | None
    ico_reference: str
    ico_response_on: date | None
    ico_response: str
    archived: bool


class QuestionOut(Schema):
    key: str
    group: str
    text: str
    source: str


# ---------------------------------------------------------------------------- helpers


def _refused(error: DomainError, *, sent: str = "") -> Status[dict[str, Any]]:
    """A broken rule as 422 naming the field; a refusal or a stale version goes on to the
    API's handlers (403, 409). A refusal of the whole change (the DPIA is signed off or
    archived) names no field of its own: it names ``sent``, the first field the body sent."""
    if isinstance(error, NotAllowed | StaleVersion):
        raise error
    return Status(422, {"detail": [{"loc": _loc(error.field or sent),
                                    "msg": error.message}]})


def _first_sent(payload: Schema) -> str:
    """The first field the body sent besides its version ("version" when only that)."""
    sent = [name for name in payload.model_dump(exclude_unset=True) if name != "version"]
    return sent[0] if sent else "version"


def _loc(field: str) -> list[str]:
    """Where the body gives the service's field: a screening question's answer under
    ``answers``, a note of the description under ``description``."""
    if field in screening.BY_KEY:
        return ["body", "answers", field]
    if field.startswith("description_"):
        return ["body", "description", field.removeprefix("description_")]
    return ["body", *field.split(".")] if field else ["body"]


def _subject(asset_id: UUID | None, asset: str | None, system_id: UUID | None,
             system: str | None, project: str) -> dict[str, Any]:
    if asset_id:
        return {"kind": "asset", "id": asset_id, "name": asset or ""}
    if system_id:
        return {"kind": "system", "id": system_id, "name": system or ""}
    return {"kind": "project", "id": None, "name": project}


def _row_out(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["public_id"], "state": row["state"], "legacy": row["legacy"],
            "subject": _subject(row["asset__public_id"], row["asset__name"],
                                row["system__public_id"], row["system__name"],
                                row["project_name"]),
            "required": row["screening_required"], "screened_on": row["screened_on"],
            "signed_off_on": row["signed_off_on"], "review_on": row["review_on"],
            "version": row["version"]}


def _dpias(access: SchoolAccess) -> Any:
    return Dpia.objects.filter(school=access.school).select_related("asset", "system")


def _found(access: SchoolAccess, dpia_id: UUID) -> Dpia:
    return get_for_school_or_404(_dpias(access), school=access.school, public_id=dpia_id)


def _detail_out(dpia: Dpia) -> dict[str, Any]:
    answers = dpia.screening if isinstance(dpia.screening, dict) else {}
    risks = list(dpia.risks.all())
    return {
        "id": dpia.public_id, "state": dpia.state, "legacy": dpia.legacy,
        "subject": _subject(dpia.asset.public_id if dpia.asset else None,
                            dpia.asset.name if dpia.asset else None,
                            dpia.system.public_id if dpia.system else None,
                            dpia.system.name if dpia.system else None, dpia.project_name),
        "required": dpia.screening_required, "screened_on": dpia.screened_on,
        "signed_off_on": dpia.signed_off_on, "review_on": dpia.review_on,
        "version": dpia.version,
        "screening": [{"key": key, "answer": bool(value.get("answer")),
                       "note": str(value.get("note") or "")}
                      for key, value in answers.items() if isinstance(value, dict)],
        "screening_reasons": dpia.screening_reasons,
        "description": dpia.description if isinstance(dpia.description, dict) else {},
        "processing_notes": dpia.processing_notes, "necessity": dpia.necessity,
        "consultation_views": dpia.consultation_views,
        "consultation_not_sought_reason": dpia.consultation_not_sought_reason,
        "risks": [{"id": r.public_id, "description": r.description,
                   "likelihood": r.likelihood, "severity": r.severity,
                   "result": risk_result(r.likelihood, r.severity), "measures": r.measures,
                   "residual_likelihood": r.residual_likelihood,
                   "residual_severity": r.residual_severity,
                   "residual_result": risk_result(r.residual_likelihood, r.residual_severity),
                   "measures_approved": r.measures_approved} for r in risks],
        "dpo_advice": dpia.dpo_advice, "dpo_advice_on": dpia.dpo_advice_on,
        "dpo_advice_followed": dpia.dpo_advice_followed,
        "dpo_advice_not_followed_reason": dpia.dpo_advice_not_followed_reason,
        "ico_consulted_on": dpia.ico_consulted_on, "ico_reference": dpia.ico_reference,
        "ico_response_on": dpia.ico_response_on, "ico_response": dpia.ico_response,
        "archived": dpia.archived_at is not None,
    }


def _start_subject(access: SchoolAccess, payload: DpiaIn) -> dict[str, Any]:
    """The asset or system named by the body, of this school (another school's: 422 naming
    it, as for an id that does not exist)."""
    if payload.asset and payload.system:
        raise DomainError("Give an asset or a system, not both.", field="system")
    if (payload.asset or payload.system) and payload.project_name.strip():
        raise DomainError("Give a project's name only for a new project, not with an asset "
                          "or a system.", field="project_name")
    if payload.asset:
        asset = Asset.objects.filter(school=access.school, public_id=payload.asset,
                                     archived_at__isnull=True).first()
        if asset is None:
            raise DomainError("No current information asset of this school has this id.",
                              field="asset")
        return {"asset": asset}
    if payload.system:
        system = System.objects.filter(school=access.school, public_id=payload.system,
                                       archived_at__isnull=True).first()
        if system is None:
            raise DomainError("No current system of this school has this id.",
                              field="system")
        return {"system": system}
    if not payload.project_name.strip():
        raise DomainError("Give an asset, a system or the name of a new project.",
                          field="project_name")
    return {"project_name": payload.project_name.strip()}


# ---------------------------------------------------------------------------- endpoints


@router.get("/screening-questions", response={200: list[QuestionOut]},
            url_name="dpia-screening-questions",
            summary="The screening's questions, in order, with their sources")
def dpia_questions(request: HttpRequest) -> list[dict[str, str]]:
    return [{"key": q.key, "group": q.group, "text": q.text, "source": q.source}
            for q in screening.QUESTIONS]


@router.get("", response={200: Page[DpiaOut], **READ_ERRORS}, url_name="dpia-list",
            summary="The current DPIAs of a school, newest first")
def dpia_list(request: HttpRequest, params: Query[StateParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "dpias.view")
    dpias = Dpia.objects.filter(school=access.school, archived_at__isnull=True)
    if params.state:
        dpias = dpias.filter(state=params.state)
    page = paginate(dpias.order_by("-created_at", "-pk"), limit=params.limit,
                    offset=params.offset, columns=LIST_COLUMNS)
    page["items"] = [_row_out(row) for row in page["items"]]
    return page


@router.post("", response={201: DpiaDetailOut, **WRITE_ERRORS}, url_name="dpia-create",
             summary="Start a DPIA for an asset, a system or a new project")
def dpia_create(request: HttpRequest, payload: DpiaIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "dpias.manage")
    try:
        started = services.dpia_start(school=access.school, actor=request.user,
                                      **_start_subject(access, payload))
    except DomainError as error:
        return _refused(error)
    return Status(201, _detail_out(_found(access, started.public_id)))


@router.get("/{dpia_id}", response={200: DpiaDetailOut, **READ_ERRORS},
            url_name="dpia-detail", summary="One DPIA, with its risks")
def dpia_detail(request: HttpRequest, dpia_id: UUID,
                params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "dpias.view")
    return _detail_out(_found(access, dpia_id))


@router.patch("/{dpia_id}", response={200: DpiaDetailOut, **WRITE_ERRORS},
              url_name="dpia-update",
              summary="Change the assessment's text or review date (send the version read)")
def dpia_change(request: HttpRequest, dpia_id: UUID, params: Query[SchoolParam],
                payload: DpiaPatch) -> Any:
    access = school_access(request, params.school, "dpias.manage")
    found = _found(access, dpia_id)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    for name, value in fields.items():
        if value is None and name not in ("review_on",):
            return _refused(DomainError(f"{name} cannot be null: send text (empty to clear "
                                        "it) or leave it out.", field=name))
    try:
        services.dpia_update(found, actor=request.user, version=payload.version, **fields)
    except DomainError as error:
        return _refused(error, sent=_first_sent(payload))
    return _detail_out(_found(access, dpia_id))


@router.post("/{dpia_id}/screening", response={200: DpiaDetailOut, **WRITE_ERRORS},
             url_name="dpia-screening",
             summary="Record the screening's answers: the decision comes back")
def dpia_screening(request: HttpRequest, dpia_id: UUID, params: Query[SchoolParam],
                   payload: ScreeningIn) -> Any:
    access = school_access(request, params.school, "dpias.manage")
    found = _found(access, dpia_id)
    known = {q.key for q in screening.QUESTIONS}
    for key in payload.answers:
        if key not in known:
            return _refused(DomainError("No screening question has this key (see "
                                        "/api/v1/dpias/screening-questions).",
                                        field=f"answers.{key}"))
    try:
        services.dpia_screen(found, actor=request.user, version=payload.version,
                             answers={key: (each.answer, each.note)
                                      for key, each in payload.answers.items()})
    except DomainError as error:
        return _refused(error, sent="answers")
    return _detail_out(_found(access, dpia_id))
