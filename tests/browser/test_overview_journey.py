"""The overview pages in a real browser: a governor reads their school's overview, a trust
administrator lands on their schools side by side and opens one.

Each page is checked with axe-core against WCAG 2.2 AA (the SVG charts included) at 1280
and at 390 pixels wide, the console must show no Content Security Policy refusal (the charts
carry no style attribute) and no script error, and at 320 pixels the page itself must not
scroll sideways (a wide table scrolls inside its own box).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolkeep.overview.tests.records import fill
from tests.browser import test_journey as base
from tests.browser.conftest import PageProblems
from tests.factories import PASSWORD, SchoolFactory
from tests.personas import TOTP_SECRET, build_personas

pytestmark = [pytest.mark.browser]


def sign_in(page: Any, email: str) -> None:
    page.goto(reverse("account_login"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    page.wait_for_url(f"**{reverse('mfa_authenticate')}")
    page.fill("input[name=code]", base.current_totp_code(TOTP_SECRET))
    page.locator("form:has(input[name=code]) [type=submit]").first.click()
    # Signing in lands on home: the dashboard, or a trust administrator's schools.
    page.wait_for_url(lambda url: url.endswith((reverse("duties:dashboard"),
                                                reverse("overview:schools"))))


def check_widths(page: Any, journey: base.Journey, name: str) -> None:
    """axe at 1280 and 390 pixels; no sideways scroll of the page at 320."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        journey.check(f"overview-{name}-{width}")
    page.set_viewport_size({"width": 320, "height": 900})
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name}: the page scrolls sideways by {overflow}px at 320px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_governor_and_a_trust_administrator_read_the_overview(
    transactional_db: None, browser_page: tuple[Any, PageProblems], axe_source: str
) -> None:
    personas = build_personas()
    fill(personas.school, now=timezone.now())
    SchoolFactory(name="Brook Academy", slug="brook", organisation=personas.school.organisation)
    page, problems = browser_page
    journey = base.Journey(page, problems, axe_source)

    # A governor: their school's overview, figures and charts.
    sign_in(page, personas.governor.email)
    page.goto(reverse("overview:school"))
    main = page.locator("main")
    assert main.get_by_role("heading", level=1, name="How the school keeps its policy").is_visible()
    assert main.get_by_role("img", name="Chart of Single Central Record").first.is_visible()
    assert "2 of 4 (50%)" in main.inner_text()
    check_widths(page, journey, "school")
    page.locator("form:has(button:text('Sign out')) button").first.click()

    # A trust administrator lands on the schools side by side, then opens one school.
    sign_in(page, personas.trust_admin.email)
    page.goto(reverse("home"))
    page.wait_for_url(f"**{reverse('overview:schools')}")
    assert page.get_by_role("heading", level=1, name="Your schools at a glance").is_visible()
    assert "your role does not see them" in page.locator("main").inner_text()
    check_widths(page, journey, "schools")
    page.get_by_role("link", name="Brook Academy", exact=True).click()
    page.wait_for_url(f"**{reverse('overview:school-of', kwargs={'slug': 'brook'})}")
    check_widths(page, journey, "other-school")
    journey.finish()
