"""Dates typed in a browser set to American English are still read as British dates.

The browser's context says ``en-US`` (its own date picker would show mm/dd/yyyy) and New
York time. The SIRO adds a person with a date of birth typed as 3 / 4 / 1985 in the Day,
Month and Year boxes: it is saved as 3 April 1985, never 4 March. Leaving the month of the
start date empty gives an error summary naming the field and the missing part, whose link
leads to that date's boxes. Then the audit trail is filtered by area and by a date typed the
same way, and shows the event with its actor's name and its action in words.

Each page is checked with axe-core against WCAG 2.2 AA, and the console must show no
Content Security Policy refusal and no script error.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolkeep.lib.dates_text import LONDON
from schoolkeep.people.models import Person
from tests.browser import test_journey as base
from tests.browser.conftest import CSP_MESSAGE, PageProblems
from tests.factories import PASSWORD
from tests.personas import TOTP_SECRET, build_personas

pytestmark = [pytest.mark.browser]


def fill_date(page: Any, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day", exact=True).fill(day)
    group.get_by_label("Month", exact=True).fill(month)
    group.get_by_label("Year", exact=True).fill(year)


def test_dates_are_british_in_an_american_browser(
    transactional_db: None, chromium: Any, live_server: Any, axe_source: str
) -> None:
    personas = build_personas()
    context = chromium.new_context(base_url=live_server.url, locale="en-US",
                                   timezone_id="America/New_York",
                                   viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems = PageProblems()
    # As conftest's browser_page, in a context of this test's own locale and time zone.

    def on_console(message: Any) -> None:
        problems.console.append(message.text)
        if CSP_MESSAGE.search(message.text):
            problems.csp.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.errors.append(str(error)))
    journey = base.Journey(page, problems, axe_source)
    try:
        assert page.evaluate("navigator.language") == "en-US"

        # The SIRO signs in (password and two-factor).
        page.goto(reverse("account_login"))
        page.fill("input[name=login]", personas.siro.email)
        page.fill("input[name=password]", PASSWORD)
        page.locator("form:has(input[name=password]) [type=submit]").first.click()
        page.wait_for_url(f"**{reverse('mfa_authenticate')}")
        page.fill("input[name=code]", base.current_totp_code(TOTP_SECRET))
        page.locator("form:has(input[name=code]) [type=submit]").first.click()
        page.wait_for_url(f"**{reverse('duties:dashboard')}")

        # The form has Day, Month and Year boxes, never the browser's own date picker.
        page.goto(reverse("people:person-create"))
        main = page.locator("main")
        assert main.locator('input[type="date"]').count() == 0
        birth = main.get_by_role("group", name="Date of birth")
        assert birth.get_by_text("For example, 27 3 2026").is_visible()
        assert birth.get_by_label("Day", exact=True).get_attribute("inputmode") == "numeric"
        journey.check("dates-person-form")

        main.get_by_label("Full name").fill("Ada Lovelace")
        main.get_by_role("radio", name="Employee in a teaching post").check()
        fill_date(page, "Date of birth", "3", "4", "1985")
        fill_date(page, "Start date", "1", "", "2025")
        main.get_by_role("button", name="Add the person").click()
        page.wait_for_load_state("load")

        # One error, naming the field and the missing part; its link leads to the boxes.
        summary = page.locator(".error-summary")
        assert summary.is_visible()
        link = summary.get_by_role("link", name="Start date must include a month")
        assert link.get_attribute("href").startswith("#id_start_date_")
        assert not Person.objects.exists()
        start = main.get_by_role("group", name="Start date")
        assert start.get_by_label("Month", exact=True).get_attribute("aria-invalid") == "true"
        assert start.get_by_label("Day", exact=True).get_attribute("aria-invalid") is None
        # What was typed is still there.
        assert main.get_by_role("group", name="Date of birth").get_by_label(
            "Month", exact=True).input_value() == "4"
        journey.check("dates-person-form-error")
        link.click()
        focused = page.evaluate("document.activeElement.id")
        assert focused.startswith("id_start_date_"), focused

        fill_date(page, "Start date", "1", "9", "2025")
        main.get_by_role("button", name="Add the person").click()
        page.wait_for_load_state("load")
        person = Person.objects.get()
        assert person.date_of_birth == date(1985, 4, 3)  # 3 April, not 4 March
        assert person.start_date == date(2025, 9, 1)
        journey.check("dates-person-saved")

        # The audit trail, by area and from today (typed in the boxes): the new person, by
        # name, in words.
        today = timezone.localdate(timezone.now(), LONDON)
        page.goto(reverse("audit:event-list"))
        page.get_by_label("Area").select_option(label="People and checks")
        fill_date(page, "From", str(today.day), str(today.month), str(today.year))
        page.get_by_role("button", name="Filter events").click()
        page.wait_for_load_state("load")
        table = page.locator("main table")
        assert "Person added" in table.inner_text()
        assert personas.siro.full_name in table.inner_text()
        assert "people.person.created" not in page.locator("main").inner_text()
        journey.check("dates-audit-filtered")
        journey.finish()
    finally:
        context.close()
