# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of the acceptable use policies' own pages (agreements/aups/urls.py).

The staff AUP of the home school has version 1 published and a draft version 2; the staff
persona has signed version 1 in the application. Members without a person record sign the
AUP of their roles: every school role the staff one, governors the governors' one, auditors
and trust administrators none. The outsider is SIRO of another school: this school's records
are a 404 to them, and the pages without a record show their own school.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.agreements.aups.models import Audience, AupVersion
from schoolkeep.agreements.aups.services import (
    aup_sign_in_app,
    aups_set_up,
    draft_save,
    version_publish,
)
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    siro = personas.siro
    aups = {aup.audience: aup for aup in aups_set_up(school=personas.school, actor=siro)}
    staff_aup = aups[Audience.STAFF]
    first = AupVersion.objects.get(aup=staff_aup, number=1)
    if first.is_draft:  # another part may have published it already
        version_publish(draft=first, actor=siro, requires_everyone_to_sign=True)
    staff_aup.refresh_from_db()
    draft = draft_save(aup=staff_aup, actor=siro, text="# Version 2\n\nA changed text.")
    signature = aup_sign_in_app(aup=staff_aup, user=personas.staff, typed_name="Staff Person",
                                agreed=True)
    return {"aups_aup_id": str(staff_aup.public_id), "aups_version_id": str(first.public_id),
            "aups_draft_id": str(draft.public_id),
            "aups_signature_id": str(signature.public_id)}


URL_ARGUMENTS = {
    "agreements:aup-detail": lambda t: {"public_id": t.extra["aups_aup_id"]},
    "agreements:aup-settings": lambda t: {"public_id": t.extra["aups_aup_id"]},
    "agreements:draft-edit": lambda t: {"public_id": t.extra["aups_aup_id"]},
    "agreements:aup-sign": lambda t: {"public_id": t.extra["aups_aup_id"]},
    "agreements:version-detail": lambda t: {"public_id": t.extra["aups_version_id"]},
    "agreements:version-publish": lambda t: {"public_id": t.extra["aups_draft_id"]},
    "agreements:signature-detail": lambda t: {"public_id": t.extra["aups_signature_id"]},
    "agreements:signature-pdf": lambda t: {"public_id": t.extra["aups_signature_id"]},
}

#                                          anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    # Every member sees the page: their own AUP, and the overview when they hold aups.records.
    ("agreements:aup-list", "GET"): "302 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ("agreements:aup-list", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    # The SIRO and business manager set up and add AUPs (POST only).
    ("agreements:aups-set-up", "GET"): "302 405 403 403 405 403 403 403 403 403 403 403 403 405",
    ("agreements:aups-set-up", "POST"): "302 302 403 403 302 403 403 403 403 403 403 403 403 302",
    ("agreements:aup-create", "GET"): "302 405 403 403 405 403 403 403 403 403 403 403 403 405",
    ("agreements:aup-create", "POST"): "302 302 403 403 302 403 403 403 403 403 403 403 403 302",
    # The records (who has signed, versions) are for the SIRO, business manager, auditor and trust.
    ("agreements:aup-detail", "GET"): "302 200 403 403 200 403 403 403 403 403 403 200 200 404",
    ("agreements:aup-detail", "POST"): "302 405 403 403 405 403 403 403 403 403 403 405 405 405",
    ("agreements:version-detail", "GET"): "302 200 403 403 200 403 403 403 403 403 403 200 200 404",
    ("agreements:version-detail", "POST"): "302 405 403 403 405 403 403 403 403 403 403 405 405 405",
    ("agreements:aup-settings", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:aup-settings", "POST"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:draft-edit", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:draft-edit", "POST"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:version-publish", "GET"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    ("agreements:version-publish", "POST"): "302 200 403 403 200 403 403 403 403 403 403 403 403 404",
    # Signing the staff AUP: every school role signs it but the governor (sent back to the
    # list: theirs is the governors' AUP) and the auditor; the trust administrator signs none.
    ("agreements:aup-sign", "GET"): "302 200 200 200 200 200 200 200 200 200 302 403 403 404",
    ("agreements:aup-sign", "POST"): "302 200 200 200 200 200 200 200 200 200 302 403 403 404",
    # A signature: the records' readers, and the signer (the staff persona) for their own.
    ("agreements:signature-detail", "GET"): "302 200 403 403 200 403 403 403 403 200 403 200 200 404",
    ("agreements:signature-detail", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("agreements:signature-pdf", "GET"): "302 200 403 403 200 403 403 403 403 200 403 200 200 404",
    ("agreements:signature-pdf", "POST"): "302 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
