"""/api/v1/dpias: list (filter by state) and read with ``dpias.view``; start, change the
assessment (with its version: 409 when stale) and screen with ``dpias.manage``; another
school's DPIA is a 404; bad input is 422 naming the field where the body gives it (never a
500); the list reads the same number of queries at 3 and 40 rows."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.services import token_create
from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.text import fold
from schoolkeep.privacy.dpias import screening, services
from schoolkeep.privacy.dpias.models import Dpia, DpiaState
from schoolkeep.privacy.tests import dpias_support as stages
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db

LIST = reverse("api:dpia-list")


class Api:
    """A test client speaking as one user through a bearer token."""

    def __init__(self, client: Any, user: Any) -> None:
        self.client = client
        _, secret = token_create(user=user, name="test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}

    def get(self, url: str, school: str = "oakfield", **params: Any) -> Any:
        return self.client.get(url, {"school": school, **params}, **self.headers)

    def post(self, body: Any, url: str = LIST) -> Any:
        return self.client.post(url, json.dumps(body), content_type="application/json",
                                **self.headers)

    def patch(self, url: str, body: Any) -> Any:
        return self.client.patch(url, json.dumps(body), content_type="application/json",
                                 **self.headers)


@pytest.fixture
def api(client: Any) -> Any:
    return lambda user: Api(client, user)


def make_asset(school: School, name: str = "Child protection records") -> Asset:
    group, _ = AssetGroup.objects.get_or_create(school=school, name_key="safeguarding",
                                                defaults={"name": "Safeguarding"})
    return Asset.objects.create(school=school, group=group, name=name, name_key=fold(name),
                                children_data=True, special_category_data=True)


def started(school: School, name: str = "New reading app") -> Dpia:
    return services.dpia_start(school=school, actor=None, project_name=name)


def url(dpia: Dpia, action: str = "", school: str = "oakfield") -> str:
    name = {"": "api:dpia-detail", "screening": "api:dpia-screening"}[action]
    return f"{reverse(name, args=[dpia.public_id])}?school={school}"


def all_no(**yes: bool) -> dict[str, dict[str, Any]]:
    return {q.key: {"answer": yes.get(q.key, False), "note": ""} for q in screening.QUESTIONS}


# --- reading --------------------------------------------------------------------------------


def test_the_list_gives_the_schools_current_dpias_and_filters_by_state(
        personas: Personas, api: Any) -> None:
    mine = started(personas.school)
    done = started(personas.school, "Another")
    services.dpia_screen(done, actor=None, version=done.version,
                         answers={k: (v["answer"], "") for k, v in all_no().items()})
    started(personas.other_school)
    answer = api(personas.auditor).get(LIST)
    assert answer.status_code == 200
    assert answer.json()["count"] == 2
    assert {item["id"] for item in answer.json()["items"]} == {str(mine.public_id),
                                                                str(done.public_id)}
    only = api(personas.dpo).get(LIST, state="not_required").json()
    assert [item["id"] for item in only["items"]] == [str(done.public_id)]
    assert only["items"][0]["subject"] == {"kind": "project", "id": None,
                                           "name": "Another"}


def test_a_role_without_dpias_view_gets_403_and_a_stranger_404(
        personas: Personas, api: Any) -> None:
    assert api(personas.staff).get(LIST).status_code == 403
    assert api(personas.outsider).get(LIST).status_code == 404


def test_one_dpia_with_its_risks(personas: Personas, api: Any) -> None:
    dpia = started(personas.school)
    services.dpia_screen(dpia, actor=None, version=dpia.version, answers={
        k: (v["answer"], "") for k, v in all_no(edpb_sensitive=True,
                                                edpb_vulnerable=True).items()})
    dpia.refresh_from_db()
    services.risk_add(dpia, actor=None, version=dpia.version, description="Seen by others",
                      likelihood=3, severity=3, measures="Locked cabinet",
                      residual_likelihood=2, residual_severity=3)
    body = api(personas.iao).get(url(dpia)).json()
    assert body["required"] is True and body["state"] == DpiaState.AWAITING_ICO
    [risk] = body["risks"]
    assert (risk["result"], risk["residual_result"]) == ("high", "high")
    assert {a["key"] for a in body["screening"]} == {q.key for q in screening.QUESTIONS}


def test_another_schools_dpia_is_a_404(personas: Personas, api: Any) -> None:
    theirs = started(personas.other_school)
    assert api(personas.dpo).get(url(theirs)).status_code == 404
    assert api(personas.dpo).patch(url(theirs), {"version": 1,
                                                 "necessity": "x"}).status_code == 404


# --- writing ----------------------------------------------------------------------------------


def test_start_for_an_asset_fills_the_description_and_is_audited(
        personas: Personas, api: Any) -> None:
    asset = make_asset(personas.school)
    answer = api(personas.iao).post({"school": "oakfield", "asset": str(asset.public_id)})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["subject"] == {"kind": "asset", "id": str(asset.public_id),
                               "name": "Child protection records"}
    assert body["state"] == DpiaState.SCREENING
    assert "purpose" in body["description"]
    assert AuditEvent.objects.filter(action="dpias.started").count() == 1
    again = api(personas.iao).post({"school": "oakfield", "asset": str(asset.public_id)})
    assert again.status_code == 422
    assert again.json()["detail"][0]["loc"] == ["body", "asset"]


@pytest.mark.parametrize("body, loc", [
    ({"school": "oakfield"}, ["body", "project_name"]),
    ({"school": "oakfield", "asset": str(uuid.uuid4())}, ["body", "asset"]),
    ({"school": "oakfield", "system": "not-an-id"}, ["body", "payload", "system"]),
    ({"school": "oakfield", "project_name": "x", "colour": "red"}, ["body", "payload",
                                                                    "colour"]),
])
def test_a_bad_start_is_422_naming_the_field(personas: Personas, api: Any, body: Any,
                                              loc: list[str]) -> None:
    answer = api(personas.dpo).post(body)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-len(loc[1:]):] == loc[1:]
    assert Dpia.objects.count() == 0


def test_another_schools_asset_cannot_be_named(personas: Personas, api: Any) -> None:
    theirs = make_asset(personas.other_school)
    answer = api(personas.dpo).post({"school": "oakfield", "asset": str(theirs.public_id)})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "asset"]


def test_a_reader_cannot_start_one(personas: Personas, api: Any) -> None:
    answer = api(personas.auditor).post({"school": "oakfield", "project_name": "x"})
    assert answer.status_code == 403
    assert Dpia.objects.count() == 0


def test_patch_changes_only_what_is_sent_and_a_stale_version_is_409(
        personas: Personas, api: Any) -> None:
    dpia = started(personas.school)
    first = api(personas.dpo).patch(url(dpia), {
        "version": dpia.version, "necessity": "Needed to teach reading.",
        "review_on": "2027-12-01", "description": {"purpose": "Reading practice"}})
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["necessity"] == "Needed to teach reading."
    assert body["review_on"] == "2027-12-01"
    assert body["description"]["purpose"] == "Reading practice"
    assert body["version"] > dpia.version
    stale = api(personas.dpo).patch(url(dpia), {"version": dpia.version, "necessity": "y"})
    assert stale.status_code == 409
    assert Dpia.objects.get(pk=dpia.pk).necessity == "Needed to teach reading."


@pytest.mark.parametrize("body, loc", [
    ({"version": "1", "necessity": "x"}, "version"),
    ({"version": 1, "review_on": 20271201}, "review_on"),
    ({"version": 1, "necessity": None}, "necessity"),
    ({"version": 1, "state": "signed_off"}, "state"),
])
def test_a_bad_patch_is_422_naming_the_field(personas: Personas, api: Any, body: Any,
                                              loc: str) -> None:
    dpia = started(personas.school)
    answer = api(personas.dpo).patch(url(dpia), body)
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == loc


def test_screening_records_the_decision(personas: Personas, api: Any) -> None:
    dpia = started(personas.school)
    answer = api(personas.iao).post(
        {"version": dpia.version, "answers": all_no(edpb_vulnerable=True)},
        url=url(dpia, "screening"))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["required"] is False and body["state"] == DpiaState.NOT_REQUIRED
    assert "two are needed" in body["screening_reasons"]


def test_a_screening_missing_an_answer_or_with_an_unknown_key_is_422(
        personas: Personas, api: Any) -> None:
    dpia = started(personas.school)
    answers = all_no()
    answers.pop("edpb_sensitive")
    missing = api(personas.dpo).post({"version": dpia.version, "answers": answers},
                                     url=url(dpia, "screening"))
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["body", "answers", "edpb_sensitive"]
    unknown = api(personas.dpo).post(
        {"version": dpia.version, "answers": {**all_no(), "made_up": {"answer": True}}},
        url=url(dpia, "screening"))
    assert unknown.status_code == 422
    assert unknown.json()["detail"][0]["loc"] == ["body", "answers", "made_up"]
    assert Dpia.objects.get(pk=dpia.pk).screening_required is None


def test_the_screening_questions_are_listed(personas: Personas, api: Any) -> None:
    answer = api(personas.staff).client.get(reverse("api:dpia-screening-questions"),
                                            **api(personas.staff).headers)
    assert answer.status_code == 200
    assert [q["key"] for q in answer.json()] == [q.key for q in screening.QUESTIONS]


def test_the_list_reads_the_same_queries_at_3_and_at_40_rows(personas: Personas,
                                                             api: Any) -> None:
    reader = api(personas.dpo)
    reader.get(LIST)  # the token's first use is audited

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = reader.get(LIST)
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    for number in range(3):
        started(personas.school, f"Project {number}")
    few = count()
    for number in range(3, 40):
        started(personas.school, f"Project {number}")
    many = count()
    assert few[1] == 3 and many[1] == 40
    assert few[0] == many[0]


# --- review fixes ---------------------------------------------------------------------------


def _signed_off(personas: Personas) -> Dpia:
    dpia = stages.advised(personas, stages.with_risk(personas))
    return stages.sign_off(personas, dpia)


@pytest.mark.parametrize("subject", ["asset", "system"])
def test_a_project_name_with_an_asset_or_a_system_is_422_on_it(
        personas: Personas, api: Any, subject: str) -> None:
    if subject == "asset":
        given = str(make_asset(personas.school).public_id)
    else:
        given = str(System.objects.create(school=personas.school, name="MIS",
                                          name_key="mis").public_id)
    answer = api(personas.dpo).post({"school": "oakfield", subject: given,
                                     "project_name": "Reading app"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "project_name"]
    assert Dpia.objects.count() == 0


def test_a_change_to_a_signed_off_dpia_is_422_on_the_first_field_sent(
        personas: Personas, api: Any) -> None:
    dpia = _signed_off(personas)
    answer = api(personas.dpo).patch(url(dpia), {"version": dpia.version,
                                                  "necessity": "Changed"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "necessity"]
    assert "signed off" in answer.json()["detail"][0]["msg"]
    screen = api(personas.dpo).post({"version": dpia.version, "answers": all_no()},
                                    url=url(dpia, "screening"))
    assert screen.status_code == 422
    assert screen.json()["detail"][0]["loc"] == ["body", "answers"]
    assert Dpia.objects.get(pk=dpia.pk).necessity == dpia.necessity


def test_a_change_to_an_archived_dpia_is_422_on_the_first_field_sent(
        personas: Personas, api: Any) -> None:
    dpia = started(personas.school)
    services.dpia_archive(dpia, actor=personas.iao, version=dpia.version)
    version = Dpia.objects.get(pk=dpia.pk).version
    answer = api(personas.dpo).patch(url(dpia), {"version": version, "review_on": None})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "review_on"]
    assert "archived" in answer.json()["detail"][0]["msg"]
    only = api(personas.dpo).patch(url(dpia), {"version": version})
    assert only.json()["detail"][0]["loc"] == ["body", "version"]


@pytest.mark.parametrize("review_on", [None, "days-before", "same-day"])
def test_a_signed_off_dpia_keeps_a_review_date_after_its_sign_off(
        personas: Personas, api: Any, review_on: str | None) -> None:
    dpia = _signed_off(personas)
    assert dpia.signed_off_on is not None
    sent = {None: None, "same-day": dpia.signed_off_on.isoformat(),
            "days-before": (dpia.signed_off_on - timedelta(days=3)).isoformat()}[review_on]
    answer = api(personas.dpo).patch(url(dpia), {"version": dpia.version,
                                                  "review_on": sent})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "review_on"]
    assert Dpia.objects.get(pk=dpia.pk).review_on == dpia.review_on
