"""The journey a school's SIRO makes, in a real browser: log in with password and TOTP, see
what needs doing, switch school, read the key contacts, log out.

Every page on the way is screenshotted under test-output/browser/ and checked with axe-core
against WCAG 2.2 AA; the browser console must show no Content Security Policy refusal and no
script error.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from schoolkeep.tenancy.roles import Role
from tests.browser.conftest import OUTPUT_DIR, WCAG_TAGS, PageProblems, format_axe_violations
from tests.factories import PASSWORD, MembershipFactory, SchoolFactory
from tests.personas import TOTP_SECRET, build_personas

pytestmark = [pytest.mark.browser]

TOTP_PERIOD = 30


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now, never one about to expire (no tolerance)."""
    if time.time() % TOTP_PERIOD > TOTP_PERIOD - 5:
        time.sleep(TOTP_PERIOD - time.time() % TOTP_PERIOD + 0.5)
    return format_hotp_value(hotp_value(secret, int(time.time()) // TOTP_PERIOD))


class Journey:
    """Checks each page the journey reaches and keeps a numbered screenshot of it."""

    def __init__(self, page: Any, problems: PageProblems, axe_source: str) -> None:
        self.page = page
        self.problems = problems
        self.axe_source = axe_source
        self.step = 0
        self.axe_failures: list[str] = []

    def check(self, name: str) -> None:
        self.page.wait_for_load_state("load")
        self.step += 1
        self.page.screenshot(path=str(OUTPUT_DIR / f"{self.step:02d}-{name}.png"), full_page=True)
        if self.page.evaluate("typeof window.axe") == "undefined":
            self.page.evaluate(self.axe_source)
        result = self.page.evaluate(
            """async (tags) => {
                const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
                return results.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map((n) => ({
                        target: n.target, html: n.html, failureSummary: n.failureSummary,
                    })),
                }));
            }""",
            WCAG_TAGS,
        )
        if result:
            self.axe_failures.append(format_axe_violations(f"{name} ({self.page.url})", result))

    def path(self) -> str:
        return self.page.evaluate("window.location.pathname")

    def finish(self) -> None:
        problems = []
        if self.axe_failures:
            problems.append("\n\n".join(self.axe_failures))
        if self.problems.csp:
            problems.append("CSP refusals in the console:\n" + "\n".join(self.problems.csp))
        if self.problems.errors:
            problems.append("Script errors:\n" + "\n".join(self.problems.errors))
        if problems and self.problems.console:
            problems.append("Everything the console said:\n" + "\n".join(self.problems.console))
        assert not problems, "\n\n".join(problems)


def test_siro_logs_in_with_totp_switches_school_reads_contacts_and_logs_out(
    transactional_db: None, browser_page: tuple[Any, PageProblems], axe_source: str
) -> None:
    personas = build_personas()
    siro = personas.siro
    second = SchoolFactory(
        name="Brookside Junior School", slug="brookside", organisation=personas.school.organisation
    )
    MembershipFactory(user=siro, school=second, roles=[Role.DPO])
    page, problems = browser_page
    journey = Journey(page, problems, axe_source)

    # Password first.
    page.goto(reverse("account_login"))
    journey.check("login")
    page.fill("input[name=login]", siro.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()

    # Then the second factor, computed here as the SIRO's authenticator app would.
    page.wait_for_url(f"**{reverse('mfa_authenticate')}")
    journey.check("two-factor")
    page.fill("input[name=code]", current_totp_code(TOTP_SECRET))
    page.locator("form:has(input[name=code]) [type=submit]").first.click()

    # What needs doing, in the school the SIRO lands in.
    dashboard = reverse("duties:dashboard")
    page.wait_for_url(f"**{dashboard}")
    assert page.get_by_role("heading", name="What needs doing").first.is_visible()
    journey.check("dashboard")
    switcher = page.locator(f"form[action='{reverse('tenancy:school-switch')}']").first
    select = switcher.locator("select")
    names = {personas.school.name, second.name}
    current = select.evaluate("(s) => s.options[s.selectedIndex].text").strip()
    assert current in names
    assert current in page.locator("main").inner_text()
    (target,) = names - {current}

    # Switch to the other school with the header's switcher (a plain form, no JavaScript).
    select.select_option(label=target)
    switcher.locator("[type=submit]").click()
    page.wait_for_load_state("load")
    select = page.locator(f"form[action='{reverse('tenancy:school-switch')}'] select").first
    assert select.evaluate("(s) => s.options[s.selectedIndex].text").strip() == target
    main_text = page.locator("main").inner_text()
    assert target in main_text
    assert current not in main_text
    journey.check("switched-school")

    # The key contacts of the school now chosen, reached from the navigation.
    contacts = reverse("tenancy:key-contacts")
    page.locator(f"a[href='{contacts}']:visible").first.click()
    page.wait_for_url(f"**{contacts}")
    assert page.get_by_role("heading", level=1).first.is_visible()
    assert siro.full_name in page.locator("main").inner_text()
    journey.check("key-contacts")

    # Log out: a POST from the header; afterwards a protected page asks for a login again.
    page.locator(f"form[action='{reverse('account_logout')}'] [type=submit]").first.click()
    page.wait_for_load_state("load")
    journey.check("logged-out")
    page.goto(dashboard)
    assert journey.path() == reverse("account_login")

    journey.finish()
