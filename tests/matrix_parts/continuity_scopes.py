# ruff: noqa: E501  (one row per line keeps the table readable)
"""What needs protecting and the backup sets: their pages and /api/v1/backup-sets.

Reading needs ``continuity.view`` (the SIRO, DPO, business manager, IT lead, auditor and
trust administrator); adding, changing, archiving and retiring, starting with the usual
scopes and the check window need ``continuity.manage`` (the SIRO, business manager and IT
lead). Another school's scope or set is a 404 for the outsider (the SIRO of their own
school, who sees their own lists and forms, and whose "start" and "add a set" act on their
own school). In the API, not a member of the school: 404.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.continuity.scopes.services import scope_create, set_create
from tests.personas import Personas


def build(personas: Personas) -> dict[str, Any]:
    school = personas.school
    scope = scope_create(school=school, actor=None, kind="admin_network",
                         name="Matrix network")
    backup_set = set_create(school=school, actor=None, name="Matrix tapes", medium="tape",
                            location="Matrix server room", offline=True, scopes=[scope])
    return {"continuity_scope_id": str(scope.public_id),
            "continuity_set_id": str(backup_set.public_id)}


def _scope(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["continuity_scope_id"]}


def _set(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["continuity_set_id"]}


def _api_set(t: Any) -> dict[str, str]:
    return {"set_id": t.extra["continuity_set_id"]}


URL_ARGUMENTS = {
    "continuity:scope-detail": _scope,
    "continuity:scope-edit": _scope,
    "continuity:scope-archive": _scope,
    "continuity:set-detail": _set,
    "continuity:set-edit": _set,
    "continuity:set-retire": _set,
    "api:backup-set-detail": _api_set,
    "api:backup-set-update": _api_set,
    "api:backup-set-retire": _api_set,
}

_SET_FORM = {"name": "Matrix disk", "medium": "disk", "location": "Matrix office",
             "schedule": "weekly"}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("continuity:scope-create", "POST"): lambda t: {"kind": "other", "name": "Matrix other"},
    ("continuity:scope-edit", "POST"): lambda t: {"version": "1", "kind": "admin_network",
                                                  "name": "Matrix network, renamed",
                                                  "manage_without": "day"},
    ("continuity:set-create", "POST"): lambda t: dict(_SET_FORM),
    ("continuity:set-edit", "POST"): lambda t: {**_SET_FORM, "version": "1"},
    ("continuity:settings", "POST"): lambda t: {"version": "1", "check_window_days": "20"},
}

SCHOOL_QUERY = {"api:backup-set-list", "api:backup-set-create", "api:backup-set-detail",
                "api:backup-set-update", "api:backup-set-retire"}
EXTRA_METHODS = {"api:backup-set-update": ("PATCH",)}

_API_CREATE = {"school": "oakfield", "name": "Matrix cloud", "medium": "cloud",
               "location": "Matrix data centre", "off_site": True}
API_BODIES = {
    ("api:backup-set-create", "POST"): _API_CREATE,
    ("api:backup-set-list", "POST"): _API_CREATE,
    ("api:backup-set-update", "PATCH"): {"version": 1, "notes": "Changed by the matrix"},
}

#                                               anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("continuity:scope-list", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("continuity:scope-list", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("continuity:scopes-start", "GET"): "302 405 403 403 405 405 403 403 403 403 403 403 403 405",
    ("continuity:scopes-start", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 302",
    ("continuity:scope-create", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("continuity:scope-create", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 302",
    ("continuity:scope-detail", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("continuity:scope-detail", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("continuity:scope-edit", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("continuity:scope-edit", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("continuity:scope-archive", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("continuity:scope-archive", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("continuity:set-list", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 200",
    ("continuity:set-list", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("continuity:set-create", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("continuity:set-create", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 302",
    ("continuity:set-detail", "GET"): "302 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("continuity:set-detail", "POST"): "302 405 405 403 405 405 403 403 403 403 403 405 405 405",
    ("continuity:set-edit", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("continuity:set-edit", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("continuity:set-retire", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("continuity:set-retire", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 404",
    ("continuity:settings", "GET"): "302 200 403 403 200 200 403 403 403 403 403 403 403 200",
    ("continuity:settings", "POST"): "302 302 403 403 302 302 403 403 403 403 403 403 403 302",
    ("api:backup-set-list", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:backup-set-list", "POST"): "401 201 403 403 201 201 403 403 403 403 403 403 403 404",
    ("api:backup-set-create", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:backup-set-create", "POST"): "401 201 403 403 201 201 403 403 403 403 403 403 403 404",
    ("api:backup-set-detail", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:backup-set-detail", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:backup-set-update", "GET"): "401 200 200 403 200 200 403 403 403 403 403 200 200 404",
    ("api:backup-set-update", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:backup-set-update", "PATCH"): "401 200 403 403 200 200 403 403 403 403 403 403 403 404",
    ("api:backup-set-retire", "GET"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:backup-set-retire", "POST"): "401 200 403 403 200 200 403 403 403 403 403 403 403 404",
}
