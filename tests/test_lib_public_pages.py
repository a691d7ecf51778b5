"""lib.public_pages.TokenPages: a school's public page set up once, replaced, looked up by
its token, with its address; shown on the request page's model."""

from __future__ import annotations

import pytest

from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.models import RequestPage
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.lib.public_pages import TOKEN_MAX_LENGTH, TokenPages
from tests.personas import Personas

PAGES = TokenPages(model=RequestPage, permission="requests.handle",
                   created_action="requests.page.created",
                   replaced_action="requests.page.replaced", url_name="ask:request",
                   noun="the public request page", target_label="Public request page")

pytestmark = pytest.mark.django_db


def test_set_up_once_then_replaced_and_looked_up(personas: Personas) -> None:
    assert PAGES.of(personas.school) is None
    page = PAGES.set_up(school=personas.school, actor=personas.siro)
    assert PAGES.set_up(school=personas.school, actor=personas.siro).pk == page.pk
    assert PAGES.of(personas.school) == page and len(page.token) == 22
    old = page.token
    new = PAGES.replace(school=personas.school, actor=personas.siro)
    assert new.pk == page.pk and new.token != old and new.replaced_at is not None
    assert PAGES.by_token(old) is None
    assert PAGES.by_token(new.token) == new
    assert PAGES.by_token("") is None and PAGES.by_token("x" * (TOKEN_MAX_LENGTH + 1)) is None
    assert PAGES.url(new).endswith(f"/ask/{new.token}/")
    events = AuditEvent.objects.filter(action__startswith="requests.page.").order_by("pk")
    assert [(e.action, e.target_label, e.changes) for e in events] == [
        ("requests.page.created", "Public request page", {"address": "created"}),
        ("requests.page.replaced", "Public request page", {"address": "replaced"})]
    assert all(old not in str(e.changes) and new.token not in str(e.changes) for e in events)


def test_without_the_permission_nothing_is_set_up_or_replaced(personas: Personas) -> None:
    with pytest.raises(NotAllowed, match=r"You may not set up the public request page\."):
        PAGES.set_up(school=personas.school, actor=personas.staff)
    with pytest.raises(NotAllowed, match=r"You may not change the public request page\."):
        PAGES.replace(school=personas.school, actor=personas.staff)
    assert PAGES.of(personas.school) is None
