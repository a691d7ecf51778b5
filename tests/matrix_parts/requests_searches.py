# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of searches and the schedule of items
(inforequests/searches/urls.py).

The request's checklist and schedule (``search-list``, ``item-list``) are read by the
holders of ``requests.view`` (SIRO, DPO, auditor); every other member, the trust
administrator and the outsider get a 404, as for the request's own page. The search built
here is asked of the member of staff: its page (``search-detail``) opens for them, for the
SIRO and DPO (who may record it too) and for the auditor (who reads, and gets 403 on
recording it); every other member gets a 404. Making the checklist, adding a place, asking
a member and the schedule's forms need ``requests.handle`` (SIRO, DPO): the auditor and the
other roles get 403, the outsider (SIRO of another school) 404.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from schoolkeep.inforequests.searches.services import item_add, search_add, search_assign
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    """A subject access request logged today, with one search asked of the member of staff
    (due today) and one withheld item on its schedule."""
    request = make_request(personas)
    task = search_add(school=personas.school, actor=None, request=request,
                      place="Matrix filing cabinet")
    search_assign(school=personas.school, actor=None, request=request, task=task,
                  assignee=personas.staff, due_on=timezone.localdate())
    item = item_add(school=personas.school, actor=None, request=request, source="CPOMS",
                    description="Matrix referral", decision="withheld",
                    exemption="safeguarding")
    return {"searches_request_id": str(request.public_id), "searches_task_id": task.pk,
            "searches_item_id": item.pk,
            "searches_staff_id": str(personas.staff.public_id)}


def _request(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["searches_request_id"]}


def _task(t: Any) -> dict[str, int]:
    return {"task_id": t.extra["searches_task_id"]}


def _item(t: Any) -> dict[str, int]:
    return {"item_id": t.extra["searches_item_id"]}


def _today(name: str) -> dict[str, str]:
    today = timezone.localdate()
    return {f"{name}_0": str(today.day), f"{name}_1": str(today.month),
            f"{name}_2": str(today.year)}


URL_ARGUMENTS = {
    "requests:search-list": _request,
    "requests:search-generate": _request,
    "requests:search-add": _request,
    "requests:search-detail": _task,
    "requests:search-assign": _task,
    "requests:item-list": _request,
    "requests:item-add": _request,
    "requests:item-edit": _item,
    "requests:item-remove": _item,
}

_ITEM = {"source": "SIMS", "description": "Matrix report", "decision": "disclosed"}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("requests:search-add", "POST"): lambda t: {"place": "Matrix cupboard"},
    ("requests:search-assign", "POST"): lambda t: {
        "assignee": t.extra["searches_staff_id"], **_today("due_on")},
    ("requests:search-detail", "POST"): lambda t: {
        "state": "nothing", **_today("searched_on")},
    ("requests:item-add", "POST"): lambda t: _ITEM,
    ("requests:item-edit", "POST"): lambda t: _ITEM,
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("requests:search-list", "GET"): "302 200 200 404 404 404 404 404 404 404 404 200 404 404",
    ("requests:search-list", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("requests:search-generate", "GET"): "302 405 405 403 403 403 403 403 403 403 403 403 403 405",
    ("requests:search-generate", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:search-add", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:search-add", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:search-detail", "GET"): "302 200 200 404 404 404 404 404 404 200 404 200 404 404",
    ("requests:search-detail", "POST"): "302 302 302 404 404 404 404 404 404 302 404 403 404 404",
    ("requests:search-assign", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:search-assign", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:item-list", "GET"): "302 200 200 404 404 404 404 404 404 404 404 200 404 404",
    ("requests:item-list", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("requests:item-add", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:item-add", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:item-edit", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:item-edit", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:item-remove", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 404",
    ("requests:item-remove", "POST"): "302 302 302 403 403 403 403 403 403 403 403 403 403 404",
}
