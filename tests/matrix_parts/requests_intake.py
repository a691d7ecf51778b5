# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of receiving requests (inforequests/intake/urls.py and the public
page of inforequests/intake/public_urls.py), and the helper the requests tests share to log
one.

Every school role logs a request it received (the auditor and the governor included); the
trust administrator gets 403 (no school role). The settings of the public request page and
its poster need requests.handle (SIRO, DPO). The outsider, SIRO of another school, logs to
and sets up their own school's page. The page that follows logging
(``requests:request-logged``) opens only for the member who logged the request (here the
member of staff); any other member, handlers included, gets 404, as for a request that does
not exist. The public page ``ask:request`` needs no sign-in:
everyone gets the same 200 (a POST without data shows the form's errors); anything longer
under /ask/ is a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import timezone

from schoolkeep.inforequests.intake.public import request_page_set_up
from schoolkeep.inforequests.intake.services import request_log
from schoolkeep.inforequests.models import Channel, Kind, Request, RequesterType, SubjectType
from schoolkeep.tenancy.models import School
from tests.personas import Personas


def make_request(personas: Personas, user: AbstractBaseUser | None = None, *,
                 kind: str = Kind.SUBJECT_ACCESS, received_at: datetime | None = None,
                 school: School | None = None, **fields: Any) -> Request:
    """A subject access request from a parent about their child, logged by the staff
    persona (or ``user``) in the home school (or ``school``) now (or at ``received_at``);
    ``fields`` replace any other argument of ``request_log``."""
    arguments: dict[str, Any] = {
        "channel": Channel.EMAIL, "requester_type": RequesterType.PARENT,
        "requester_name": "Pat Parent", "requester_contact": "pat@example.com",
        "subject_type": SubjectType.PUPIL, "subject_name": "Sam Pupil",
        "description": "Every record about Sam's behaviour in Year 5.", **fields}
    return request_log(school=school or personas.school, actor=user or personas.staff,
                       kind=kind, received_at=received_at or timezone.now(), **arguments)


def build(personas: Personas) -> dict[str, Any]:
    return {"request_page_token": request_page_set_up(school=personas.school,
                                                      actor=None).token,
            "intake_logged_id": str(make_request(personas).public_id)}


URL_ARGUMENTS = {
    "ask:request": lambda t: {"token": t.extra["request_page_token"]},
    "ask:not-found": lambda t: {"rest": f"{t.extra['request_page_token']}/anything"},
    "requests:request-logged": lambda t: {"public_id": t.extra["intake_logged_id"]},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("requests:request-log", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 403 200",
    ("requests:request-log", "POST"): "302 200 200 200 200 200 200 200 200 200 200 200 403 200",
    ("requests:request-logged", "GET"): "302 404 404 404 404 404 404 404 404 200 404 404 403 404",
    ("requests:request-logged", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 403 405",
    ("requests:public-page", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 200",
    ("requests:public-page", "POST"): "302 200 200 403 403 403 403 403 403 403 403 403 403 200",
    ("requests:public-page-poster", "GET"): "302 200 200 403 403 403 403 403 403 403 403 403 403 200",
    ("requests:public-page-poster", "POST"): "302 405 405 403 403 403 403 403 403 403 403 403 403 405",
    ("ask:request", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("ask:request", "POST"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("ask:not-found", "GET"): "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ("ask:not-found", "POST"): "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
}
