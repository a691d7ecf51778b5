# ruff: noqa: E501  (one row per line keeps the table readable)
"""Digital housekeeping: its pages and /api/v1/housekeeping-campaigns.

Reading needs ``housekeeping.view`` (the SIRO, DPO, business manager, IT lead, auditor and
trust administrator); launching, reminding, recording for someone, closing and editing the
checklist need ``housekeeping.manage`` (the SIRO). The confirm page is the member's own: the
campaign asks the information asset owner persona's person record, so that persona gets 200
(and 302 once confirmed); every other member holding ``housekeeping.confirm`` gets 404 (not
theirs); the
auditor and the trust administrator, who confirm nothing, 403. The outsider, SIRO of another
school, sees their own list, form and checklist (their launch finds nobody to ask: the form
comes back) and gets 404 for this school's campaign. The personal link needs no sign-in:
everyone gets the same 200 (the POST confirms, rolled back after each row); anything longer
is a quiet 404. In the API, not a member of the school: 404.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from schoolkeep.housekeeping.campaigns.links import link_issue
from schoolkeep.housekeeping.campaigns.services import DEFAULT_CHECKLIST, campaign_launch
from schoolkeep.housekeeping.models import Confirmation
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    school = personas.school
    # The information asset owner persona's person record (made by tests/permission_matrix.py);
    # parts built later link the staff persona to theirs, and a person has one account.
    mine_person = Person.objects.get(school=school, user=personas.iao)
    person_create(school=school, actor=None, full_name="Matrix Linkholder", kind="teaching")
    campaign = campaign_launch(school=school, actor=None, title="Matrix housekeeping",
                               closes_on=timezone.localdate() + timedelta(days=10),
                               checklist=DEFAULT_CHECKLIST, send_emails=False)
    mine = Confirmation.objects.get(campaign=campaign, person=mine_person)
    other = Confirmation.objects.get(campaign=campaign, person__full_name="Matrix Linkholder")
    _link, token = link_issue(confirmation=other)
    return {"housekeeping_campaign": str(campaign.public_id),
            "housekeeping_mine": str(mine.public_id),
            "housekeeping_other": str(other.public_id), "housekeeping_token": token}


def _campaign(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["housekeeping_campaign"]}


URL_ARGUMENTS = {
    "housekeeping:campaign-detail": _campaign,
    "housekeeping:campaign-remind": _campaign,
    "housekeeping:campaign-close": _campaign,
    "housekeeping:campaign-record": lambda t: {
        "public_id": t.extra["housekeeping_campaign"],
        "confirmation_id": t.extra["housekeeping_other"]},
    "housekeeping:confirm": lambda t: {"public_id": t.extra["housekeeping_mine"]},
    "housekeeping:link": lambda t: {"token": t.extra["housekeeping_token"]},
    "housekeeping:link-not-found": lambda t: {
        "rest": f"{t.extra['housekeeping_token']}/anything"},
    "api:housekeeping-campaign-detail": lambda t: {
        "campaign_id": t.extra["housekeeping_campaign"]},
}


def _launch(t: Any) -> dict[str, str]:
    return {"title": "Matrix launch", "checklist": "Tidy up",
            "closes_on": (timezone.localdate() + timedelta(days=7)).isoformat()}


FORM_BODIES: dict[tuple[str, str], Any] = {
    ("housekeeping:campaign-create", "POST"): _launch,
    ("housekeeping:checklist", "POST"): lambda t: {"checklist": "Tidy up", "version": "0"},
}

SCHOOL_QUERY = {"api:housekeeping-campaign-list", "api:housekeeping-campaign-create",
                "api:housekeeping-campaign-detail"}

# Within a year of today (a later confirm-by date is refused); computed at collection, so
# well past tomorrow.
_API_CREATE = {"school": "oakfield", "title": "Matrix launch",
               "closes_on": (timezone.localdate() + timedelta(days=30)).isoformat()}
API_BODIES = {
    ("api:housekeeping-campaign-create", "POST"): _API_CREATE,
    ("api:housekeeping-campaign-list", "POST"): _API_CREATE,
}

#                                                        anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("housekeeping:campaign-list", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("housekeeping:campaign-list", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("housekeeping:campaign-create", "GET"): "302 200 403 403 403 403 403 403 403 403 403 403 403 200",
    ("housekeeping:campaign-create", "POST"): "302 302 403 403 403 403 403 403 403 403 403 403 403 200",
    ("housekeeping:checklist", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("housekeeping:checklist", "POST"): "302 302 403 403 403 403 403 403 403 403 403 403 403 302",
    ("housekeeping:campaign-detail", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("housekeeping:campaign-detail", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("housekeeping:campaign-remind", "GET"): "302 405 403 403 403 403 403 403 403 403 403 403 403 405",
    ("housekeeping:campaign-remind", "POST"): "302 302 403 403 403 403 403 403 403 403 403 403 403 404",
    ("housekeeping:campaign-record", "GET"): "302 405 403 403 403 403 403 403 403 403 403 403 403 405",
    ("housekeeping:campaign-record", "POST"): "302 302 403 403 403 403 403 403 403 403 403 403 403 404",
    ("housekeeping:campaign-close", "GET"): "302 200 403 403 403 403 403 403 403 403 403 403 403 404",
    ("housekeeping:campaign-close", "POST"): "302 302 403 403 403 403 403 403 403 403 403 403 403 404",
    ("housekeeping:confirm", "GET"): "302 404 404 200 404 404 404 404 404 404 404 403 403 404",
    ("housekeeping:confirm", "POST"): "302 404 404 302 404 404 404 404 404 404 404 403 403 404",
    ("housekeeping:link", "GET"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("housekeeping:link", "POST"): "200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("housekeeping:link-not-found", "GET"): "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ("housekeeping:link-not-found", "POST"): "404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ("api:housekeeping-campaign-list", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:housekeeping-campaign-list", "POST"): "401 201 403 403 403 403 403 403 403 403 403 403 403 404",
    ("api:housekeeping-campaign-create", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:housekeeping-campaign-create", "POST"): "401 201 403 403 403 403 403 403 403 403 403 403 403 404",
    ("api:housekeeping-campaign-detail", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:housekeeping-campaign-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
