"""/api/v1/controls: every control with its state, owner and evidence summary (filtered by
state and kind, paginated), one control, and confirming an attested control. Reading needs
compliance.view; confirming compliance.attest and, without compliance.manage, owning the
control (else 403); not a member of the school or another school's control: 404; a broken
rule a 422 naming the field, nothing written; the list's queries the same at 3 and 40."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.compliance.controls import services
from schoolkeep.compliance.models import Attestation, Control
from schoolkeep.compliance.tests.test_controls_services import builtin, own
from schoolkeep.equipment.tests.test_loans_api import Api

pytestmark = pytest.mark.django_db
LIST = reverse("api:control-list")


@pytest.fixture
def api(client):
    return lambda user: Api(client, user)


def _attestations(control: Control) -> str:
    return reverse("api:control-attestation-create", args=[control.public_id])


def _find(body: dict, control: Control) -> dict:
    return next(item for item in body["items"] if item["id"] == str(control.public_id))


def test_controls_listed_with_state_owner_and_evidence(api, personas: Personas) -> None:
    paper = builtin()
    services.control_attest(school=personas.school, actor=None, control=paper,
                            attested_on=timezone.localdate() - timedelta(days=1),
                            outcome="not_done", note="Left open.")
    mine = own(personas, "Visitors sign in", owner=personas.staff)
    caller = api(personas.auditor)
    body = caller.get(LIST, limit=100).json()
    assert body["count"] >= 2 and len(body["items"]) == min(body["count"], 100)
    item = _find(body, paper)
    assert item["state"] == "not_met" and item["state_label"] == "Not met"
    assert item["kind"] == "attested" and item["own"] is False and item["code"] == paper.code
    assert item["owner_role"] == "business_manager"
    assert personas.business_manager.full_name in item["owner"]
    assert any("not done" in reason for reason in item["reasons"])
    evidence = item["evidence"]
    assert evidence["last_outcome"] == "not_done" and evidence["last_has_file"] is False
    assert evidence["last_confirmed_on"] == (timezone.localdate()
                                             - timedelta(days=1)).isoformat()
    assert evidence["next_due"] is not None and evidence["figures"] == []
    own_item = _find(body, mine)
    assert own_item["own"] is True and own_item["state"] == "not_assessed"
    assert own_item["owner"] == personas.staff.full_name
    assert own_item["evidence"]["last_outcome"] == ""
    only = caller.get(LIST, state="not_met", kind="attested").json()
    assert [each["id"] for each in only["items"]] == [str(paper.public_id)]
    assert caller.get(LIST, state="maybe").status_code == 422
    first = caller.get(LIST, limit=1, offset=1).json()
    assert first["count"] == body["count"] and len(first["items"]) == 1
    url = reverse("api:control-detail", args=[mine.public_id])
    assert caller.get(url).json()["title"] == "Visitors sign in"


def test_who_may_read(api, personas: Personas) -> None:
    control = own(personas)
    url = reverse("api:control-detail", args=[control.public_id])
    assert api(personas.staff).get(LIST).status_code == 403
    assert api(personas.outsider).get(LIST).status_code == 404
    assert api(personas.trust_admin).get(url).status_code == 200
    theirs = services.control_create(school=personas.other_school, actor=None,
                                     title="Theirs", cadence="termly")
    assert api(personas.siro).get(reverse("api:control-detail",
                                          args=[theirs.public_id])).status_code == 404


def test_confirming_a_control(api, personas: Personas) -> None:
    control = builtin("server-room-locked", owner_role="it_lead")
    today = timezone.localdate().isoformat()
    response = api(personas.it_lead).send("POST", _attestations(control), {
        "attested_on": today, "outcome": "done", "note": "Locked."})
    assert response.status_code == 201
    body = response.json()
    attestation = Attestation.objects.get()
    assert body == {"id": str(attestation.public_id), "control": str(control.public_id),
                    "attested_on": today, "outcome": "done", "note": "Locked.",
                    "has_file": False, "confirmed_by": str(personas.it_lead)}
    detail = api(personas.it_lead).get(reverse("api:control-detail",
                                               args=[control.public_id])).json()
    assert detail["state"] == "met"


@pytest.mark.parametrize(("body", "field"), [
    ({"outcome": "not_done"}, "note"),
    ({"attested_on": "2099-01-01"}, "attested_on"),
    ({"attested_on": "1999-12-31"}, "attested_on"),
])
def test_a_broken_rule_is_a_422_naming_its_field(api, personas: Personas, body, field
                                                  ) -> None:
    control = builtin()
    sent = {"attested_on": timezone.localdate().isoformat(), "outcome": "done", **body}
    response = api(personas.siro).send("POST", _attestations(control), sent)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field
    assert not Attestation.objects.exists()


def test_who_may_confirm(api, personas: Personas) -> None:
    control = builtin("server-room-locked", owner_role="it_lead")
    body = {"attested_on": timezone.localdate().isoformat(), "outcome": "done"}
    url = _attestations(control)
    assert api(personas.staff).send("POST", url, body).status_code == 403  # not the owner
    future = {**body, "attested_on": "2999-01-01"}  # who may comes before what was sent
    assert api(personas.staff).send("POST", url, future).status_code == 403
    assert api(personas.auditor).send("POST", url, body).status_code == 403
    assert api(personas.outsider).send("POST", url, body).status_code == 404
    assert api(personas.siro).send("POST", url, {**body, "extra": 1}).status_code == 422
    computed = builtin("unique-accounts", kind="computed", owner_role="it_lead",
                       when_empty="met")
    refused = api(personas.siro).send("POST", _attestations(computed), body)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"][-1] == "control"
    assert not Attestation.objects.exists()
    assert api(personas.business_manager).send("POST", url, body).status_code == 201


def test_list_query_count_does_not_grow(api, personas: Personas,
                                        django_assert_num_queries) -> None:
    caller = api(personas.siro)
    for i in range(3):
        own(personas, f"Own control {i}")
    caller.get(LIST)
    with CaptureQueriesContext(connection) as few:
        assert caller.get(LIST).status_code == 200
    for i in range(3, 40):
        Control.objects.create(school=personas.school, kind="attested", order=1000,
                               title=f"Own control {i}", cadence="termly")
    with django_assert_num_queries(len(few)):
        body = caller.get(LIST).json()
    assert body["count"] >= 40
