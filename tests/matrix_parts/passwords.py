# ruff: noqa: E501  (one row per line keeps the table readable)
"""Permission-matrix rows of the password change cycles (passwords/cycle_urls.py) and their
API (/api/v1/password-cycles).

The cycles are seen by passwords.view (SIRO, DPO, IT lead, business manager, auditor, trust
administrator) and set up by passwords.manage (SIRO, IT lead). Every school role but the
auditor may say they changed their own password (passwords.attest): the holder's own page
and its POST, which redirects back to it whether or not the member holds a cycle (a member
without a record in People is told so). The outsider, SIRO of another school, sees their own
school's lists and gets 404 for this school's cycle and system. Empty POSTs of the forms show
them again (200). In the API, an attestation for the matrix holder (who has no account) is
recorded by the managers (201) and refused to everyone else (403).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from django.utils import timezone

from schoolkeep.passwords.tests import cycle_records as rec
from schoolkeep.tenancy.models import Membership
from tests.personas import Personas

HOLDER_ID = UUID("5b0d7a52-41c3-4c5e-9a55-7f3f2a4f6c11")


def build(personas: Personas) -> dict[str, Any]:
    school = personas.school
    system = rec.system(school, "Matrix FMS", "finance")
    holder = rec.person(school, "Matrix Cycle Holder")
    holder.public_id = HOLDER_ID
    holder.save(update_fields=["public_id"])
    label = rec.label(school, "Matrix admin staff",
                      [Membership.objects.get(user=personas.staff, school=school)])
    cycle = rec.cycle(school, system, holders=[holder], holders_label=label, cadence="yearly",
                      starts_on=timezone.localdate() - timedelta(days=30))
    return {"passwords_system": str(system.public_id), "passwords_cycle": str(cycle.public_id)}


URL_ARGUMENTS = {
    "passwords:cycle-detail": lambda t: {"public_id": t.extra["passwords_cycle"]},
    "passwords:cycle-edit": lambda t: {"public_id": t.extra["passwords_cycle"]},
    "passwords:cycle-archive": lambda t: {"public_id": t.extra["passwords_cycle"]},
    "passwords:attest": lambda t: {"public_id": t.extra["passwords_system"]},
    "api:password-cycle-attest": lambda t: {"cycle_id": t.extra["passwords_cycle"]},
}

SCHOOL_QUERY = {"api:password-cycle-list", "api:password-cycle-attest"}

API_BODIES = {
    ("api:password-cycle-attest", "POST"): {"person": str(HOLDER_ID)},
}

#                                              anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("passwords:cycle-list", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("passwords:cycle-list", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("passwords:overdue", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("passwords:overdue", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("passwords:cycle-create", "GET"): "302 200 403 403 403 200 403 403 403 403 403 403 403 200",
    ("passwords:cycle-create", "POST"): "302 200 403 403 403 200 403 403 403 403 403 403 403 200",
    ("passwords:cycle-detail", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("passwords:cycle-detail", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("passwords:cycle-edit", "GET"): "302 200 403 403 403 200 403 403 403 403 403 403 403 404",
    ("passwords:cycle-edit", "POST"): "302 200 403 403 403 200 403 403 403 403 403 403 403 404",
    ("passwords:cycle-archive", "GET"): "302 405 403 403 403 405 403 403 403 403 403 403 403 405",
    ("passwords:cycle-archive", "POST"): "302 302 403 403 403 302 403 403 403 403 403 403 403 404",
    ("passwords:mine", "GET"): "302 200 200 200 200 200 200 200 200 200 200 403 403 200",
    ("passwords:mine", "POST"): "302 405 405 405 405 405 405 405 405 405 405 403 403 405",
    ("passwords:attest", "GET"): "302 405 405 405 405 405 405 405 405 405 405 403 403 405",
    ("passwords:attest", "POST"): "302 302 302 302 302 302 302 302 302 302 302 403 403 404",
    ("api:password-cycle-list", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:password-cycle-list", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:password-cycle-attest", "GET"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:password-cycle-attest", "POST"): "401 201 403 403 403 201 403 403 403 403 403 403 403 404",
}
