"""The frameworks API: the current frameworks with the school's score and counts, and one
framework's requirements as the school has them, with their states and controls' codes;
another school 404, a role without compliance.view 403, an earlier version 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.compliance.frameworks import services
from schoolkeep.compliance.models import Framework, Requirement
from schoolkeep.compliance.tests.state_records import attest, attested, computed, framework
from schoolkeep.equipment.tests.test_loans_api import Api

pytestmark = pytest.mark.django_db

LIST = reverse("api:framework-list")


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


def build(personas: Personas) -> Framework:
    Framework.objects.update(is_current=False)  # the built-in ones set aside
    broken = attested("api-broken")
    attest(personas.school, broken, personas.school.created_at.date(), outcome="not_done")
    fw = framework("test-fw", requirements=[[computed("api-met", when_empty="met")],
                                            [broken], []])
    services.requirement_add(school=personas.school, actor=personas.siro, framework=fw,
                             section="Ours", title="Our clause", text="Our words")
    services.requirement_withdraw(school=personas.school, actor=personas.siro,
                                  requirement=Requirement.objects.get(code="test-fw.r3"))
    return fw


def requirements_url(fw: Framework) -> str:
    return reverse("api:framework-requirements", args=[fw.public_id])


@pytest.mark.parametrize("persona", ["siro", "governor", "auditor", "trust_admin"])
def test_the_frameworks_with_score_and_counts(api: Any, personas: Personas,
                                              persona: str) -> None:
    fw = build(personas)
    body = api(getattr(personas, persona)).get(LIST).json()
    assert body["count"] == 1
    [item] = body["items"]
    # Met, not met, and the added clause not yet assessed (the withdrawn one left out).
    assert {key: item[key] for key in ("id", "code", "version", "requirements", "met",
                                       "partly", "not_met", "not_assessed", "score_permille",
                                       "score_percent")} == {
        "id": str(fw.public_id), "code": "test-fw", "version": "1", "requirements": 3,
        "met": 1, "partly": 0, "not_met": 1, "not_assessed": 1, "score_permille": 333,
        "score_percent": 33}


def test_a_frameworks_requirements_with_states_and_controls(api: Any,
                                                            personas: Personas) -> None:
    fw = build(personas)
    caller = api(personas.dpo)
    body = caller.get(requirements_url(fw)).json()
    assert body["count"] == 3
    assert [(item["code"], item["state"], item["added"], [c["code"] for c in item["controls"]])
            for item in body["items"]] == [
        ("test-fw.r1", "met", False, ["api-met"]),
        ("test-fw.r2", "not_met", False, ["api-broken"]),
        (body["items"][2]["code"], "not_assessed", True, [])]
    assert body["items"][2]["title"] == "Our clause"
    assert body["items"][1]["controls"][0]["state"] == "not_met"
    paged = caller.get(requirements_url(fw), limit=1, offset=1).json()
    assert paged["count"] == 3 and [item["code"] for item in paged["items"]] == ["test-fw.r2"]


def test_who_may_read_and_which_framework(api: Any, personas: Personas) -> None:
    fw = build(personas)
    assert api(personas.staff).get(LIST).status_code == 403
    assert api(personas.dsl).get(requirements_url(fw)).status_code == 403
    assert api(personas.outsider).get(LIST).status_code == 404
    assert api(personas.siro).get(LIST, school="hillside").status_code == 404
    Framework.objects.filter(pk=fw.pk).update(is_current=False)
    assert api(personas.siro).get(requirements_url(fw)).status_code == 404
