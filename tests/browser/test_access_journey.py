"""The pages about accounts, passwords, access reviews and leavers, on the demo, in a real
browser: each at 1280 and 390 pixels with axe-core (WCAG 2.2 AA), and at 320 without the page
scrolling sideways (``test_responsive._check_page``). Most of them are reached from the
accounts pages' own row of links rather than the main menu, so the menu's own sweep
(``test_responsive``) does not open them.

Then a holder of a password change cycle says, in one click, that they changed their SIMS
password today, and the page confirms it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from schoolkeep.access.models import SystemAccount
from schoolkeep.accounts.models import User
from schoolkeep.assets.models import Asset
from schoolkeep.demo.builder import build_demo
from schoolkeep.leavers.models import Checklist
from schoolkeep.passwords.models import PasswordChange, PasswordCycle
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School
from tests.browser.test_responsive import HEIGHT, WIDE, _session_cookie, sweep_pages

pytestmark = [pytest.mark.browser]


def _paths(school: School) -> list[str]:
    account = SystemAccount.objects.filter(school=school).order_by("username_key").first()
    cycle = PasswordCycle.objects.filter(school=school, archived_at__isnull=True).first()
    checklist = Checklist.objects.filter(school=school, kind=Checklist.Kind.LEAVER).first()
    asset = Asset.objects.filter(school=school, archived_at__isnull=True,
                                 owner_person__isnull=False).first()
    system = System.objects.get(school=school, name="SIMS")
    assert account and cycle and checklist and asset, "the demo lacks what this journey opens"
    return [
        reverse("access:account-list"),
        reverse("access:account-detail", args=[account.public_id]),
        reverse("access:account-create"),
        reverse("access:two-factor"),
        reverse("access:administrators"),
        reverse("access:import-upload"),
        reverse("access:review-list"),
        reverse("access:review-asset", args=[asset.public_id]),
        reverse("passwords:cycle-list"),
        reverse("passwords:cycle-detail", args=[cycle.public_id]),
        reverse("passwords:cycle-create") + f"?system={system.public_id}",
        reverse("passwords:overdue"),
        reverse("passwords:system-compromised", args=[system.public_id]),
        reverse("leavers:checklist-list"),
        reverse("leavers:checklist-detail", args=[checklist.public_id]),
    ]


@pytest.mark.sweep  # the SQLite pass only
def test_the_access_pages_pass_axe_and_fit_a_phone(
    transactional_db: None, chromium: Any, live_server: Any, axe_source: str
) -> None:
    build_demo()
    school = School.objects.get(slug="larkspur")
    siro = User.objects.get(email="siro@larkspur.example")
    failures = sweep_pages(chromium, live_server, axe_source, siro, "access", _paths(school))
    assert not failures, "\n".join(failures)


def test_a_holder_says_they_changed_their_password_in_one_click(
    transactional_db: None, chromium: Any, live_server: Any
) -> None:
    build_demo()
    holder = User.objects.get(email="hr.admin@larkspur.example")  # Sofia Novak, SIMS termly
    before = PasswordChange.objects.filter(person__user=holder).count()
    context = chromium.new_context(base_url=live_server.url, locale="en-GB",
                                   viewport={"width": WIDE, "height": HEIGHT})
    context.set_default_timeout(15_000)
    context.add_cookies([_session_cookie(holder, live_server)])
    page = context.new_page()
    try:
        page.goto(reverse("passwords:mine"))
        page.get_by_role("button", name="I changed my password for SIMS today").click()
        page.wait_for_load_state("load")
        assert "SIMS" in page.locator("main").inner_text()
    finally:
        context.close()
    assert PasswordChange.objects.filter(person__user=holder).count() == before + 1
