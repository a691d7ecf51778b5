"""The school's no-login "report a concern" page: its random address, made when a handler
sets the page up (by POST; a page's GET only reads it) and replaceable (the old address then
stops working at once, printed posters included).

The token is the page's only secret: it is never written to the audit log or to logs.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from schoolkeep.audit.services import audit_record
from schoolkeep.incidents.models import ConcernPage
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "incidents.concern_page.created": "Report-a-concern page set up",
    "incidents.concern_page.replaced": "Report-a-concern page given a new address",
}

TOKEN_BYTES = 16  # 22 characters, 128 bits
TOKEN_MAX_LENGTH = 64  # longer "tokens" are not looked up at all


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def concern_page_of(school: School) -> ConcernPage | None:
    """The school's page if it has been set up (a read only, for the pages' GETs)."""
    return ConcernPage.objects.filter(school=school).first()


def concern_page_set_up(*, school: School, actor: Any) -> ConcernPage:
    """Set up the school's page (a handler's choice, by POST); once set up, it stays."""
    require_permission(school=school, actor=actor, permission="incidents.handle",
                       message="You may not set up the report-a-concern page.")
    return concern_page_for(school, actor=actor)


def concern_page_for(school: School, *, actor: Any = None) -> ConcernPage:
    """The school's page, made with a random address the first time it is asked for."""
    page = ConcernPage.objects.filter(school=school).first()
    if page is not None:
        return page
    try:
        with transaction.atomic():
            page = ConcernPage.objects.create(school=school, token=new_token())
            audit_record(action="incidents.concern_page.created", school=school, actor=actor,
                         target=page, changes={"address": "created"})
    except IntegrityError:  # made at the same moment by another request
        page = ConcernPage.objects.get(school=school)
    return page


def concern_page_replace(*, school: School, actor: Any) -> ConcernPage:
    """Give the page a new random address; the old one stops working."""
    with transaction.atomic():
        require_permission(school=school, actor=actor, permission="incidents.handle",
                           message="You may not change the report-a-concern page.")
        current = concern_page_for(school, actor=actor)
        page = ConcernPage.objects.select_for_update().get(pk=current.pk)
        page.token = new_token()
        page.replaced_at = timezone.now()
        page.full_clean()
        page.save(update_fields=["token", "replaced_at"])
        audit_record(action="incidents.concern_page.replaced", school=school, actor=actor,
                     target=page, changes={"address": "replaced"})
    return page


def concern_page_by_token(token: str) -> ConcernPage | None:
    """The page at this address, or None (unknown, replaced or malformed)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return ConcernPage.objects.select_related("school").filter(token=token).first()


def concern_page_url(page: ConcernPage) -> str:
    """The page's full address, as printed on the poster."""
    return settings.BASE_URL + reverse("concern:report", args=[page.token])
