"""Reporting an incident and starting the 72-hour clock, in a real browser.

A member of staff reports an incident from their dashboard; the DPO signs in (password and
two-factor), finds the report among what needs doing, opens it, sees the clock running and
triages it as a personal data breach, which keeps the clock running.

How long a report takes to file, counted from the staff member's dashboard to the page
that gives the reference (printed when the test runs):

- 2 pages: the report form, then "Report received" with the reference;
- 3 clicks: "Report an incident", the "Yes" of "Could personal data be involved?", and
  "Send the report";
- 2 fields typed: a short title and what happened. The times are optional: "when you found
  out" left empty means now, and awareness defaults to the moment the report is received.

The report form (empty, and with its error summary), the confirmation, the DPO's dashboard,
the incident page and the triage form are checked with axe-core against WCAG 2.2 AA, and
the console must show no Content Security Policy refusal and no script error.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from schoolkeep.incidents.models import Channel, Incident, Kind, Status
from tests.browser import test_journey as base
from tests.browser.conftest import PageProblems
from tests.factories import PASSWORD
from tests.personas import TOTP_SECRET, build_personas

pytestmark = [pytest.mark.browser]


class Counter:
    """Counts the pages and clicks of the reporter's part of the journey."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.clicks = 0
        self.pages = 0
        self.typed = 0

    def click(self, locator: Any, *, new_page: bool = False) -> None:
        locator.click()
        self.clicks += 1
        if new_page:
            self.page.wait_for_load_state("load")
            self.pages += 1

    def type(self, locator: Any, text: str) -> None:
        locator.fill(text)
        self.typed += 1


def sign_in(page: Any, journey: base.Journey, email: str, *, totp: bool) -> None:
    page.goto(reverse("account_login"))
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    if totp:
        page.wait_for_url(f"**{reverse('mfa_authenticate')}")
        page.fill("input[name=code]", base.current_totp_code(TOTP_SECRET))
        page.locator("form:has(input[name=code]) [type=submit]").first.click()
    page.wait_for_url(f"**{reverse('duties:dashboard')}")
    assert journey.path() == reverse("duties:dashboard")


def test_staff_report_an_incident_and_the_dpo_triages_it(
    transactional_db: None, browser_page: tuple[Any, PageProblems], axe_source: str
) -> None:
    personas = build_personas()
    page, problems = browser_page
    journey = base.Journey(page, problems, axe_source)

    # A member of staff signs in (plain staff need no second factor): their dashboard.
    sign_in(page, journey, personas.staff.email, totp=False)
    main = page.locator("main")
    steps = Counter(page)

    # From the dashboard, one click to the form.
    steps.click(page.get_by_role("link", name="Report an incident", exact=True).first,
                new_page=True)
    assert journey.path() == reverse("incidents:report")
    assert page.get_by_role("heading", level=1, name="Report an incident").is_visible()
    journey.check("incidents-report-form")

    # Two things typed, one answer chosen, sent.
    steps.type(page.get_by_label("A short title"), "Class list left on the school minibus")
    steps.type(page.get_by_label("What happened"),
               "A printed list of Year 3 with parents' phone numbers was left on the bus "
               "after the swimming trip.")
    steps.click(main.get_by_role("radio", name="Yes", exact=True))
    steps.click(main.get_by_role("button", name="Send the report"), new_page=True)

    incident = Incident.objects.get()
    assert journey.path() == reverse("incidents:report-received", args=[incident.public_id])
    assert page.get_by_role("heading", level=1, name="Report received").is_visible()
    assert incident.reference in main.inner_text()
    journey.check("incidents-report-received")
    assert (incident.channel, incident.status, incident.personal_data) == (
        Channel.APP, Status.REPORTED, True)
    assert incident.reported_by == personas.staff

    summary = (f"Filing a report from the dashboard: {steps.pages} pages, {steps.clicks} "
               f"clicks, {steps.typed} fields typed.")
    print(summary)
    assert (steps.pages, steps.clicks, steps.typed) == (2, 3, 2), summary

    # The DPO and SIRO were told at once: the reference and a link, never the content.
    [notice] = mail.outbox
    assert incident.reference in notice.subject and "minibus" not in notice.body
    assert sorted(notice.to) == sorted([personas.dpo.email, personas.siro.email])

    # The form with nothing filled in: an error summary naming each field.
    page.goto(reverse("incidents:report"))
    main.get_by_role("button", name="Send the report").click()
    page.wait_for_load_state("load")
    assert page.get_by_text("Enter a short title.").first.is_visible()
    journey.check("incidents-report-errors")
    assert Incident.objects.count() == 1

    # The DPO signs in; the report waits among what needs doing.
    page.context.clear_cookies()
    sign_in(page, journey, personas.dpo.email, totp=True)
    assert page.get_by_text(f"Triage {incident.reference}").is_visible()
    assert page.get_by_text(
        f"Decide whether to tell the ICO about {incident.reference}").is_visible()
    journey.check("incidents-dpo-dashboard")
    main.get_by_role("link", name=f"Triage {incident.reference}").first.click()
    page.wait_for_load_state("load")
    assert journey.path() == reverse("incidents:incident-detail", args=[incident.public_id])

    # The incident page shows the clock running, the time left and the deadline.
    clock = page.locator("#clock")
    assert "The 72-hour clock is running" in clock.inner_text()
    assert "left" in clock.inner_text() and "(UK time)" in clock.inner_text()
    assert "Class list left on the school minibus" in main.inner_text()
    journey.check("incidents-incident-page")

    # Triage: a personal data breach of confidentiality.
    main.get_by_role("link", name="Triage the report").click()
    page.wait_for_load_state("load")
    journey.check("incidents-triage-form")
    main.get_by_role("radio", name="Personal data breach").check()
    main.get_by_role("checkbox", name="Confidentiality", exact=False).check()
    main.get_by_role("button", name="Save the triage").click()
    page.wait_for_load_state("load")
    assert journey.path() == reverse("incidents:incident-detail", args=[incident.public_id])
    assert "The 72-hour clock is running" in page.locator("#clock").inner_text()
    journey.check("incidents-triaged")

    incident.refresh_from_db()
    assert (incident.kind, incident.status, incident.breach_confidentiality) == (
        Kind.BREACH, Status.OPEN, True)
    assert incident.triaged_by_label

    journey.finish()
