"""The acceptable use policies in a real browser: a parent signs through a personal link
(and reopening it says it was used), a member of staff signs their AUP in Schoolkeep (every
problem shown at once), sets the kiosk PIN the kiosk needs and opens the reception kiosk, where
a visitor signs, the form comes back blank for the next visitor, and any other page leads back
to the kiosk; closing it takes the PIN and leaves nobody signed in.

The signing pages and the kiosk are checked with axe-core against WCAG 2.2 AA, and the
console must show no Content Security Policy refusal and no script error.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, Signature, SigningLink
from schoolkeep.agreements.aups.services import aups_set_up, version_publish
from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.agreements.signing.links.services import link_issue
from tests.browser import test_journey as base
from tests.browser.conftest import PageProblems
from tests.factories import PASSWORD
from tests.personas import Personas, build_personas

pytestmark = [pytest.mark.browser]

KIOSK_PIN = "5190"


def published_aups(personas: Personas) -> dict[str, Aup]:
    manager = personas.business_manager
    aups = {aup.audience: aup for aup in aups_set_up(school=personas.school, actor=manager)}
    for audience in (Audience.STAFF, Audience.PARENTS, Audience.VISITORS):
        draft = AupVersion.objects.get(aup=aups[audience], published_at__isnull=True)
        version_publish(draft=draft, actor=manager, requires_everyone_to_sign=True)
        aups[audience].refresh_from_db()
    return aups


def sign_form(page: Any, **fields: str) -> None:
    """Fill a signing form's fields, tick the agreement and submit it."""
    for name, value in fields.items():
        page.fill(f"input[name={name}]", value)
    page.check("input[name=agreed]")
    page.locator("main form:has(input[name=agreed]) [type=submit]").click()
    page.wait_for_load_state("load")


def test_a_parent_staff_and_a_visitor_sign(
    transactional_db: None, browser_page: tuple[Any, PageProblems], axe_source: str
) -> None:
    personas = build_personas()
    aups = published_aups(personas)
    parent = parent_create(school=personas.school, actor=personas.business_manager,
                           full_name="Pat Parent", email="pat@parents.example")
    _, token = link_issue(aup=aups[Audience.PARENTS], actor=personas.business_manager,
                          channel=SigningLink.Channel.LETTER, parent=parent)
    page, problems = browser_page
    journey = base.Journey(page, problems, axe_source)
    link = reverse("signing:sign", args=[token])

    # A parent opens their personal link: no sign-in, the policy and a form.
    response = page.goto(link)
    assert response is not None and response.status == 200
    assert "Pat Parent" in page.locator("main").inner_text()
    journey.check("agreements-link-signing")
    sign_form(page, typed_name="Pat Parent")
    assert page.get_by_role("heading", name="Thank you").is_visible()
    journey.check("agreements-link-signed")
    signature = Signature.objects.get(parent=parent)
    assert signature.method == "link" and signature.typed_name == "Pat Parent"

    # The link works once: reopened, it says it was used.
    response = page.goto(link)
    assert response is not None and response.status == 410
    assert page.get_by_role("heading", name="You have already signed").is_visible()
    assert page.locator("input[name=typed_name]").count() == 0
    journey.check("agreements-link-used")

    # A member of staff signs in (password only: plain staff need no second factor).
    staff = personas.staff
    page.goto(reverse("account_login"))
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form:has(input[name=password]) [type=submit]").first.click()
    page.wait_for_load_state("load")
    assert journey.path() != reverse("account_login")

    # ...reads the staff AUP and signs it in Schoolkeep.
    sign_page = reverse("agreements:aup-sign", args=[aups[Audience.STAFF].public_id])
    page.goto(sign_page)
    assert page.get_by_role("heading", level=1, name=aups[Audience.STAFF].title).is_visible()
    journey.check("agreements-aup-sign")
    assert page.input_value("input[name=typed_name]") == ""  # the member types it
    # Sent empty: both problems at once in the error summary.
    page.locator("main form:has(input[name=agreed]) [type=submit]").click()
    page.wait_for_load_state("load")
    summary = page.locator(".error-summary")
    assert summary.is_visible() and summary.locator("li").count() == 2
    journey.check("agreements-aup-sign-errors")
    sign_form(page, typed_name=staff.full_name)
    mine = Signature.objects.get(aup=aups[Audience.STAFF], user=staff)
    assert mine.method == "in_app"
    assert journey.path() == reverse("agreements:signature-detail", args=[mine.public_id])
    journey.check("agreements-aup-signed")

    # ...then would open the reception kiosk for visitors: it needs a PIN first.
    page.goto(reverse("kiosk:start", args=[aups[Audience.VISITORS].public_id]))
    assert page.locator("main form").count() == 0
    journey.check("agreements-kiosk-start-no-pin")
    page.get_by_role("link", name="Set the kiosk PIN").click()
    page.wait_for_load_state("load")
    journey.check("agreements-kiosk-pin")
    page.fill("input[name=pin]", KIOSK_PIN)
    page.fill("input[name=pin_again]", KIOSK_PIN)
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state("load")
    assert journey.path() == reverse("kiosk:start", args=[aups[Audience.VISITORS].public_id])
    journey.check("agreements-kiosk-start")
    assert KIOSK_PIN not in page.content()
    # ...and opens it, which signs them out.
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state("load")
    assert journey.path() == reverse("kiosk:page")
    journey.check("agreements-kiosk")

    assert page.locator("main h1").count() == 1
    # A visitor who sends the form empty sees every problem at once.
    page.locator("main form:has(input[name=agreed]) [type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator(".error-summary li").count() == 3  # name, whom visiting, agreement
    # A visitor signs; the kiosk thanks them and gives the next visitor a blank form.
    sign_form(page, typed_name="Vera Visitor", organisation="Brightwire IT",
              visiting="The office")
    assert journey.path() == reverse("kiosk:page")
    journey.check("agreements-kiosk-thanked")
    assert page.get_by_text("Thank you, your signature is recorded.").is_visible()
    visit = Signature.objects.get(aup=aups[Audience.VISITORS])
    assert (visit.method, visit.typed_name, visit.visiting) == ("kiosk", "Vera Visitor",
                                                                "The office")
    for name in ("typed_name", "organisation", "visiting"):
        assert page.input_value(f"input[name={name}]") == ""
    assert not page.is_checked("input[name=agreed]")
    assert "Vera Visitor" not in page.content()

    # Nothing else is reachable from the kiosk: every page leads back to it.
    for elsewhere in (reverse("duties:dashboard"), reverse("agreements:aup-list"),
                      reverse("people:person-list"), reverse("account_login"), "/api/v1/me"):
        page.goto(elsewhere)
        assert journey.path() == reverse("kiosk:page"), elsewhere
    assert staff.full_name not in page.locator("body").inner_text()

    # A visitor cannot close it: it asks for the PIN. Staff close it with the PIN, and the
    # tablet shows the sign-in page with nobody signed in.
    page.get_by_role("link", name="Staff: close the kiosk").click()
    page.wait_for_load_state("load")
    journey.check("agreements-kiosk-close")
    page.fill("input[name=pin]", "0000")
    page.get_by_role("button", name="Close the kiosk").click()
    page.wait_for_load_state("load")
    assert page.locator(".error-summary").is_visible()
    assert journey.path() == reverse("kiosk:end")
    journey.check("agreements-kiosk-close-wrong")
    page.fill("input[name=pin]", KIOSK_PIN)
    page.get_by_role("button", name="Close the kiosk").click()
    page.wait_for_load_state("load")
    assert journey.path() == reverse("account_login")
    assert page.get_by_text("The kiosk is closed.").is_visible()
    page.goto(reverse("duties:dashboard"))
    assert journey.path() == reverse("account_login")  # nobody is signed in

    journey.finish()
