# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of a request's progress (inforequests/progress/urls.py): pausing
the clock and recording the answer, extending the deadline and recording when the requester
was told, the response, a complaint's acknowledgement and a withdrawal.

Every page needs requests.handle (the SIRO and the DPO); the auditor reads requests but gets
403 here, as does every other role and the trust administrator. The outsider, SIRO of
another school, may handle requests there: this school's request is a 404 to them. The
request built is a subject access request logged today, waiting for proof of identity, with
an extension of one month not yet told; the acknowledgement rows use a complaint. Each
posted body is valid, so the handlers are sent back to the request's page (302).
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from schoolkeep.inforequests.models import Hold, Kind
from schoolkeep.inforequests.progress.services import extension_add, hold_ask
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas


def _today() -> dict[str, str]:
    """The boxes of a date field named ``{name}`` for today, to format per field."""
    day = timezone.localdate()
    return {"_0": str(day.day), "_1": str(day.month), "_2": str(day.year)}


def _date(name: str) -> dict[str, str]:
    return {f"{name}{suffix}": value for suffix, value in _today().items()}


def build(personas: Personas) -> dict[str, Any]:
    request = make_request(personas)
    hold = hold_ask(school=personas.school, actor=None, request=request,
                    reason=Hold.Reason.IDENTITY, asked_on=timezone.localdate(),
                    note="A copy of photo ID")
    extension = extension_add(school=personas.school, actor=None, request=request, amount=1,
                              reason="Records in five systems",
                              decided_on=timezone.localdate())
    complaint = make_request(personas, kind=Kind.COMPLAINT)
    request.refresh_from_db()
    complaint.refresh_from_db()
    return {"progress_request_id": str(request.public_id),
            "progress_request_version": request.version,
            "progress_hold_id": hold.pk, "progress_extension_id": extension.pk,
            "progress_complaint_id": str(complaint.public_id),
            "progress_complaint_version": complaint.version}


def _request(t: Any) -> dict[str, Any]:
    return {"public_id": t.extra["progress_request_id"]}


def _version(t: Any) -> dict[str, str]:
    return {"version": str(t.extra["progress_request_version"])}


URL_ARGUMENTS = {
    "requests:hold-add": _request,
    "requests:hold-answer": lambda t: {**_request(t), "hold_id": t.extra["progress_hold_id"]},
    "requests:extension-add": _request,
    "requests:extension-told": lambda t: {
        **_request(t), "extension_id": t.extra["progress_extension_id"]},
    "requests:request-respond": _request,
    "requests:request-acknowledge": lambda t: {"public_id": t.extra["progress_complaint_id"]},
    "requests:request-withdraw": _request,
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("requests:hold-add", "POST"): lambda t: {
        **_version(t), "reason": "clarification", "note": "Which years?", **_date("asked_on")},
    ("requests:hold-answer", "POST"): lambda t: {**_version(t), **_date("answered_on")},
    ("requests:extension-add", "POST"): lambda t: {
        **_version(t), "amount": "1", "reason": "Many records", **_date("decided_on")},
    ("requests:extension-told", "POST"): lambda t: {**_version(t), **_date("told_on")},
    ("requests:request-respond", "POST"): lambda t: {
        **_version(t), "outcome": "full", "response_channel": "email",
        **_date("responded_on")},
    ("requests:request-acknowledge", "POST"): lambda t: {
        "version": str(t.extra["progress_complaint_version"]), **_date("acknowledged_on")},
    ("requests:request-withdraw", "POST"): lambda t: {
        **_version(t), "reason": "No longer needed", **_date("withdrawn_on")},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("requests:hold-add", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:hold-add", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:hold-answer", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:hold-answer", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:extension-add", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:extension-add", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:extension-told", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:extension-told", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:request-respond", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:request-respond", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:request-acknowledge", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:request-acknowledge", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:request-withdraw", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:request-withdraw", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
}
