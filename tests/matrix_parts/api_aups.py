# ruff: noqa: E501  (one row per line keeps the table readable)
"""The acceptable use policies in the API (/api/v1/aups): read only, for every member.

The target is the staff AUP, published: records holders (SIRO, business manager, auditor,
trust administrator) and every member who signs the staff AUP read it; the governor, who
signs the governors' one, gets 403 on it; every member lists their own signatures (200).
"""

from __future__ import annotations

from typing import Any

from schoolkeep.agreements.aups.models import Audience, AupVersion
from schoolkeep.agreements.aups.services import aups_set_up, version_publish
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    aups = {aup.audience: aup for aup in aups_set_up(school=personas.school,
                                                     actor=personas.business_manager)}
    staff = aups[Audience.STAFF]
    if not staff.is_published:  # another part may have published it already
        version_publish(draft=AupVersion.objects.get(aup=staff, published_at__isnull=True),
                        actor=personas.business_manager, requires_everyone_to_sign=True)
    return {"api_aups_staff_aup_id": str(staff.public_id)}


URL_ARGUMENTS = {
    "api:aup-detail": lambda t: {"aup_id": t.extra["api_aups_staff_aup_id"]},
    "api:aup-signatures": lambda t: {"aup_id": t.extra["api_aups_staff_aup_id"]},
}

SCHOOL_QUERY = {"api:aup-list", "api:aup-detail", "api:aup-signatures"}

#                                       anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("api:aup-list", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:aup-list", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:aup-detail", "GET"): "401 200 200 200 200 200 200 200 200 200 403 200 200 404",
    ("api:aup-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:aup-signatures", "GET"): "401 200 200 200 200 200 200 200 200 200 200 200 200 404",
    ("api:aup-signatures", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
