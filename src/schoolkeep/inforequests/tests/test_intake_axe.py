"""The pages of receiving requests in a real browser, each at 1280 and 390 pixels through
axe-core (WCAG 2.2 AA), nothing scrolling sideways at 320, no CSP refusal or script error:
the member's log form and the page that follows it (its reference), the public request
page's settings (before and after it is set up), and the no-login page with every answer it
gives: the form, the thanks with the receipt code (after one request sent in the browser),
an unknown address (404) and too many attempts (429).

Pages opened by address go through ``tests.browser.test_responsive.sweep_pages``; the
answers of the public page that are not a plain 200 GET are checked where the browser is
after reaching them, with the same checks. The browser fixtures are tests/browser's
(Debian's chromium and axe-core; skipped with the reason when either is missing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from tests.browser.conftest import (  # noqa: F401  (fixtures, by name)
    WCAG_TAGS,
    axe_source,
    chromium,
    format_axe_violations,
)
from tests.browser.test_responsive import (
    AXE,
    HEIGHT,
    NARROWEST,
    PAGE_SCROLLS_SIDEWAYS,
    PHONE,
    WIDE,
    sweep_pages,
)
from tests.matrix_parts.requests_intake import make_request
from tests.personas import build_personas

from schoolkeep.inforequests.intake.public import request_page_set_up
from schoolkeep.inforequests.intake.public_views import GUESS_LIMIT

pytestmark = [pytest.mark.browser]


def _check_here(page: Any, axe_source: str, name: str, failures: list[str]) -> None:  # noqa: F811
    """axe at 1280 and 390 pixels and no sideways scroll at 320, on the page as it is."""
    for width in (WIDE, PHONE):
        page.set_viewport_size({"width": width, "height": HEIGHT})
        if page.evaluate("typeof window.axe") == "undefined":
            page.evaluate(axe_source)
        violations = page.evaluate(AXE, WCAG_TAGS)
        if violations:
            failures.append(f"{name} at {width}px: " + format_axe_violations(name, violations))
    page.set_viewport_size({"width": NARROWEST, "height": HEIGHT})
    if (widths := page.evaluate(PAGE_SCROLLS_SIDEWAYS)) is not None:
        failures.append(f"{name} at {NARROWEST}px: the page scrolls sideways "
                        f"({widths[0]}px in {widths[1]}px)")


def _sweep_public_answers(chromium: Any, live_server: Any, axe_source: str,  # noqa: F811
                          token: str) -> list[str]:
    """One request sent on the public page (the thanks), an unknown address (404), then
    unknown addresses until the throttle answers (429)."""
    failures: list[str] = []
    context = chromium.new_context(base_url=live_server.url, locale="en-GB",
                                   viewport={"width": WIDE, "height": HEIGHT})
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(reverse("ask:request", args=[token]))
        page.check('input[name="kind"][value="subject_access"]')
        page.select_option('select[name="requester_type"]', "parent")
        page.fill('input[name="requester_name"]', "Pat Parent")
        page.fill('input[name="requester_contact"]', "pat@example.com")
        page.select_option('select[name="subject_type"]', "pupils")
        page.fill('input[name="subject_name"]', "Sam Pupil")
        page.fill('textarea[name="description"]', "Sam's behaviour records in Year 5.")
        with page.expect_navigation() as sent:
            page.click("button[type=submit]")
        answers = [("ask_received", sent.value, 200)]
        if page.locator("text=Your receipt code is").count() != 1:
            failures.append("ask_received: no receipt code after sending the request")
        _check_here(page, axe_source, "ask_received", failures)
        for number in range(GUESS_LIMIT):
            answers.append(("ask_unknown", page.goto(
                reverse("ask:request", args=[f"no-such-page-{number}"])), 404))
            if number == 0:
                _check_here(page, axe_source, "ask_unknown", failures)
        answers.append(("ask_throttled", page.goto(reverse("ask:request", args=[token])), 429))
        _check_here(page, axe_source, "ask_throttled", failures)
        for name, response, status in answers:
            if response is None or response.status != status:
                failures.append(f"{name}: answered {response and response.status}, "
                                f"not {status}")
    finally:
        context.close()
    return failures + [text for text in problems if "Content Security Policy" in text
                       or "Refused to" in text]


@pytest.mark.sweep  # the SQLite pass only
def test_the_intake_pages_pass_axe_and_fit_a_phone(
        transactional_db: None, chromium: Any, live_server: Any, axe_source: str  # noqa: F811
) -> None:
    personas = build_personas()
    logged = make_request(personas)  # by the member of staff: their page after logging
    failures = sweep_pages(chromium, live_server, axe_source, personas.staff,
                           "requests-intake-staff", [
                               reverse("requests:request-log"),
                               reverse("requests:request-logged", args=[logged.public_id])])
    page = reverse("requests:public-page")
    failures += sweep_pages(chromium, live_server, axe_source, personas.dpo,
                            "requests-intake-dpo-before", [page])
    token = request_page_set_up(school=personas.school, actor=personas.dpo).token
    failures += sweep_pages(chromium, live_server, axe_source, personas.dpo,
                            "requests-intake-dpo", [page, reverse("ask:request", args=[token])])
    failures += _sweep_public_answers(chromium, live_server, axe_source, token)
    assert not failures, "\n".join(failures)
