"""The exports page of requests in a real browser: axe-core (WCAG 2.2 AA) at 1280 and 390
pixels, the key columns on screen, nothing scrolling sideways at 320, no CSP refusal or
script error (``tests.browser.test_responsive.sweep_pages``), for the DPO (with the letter
column) and the auditor (without it).

The browser fixtures are tests/browser's (Debian's chromium and axe-core; skipped with the
reason when either is missing)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse
from tests.browser.conftest import axe_source, chromium  # noqa: F401  (fixtures, by name)
from tests.browser.test_responsive import sweep_pages
from tests.matrix_parts.requests_intake import make_request
from tests.personas import build_personas

from schoolkeep.inforequests.models import Kind

pytestmark = [pytest.mark.browser]


@pytest.mark.sweep  # the SQLite pass only
def test_the_exports_page_passes_axe_and_fits_a_phone(
        transactional_db: None, chromium: Any, live_server: Any, axe_source: str  # noqa: F811
) -> None:
    personas = build_personas()
    for day, kind in ((5, Kind.SUBJECT_ACCESS), (12, Kind.FOI), (19, Kind.COMPLAINT)):
        make_request(personas, kind=kind, received_at=datetime(2026, 1, day, 10, tzinfo=UTC))
    paths = [reverse("requests:export-list")]
    failures = [*sweep_pages(chromium, live_server, axe_source, personas.dpo,
                             "requests-exports-dpo", paths),
                *sweep_pages(chromium, live_server, axe_source, personas.auditor,
                             "requests-exports-auditor", paths)]
    assert not failures, "\n".join(failures)
