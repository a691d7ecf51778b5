"""The transfer rules in the JSON API (/api/v1/transfer-rules).

The list is the school's whole table (``?school=<slug>``): every cell (kind of data and
recipient) as the school follows it, with its source (``school``, ``trust``, ``default`` or
``none``), its answer, its channels as keys and names (and whether each is in the
school's register) and its note. A cell is read, set (PUT the whole cell, or PATCH part of
it) and reset (DELETE: the school's own rule goes, the cell follows the trust's or the
policy's again) at ``/{data_kind}/{recipient}``.

Reads need ``transfers.view``, writes ``transfers.manage`` and go through the rules'
services (which audit). Not a member of the school: 404. A role that may not write: 403. A
write sends ``version``: that of the school's own rule it read (0: the school had none);
another since is a 409. A refused value is a 422 naming its field.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from schoolkeep.api.pagination import ListParams, Page, school_access
from schoolkeep.api.schemas import MessageOut, Out, ValidationErrorOut
from schoolkeep.lib.errors import DomainError
from schoolkeep.transfers.models import DataKind, Recipient, TransferRule
from schoolkeep.transfers.rules import services
from schoolkeep.transfers.rules.resolve import (
    SOURCE_LABELS,
    cell_for,
    choices_for,
    transfer_channels,
)
from schoolkeep.transfers.rules.selectors import Row, school_rows

router = Router(tags=["transfer rules"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
WRITE_ERRORS: dict[int, Any] = {
    403: MessageOut, 404: MessageOut, 409: MessageOut, 422: ValidationErrorOut,
}


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class RuleListParams(ListParams):
    data_kind: DataKind | None = Field(None, description="Only the cells of this kind of data.")
    recipient: Recipient | None = Field(None, description="Only the cells of this recipient.")


class ChannelOut(Out):
    key: str = Field(..., description="A catalogue key, or the id of one of the school's own "
                                      "systems.")
    name: str
    in_register: bool = Field(..., description="A current approved channel of the school's "
                                               "register: until it is, staff ask the DPO.")


class RuleOut(Out):
    data_kind: DataKind
    data_kind_label: str
    recipient: Recipient
    recipient_label: str
    source: str = Field(..., description="school, trust, default (the policy's) or none.")
    source_label: str
    answer: TransferRule.Answer = Field(..., description="channels or ask_dpo.")
    ask_dpo: bool = Field(..., description="Staff are told to ask the DPO: the answer says "
                                           "so, or no channel named is in the register.")
    channels: list[ChannelOut]
    note: str
    policy: str = Field(..., description="The policy's sentence, for a default.")
    version: int = Field(..., description="The version of the school's own rule (0: none). "
                                          "Send it back to change the cell.")


class _Input(Schema):
    model_config = ConfigDict(extra="forbid")


class RulePut(_Input):
    version: int = Field(..., ge=0)
    answer: TransferRule.Answer
    channels: list[str] = Field(default_factory=list, max_length=20)
    note: str = Field("", max_length=2000)


class RulePatch(_Input):
    """Only the fields sent change; the others stay as the cell is followed now."""

    version: int = Field(..., ge=0)
    answer: TransferRule.Answer | None = None
    channels: list[str] | None = Field(None, max_length=20)
    note: str | None = Field(None, max_length=2000)


def _out(row: Row, version: int) -> dict[str, Any]:
    cell = row.cell
    return {
        "data_kind": cell.data_kind, "data_kind_label": DataKind(cell.data_kind).label,
        "recipient": cell.recipient, "recipient_label": row.recipient_label,
        "source": cell.source, "source_label": SOURCE_LABELS[cell.source],
        "answer": cell.answer, "ask_dpo": row.asks_dpo or row.none_usable,
        "channels": [{"key": c.key, "name": c.name, "in_register": c.in_register}
                     for c in row.channels],
        "note": cell.note, "policy": cell.policy, "version": version,
    }


def _cell(school: Any, data_kind: str, recipient: str) -> dict[str, Any]:
    if data_kind not in DataKind.values or recipient not in Recipient.values:
        raise Http404("Not found")
    cell = cell_for(school, data_kind, recipient)
    row = Row(data_kind, recipient, str(Recipient(recipient).label), cell,
              choices_for(cell, transfer_channels(school)))
    return _out(row, services.rule_version(school=school, data_kind=data_kind,
                                           recipient=recipient))


@router.get("", response={200: Page[RuleOut], **READ_ERRORS}, url_name="transfer-rule-list",
            summary="Every cell of a school's transfer rules")
def rule_list(request: HttpRequest, params: Query[RuleListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "transfers.view")
    versions = dict(((kind, recipient), version) for kind, recipient, version in
                    TransferRule.objects.filter(school=access.school)
                    .values_list("data_kind", "recipient", "version"))
    rows = [row for row in school_rows(access.school)
            if (params.data_kind is None or row.data_kind == params.data_kind)
            and (params.recipient is None or row.recipient == params.recipient)]
    page = rows[params.offset:params.offset + params.limit]
    return {"items": [_out(row, versions.get((row.data_kind, row.recipient), 0))
                      for row in page], "count": len(rows)}


@router.get("/{data_kind}/{recipient}", response={200: RuleOut, **READ_ERRORS},
            url_name="transfer-rule-detail", summary="One cell of a school's transfer rules")
def rule_detail(request: HttpRequest, data_kind: str, recipient: str,
                params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "transfers.view")
    return _cell(access.school, data_kind, recipient)


def _set(request: HttpRequest, school_slug: str, data_kind: str, recipient: str,
         fields: dict[str, Any]) -> dict[str, Any]:
    access = school_access(request, school_slug, "transfers.manage")
    current = _cell(access.school, data_kind, recipient)
    values = {"answer": current["answer"], "note": current["note"],
              "channels": [channel["key"] for channel in current["channels"]], **fields}
    services.transfer_rule_set(school=access.school, actor=request.user, data_kind=data_kind,
                               recipient=recipient, **values)
    return _cell(access.school, data_kind, recipient)


@router.put("/{data_kind}/{recipient}", response={200: RuleOut, **WRITE_ERRORS},
            url_name="transfer-rule-update",
            summary="Set a cell of the school's rules (send the version you read)")
def rule_put(request: HttpRequest, data_kind: str, recipient: str,
             params: Query[SchoolParam], payload: RulePut) -> dict[str, Any]:
    return _set(request, params.school, data_kind, recipient, payload.model_dump())


@router.patch("/{data_kind}/{recipient}", response={200: RuleOut, **WRITE_ERRORS},
              url_name="transfer-rule-update",
              summary="Change part of a cell of the school's rules (send the version you read)")
def rule_patch(request: HttpRequest, data_kind: str, recipient: str,
               params: Query[SchoolParam], payload: RulePatch) -> dict[str, Any]:
    fields = payload.model_dump(exclude_unset=True)
    for name, value in fields.items():
        if value is None:
            raise DomainError("Leave this field out rather than sending null.", field=name)
    return _set(request, params.school, data_kind, recipient, fields)


@router.delete("/{data_kind}/{recipient}", response={200: RuleOut, **WRITE_ERRORS},
               url_name="transfer-rule-reset",
               summary="Reset a cell: follow the trust's or the policy's rule again")
def rule_reset(request: HttpRequest, data_kind: str, recipient: str,
               params: Query[SchoolParam]) -> Status[dict[str, Any]]:
    access = school_access(request, params.school, "transfers.manage")
    if data_kind not in DataKind.values or recipient not in Recipient.values:
        raise Http404("Not found")
    services.transfer_rule_reset(school=access.school, actor=request.user,
                                 data_kind=data_kind, recipient=recipient)
    return Status(200, _cell(access.school, data_kind, recipient))
