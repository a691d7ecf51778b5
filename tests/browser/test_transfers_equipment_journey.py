"""The pages about sending data and equipment, on the demo, in a real browser: each at 1280
and 390 pixels with axe-core (WCAG 2.2 AA), and at 320 without the page scrolling sideways
(``test_responsive._check_page``). Most are reached from their pages' own row of links, so
the menu's sweep (``test_responsive``) does not open them.

Then a teacher asks how to send SEN information to the police: no channel is approved, so
they ask the DPO in one click, and the question is recorded for the DPO.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from schoolkeep.accounts.models import User
from schoolkeep.demo.builder import build_demo
from schoolkeep.equipment.models import Disposal, Item, Loan
from schoolkeep.tenancy.models import School
from schoolkeep.transfers.models import Removal, Transfer, TransferQuestion
from tests.browser.test_responsive import HEIGHT, WIDE, _session_cookie, sweep_pages

pytestmark = [pytest.mark.browser, pytest.mark.sweep]  # a sweep: the SQLite pass only


def _paths(school: School) -> list[str]:
    transfer = Transfer.objects.filter(school=school, approved=False).first()
    question = TransferQuestion.objects.filter(school=school).first()
    removal = Removal.objects.filter(school=school).first()
    item = Item.objects.filter(school=school, kind=Item.Kind.LAPTOP).first()
    loan = Loan.objects.filter(school=school).first()
    disposal = Disposal.objects.filter(school=school).first()
    assert transfer and question and removal and item and loan and disposal, \
        "the demo lacks what this journey opens"
    return [
        reverse("transfers:guide") + "?data_kind=ctf_pupil_file&recipient=school",
        reverse("transfers:rules"),
        reverse("transfers:rule-edit", args=["references_reports", "school"]),
        reverse("transfers:transfer-list"),
        reverse("transfers:transfer-create"),
        reverse("transfers:transfer-detail", args=[transfer.public_id]),
        reverse("transfers:transfer-incident", args=[transfer.public_id]),
        reverse("transfers:question-list"),
        reverse("transfers:question-detail", args=[question.public_id]),
        reverse("transfers:removal-list"),
        reverse("transfers:removal-create"),
        reverse("transfers:removal-detail", args=[removal.public_id]),
        reverse("equipment:item-detail", args=[item.public_id]),
        reverse("equipment:item-create"),
        reverse("equipment:item-incident", args=[item.public_id]),
        reverse("equipment:import-upload"),
        reverse("equipment:loan-list"),
        reverse("equipment:loan-create") + f"?item={item.public_id}",
        reverse("equipment:loan-detail", args=[loan.public_id]),
        reverse("equipment:disposal-list"),
        reverse("equipment:disposal-create"),
        reverse("equipment:disposal-detail", args=[disposal.public_id]),
    ]


def test_the_transfer_and_equipment_pages_pass_axe_and_a_teacher_asks_the_dpo(
    transactional_db: None, chromium: Any, live_server: Any, axe_source: str
) -> None:
    build_demo()
    school = School.objects.get(slug="larkspur")
    siro = User.objects.get(email="siro@larkspur.example")
    failures = sweep_pages(chromium, live_server, axe_source, siro, "transfers", _paths(school))
    assert not failures, "\n".join(failures)

    teacher = User.objects.get(email="teacher@larkspur.example")
    before = TransferQuestion.objects.filter(school=school, asked_by=teacher).count()
    context = chromium.new_context(base_url=live_server.url, locale="en-GB",
                                   viewport={"width": WIDE, "height": HEIGHT})
    context.set_default_timeout(15_000)
    context.add_cookies([_session_cookie(teacher, live_server)])
    page = context.new_page()
    try:
        page.goto(reverse("transfers:guide"))
        page.get_by_label("What do you want to send?").select_option("sen")
        page.get_by_label("Who are you sending it to?").select_option("police")
        page.get_by_role("button", name="Show me how").click()
        page.wait_for_load_state("load")
        page.get_by_role("button", name="Ask the DPO").click()
        page.wait_for_load_state("load")
        assert "DPO" in page.locator("main").inner_text()
    finally:
        context.close()
    assert TransferQuestion.objects.filter(school=school, asked_by=teacher).count() == before + 1
