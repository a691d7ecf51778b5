"""What needs doing, in a real browser: a running ICO clock leads the DPO's dashboard.

A personal data breach reported 31 hours ago has its 72-hour ICO clock running. The DPO, who
handles it, signs in: their dashboard opens with a red banner naming the decision and the
hours left, above everything else, at 1280 and at 390 pixels wide, without a horizontal
scroll; its link opens the breach. The SIRO, who follows it up, sees it first among the
others' duties, not in a banner. Every page is checked with axe-core (WCAG 2.2 AA), and
the console must show no Content Security Policy refusal and no script error.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolkeep.duties.tests.clocked import clocked_incidents
from schoolkeep.incidents.models import Channel
from schoolkeep.incidents.report.services import incident_report
from tests.browser import test_journey as base
from tests.browser.conftest import PageProblems
from tests.browser.test_incidents_journey import sign_in
from tests.personas import build_personas

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _no_page_scroll(page: Any) -> bool:
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def test_a_running_ico_clock_leads_the_dpos_dashboard(
    transactional_db: None, browser_page: tuple[Any, PageProblems], axe_source: str
) -> None:
    personas = build_personas()
    aware = timezone.now() - timedelta(hours=31)
    incident, _receipt = incident_report(
        school=personas.school, actor=personas.staff, channel=Channel.APP,
        title="Class list e-mailed to the wrong parent",
        description="A class list with parents' phone numbers went to the wrong address.",
        aware_at=aware, personal_data=True)
    decision = f"Decide whether to tell the ICO about {incident.reference}"
    page, problems = browser_page
    journey = base.Journey(page, problems, axe_source)

    with clocked_incidents():
        sign_in(page, journey, personas.dpo.email, totp=True)
        banner = page.locator("#legal-clocks")
        assert banner.is_visible()
        text = banner.inner_text()
        assert "A legal deadline is running" in text
        assert decision in text
        assert "40 hours left" in text or "41 hours left" in text
        # Above everything else in the page's content but its heading.
        heading = page.get_by_role("heading", name="For you to do").bounding_box()
        assert banner.bounding_box()["y"] < heading["y"]
        assert page.locator("main h2").first.inner_text() == "A legal deadline is running"
        journey.check("dashboard-dpo-1280")

        page.set_viewport_size(PHONE)
        page.reload()
        assert banner.is_visible() and decision in banner.inner_text()
        assert _no_page_scroll(page)
        journey.check("dashboard-dpo-390")

        banner.get_by_role("link", name=decision).click()
        page.wait_for_load_state("load")
        assert journey.path() == reverse("incidents:incident-detail", args=[incident.public_id])

        # The SIRO follows it up: first among the others' duties, with its owner.
        page.context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        sign_in(page, journey, personas.siro.email, totp=True)
        assert page.locator("#legal-clocks").count() == 0
        others = page.locator("section[aria-labelledby=school-title]")
        assert others.locator("h3").first.inner_text().startswith("Incidents and data breaches")
        assert others.get_by_role("link", name=decision).is_visible()
        journey.check("dashboard-siro-1280")
        page.set_viewport_size(PHONE)
        page.reload()
        assert _no_page_scroll(page)
        journey.check("dashboard-siro-390")

    journey.finish()
