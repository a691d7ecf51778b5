"""The dashboard: what it shows, to whom, in how many queries; and each school's duties as
the schools overview counts them for a trust administrator."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.factories import SchoolFactory

from schoolkeep.tenancy.roles import Role

from .conftest import confirm_terms, make_member

DASHBOARD = reverse("duties:dashboard")
SCHOOLS = reverse("overview:schools")

# A Wednesday in term, outside the summer weeks when next year's term dates fall due.
TERM_TIME = datetime(2026, 11, 4, 10, tzinfo=UTC)


@pytest.fixture
def calm_school(personas):
    """The personas' school with its term dates confirmed: no duty at all."""
    confirm_terms(year=2026, school=personas.school)
    personas.staff.memberships.update(is_active=False)  # plain staff without two-factor
    return personas


@time_machine.travel(TERM_TIME, tick=False)
def test_empty_dashboard_says_everything_is_up_to_date(calm_school, login):
    response = login(calm_school.siro).get(DASHBOARD)
    assert response.status_code == 200
    assert "Everything is up to date" in response.content.decode()


@time_machine.travel(TERM_TIME, tick=False)
def test_member_sees_own_duties_with_a_next_step_and_not_the_schools(personas, login):
    newcomer = make_member(personas.school, [Role.IAO], full_name="Nia Newcomer")
    page = login(personas.business_manager).get(DASHBOARD).content.decode()
    # The duty's link is its title, named for what the page does (enter and save).
    assert '<a href="/school/terms/2026/">Enter the term dates for 2026/27<' in page
    assert "Nia Newcomer" not in page  # another member's duty
    assert "For others at" not in page
    page = login(newcomer).get(DASHBOARD)
    # Without two-factor, a privileged member reaches only enrolment; the SIRO sees it.
    assert page.status_code == 302


@time_machine.travel(TERM_TIME, tick=False)
def test_siro_sees_the_schools_duties_with_owners_and_counts(personas, login):
    make_member(personas.school, [Role.IAO], full_name="Nia Newcomer")
    page = login(personas.siro).get(DASHBOARD).content.decode()
    assert "For others at Oakfield Primary" in page
    assert "Nia Newcomer" in page
    assert "Owner: Business manager" in page
    assert "Members and school calendar" in page
    assert "Everything is up to date" not in page


@pytest.mark.parametrize("persona", ["dpo", "auditor", "trust_admin"])
@time_machine.travel(TERM_TIME, tick=False)
def test_leads_auditors_and_trust_admins_see_the_schools_duties(personas, login, persona):
    page = login(getattr(personas, persona)).get(DASHBOARD).content.decode()
    assert "Enter the term dates for 2026/27" in page
    assert "Owner: Business manager" in page


@time_machine.travel(TERM_TIME, tick=False)
def test_another_schools_duties_never_show(personas, login):
    make_member(personas.other_school, [Role.IAO], full_name="Hillside Newcomer")
    page = login(personas.siro).get(DASHBOARD).content.decode()
    assert "Hillside Newcomer" not in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@time_machine.travel(TERM_TIME, tick=False)
def test_dashboard_query_count_is_the_same_for_3_and_40_duties(
    personas, login, raise_duties, django_assert_num_queries
):
    client = login(personas.siro)
    raise_duties(personas.school, 3)
    baseline, page = _queries(client, DASHBOARD)
    assert page.count('class="duty duty-') >= 9
    raise_duties(personas.school, 37)
    with django_assert_num_queries(baseline):
        response = client.get(DASHBOARD)
    page = response.content.decode()
    # Each kind shows its three most urgent duties and a link to the rest.
    assert page.count('class="duty duty-') <= 3 * page.count('class="duty-kind"')
    assert "See all 40" in page


# --- each school's duties counted on the schools overview (overview:schools) -------------


def _overdue_at(page: str, school: str) -> int:
    found = re.search(rf'>([\d,]+)<span class="visually-hidden"> overdue at {school}</span>', page)
    assert found is not None, school
    return int(found[1].replace(",", ""))


@time_machine.travel(TERM_TIME, tick=False)
def test_the_schools_overview_counts_each_trust_schools_duties(personas, login):
    second = SchoolFactory(name="Elm Park Primary", organisation=personas.school.organisation)
    confirm_terms(year=2026, school=second)
    client = login(personas.trust_admin)
    before = client.get(SCHOOLS).content.decode()
    make_member(second, [Role.IAO], created_at=TERM_TIME - timedelta(days=30))  # no 2FA
    page = client.get(SCHOOLS).content.decode()
    assert "Oakfield Primary" in page and "Hillside Academy" not in page  # another trust's
    assert _overdue_at(page, "Elm Park Primary") == _overdue_at(before, "Elm Park Primary") + 1
    assert _overdue_at(page, "Oakfield Primary") == _overdue_at(before, "Oakfield Primary")
