"""The bank holidays page of requests in a real browser, for the DPO (with the form and a
one-off day to remove) and the auditor (reading), at 1280 and 390
pixels through axe-core (WCAG 2.2 AA), nothing scrolling sideways at 320, no CSP refusal or
script error (``tests.browser.test_responsive.sweep_pages``).

The browser fixtures are tests/browser's (Debian's chromium and axe-core; skipped with the
reason when either is missing)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from tests.browser.conftest import axe_source, chromium  # noqa: F401  (fixtures, by name)
from tests.browser.test_responsive import sweep_pages
from tests.personas import build_personas

from schoolkeep.inforequests.models import ExtraBankHoliday

pytestmark = [pytest.mark.browser]


@pytest.mark.sweep  # the SQLite pass only
def test_the_bank_holidays_page_passes_axe_and_fits_a_phone(
        transactional_db: None, chromium: Any, live_server: Any, axe_source: str  # noqa: F811
) -> None:
    personas = build_personas()
    page = reverse("requests:holiday-list")
    failures = sweep_pages(chromium, live_server, axe_source, personas.dpo,
                           "requests-clocks-dpo-empty", [page])
    ExtraBankHoliday.objects.create(school=personas.school, day=date(2027, 6, 14),
                                    name="A one-off bank holiday")
    failures += sweep_pages(chromium, live_server, axe_source, personas.dpo,
                            "requests-clocks-dpo", [page])
    failures += sweep_pages(chromium, live_server, axe_source, personas.auditor,
                            "requests-clocks-auditor", [page])
    assert not failures, "\n".join(failures)
