"""The school's no-login request page: its random address, made when a handler sets the page
up (by POST; a page's GET only reads it) and replaceable (the old address then stops working
at once, printed posters included). The mechanics are ``lib/public_pages.TokenPages``.

The token is the page's only secret: it is never written to the audit log or to logs
(``/ask/`` is one of lib/log_redaction.py's secret paths).
"""

from __future__ import annotations

from typing import Any

from schoolkeep.inforequests.models import RequestPage
from schoolkeep.lib.public_pages import TokenPages
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "requests.page.created": "Public request page set up",
    "requests.page.replaced": "Public request page given a new address",
}

PAGES = TokenPages(model=RequestPage, permission="requests.handle",
                   created_action="requests.page.created",
                   replaced_action="requests.page.replaced",
                   url_name="ask:request", noun="the public request page",
                   target_label="Public request page")


def request_page_of(school: School) -> RequestPage | None:
    """The school's page if it has been set up (a read only, for the pages' GETs)."""
    return PAGES.of(school)


def request_page_set_up(*, school: School, actor: Any) -> RequestPage:
    """Set up the school's page (a handler's choice, by POST); once set up, it stays (setting
    it up again changes nothing)."""
    return PAGES.set_up(school=school, actor=actor)


def request_page_replace(*, school: School, actor: Any) -> RequestPage:
    """Give the page a new random address; the old one stops working at once."""
    return PAGES.replace(school=school, actor=actor)


def request_page_by_token(token: str) -> RequestPage | None:
    """The page at this address, or None (unknown, replaced or malformed)."""
    return PAGES.by_token(token)


def request_page_url(page: RequestPage) -> str:
    """The page's full address, as printed on the poster."""
    return PAGES.url(page)
