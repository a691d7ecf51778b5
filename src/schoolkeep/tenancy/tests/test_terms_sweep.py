"""The term dates pages (the list with its INSET days and closures, and the form of a year),
on the demo in a real browser: axe-core (WCAG 2.2 AA) at 1280 and 390 pixels, nothing
scrolling sideways at 320, no CSP refusal or script error
(``tests.browser.test_responsive.sweep_pages``), with the form showing its errors too.

The browser fixtures are tests/browser's (Debian's chromium and axe-core; skipped with the
reason when either is missing)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.browser.conftest import axe_source, chromium  # noqa: F401  (fixtures, by name)
from tests.browser.test_responsive import sweep_pages

from schoolkeep.accounts.models import User
from schoolkeep.demo.builder import build_demo
from schoolkeep.tenancy.calendar import academic_year_of, default_term_dates
from schoolkeep.tenancy.models import School, TermHoliday
from schoolkeep.tenancy.services_terms import terms_set_for_year

pytestmark = [pytest.mark.browser]


@pytest.mark.sweep  # the SQLite pass only
def test_the_term_dates_pages_pass_axe_and_fit_a_phone(
        transactional_db: None, chromium: Any, live_server: Any, axe_source: str  # noqa: F811
) -> None:
    build_demo()
    siro = User.objects.get(email="siro@larkspur.example")
    year = academic_year_of(timezone.localdate())
    terms = default_term_dates(year)
    autumn_start, _ = terms["autumn"]
    spring_start, _ = terms["spring"]
    terms_set_for_year(
        school=School.objects.get(slug="larkspur"), academic_year=year, terms=terms,
        actor=siro, holidays=[
            ("autumn", autumn_start, autumn_start, TermHoliday.Kind.INSET),
            ("spring", spring_start, spring_start + timedelta(days=1),
             TermHoliday.Kind.CLOSURE)])
    paths = [reverse("tenancy:term-list"), reverse("tenancy:term-edit", args=[year]),
             reverse("tenancy:term-edit", args=[year + 1])]
    failures = sweep_pages(chromium, live_server, axe_source, siro, "term-dates", paths)
    assert not failures, "\n".join(failures)
