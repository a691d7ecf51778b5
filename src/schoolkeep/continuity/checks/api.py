"""Backup checks (/api/v1/backup-checks) and restore tests (/api/v1/restore-tests) in the
JSON API.

The same scoping, permissions, rules and audit as the pages: reads need continuity.view,
writes continuity.manage and go through the services. Not a member of the school: 404. A
role that may not write: 403. A broken rule (a retired set, Schoolkeep's own set, a day in
the future, a failed check without what was done): 422 naming the field.

A list and a record name their school as ``?school=<slug>``; a create carries ``school``
(the slug) and ``backup_set`` (its id) in its body. A check's report is attached on its page
only (the API takes JSON); ``has_report`` says whether there is one. The checks listed are
those people recorded: Schoolkeep's own nightly runs are on the backups pages.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict, StrictInt

from schoolkeep.api.pagination import ListParams, Page, paginate, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.continuity.checks import selectors, services
from schoolkeep.continuity.models import BackupCheck, BackupSet, RestoreTest, Scope
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.selectors import get_for_school_or_404

checks_router = Router(tags=["backup-checks"])
restores_router = Router(tags=["restore-tests"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut, 422: ValidationErrorOut}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


def _set_of(school: Any, wanted: UUID | None, *, field: str = "backup_set") -> BackupSet:
    found = (BackupSet.objects.filter(school=school, public_id=wanted).first()
             if wanted is not None else None)
    if found is None:
        raise DomainError("Choose one of this school's backup sets.", field=field)
    return found


def _filter_set(school: Any, wanted: UUID | None) -> tuple[bool, BackupSet | None]:
    """(whether any rows can match, the set to filter on)."""
    if wanted is None:
        return True, None
    found = BackupSet.objects.filter(school=school, public_id=wanted).first()
    return found is not None, found


# ---------------------------------------------------------------------------- checks


class CheckListParams(ListParams):
    backup_set: UUID | None = Field(None, description="Only this set's checks.")
    outcome: Literal["", "succeeded", "failed"] = Field("", description="Left out: every one.")


class CheckOut(Out):
    id: UUID
    backup_set: UUID
    backup_set_name: str
    checked_on: date
    outcome: str
    action_taken: str
    has_report: bool
    report_name: str
    recorded_by: str


class CheckIn(_Input):
    school: str = Field(..., description="The school's slug.")
    backup_set: UUID = Field(..., description="The id of one of the school's backup sets.")
    checked_on: date
    outcome: Literal["succeeded", "failed"]
    action_taken: str = Field("", max_length=5000,
                              description="What was done: needed when it failed.")


CHECK_COLUMNS = ("public_id", "backup_set__public_id", "backup_set__name", "checked_on",
                 "outcome", "action_taken", "evidence_stored_name", "evidence_original_name",
                 "recorded_by_label")


def _check_out(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["public_id"], "backup_set": row["backup_set__public_id"],
            "backup_set_name": row["backup_set__name"], "checked_on": row["checked_on"],
            "outcome": row["outcome"], "action_taken": row["action_taken"],
            "has_report": bool(row["evidence_stored_name"]),
            "report_name": row["evidence_original_name"],
            "recorded_by": row["recorded_by_label"]}


def _one_check(school: Any, check_id: UUID) -> dict[str, Any]:
    rows = list(BackupCheck.objects.filter(school=school, public_id=check_id)
                .values(*CHECK_COLUMNS))
    if not rows:
        get_for_school_or_404(BackupCheck, school=school, public_id=check_id)
    return _check_out(rows[0])


def _checks(school: Any, params: CheckListParams) -> QuerySet[BackupCheck]:
    any_rows, chosen = _filter_set(school, params.backup_set)
    if not any_rows:
        return BackupCheck.objects.none()
    return selectors.check_list(school=school, backup_set=chosen, outcome=params.outcome)


@checks_router.get("", response={200: Page[CheckOut], **READ_ERRORS},
                   url_name="backup-check-list",
                   summary="A school's backup checks, latest first")
def check_list(request: HttpRequest, params: Query[CheckListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "continuity.view")
    page = paginate(_checks(access.school, params), limit=params.limit,
                    offset=params.offset, columns=CHECK_COLUMNS)
    return {"items": [_check_out(row) for row in page["items"]], "count": page["count"]}


@checks_router.post("", response={201: CheckOut, **WRITE_ERRORS},
                    url_name="backup-check-create",
                    summary="Record a backup check (the body names the school and the set)")
def check_create(request: HttpRequest, payload: CheckIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "continuity.manage")
    check = services.check_record(
        school=access.school, actor=request.user,
        backup_set=_set_of(access.school, payload.backup_set), checked_on=payload.checked_on,
        outcome=payload.outcome, action_taken=payload.action_taken)
    return Status(201, _one_check(access.school, check.public_id))


@checks_router.get("/{check_id}", response={200: CheckOut, **READ_ERRORS},
                   url_name="backup-check-detail", summary="One backup check")
def check_detail(request: HttpRequest, check_id: UUID,
                 params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "continuity.view")
    return _one_check(access.school, check_id)


# ---------------------------------------------------------------------------- restore tests


class RestoreListParams(ListParams):
    backup_set: UUID | None = Field(None, description="Only the tests of this set.")
    outcome: Literal["", "worked", "partly", "failed"] = Field(
        "", description="Left out: every one.")


class RestoreOut(Out):
    id: UUID
    backup_set: UUID
    backup_set_name: str
    scope: UUID | None
    scope_name: str
    tested_on: date
    what_was_restored: str
    minutes_taken: int | None
    outcome: str
    notes: str
    recorded_by: str


class RestoreIn(_Input):
    school: str = Field(..., description="The school's slug.")
    backup_set: UUID = Field(..., description="The id of the set restored from.")
    scope: UUID | None = Field(None, description="The id of the scope the data belongs to.")
    tested_on: date
    what_was_restored: str = Field(..., max_length=300)
    # Strict: JSON true is not a number of minutes (it would be read as 1).
    minutes_taken: StrictInt | None = Field(None, ge=0, le=100_000)
    outcome: Literal["worked", "partly", "failed"]
    notes: str = Field("", max_length=5000,
                       description="What went wrong: needed unless it worked.")


RESTORE_COLUMNS = ("public_id", "backup_set__public_id", "backup_set__name",
                   "scope__public_id", "scope__name", "tested_on", "what_was_restored",
                   "minutes_taken", "outcome", "notes", "recorded_by_label")


def _restore_out(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["public_id"], "backup_set": row["backup_set__public_id"],
            "backup_set_name": row["backup_set__name"], "scope": row["scope__public_id"],
            "scope_name": row["scope__name"] or "", "tested_on": row["tested_on"],
            "what_was_restored": row["what_was_restored"],
            "minutes_taken": row["minutes_taken"], "outcome": row["outcome"],
            "notes": row["notes"], "recorded_by": row["recorded_by_label"]}


def _one_restore(school: Any, test_id: UUID) -> dict[str, Any]:
    rows = list(RestoreTest.objects.filter(school=school, public_id=test_id)
                .values(*RESTORE_COLUMNS))
    if not rows:
        get_for_school_or_404(RestoreTest, school=school, public_id=test_id)
    return _restore_out(rows[0])


def _restores(school: Any, params: RestoreListParams) -> QuerySet[RestoreTest]:
    any_rows, chosen = _filter_set(school, params.backup_set)
    if not any_rows:
        return RestoreTest.objects.none()
    return selectors.restore_list(school=school, backup_set=chosen, outcome=params.outcome)


@restores_router.get("", response={200: Page[RestoreOut], **READ_ERRORS},
                     url_name="restore-test-list",
                     summary="A school's restore tests, latest first")
def restore_list(request: HttpRequest, params: Query[RestoreListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "continuity.view")
    page = paginate(_restores(access.school, params), limit=params.limit,
                    offset=params.offset, columns=RESTORE_COLUMNS)
    return {"items": [_restore_out(row) for row in page["items"]], "count": page["count"]}


@restores_router.post("", response={201: RestoreOut, **WRITE_ERRORS},
                      url_name="restore-test-create",
                      summary="Record a restore test (the body names the school and the set)")
def restore_create(request: HttpRequest, payload: RestoreIn) -> Status[dict[str, Any]]:
    access = school_access(request, payload.school, "continuity.manage")
    scope = None
    if payload.scope is not None:
        scope = Scope.objects.filter(school=access.school, public_id=payload.scope).first()
        if scope is None:
            raise DomainError("Choose one of this school's scopes, or none.", field="scope")
    test = services.restore_record(
        school=access.school, actor=request.user,
        backup_set=_set_of(access.school, payload.backup_set), scope=scope,
        tested_on=payload.tested_on, what_was_restored=payload.what_was_restored,
        minutes_taken=payload.minutes_taken, outcome=payload.outcome, notes=payload.notes)
    return Status(201, _one_restore(access.school, test.public_id))


@restores_router.get("/{test_id}", response={200: RestoreOut, **READ_ERRORS},
                     url_name="restore-test-detail", summary="One restore test")
def restore_detail(request: HttpRequest, test_id: UUID,
                   params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "continuity.view")
    return _one_restore(access.school, test_id)
