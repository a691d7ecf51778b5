"""The JSON API: /api/v1/, bearer tokens only, the same scoping as the web pages.

Errors follow DESIGN.md: a broken rule or bad input is 422 with
``{"detail": [{"loc": [..., field], "msg": ...}]}``; not signed in 401; not allowed 403;
another school's record 404; a stale version 409.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from schoolkeep.access.api import router as accounts_router
from schoolkeep.accounts.models import ApiToken
from schoolkeep.agreements.aups.api import router as aups_router
from schoolkeep.agreements.policies.api import router as policies_router
from schoolkeep.api.auth import TokenAuth
from schoolkeep.api.schemas import MeOut, MessageOut
from schoolkeep.assets.api import router as assets_router
from schoolkeep.compliance.controls.api import router as controls_router
from schoolkeep.compliance.frameworks.api import router as frameworks_router
from schoolkeep.continuity.checks.api import checks_router as backup_checks_router
from schoolkeep.continuity.checks.api import restores_router as restore_tests_router
from schoolkeep.continuity.scopes.api import router as backup_sets_router
from schoolkeep.equipment.disposals.api import router as disposals_router
from schoolkeep.equipment.inventory.api import router as equipment_router
from schoolkeep.equipment.loans.api import router as loans_router
from schoolkeep.housekeeping.campaigns.api import router as housekeeping_router
from schoolkeep.incidents.api import router as incidents_router
from schoolkeep.inforequests.api import router as requests_router
from schoolkeep.leavers.api import router as leavers_router
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.passwords.api import router as password_cycles_router
from schoolkeep.people.api import router as people_router
from schoolkeep.privacy.destruction.api import router as destructions_router
from schoolkeep.privacy.dpias.api import router as dpias_router
from schoolkeep.privacy.schedule.api import router as record_types_router
from schoolkeep.privacy.suppliers.api import router as processors_router
from schoolkeep.systems.api import router as systems_router
from schoolkeep.training.courses.api import router as courses_router
from schoolkeep.training.records.api import router as training_records_router
from schoolkeep.transfers.log.api import router as transfers_router
from schoolkeep.transfers.rules.api import router as transfer_rules_router

api = NinjaAPI(
    title="Schoolkeep API",
    version="1",
    description="Schoolkeep's records for programs. Send `Authorization: Bearer <token>`; "
    "create a token on your account page.",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=require_safe,  # the document and its page answer GET (and HEAD) only
)


def install_error_handlers(target: NinjaAPI) -> None:
    """401 with a Bearer challenge; a DomainError as 422 naming its field (403 when not
    allowed, 409 when stale). Validation errors are ninja's own 422 in the same shape."""

    def unauthorised(request: HttpRequest, exc: Any) -> HttpResponse:
        response = target.create_response(
            request, {"detail": "A valid API token is required."}, status=401
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    def domain_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if isinstance(exc, NotAllowed):
            return target.create_response(request, {"detail": exc.message}, status=403)
        if isinstance(exc, StaleVersion):
            return target.create_response(request, {"detail": exc.message}, status=409)
        loc = ["body", exc.field] if exc.field else ["body"]
        return target.create_response(
            request, {"detail": [{"loc": loc, "msg": exc.message}]}, status=422
        )

    target.add_exception_handler(AuthenticationError, unauthorised)
    target.add_exception_handler(DomainError, domain_error)


install_error_handlers(api)
api.add_router("/people", people_router)
api.add_router("/systems", systems_router)
api.add_router("/assets", assets_router)
api.add_router("/aups", aups_router)
api.add_router("/policies", policies_router)
api.add_router("/incidents", incidents_router)
api.add_router("/requests", requests_router)
api.add_router("/dpias", dpias_router)
api.add_router("/processors", processors_router)
api.add_router("/record-types", record_types_router)
api.add_router("/destructions", destructions_router)
api.add_router("/accounts", accounts_router)
api.add_router("/password-cycles", password_cycles_router)
api.add_router("/leavers", leavers_router)
api.add_router("/transfer-rules", transfer_rules_router)
api.add_router("/transfers", transfers_router)
api.add_router("/equipment", equipment_router)
api.add_router("/loans", loans_router)
api.add_router("/disposals", disposals_router)
api.add_router("/backup-sets", backup_sets_router)
api.add_router("/backup-checks", backup_checks_router)
api.add_router("/restore-tests", restore_tests_router)
api.add_router("/courses", courses_router)
api.add_router("/training-records", training_records_router)
api.add_router("/housekeeping-campaigns", housekeeping_router)
api.add_router("/frameworks", frameworks_router)
api.add_router("/controls", controls_router)


@api.get("/me", response={200: MeOut, 401: MessageOut, 403: MessageOut}, url_name="me",
         tags=["account"], summary="Who the token acts for, and their schools and roles")
def me(request: HttpRequest) -> dict[str, object]:
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    user = token.user
    return {
        "email": user.email,
        "full_name": user.full_name,
        "schools": [
            {"slug": access.school.slug, "name": access.school.name,
             "roles": sorted(access.roles)}
            for access in request.access_list  # type: ignore[attr-defined]
        ],
    }
