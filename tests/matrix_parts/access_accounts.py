# ruff: noqa: E501  (one row per line keeps the table readable)
"""The accounts on each system: its pages and /api/v1/accounts.

Reading needs ``access.view`` (the SIRO, DPO, IT lead, business manager, auditor and trust
administrator); adding, changing and disabling need ``access.manage`` (the SIRO and the IT
lead). Another school's account is a 404 for the outsider (the SIRO of their own school, who
sees their own list and form); the pages' lists and the account's page only read (POST: 405).
Disabling is POST only. In the API, not a member of the school: 404.
"""

from __future__ import annotations

import uuid
from typing import Any

from schoolkeep.access.accounts.services import account_create
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_create
from tests.personas import Personas

# The system's id is fixed so that the API's create body (a constant) can name it.
SYSTEM_ID = uuid.UUID("3f1c2a5e-15ac-4c0a-9a15-000000000015")


def build(personas: Personas) -> dict[str, Any]:
    system = system_create(school=personas.school, actor=personas.siro,
                           name="Matrix Accounts System")
    System.objects.filter(pk=system.pk).update(public_id=SYSTEM_ID)
    system.public_id = SYSTEM_ID
    account = account_create(school=personas.school, actor=personas.siro, system=system,
                             username="matrix.account")
    return {"access_account_id": str(account.public_id)}


def _account(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["access_account_id"]}


def _api_account(t: Any) -> dict[str, str]:
    return {"account_id": t.extra["access_account_id"]}


URL_ARGUMENTS = {
    "access:account-detail": _account,
    "access:account-edit": _account,
    "access:account-disable": _account,
    "api:account-detail": _api_account,
    "api:account-update": _api_account,
}

_FORM = {"username": "matrix.new", "is_admin": "unknown", "mfa_on": "unknown",
         "enabled": "yes"}
FORM_BODIES: dict[tuple[str, str], Any] = {
    ("access:account-create", "POST"): lambda t: {**_FORM, "system": str(SYSTEM_ID)},
    ("access:account-edit", "POST"): lambda t: {**_FORM, "version": "1",
                                                "username": "matrix.account", "mfa_on": "yes"},
}

SCHOOL_QUERY = {"api:account-list", "api:account-create", "api:account-detail",
                "api:account-update"}
EXTRA_METHODS = {"api:account-update": ("PATCH",)}

_CREATE = {"school": "oakfield", "system": str(SYSTEM_ID), "username": "matrix.api"}
API_BODIES = {
    ("api:account-create", "POST"): _CREATE,
    ("api:account-list", "POST"): _CREATE,
    ("api:account-update", "PATCH"): {"version": 1, "mfa_on": True},
}

#                                            anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("access:account-list", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("access:account-list", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("access:account-detail", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("access:account-detail", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("access:account-create", "GET"): "302 200 403 403 403 200 403 403 403 403 403 403 403 200",
    ("access:account-create", "POST"): "302 302 403 403 403 302 403 403 403 403 403 403 403 200",
    ("access:account-edit", "GET"): "302 200 403 403 403 200 403 403 403 403 403 403 403 404",
    ("access:account-edit", "POST"): "302 302 403 403 403 302 403 403 403 403 403 403 403 404",
    ("access:account-disable", "GET"): "302 405 403 403 403 405 403 403 403 403 403 403 403 405",
    ("access:account-disable", "POST"): "302 302 403 403 403 302 403 403 403 403 403 403 403 404",
    ("api:account-list", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:account-list", "POST"): "401 201 403 403 403 201 403 403 403 403 403 403 403 404",
    ("api:account-create", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:account-create", "POST"): "401 201 403 403 403 201 403 403 403 403 403 403 403 404",
    ("api:account-detail", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:account-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:account-update", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:account-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:account-update", "PATCH"): "401 200 403 403 403 200 403 403 403 403 403 403 403 404",
}
