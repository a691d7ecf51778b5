"""The progress pages in a real browser: every form (pause, answer, extend, told, respond with
the Article 19 recipients, acknowledge, withdraw) and the request's page with the pauses,
extensions and a response shown, each at 1280 and 390 pixels through axe-core (WCAG 2.2 AA),
nothing scrolling sideways at 320, no CSP refusal or script error
(``tests.browser.test_responsive.sweep_pages``), signed in as the DPO.

The browser fixtures are tests/browser's (Debian's chromium and axe-core; skipped with the
reason when either is missing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.browser.conftest import axe_source, chromium  # noqa: F401  (fixtures, by name)
from tests.browser.test_responsive import sweep_pages
from tests.matrix_parts.requests_intake import make_request
from tests.personas import build_personas

from schoolkeep.inforequests.models import Kind
from schoolkeep.inforequests.progress.services import (
    extension_add,
    hold_ask,
    request_respond,
    request_withdraw,
)

pytestmark = [pytest.mark.browser]


@pytest.mark.sweep  # the SQLite pass only
def test_the_progress_pages_pass_axe_and_fit_a_phone(
        transactional_db: None, chromium: Any, live_server: Any, axe_source: str  # noqa: F811
) -> None:
    personas = build_personas()
    today = timezone.localdate()
    school = personas.school
    access = make_request(personas)
    hold = hold_ask(school=school, actor=None, request=access, reason="identity",
                    asked_on=today, note="A copy of photo ID")
    extension = extension_add(school=school, actor=None, request=access, amount=1,
                              reason="Records in five systems", decided_on=today)
    erasure = make_request(personas, kind=Kind.ERASURE)
    complaint = make_request(personas, kind=Kind.COMPLAINT)
    answered = make_request(personas, kind=Kind.RECTIFICATION)
    request_respond(school=school, actor=None, request=answered, responded_on=today,
                    outcome="full", response_channel="letter",
                    recipients_told="No one: the data was not shared",
                    recipients_told_on=today)
    withdrawn = make_request(personas, kind=Kind.FOI)
    request_withdraw(school=school, actor=None, request=withdrawn, withdrawn_on=today,
                     reason="No longer needed")

    def url(name: str, request: Any, **kwargs: Any) -> str:
        return reverse(f"requests:{name}", kwargs={"public_id": request.public_id, **kwargs})

    paths = [
        url("request-detail", access), url("request-detail", answered),
        url("request-detail", withdrawn), url("request-detail", complaint),
        url("hold-add", access), url("hold-answer", access, hold_id=hold.pk),
        url("extension-add", access),
        url("extension-told", access, extension_id=extension.pk),
        url("request-respond", erasure), url("request-respond", complaint),
        url("request-acknowledge", complaint), url("request-withdraw", access),
    ]
    failures = sweep_pages(chromium, live_server, axe_source, personas.dpo,
                           "requests-progress", paths)
    assert not failures, "\n".join(failures)
