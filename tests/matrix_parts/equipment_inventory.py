# ruff: noqa: E501  (one row per line keeps the table readable)
"""The equipment inventory: its pages and /api/v1/equipment.

Reading needs ``equipment.view`` (the SIRO, DPO, business manager, IT lead, auditor and trust
administrator); adding and changing need ``equipment.manage`` (the SIRO, business manager and
IT lead). Reporting an item lost or stolen is open to whoever manages equipment (and to the
person who has the item, who is none of these personas). Another school's item is a 404 for
the outsider (the SIRO of their own school, who sees their own list, form and export). In the
API, not a member of the school: 404.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.equipment.inventory.services import item_create
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    item = item_create(school=personas.school, actor=personas.siro, kind="laptop",
                       serial_number="MATRIX-ITEM-1", personal_data=True)
    return {"equipment_item_id": str(item.public_id)}


def _item(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["equipment_item_id"]}


def _api_item(t: Any) -> dict[str, str]:
    return {"item_id": t.extra["equipment_item_id"]}


URL_ARGUMENTS = {
    "equipment:item-detail": _item,
    "equipment:item-edit": _item,
    "equipment:item-incident": _item,
    "api:equipment-item-detail": _api_item,
    "api:equipment-item-update": _api_item,
}

_FORM = {"kind": "laptop", "serial_number": "MATRIX-NEW", "personal_data": "unknown",
         "encryption": "unknown", "status": "in_use"}
FORM_BODIES: dict[tuple[str, str], Any] = {
    ("equipment:item-create", "POST"): lambda t: dict(_FORM),
    ("equipment:item-edit", "POST"): lambda t: {**_FORM, "version": "1",
                                                "serial_number": "MATRIX-ITEM-1",
                                                "location": "Office"},
    ("equipment:item-incident", "POST"): lambda t: {"stolen": "lost",
                                                    "note": "Left on the bus."},
}

SCHOOL_QUERY = {"api:equipment-item-list", "api:equipment-item-create",
                "api:equipment-item-detail", "api:equipment-item-update"}
EXTRA_METHODS = {"api:equipment-item-update": ("PATCH",)}

_CREATE = {"school": "oakfield", "kind": "laptop", "serial_number": "MATRIX-API"}
API_BODIES = {
    ("api:equipment-item-create", "POST"): _CREATE,
    ("api:equipment-item-list", "POST"): _CREATE,
    ("api:equipment-item-update", "PATCH"): {"version": 1, "location": "Office"},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("equipment:item-list", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("equipment:item-list", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("equipment:item-export", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("equipment:item-export", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("equipment:item-detail", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("equipment:item-detail", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("equipment:item-create", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("equipment:item-create", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 302",
    ("equipment:item-edit", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("equipment:item-edit", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("equipment:item-incident", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("equipment:item-incident", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("api:equipment-item-list", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:equipment-item-list", "POST"): "401 201 403 403 201 201 403 403 403 403 403 403 403 404",
    ("api:equipment-item-create", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:equipment-item-create", "POST"): "401 201 403 403 201 201 403 403 403 403 403 403 403 404",
    ("api:equipment-item-detail", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:equipment-item-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:equipment-item-update", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:equipment-item-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:equipment-item-update", "PATCH"): "401 200 403 403 200 200 403 403 403 403 403 403 403 404",
}
