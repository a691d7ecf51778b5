"""The register's new pages in a real browser: choosing owners together, the import's
questions about look-alikes and the names matched on import (one removed), at 1280 and 390
pixels wide (no horizontal page scroll at 390 or 320), checked with axe-core (WCAG 2.2 AA)
and without CSP refusals or script errors.

The browser fixtures are tests/browser's (Debian's chromium and axe-core; skipped with the
reason when either is missing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from tests.browser import test_journey as base
from tests.browser.conftest import (  # noqa: F401  (the browser fixtures, used by name)
    PageProblems,
    axe_source,
    browser_page,
    chromium,
)
from tests.browser.test_incidents_journey import sign_in
from tests.personas import build_personas

from schoolkeep.assets import services
from schoolkeep.assets.models import Asset, AssetAlias
from schoolkeep.people.services import person_create

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 700}
DESKTOP = {"width": 1280, "height": 900}


def _no_page_scroll(page: Any) -> bool:
    return bool(page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def test_owners_chosen_together_and_look_alikes_answered_in_a_browser(
        transactional_db: None, browser_page: tuple[Any, PageProblems], axe_source: str,  # noqa: F811
        tmp_path: Path, settings: Any) -> None:
    settings.DATA_DIR = tmp_path
    personas = build_personas()
    school, siro = personas.school, personas.siro
    person_create(school=school, actor=siro, full_name="Amelia Hart", kind="support")
    group = services.group_get_or_create(school=school, name="Pupil records (MIS)", actor=siro)
    recorded = services.asset_create(school=school, actor=siro, group=group,
                                     name="Attendance records")
    services.asset_create(school=school, actor=siro, group=group, name="Exam results",
                          owner_unmatched="D. Marsh")
    page, problems = browser_page
    journey = base.Journey(page, problems, axe_source)
    sign_in(page, journey, siro.email, totp=True)

    page.goto(reverse("assets:choose-owners"))
    assert page.get_by_role("heading", name="Assets that need an owner (2)").is_visible()
    journey.check("choose-owners-1280")
    for size, name in ((PHONE, "390"), (NARROW, "320")):
        page.set_viewport_size(size)
        page.reload()
        assert _no_page_scroll(page), name
        assert page.get_by_label("Owner of “Exam results”").is_visible()
        journey.check(f"choose-owners-{name}")
    page.set_viewport_size(DESKTOP)
    page.get_by_label("Owner of “Exam results”").fill("Amelia Hart")
    page.get_by_role("button", name="Save the owners").click()
    page.wait_for_load_state("load")
    assert "Owners saved for 1 asset." in page.inner_text("main")
    assert Asset.objects.get(name="Exam results").owner_person is not None

    page.goto(reverse("assets:import-upload"))
    upload = tmp_path / "appendix.csv"
    upload.write_text("Asset,Purpose\nPupil data (MIS),\nAttendance,Statutory returns\n",
                      encoding="utf-8")
    page.set_input_files("input[type=file]", str(upload))
    page.locator("form:has(input[type=file]) [type=submit]").click()
    page.wait_for_url("**/assets/import/*/", timeout=30_000)
    question = page.get_by_role("group", name="Row 3: the asset “Attendance”")
    question.wait_for(timeout=30_000)
    journey.check("import-look-alikes-1280")
    page.set_viewport_size(PHONE)
    assert _no_page_scroll(page)
    journey.check("import-look-alikes-390")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_load_state("load")
    assert page.title().startswith("Error: ")
    journey.check("import-look-alikes-error")
    page.get_by_label("This is “Pupil records (MIS)”").check()
    page.get_by_label("This is “Attendance records” (in “Pupil records (MIS)”)").check()
    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_load_state("load")
    page.get_by_text("Names matched to the register").wait_for(timeout=30_000)
    assert AssetAlias.objects.filter(asset=recorded).exists()

    # The names matched, seen and one removed from the register's sub-navigation.
    page.goto(reverse("assets:asset-list"))
    page.get_by_role("link", name="Names matched on import").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", name="Names matched (2)").is_visible()
    journey.check("aliases-1280")
    for size, name in ((PHONE, "390"), (NARROW, "320")):
        page.set_viewport_size(size)
        page.reload()
        assert _no_page_scroll(page), name
        journey.check(f"aliases-{name}")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Remove the name “Attendance”").click()
    page.wait_for_load_state("load")
    assert "“Attendance” is no longer matched." in page.inner_text("main")
    assert not AssetAlias.objects.filter(asset=recorded).exists()
    journey.check("aliases-removed")
    journey.finish()
