"""app.js in Debian's chromium: the idle warning and the focus on the error summary.

The browser's clock is Playwright's fake clock, so fifteen idle minutes pass at once; the
session-status endpoint is answered by the test (route), which also counts the polls.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from schoolkeep.tenancy.roles import Role
from tests.browser.conftest import CSP_MESSAGE, chromium  # noqa: F401 — fixture
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser]


def signed_in_context(browser: Any, live_server: Any) -> tuple[Any, Client]:
    """A browser context sharing the session of a freshly signed-in staff member."""
    user = UserFactory(email="idle@example.org")
    MembershipFactory(user=user, roles=[Role.STAFF])
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value,
          "url": live_server.url}]
    )
    return context, client


def watch_console(page: Any) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if CSP_MESSAGE.search(m.text) else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


@pytest.mark.django_db(transaction=True)
def test_idle_warning_shows_before_timeout_and_signed_out_goes_to_login(
    chromium: Any, live_server: Any  # noqa: F811
) -> None:
    context, client = signed_in_context(chromium, live_server)
    page = context.new_page()
    problems = watch_console(page)
    status = {"signed_in": True, "remaining_seconds": 50}
    polls: list[float] = []

    def answer(route: Any) -> None:
        polls.append(page.evaluate("Date.now()"))
        route.fulfill(status=200, content_type="application/json", body=json.dumps(status))

    page.route("**" + reverse("accounts:session-status"), answer)
    page.clock.install()
    page.goto(reverse("mfa_index"))
    timeout = int(page.get_attribute("body", "data-idle-timeout") or 0)
    assert timeout == 15 * 60
    dialog = page.locator("#idle-warning")
    assert dialog.is_hidden()

    # Nothing is asked, and nothing shows, until a minute before the timeout.
    page.clock.run_for((timeout - 62) * 1000)
    assert polls == [] and dialog.is_hidden()
    page.clock.run_for(3000)
    dialog.wait_for(state="visible")
    assert len(polls) == 1
    assert page.evaluate("document.activeElement.hasAttribute('data-idle-stay')")
    assert page.evaluate("document.querySelector('.site-header').inert")

    # Stay signed in: the page is fetched in the background (activity), the warning goes.
    # Wait for that background fetch to finish before moving the clock again, so the
    # script has re-armed its timers (otherwise a loaded machine races it).
    with page.expect_response(lambda response: response.url.endswith(reverse("mfa_index"))):
        page.click("[data-idle-stay]")
    dialog.wait_for(state="hidden")
    assert page.url.endswith(reverse("mfa_index"))
    assert not page.evaluate("document.querySelector('.site-header').inert")

    # The server ends the session: the next check goes to the sign-in page.
    client.logout()
    status = {"signed_in": False, "remaining_seconds": 0}
    page.clock.run_for(timeout * 1000)
    login_url = live_server.url + reverse("account_login") + "?next=%2Faccounts%2F2fa%2F"
    assert reverse("mfa_index") == "/accounts/2fa/"
    page.wait_for_url(login_url, timeout=60_000)
    assert len(polls) == 2, "polled more than needed"
    assert problems == []
    context.close()


@pytest.mark.django_db(transaction=True)
def test_error_summary_takes_focus_after_a_failed_submit(
    chromium: Any, live_server: Any  # noqa: F811
) -> None:
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    problems = watch_console(page)
    page.goto(reverse("account_login"))
    assert page.evaluate("document.documentElement.classList.contains('js-enabled')")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("load")
    page.wait_for_function("document.activeElement.classList.contains('error-summary')")
    # Its links lead to the fields.
    page.click(".error-summary a[href='#id_login']")
    assert page.evaluate("location.hash") == "#id_login"
    assert problems == []
    context.close()
