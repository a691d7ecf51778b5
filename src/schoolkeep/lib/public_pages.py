"""What the public no-login pages opened by a token in their address share: the signing
link page (``/sign/<token>``), the report-a-concern page (``/report/<token>/``) and the
request page (``/ask/<token>/``); the last two are a school's page set up once and
replaceable (``TokenPages``).

The token must not leak and must not be guessed: every answer carries
``Referrer-Policy: no-referrer`` and ``Cache-Control: no-store`` and is not indexed,
refusals are logged here with the path redacted (instead of by Django), every log line has
secret addresses redacted (``lib/log_redaction.py``), and attempts are counted per client
address by the throttles app (``throttles/services.py``), in one atomic step.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from schoolkeep.audit.services import audit_record
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import School

TOKEN_BYTES = 16  # 22 characters, 128 bits
TOKEN_MAX_LENGTH = 64  # longer "tokens" are not looked up at all


def public_response(response: HttpResponse, state: str, *, logger: logging.Logger,
                    page_name: str, redacted_path: str) -> HttpResponse:
    """The headers every answer of a public page carries; refusals are logged here, with
    the path redacted, instead of by Django with the token in the path."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)  # no-store, private
    if response.status_code >= 400:
        response._has_been_logged = True  # type: ignore[attr-defined]
        logger.info("%s answered %s (%s) for %s", page_name, response.status_code, state,
                    redacted_path)
    return response


P = TypeVar("P", bound=models.Model)


@dataclass(frozen=True)
class TokenPages(Generic[P]):
    """A school's public page at a random address (``token``): made when a member with
    ``permission`` sets it up (by POST; a page's GET only reads it), replaceable (the old
    address then stops working at once, printed posters included) and looked up by its
    token. ``model`` has a one-to-one ``school``, a unique ``token`` and ``replaced_at``.

    The token is the page's only secret: it is never written to the audit log or to logs.
    ``created_action`` and ``replaced_action`` are the audit actions (their changes say only
    "address": "created" or "replaced"); ``noun`` names the page in refusals ("You may not
    set up {noun}."); ``url_name`` is the page's route, which takes the token.
    """

    model: type[P]
    permission: str
    created_action: str
    replaced_action: str
    url_name: str
    noun: str
    target_label: str = ""

    def of(self, school: School) -> P | None:
        """The school's page if it has been set up (a read only, for the pages' GETs)."""
        return self._pages().filter(school=school).first()

    def for_school(self, school: School, *, actor: Any) -> P:
        """The school's page, made with a random address the first time it is asked for."""
        page = self.of(school)
        if page is not None:
            return page
        try:
            with transaction.atomic():
                page = self.model(school=school, token=new_token())
                page.full_clean()
                page.save()
                audit_record(action=self.created_action, school=school, actor=actor,
                             target=page, target_label=self.target_label,
                             changes={"address": "created"})
        except IntegrityError:  # set up at the same moment by another member
            page = self._pages().get(school=school)
        return page

    def set_up(self, *, school: School, actor: Any) -> P:
        """Set up the school's page (a handler's choice, by POST); once set up, it stays
        (setting it up again changes nothing)."""
        require_permission(school=school, actor=actor, permission=self.permission,
                           message=f"You may not set up {self.noun}.")
        return self.for_school(school, actor=actor)

    def replace(self, *, school: School, actor: Any) -> P:
        """Give the page a new random address; the old one stops working at once."""
        require_permission(school=school, actor=actor, permission=self.permission,
                           message=f"You may not change {self.noun}.")
        with transaction.atomic():
            current = self.for_school(school, actor=actor)
            page = self._pages().select_for_update().get(pk=current.pk)
            page.token = new_token()  # type: ignore[attr-defined]
            page.replaced_at = timezone.now()  # type: ignore[attr-defined]
            page.full_clean()
            page.save(update_fields=["token", "replaced_at"])
            audit_record(action=self.replaced_action, school=school, actor=actor,
                         target=page, target_label=self.target_label,
                         changes={"address": "replaced"})
        return page

    def by_token(self, token: str) -> P | None:
        """The page at this address, or None (unknown, replaced or malformed)."""
        if not token or len(token) > TOKEN_MAX_LENGTH:
            return None
        return self._pages().select_related("school").filter(token=token).first()

    def url(self, page: P) -> str:
        """The page's full address, as printed on the poster."""
        token = page.token  # type: ignore[attr-defined]
        return settings.BASE_URL + reverse(self.url_name, args=[token])

    def _pages(self) -> models.QuerySet[P]:
        return self.model._default_manager.all()


def new_token() -> str:
    """A new random page address: 22 characters, 128 bits."""
    return secrets.token_urlsafe(TOKEN_BYTES)
