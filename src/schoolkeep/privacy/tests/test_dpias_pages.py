"""The DPIA pages: the list (constant queries at 3 and 40), start from an asset, the
screening form and its decision, the assessment page in the ICO template's order, a risk
through its form, the sign-off button held back with its reasons, and another school's
DPIA as a 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.privacy.dpias import screening, services
from schoolkeep.privacy.dpias.models import Dpia, DpiaState
from schoolkeep.privacy.tests.dpias_support import (
    advised,
    make_asset,
    screened,
    started,
    with_risk,
)

Login = Callable[[User], Client]

pytestmark = pytest.mark.usefixtures("steady_session")


def detail(dpia: Dpia) -> str:
    return reverse("dpias:dpia-detail", args=[dpia.public_id])


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _day_parts(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _populate(personas: Personas, start: int, count: int) -> None:
    for n in range(start, start + count):
        asset = make_asset(personas.school, f"Asset {n:02}")
        services.dpia_start(school=personas.school, actor=None, asset=asset)


def test_the_list_query_count_does_not_grow(personas: Personas, login: Login,
                                            django_assert_num_queries) -> None:
    client = login(personas.auditor)
    url = reverse("dpias:dpia-list")
    _populate(personas, 0, 3)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(url).content.decode()
    assert "DPIAs (40)" in html and "Asset 39" in html
    assert "Start a DPIA</a></p>" not in html  # the auditor reads only


def test_the_list_filters_by_state(personas: Personas, login: Login) -> None:
    screened(personas)
    started(personas, "CCTV")
    html = page(login(personas.dpo), reverse("dpias:dpia-list") + "?state=screening")
    assert "CCTV" in html and "Child protection files" not in html


def test_the_page_query_count_does_not_grow(personas: Personas, login: Login,
                                            django_assert_num_queries) -> None:
    dpia = with_risk(personas)
    client = login(personas.siro)
    client.get(detail(dpia))
    with CaptureQueriesContext(connection) as few:
        assert client.get(detail(dpia)).status_code == 200
    for n in range(39):
        dpia.refresh_from_db()
        # By a member, as the first risk was: the history's actors read the same way.
        services.risk_add(dpia, actor=personas.iao, version=dpia.version,
                          description=f"Risk {n}", likelihood=1, severity=1)
    with django_assert_num_queries(len(few)):
        html = client.get(detail(dpia)).content.decode()
    assert "Risk 38" in html


def test_start_from_an_asset_goes_to_the_screening(personas: Personas, login: Login) -> None:
    asset = make_asset(personas.school, "CCTV", purpose="Keeping the site safe")
    client = login(personas.iao)
    url = reverse("dpias:dpia-start") + f"?asset={asset.public_id}"
    html = page(client, url)
    assert f'value="{asset.public_id}" selected' in html
    response = client.post(url, {"asset": str(asset.public_id), "system": "",
                                 "project_name": ""})
    dpia = Dpia.objects.get(asset=asset)
    assert response["Location"] == reverse("dpias:dpia-screening", args=[dpia.public_id])
    assert dpia.description["purpose"] == "Keeping the site safe"
    # Started: no longer offered.
    assert f'value="{asset.public_id}"' not in page(client, reverse("dpias:dpia-start"))


def test_start_without_a_subject_names_the_field(personas: Personas, login: Login) -> None:
    response = login(personas.iao).post(reverse("dpias:dpia-start"), {
        "asset": "", "system": "", "project_name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["project_name"] == [
        "Enter the project's name (or start from an asset or a system)."]
    assert not Dpia.objects.exists()


def test_the_screening_form_records_the_decision(personas: Personas, login: Login) -> None:
    dpia = started(personas)
    client = login(personas.iao)
    url = reverse("dpias:dpia-screening", args=[dpia.public_id])
    html = page(client, url)
    assert "The nine criteria of the European guidelines" in html
    data = {"version": str(dpia.version)}
    for question in screening.QUESTIONS:
        data[question.key] = "yes" if question.key in ("edpb_sensitive",
                                                       "edpb_vulnerable") else "no"
    data["edpb_sensitive_note"] = "Safeguarding concerns"
    del data["ico_tracking"]
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["ico_tracking"] == ["Answer yes or no."]
    data["ico_tracking"] = "no"
    response = client.post(url, data)
    assert response["Location"] == detail(dpia)
    fresh = Dpia.objects.get(pk=dpia.pk)
    assert fresh.screening_required is True
    assert fresh.screening["edpb_sensitive"] == {"answer": True,
                                                 "note": "Safeguarding concerns"}
    assert "2 of the nine criteria apply" in page(client, detail(fresh))


def test_a_risk_through_its_form(personas: Personas, login: Login) -> None:
    dpia = screened(personas)
    client = login(personas.iao)
    url = reverse("dpias:dpia-risk-add", args=[dpia.public_id])
    response = client.post(url, {"version": str(dpia.version), "description": "Lost file",
                                 "likelihood": "2", "severity": "3", "measures": "",
                                 "residual_likelihood": "2", "residual_severity": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["residual_severity"]
    response = client.post(url, {"version": str(dpia.version), "description": "Lost file",
                                 "likelihood": "2", "severity": "3", "measures": "Lock it",
                                 "residual_likelihood": "3", "residual_severity": "3"})
    assert response["Location"] == detail(dpia)
    html = page(client, detail(dpia))
    assert "Lost file" in html and "High" in html
    assert "the ICO must be consulted" in html and "8 weeks" in html


def test_the_sign_off_waits_for_the_advice_and_says_why(personas: Personas,
                                                         login: Login) -> None:
    dpia = with_risk(personas)
    client = login(personas.siro)
    html = page(client, detail(dpia))
    assert "The DPO&#x27;s advice must be recorded first." in html
    assert 'disabled aria-describedby="sign-off-blockers"' in html
    url = reverse("dpias:dpia-sign-off", args=[dpia.public_id])
    today = timezone.localdate()
    body = {"version": str(dpia.version), **_day_parts("signed_off_on", today),
            **_day_parts("review_on", today + timedelta(days=365))}
    response = client.post(url, body)
    assert response.status_code == 200 and "must be recorded first" in response.content.decode()
    dpia = advised(personas, dpia)
    body["version"] = str(dpia.version)
    assert client.post(url, body)["Location"] == detail(dpia)
    assert Dpia.objects.get(pk=dpia.pk).state == DpiaState.SIGNED_OFF


def test_the_advice_form_is_the_dpos_only(personas: Personas, login: Login) -> None:
    dpia = with_risk(personas)
    url = reverse("dpias:dpia-advice", args=[dpia.public_id])
    assert login(personas.siro).get(url).status_code == 403
    client = login(personas.dpo)
    today = timezone.localdate()
    response = client.post(url, {"version": str(dpia.version), "advice": "Go ahead",
                                 "followed": "no", "not_followed_reason": "",
                                 **_day_parts("advised_on", today)})
    assert response.context["form"].errors["not_followed_reason"]
    response = client.post(url, {"version": str(dpia.version), "advice": "Go ahead",
                                 "followed": "yes", **_day_parts("advised_on", today)})
    assert response["Location"] == detail(dpia)
    assert Dpia.objects.get(pk=dpia.pk).dpo_advice == "Go ahead"


def test_a_stale_form_is_refused_naming_who_saved(personas: Personas, login: Login) -> None:
    dpia = screened(personas)
    client = login(personas.iao)
    url = reverse("dpias:dpia-edit", args=[dpia.public_id])
    services.dpia_update(dpia, actor=personas.dpo, version=dpia.version, necessity="First")
    response = client.post(url, {"version": str(dpia.version), "necessity": "Second"})
    assert response.status_code == 200 and response.context["stale"] is True
    assert Dpia.objects.get(pk=dpia.pk).necessity == "First"


def test_another_schools_dpia_is_a_404(personas: Personas, login: Login) -> None:
    theirs = services.dpia_start(school=personas.other_school, actor=None,
                                 project_name="Their app")
    client = login(personas.siro)
    assert client.get(detail(theirs)).status_code == 404
    assert client.get(reverse("dpias:dpia-screening", args=[theirs.public_id])
                      ).status_code == 404
