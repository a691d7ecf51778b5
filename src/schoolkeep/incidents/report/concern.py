"""The school's no-login "report a concern" page: its random address, made when a handler
sets the page up (by POST; a page's GET only reads it) and replaceable (the old address then
stops working at once, printed posters included). The mechanics are
``lib/public_pages.TokenPages``.

The token is the page's only secret: it is never written to the audit log or to logs.
"""

from __future__ import annotations

from typing import Any

from schoolkeep.incidents.models import ConcernPage
from schoolkeep.lib.public_pages import TokenPages
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "incidents.concern_page.created": "Report-a-concern page set up",
    "incidents.concern_page.replaced": "Report-a-concern page given a new address",
}

PAGES = TokenPages(model=ConcernPage, permission="incidents.handle",
                   created_action="incidents.concern_page.created",
                   replaced_action="incidents.concern_page.replaced",
                   url_name="concern:report", noun="the report-a-concern page")


def concern_page_of(school: School) -> ConcernPage | None:
    """The school's page if it has been set up (a read only, for the pages' GETs)."""
    return PAGES.of(school)


def concern_page_set_up(*, school: School, actor: Any) -> ConcernPage:
    """Set up the school's page (a handler's choice, by POST); once set up, it stays."""
    return PAGES.set_up(school=school, actor=actor)


def concern_page_for(school: School, *, actor: Any = None) -> ConcernPage:
    """The school's page, made with a random address the first time it is asked for."""
    return PAGES.for_school(school, actor=actor)


def concern_page_replace(*, school: School, actor: Any) -> ConcernPage:
    """Give the page a new random address; the old one stops working."""
    return PAGES.replace(school=school, actor=actor)


def concern_page_by_token(token: str) -> ConcernPage | None:
    """The page at this address, or None (unknown, replaced or malformed)."""
    return PAGES.by_token(token)


def concern_page_url(page: ConcernPage) -> str:
    """The page's full address, as printed on the poster."""
    return PAGES.url(page)
