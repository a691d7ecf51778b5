"""The searches pages in a real browser: the checklist (made from a register, with a search
asked of a member and one recorded), the schedule, every form, and the request's page with
its searches and schedule, signed in as the DPO; and the assignee's own search page signed
in as the member of staff. Each at 1280 and 390 pixels through axe-core (WCAG 2.2 AA),
nothing scrolling sideways at 320, no CSP refusal or script error
(``tests.browser.test_responsive.sweep_pages``).

The browser fixtures are tests/browser's (Debian's chromium and axe-core; skipped with the
reason when either is missing)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.browser.conftest import axe_source, chromium  # noqa: F401  (fixtures, by name)
from tests.browser.test_responsive import sweep_pages
from tests.matrix_parts.requests_intake import make_request
from tests.personas import build_personas

from schoolkeep.assets.models import DataSubject
from schoolkeep.assets.services import asset_create, group_get_or_create
from schoolkeep.inforequests.models import Kind
from schoolkeep.inforequests.searches.services import (
    item_add,
    search_assign,
    search_record,
    searches_generate,
)
from schoolkeep.systems.services import system_create

pytestmark = [pytest.mark.browser]


@pytest.mark.sweep  # the SQLite pass only
def test_the_searches_pages_pass_axe_and_fit_a_phone(
        transactional_db: None, chromium: Any, live_server: Any, axe_source: str  # noqa: F811
) -> None:
    personas = build_personas()
    school = personas.school
    today = timezone.localdate()
    group = group_get_or_create(school=school, name="Pupils", actor=None)
    cpoms = system_create(school=school, actor=None, name="CPOMS")
    sims = system_create(school=school, actor=None, name="SIMS")
    for name, systems in (("Safeguarding records", [cpoms]),
                          ("Pupil records and reports", [sims, cpoms]),
                          ("Paper files in the office", [])):
        asset_create(school=school, actor=None, group=group, name=name,
                     data_subjects=[DataSubject.PUPILS], systems=systems)
    access = make_request(personas)
    first, second, third = searches_generate(school=school, actor=None, request=access)
    search_assign(school=school, actor=None, request=access, task=first,
                  assignee=personas.staff, due_on=today)
    search_assign(school=school, actor=None, request=access, task=second,
                  assignee=personas.it_lead, due_on=today)
    search_record(school=school, actor=None, task=second, state="found", searched_on=today,
                  note="Reports for 2024 and 2025")
    item_add(school=school, actor=None, request=access, search=second,
             description="Annual report 2025", decision="disclosed")
    withheld = item_add(school=school, actor=None, request=access, source="CPOMS",
                        description="Referral", decision="redacted", exemption="third_party",
                        redactions="The other child's name")
    foi = make_request(personas, kind=Kind.FOI, subject_type="", subject_name="",
                       requester_type="public")

    def on(name: str, request: Any) -> str:
        return reverse(f"requests:{name}", args=[request.public_id])

    paths = [
        on("request-detail", access), on("search-list", access), on("search-list", foi),
        on("search-add", access), reverse("requests:search-assign", args=[third.pk]),
        reverse("requests:search-detail", args=[second.pk]), on("item-list", access),
        on("item-list", foi), on("item-add", access),
        reverse("requests:item-edit", args=[withheld.pk]),
        reverse("requests:item-remove", args=[withheld.pk]),
    ]
    failures = sweep_pages(chromium, live_server, axe_source, personas.dpo,
                           "requests-searches", paths)
    failures += sweep_pages(chromium, live_server, axe_source, personas.staff,
                            "requests-searches-assignee",
                            [reverse("requests:search-detail", args=[first.pk])])
    assert not failures, "\n".join(failures)
