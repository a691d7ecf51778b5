"""The dashboard's shape: one step for many duties of a kind (for who may take it), the
overview for who checks, never a table of zeros, what is hidden named, and a constant number
of queries with a legal clock and a kind's step on the page."""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from schoolkeep.assets.duties import AssetDuties
from schoolkeep.duties import registry
from schoolkeep.duties.types import Duty, DutyCounts, KindAction, status_for
from schoolkeep.lib.text import listed as _listed
from schoolkeep.tenancy.roles import Role, roles_allow

from .conftest import confirm_terms

NOW = datetime(2026, 11, 4, 10, tzinfo=UTC)
DASHBOARD = reverse("duties:dashboard")
STEP_URL = reverse("duties:duty-kind-list", args=["shape.many"])


class Provider:
    """``n`` duties of one kind for the SIRO, one running clock for the DPO, and a step
    for the many: shown only to who holds ``members.manage``."""

    module = "shape"
    label = "Shapes"
    kind_labels = {"shape.many": "Many things", "shape.clock": "A legal deadline"}

    def __init__(self, n: int) -> None:
        self.n = n

    def _duties(self) -> list[Duty]:
        many = [Duty(key=f"shape.many:{i}", module="shape", title=f"Sort thing {i}",
                     subject=f"Thing {i}", due_at=date(2026, 11, 1), status=status_for(
                         date(2026, 11, 1), NOW), url=f"/shape/{i}/", owner_role=Role.SIRO)
                for i in range(self.n)]
        due = NOW + timedelta(hours=30)
        clock = Duty(key="shape.clock:1", module="shape", title="Decide on the thing",
                     subject="The thing", due_at=due, status=status_for(due, NOW),
                     url="/shape/clock/", owner_role=Role.DPO, legal_clock=True)
        return [*many, clock]

    def counts(self, school_ids: Sequence[int], *, now: datetime, horizon: datetime):
        summed = sum((DutyCounts.of(d.status) for d in self._duties()), DutyCounts())
        return dict.fromkeys(school_ids, summed)

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        return self._duties()

    def kind_action(self, kind: str, count: int) -> KindAction | None:
        if kind != "shape.many":
            return None
        return KindAction(f"Sort {count} things together", STEP_URL, "members.manage")


@pytest.fixture
def calm(personas):
    confirm_terms(year=2026, school=personas.school)
    return personas


@time_machine.travel(NOW, tick=False)
def test_a_kinds_step_for_all_is_offered_to_who_may_take_it(calm, login):
    with registry.only(Provider(12)):
        siro = login(calm.siro).get(DASHBOARD).content.decode()
        auditor = login(calm.auditor).get(DASHBOARD).content.decode()
    assert f'<a class="button button-secondary" href="{STEP_URL}">Sort 12 things together</a>' \
        in siro
    assert "Many things" in auditor and "Sort 12 things together" not in auditor


def test_the_asset_register_offers_to_choose_owners_together() -> None:
    try:
        url = reverse("assets:choose-owners")
    except NoReverseMatch:
        pytest.skip("the page to choose owners together is not built yet")
    provider = AssetDuties()
    assert provider.kind_action("assets.owner-missing", 2000) == KindAction(
        "Choose owners for 2,000 information assets", url, "assets.manage")
    assert provider.kind_action("assets.owner-missing", 1).words == (
        "Choose an owner for 1 information asset")
    assert provider.kind_action("assets.unclassified", 5) is None


@time_machine.travel(NOW, tick=False)
def test_who_has_nothing_to_do_sees_no_table_of_zeros(calm, login):
    calm.staff.memberships.update(is_active=False)  # the staff persona's two-factor duty
    page = login(calm.governor).get(DASHBOARD).content.decode()
    assert "Everything is up to date" in page
    assert "<table" not in page
    overview = "See the school's overview" in html.unescape(page)
    try:
        reverse("overview:school")
    except NoReverseMatch:
        assert not overview
    else:
        assert overview is roles_allow(frozenset({Role.GOVERNOR}), "overview.view")


def test_hidden_areas_are_listed_in_words() -> None:
    assert [_listed(words) for words in ([], ["A"], ["A", "B"], ["A", "B", "C"])] == [
        "", "A", "A and B", "A, B and C"]


@time_machine.travel(NOW, tick=False)
def test_queries_stay_the_same_with_a_clock_and_a_step_for_3_or_300(calm, login):
    client = login(calm.dpo)

    def measured(n: int) -> tuple[int, str]:
        with registry.only(*registry.providers(), Provider(n)), \
                CaptureQueriesContext(connection) as ctx:
            page = client.get(DASHBOARD).content.decode()
        return len(ctx.captured_queries), page

    few, page = measured(3)
    assert 'id="legal-clocks"' in page and "Decide on the thing" in page
    many, page = measured(300)
    assert many == few
    assert "See all 300" in page
    assert page.count("Sort thing") == 3
