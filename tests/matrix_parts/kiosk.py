# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of the reception kiosk, and the helper the kiosk, paper and parents
tests share to get a published AUP of an audience.

The kiosk's own pages need a kiosk session: without one, everybody is sent away (302).
Opening a kiosk, and setting the school's kiosk PIN it needs, need aups.kiosk (every school
role but governors and auditors); the outsider gets 404 for this school's AUP, and sets their
own school's PIN.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, KioskPin
from schoolkeep.tenancy.models import School
from tests.personas import Personas

POLICY_TEXT = "# Using our Wi-Fi\n\nKeep your password to yourself.\n\n- Be kind online\n- Report anything odd"


def published_aup(school: School, audience: str, *, text: str = POLICY_TEXT) -> Aup:
    """The school's AUP of this audience with a published current version (made when there
    is none: another part of the matrix may have made the AUP already)."""
    aup = Aup.objects.filter(school=school, audience=audience).first()
    if aup is None:
        aup = Aup.objects.create(school=school, audience=audience,
                                 title=f"{Audience(audience).label}: acceptable use policy")
    if aup.current_number:
        return aup
    number = (AupVersion.objects.filter(aup=aup).order_by("-number")
              .values_list("number", flat=True).first() or 0) + 1
    AupVersion.objects.create(
        school=school, aup=aup, number=number, text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        published_at=timezone.now(), published_by_label="test")
    Aup.objects.filter(pk=aup.pk).update(current_number=number, sign_from=number)
    aup.refresh_from_db()
    return aup


TEST_PIN = "4071"


def set_kiosk_pin(school: School, pin: str = TEST_PIN) -> None:
    """The school's kiosk PIN, as if a member had set it (a kiosk cannot open without one)."""
    KioskPin.objects.update_or_create(school=school, defaults={
        "pin_hash": make_password(pin), "set_at": timezone.now(), "set_by_label": "test"})


def build(personas: Personas) -> dict[str, Any]:
    set_kiosk_pin(personas.school)
    return {"kiosk_aup_id": str(published_aup(personas.school, Audience.VISITORS).public_id)}


URL_ARGUMENTS = {
    "kiosk:start": lambda t: {"public_id": t.extra["kiosk_aup_id"]},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("kiosk:start", "GET"): "302 200 200 200 200 200 200 200 200 200 403 403 403 404",
    ("kiosk:start", "POST"): "302 302 302 302 302 302 302 302 302 302 403 403 403 404",
    ("kiosk:page", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("kiosk:page", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("kiosk:end", "GET"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("kiosk:end", "POST"): "302 302 302 302 302 302 302 302 302 302 302 302 302 302",
    ("kiosk:pin", "GET"): "302 200 200 200 200 200 200 200 200 200 403 403 403 200",
    ("kiosk:pin", "POST"): "302 200 200 200 200 200 200 200 200 200 403 403 403 200",
}
