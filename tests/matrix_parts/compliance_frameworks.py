# ruff: noqa: E501  (one row per line keeps the table readable)
"""The compliance frameworks' pages (under /compliance/) and API (/api/v1/frameworks).

Reading (``compliance.view``): the SIRO, DPO, business manager, IT lead, governors, the
auditor and the trust administrator; every other role gets 403. Changing the school's
wording (``compliance.manage``): the SIRO, DPO and business manager. "Work it out again now"
(``compliance.refresh``): the SIRO, DPO, business manager and the trust administrator (the IT
lead, governors and the auditor read but may not refresh: 403).

The outsider (SIRO of another school) sees their own school's pages and its copy of every
framework (200), may add a clause to it (302), but the home school's own clause is not found
(404), nor is the home school by its slug (not in their access list). Pages that only read
answer POST with 405; POST-only actions answer GET with 405.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.compliance.frameworks.services import requirement_add
from schoolkeep.compliance.models import Framework, Requirement
from tests.personas import Personas

CODE = "matrix-fw"


def build(personas: Personas) -> dict[str, Any]:
    """A framework of two published requirements, and a clause the home school added."""
    framework = Framework.objects.create(code=CODE, version="1", title="Matrix framework",
                                         short_title="Matrix", publisher="Matrix", order=90)
    for number in (1, 2):
        Requirement.objects.create(framework=framework, code=f"{CODE}.r{number}",
                                   order=number, title=f"Matrix requirement {number}")
    own = requirement_add(school=personas.school, actor=personas.siro, framework=framework,
                          section="Matrix", title="Matrix clause", text="Matrix words")
    return {"compliance_framework_id": str(framework.public_id),
            "compliance_requirement_id": str(own.public_id)}


def _requirement(t: Any) -> dict[str, str]:
    return {"public_id": t.extra["compliance_requirement_id"]}


URL_ARGUMENTS = {
    "compliance:framework-detail": lambda t: {"code": CODE},
    "compliance:requirement-add": lambda t: {"code": CODE},
    "compliance:requirement-edit": _requirement,
    "compliance:requirement-withdraw": _requirement,
    "compliance:requirement-restore": _requirement,
    "compliance:school-refresh": lambda t: {"slug": t.personas.school.slug},
    "compliance:school-framework": lambda t: {"slug": t.personas.school.slug, "code": CODE},
    "api:framework-requirements": lambda t: {"framework_id": t.extra["compliance_framework_id"]},
}

SCHOOL_QUERY = {"api:framework-list", "api:framework-requirements"}

FORM_BODIES: dict[tuple[str, str], Any] = {
    ("compliance:requirement-add", "POST"): lambda t: {"title": "Matrix added", "text": "Matrix"},
    ("compliance:requirement-edit", "POST"): lambda t: {"version": "1", "title": "Matrix changed",
                                                        "text": "Matrix"},
}

#                                                      anon siro dpo iao  bm  it  dsl  hr  da staff gov aud trust out
MATRIX: dict[tuple[str, str], str] = {
    ("compliance:home", "GET"): "302 200 200 403 200 200 403 403 403 403 200 200 200 200",
    ("compliance:home", "POST"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("compliance:framework-detail", "GET"): "302 200 200 403 200 200 403 403 403 403 200 200 200 200",
    ("compliance:framework-detail", "POST"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("compliance:requirement-add", "GET"): "302 200 200 403 200 403 403 403 403 403 403 403 403 200",
    ("compliance:requirement-add", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 403 302",
    ("compliance:requirement-edit", "GET"): "302 200 200 403 200 403 403 403 403 403 403 403 403 404",
    ("compliance:requirement-edit", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 403 404",
    ("compliance:requirement-withdraw", "GET"): "302 405 405 403 405 403 403 403 403 403 403 403 403 405",
    ("compliance:requirement-withdraw", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 403 404",
    ("compliance:requirement-restore", "GET"): "302 405 405 403 405 403 403 403 403 403 403 403 403 405",
    ("compliance:requirement-restore", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 403 404",
    ("compliance:trust", "GET"): "302 200 200 403 200 200 403 403 403 403 200 200 200 200",
    ("compliance:trust", "POST"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("compliance:school-refresh", "GET"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("compliance:school-refresh", "POST"): "302 302 302 403 302 403 403 403 403 403 403 403 302 404",
    ("compliance:school-framework", "GET"): "302 200 200 403 200 200 403 403 403 403 200 200 200 404",
    ("compliance:school-framework", "POST"): "302 405 405 403 405 405 403 403 403 403 405 405 405 405",
    ("api:framework-list", "GET"): "401 200 200 403 200 200 403 403 403 403 200 200 200 404",
    ("api:framework-list", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
    ("api:framework-requirements", "GET"): "401 200 200 403 200 200 403 403 403 403 200 200 200 404",
    ("api:framework-requirements", "POST"): "405 405 405 405 405 405 405 405 405 405 405 405 405 405",
}
