"""The pages of receiving requests in a real browser: the member's log form, the public
request page's settings (before and after it is set up) and the no-login page itself, each
at 1280 and 390 pixels through axe-core (WCAG 2.2 AA), nothing scrolling sideways at 320,
no CSP refusal or script error (``tests.browser.test_responsive.sweep_pages``).

The browser fixtures are tests/browser's (Debian's chromium and axe-core; skipped with the
reason when either is missing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from tests.browser.conftest import axe_source, chromium  # noqa: F401  (fixtures, by name)
from tests.browser.test_responsive import sweep_pages
from tests.personas import build_personas

from schoolkeep.inforequests.intake.public import request_page_set_up

pytestmark = [pytest.mark.browser]


@pytest.mark.sweep  # the SQLite pass only
def test_the_intake_pages_pass_axe_and_fit_a_phone(
        transactional_db: None, chromium: Any, live_server: Any, axe_source: str  # noqa: F811
) -> None:
    personas = build_personas()
    failures = sweep_pages(chromium, live_server, axe_source, personas.staff,
                           "requests-intake-staff", [reverse("requests:request-log")])
    page = reverse("requests:public-page")
    failures += sweep_pages(chromium, live_server, axe_source, personas.dpo,
                            "requests-intake-dpo-before", [page])
    token = request_page_set_up(school=personas.school, actor=personas.dpo).token
    failures += sweep_pages(chromium, live_server, axe_source, personas.dpo,
                            "requests-intake-dpo", [page, reverse("ask:request", args=[token])])
    assert not failures, "\n".join(failures)
