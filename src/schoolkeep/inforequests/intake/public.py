"""The school's no-login request page: its random address, made when a handler sets the page
up (by POST; a page's GET only reads it) and replaceable (the old address then stops working
at once, printed posters included).

The token is the page's only secret: it is never written to the audit log or to logs
(``/ask/`` is one of lib/log_redaction.py's secret paths).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from schoolkeep.audit.services import audit_record
from schoolkeep.inforequests.models import RequestPage
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "requests.page.created": "Public request page set up",
    "requests.page.replaced": "Public request page given a new address",
}

TOKEN_BYTES = 16  # 22 characters, 128 bits
TOKEN_MAX_LENGTH = 64  # longer "tokens" are not looked up at all


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def request_page_of(school: School) -> RequestPage | None:
    """The school's page if it has been set up (a read only, for the pages' GETs)."""
    return RequestPage.objects.filter(school=school).first()


def _page_for(school: School, *, actor: Any) -> RequestPage:
    page = RequestPage.objects.filter(school=school).first()
    if page is not None:
        return page
    try:
        with transaction.atomic():
            page = RequestPage(school=school, token=new_token())
            page.full_clean()
            page.save()
            audit_record(action="requests.page.created", school=school, actor=actor,
                         target=page, target_label="Public request page",
                         changes={"address": "created"})
    except IntegrityError:  # set up at the same moment by another handler
        page = RequestPage.objects.get(school=school)
    return page


def request_page_set_up(*, school: School, actor: Any) -> RequestPage:
    """Set up the school's page (a handler's choice, by POST); once set up, it stays (setting
    it up again changes nothing)."""
    require_permission(school=school, actor=actor, permission="requests.handle",
                       message="You may not set up the public request page.")
    return _page_for(school, actor=actor)


def request_page_replace(*, school: School, actor: Any) -> RequestPage:
    """Give the page a new random address; the old one stops working at once."""
    require_permission(school=school, actor=actor, permission="requests.handle",
                       message="You may not change the public request page.")
    with transaction.atomic():
        current = _page_for(school, actor=actor)
        page = RequestPage.objects.select_for_update().get(pk=current.pk)
        page.token = new_token()
        page.replaced_at = timezone.now()
        page.full_clean()
        page.save(update_fields=["token", "replaced_at"])
        audit_record(action="requests.page.replaced", school=school, actor=actor,
                     target=page, target_label="Public request page",
                     changes={"address": "replaced"})
    return page


def request_page_by_token(token: str) -> RequestPage | None:
    """The page at this address, or None (unknown, replaced or malformed)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    return RequestPage.objects.select_related("school").filter(token=token).first()


def request_page_url(page: RequestPage) -> str:
    """The page's full address, as printed on the poster."""
    return settings.BASE_URL + reverse("ask:request", args=[page.token])
