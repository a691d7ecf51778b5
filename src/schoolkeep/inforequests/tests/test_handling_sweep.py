"""The handling pages in a real browser: the requests list (a handler's and a member's with
their searches), a request's page with something of every part on it, and the forms of its
record, each at 1280 and 390 pixels through axe-core (WCAG 2.2 AA), nothing scrolling
sideways at 320, no CSP refusal or script error (``tests.browser.test_responsive``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from tests.browser.conftest import axe_source, chromium  # noqa: F401  (fixtures, by name)
from tests.browser.test_responsive import sweep_pages
from tests.personas import build_personas

from schoolkeep.inforequests.tests.handling_support import full_request

pytestmark = [pytest.mark.browser]


@pytest.mark.sweep  # the SQLite pass only
def test_the_handling_pages_pass_axe_and_fit_a_phone(
        transactional_db: None, chromium: Any, live_server: Any, axe_source: str  # noqa: F811
) -> None:
    personas = build_personas()
    request_obj = full_request(personas)
    paths = [reverse("requests:request-list"),
             reverse("requests:request-list") + "?status=open",
             reverse("requests:request-detail", args=[request_obj.public_id])]
    paths += [reverse(f"requests:{name}", args=[request_obj.public_id])
              for name in ("request-edit", "request-identity", "request-hide")]
    failures = sweep_pages(chromium, live_server, axe_source, personas.dpo,
                           "requests-handling", paths)
    failures += sweep_pages(chromium, live_server, axe_source, personas.staff,
                            "requests-handling-member", [reverse("requests:request-list")])
    assert not failures, "\n".join(failures)
