# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of handling requests (inforequests/handling/urls.py).

The list (``requests.log``) opens for every school role: the SIRO, the DPO and the auditor
(``requests.view``) see the requests; anyone else sees only their own searches and the
button to log a request; the trust administrator (no school role) gets 403. A request's
page is for ``requests.view`` holders only: every other member, the trust administrator and
the outsider (SIRO of another school) get a 404, as for a request that does not exist. The
forms (correct the record, the identity check, hide from members) need ``requests.handle``
(SIRO, DPO): the auditor and the other roles get 403, the outsider 404.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    """A subject access request logged today by the member of staff (version 1)."""
    return {"handling_request_id": str(make_request(personas).public_id)}


def _request(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["handling_request_id"]}


def _today_parts(name: str) -> dict[str, str]:
    today = timezone.localdate()
    return {f"{name}_0": str(today.day), f"{name}_1": str(today.month),
            f"{name}_2": str(today.year)}


URL_ARGUMENTS = {
    "requests:request-detail": _request,
    "requests:request-edit": _request,
    "requests:request-identity": _request,
    "requests:request-hide": _request,
}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("requests:request-identity", "POST"): lambda t: {
        "version": "1", "method": "passport", **_today_parts("checked_on")},
    ("requests:request-hide", "POST"): lambda t: {"version": "1"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("requests:request-list", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 403 200",
    ("requests:request-list", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 403 405",
    ("requests:request-detail", "GET"): "302 200 200 404 404 404 404 404 404 404 404 200 404 404",
    ("requests:request-detail", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("requests:request-edit", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:request-edit", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:request-identity", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:request-identity", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:request-hide", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:request-hide", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
}
