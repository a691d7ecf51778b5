# ruff: noqa: E501  (one row per line keeps the table readable)
"""Taking data off site (/transfers/off-site/) in the permission matrix.

Two requests of the staff persona (paper, from an OFFICIAL-SENSITIVE asset owned by the IAO
persona's person record): one awaiting approval, one approved. The lists are open to every
member who may ask (``removals.request``: every school role but the auditor) and to those
who oversee (``removals.view``, which the auditor and the trust administrator hold); a
request's page to whoever oversees, its requester and its approver (the IAO). Deciding is the
owner's alone (an empty decision comes back on the page: 200); withdrawing the requester's
(302); recording the return is the requester's, the owner's or the SIRO's (an empty form
comes back: 200); reporting it lost theirs or the DPO's. The outsider's school has no such
request: 404.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.assets.models import Classification
from schoolkeep.assets.services import asset_create, group_get_or_create
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create, person_link_account
from schoolkeep.transfers.models import Removal
from schoolkeep.transfers.removals.services import removal_decide, removal_request
from tests.personas import Personas


def _person(personas: Personas, user: Any, name: str) -> Person:
    found = Person.objects.filter(school=personas.school, user=user).first()
    if found is not None:
        return found
    person = person_create(school=personas.school, actor=None, full_name=name,
                           kind="support")
    return person_link_account(person=person, actor=None, user=user)


def build(personas: Personas) -> dict[str, Any]:
    owner = _person(personas, personas.iao, "Matrix Removal Owner")
    taker = _person(personas, personas.staff, "Matrix Removal Taker")
    asset = asset_create(
        school=personas.school, actor=None, name="Matrix Sensitive Records",
        group=group_get_or_create(school=personas.school, name="Matrix", actor=None),
        owner_person=owner, classification=Classification.OFFICIAL_SENSITIVE)
    today = timezone.localdate()
    made = [removal_request(
        school=personas.school, actor=None, person=taker, asset=asset,
        form=Removal.Form.PAPER, description=f"Matrix papers {n}", reason="A meeting",
        carried_how="In a locked bag", standing=False, starts_on=today,
        ends_on=today + timedelta(days=3), notify=False) for n in (1, 2)]
    removal_decide(removal=made[1], actor=None, approve=True)
    return {"removal_requested_id": str(made[0].public_id),
            "removal_approved_id": str(made[1].public_id)}


def _requested(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["removal_requested_id"]}


def _approved(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["removal_approved_id"]}


URL_ARGUMENTS = {
    "transfers:removal-detail": _requested,
    "transfers:removal-decide": _requested,
    "transfers:removal-withdraw": _requested,
    "transfers:removal-return": _approved,
    "transfers:removal-incident": _approved,
}

#                                                      anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("transfers:removal-list", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("transfers:removal-list", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("transfers:removal-create", "GET"): "302 200 200 200 200 200 200 200 200 200 200 403 403 200",
    ("transfers:removal-create", "POST"): "302 200 200 200 200 200 200 200 200 200 200 403 403 200",
    ("transfers:removal-detail", "GET"): "302 200 200 200 200 200 403 403 403 200 403 200 200 404",
    ("transfers:removal-detail", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("transfers:removal-decide", "GET"): "302 405 405 405 405 405 405 405 405 405 405 403 403 405",
    ("transfers:removal-decide", "POST"): "302 403 403 200 403 403 403 403 403 403 403 403 403 404",
    ("transfers:removal-withdraw", "GET"): "302 405 405 405 405 405 405 405 405 405 405 403 403 405",
    ("transfers:removal-withdraw", "POST"): "302 403 403 403 403 403 403 403 403 302 403 403 403 404",
    ("transfers:removal-return", "GET"): "302 405 405 405 405 405 405 405 405 405 405 403 403 405",
    ("transfers:removal-return", "POST"): "302 200 403 200 403 403 403 403 403 200 403 403 403 404",
    ("transfers:removal-incident", "GET"): "302 200 200 200 403 403 403 403 403 200 403 403 403 404",
    ("transfers:removal-incident", "POST"): "302 200 200 200 403 403 403 403 403 200 403 403 403 404",
}
