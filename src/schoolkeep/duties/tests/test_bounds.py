"""The dashboard, the page of one kind of duty and the reminder e-mails stay bounded however
many duties a school has: at most ``DASHBOARD_PREVIEW`` of each kind on the dashboard and
``KIND_PREVIEW`` in an e-mail, with counts and a link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.assets.review_due import refresh_review_due
from schoolkeep.duties.selectors import DASHBOARD_PREVIEW, KIND_PREVIEW
from schoolkeep.duties.services import reminders_send

from .conftest import confirm_terms

DASHBOARD = reverse("duties:dashboard")
OWNER_MISSING = reverse("duties:duty-kind-list", args=["assets.owner-missing"])
TERM_TIME = datetime(2026, 11, 4, 10, tzinfo=UTC)
PAGE_LIMIT = 150 * 1024  # bytes: the bound for the dashboard


def add_assets(school, count: int, *, prefix: str = "Asset") -> None:
    """``count`` assets with no owner and no classification, added a month ago: two overdue
    duties each (owner missing, unclassified), both falling to the SIRO."""
    group, _ = AssetGroup.objects.get_or_create(school=school, name="Bench", name_key="bench")
    start = Asset.objects.filter(school=school).count()
    Asset.objects.bulk_create([
        Asset(school=school, group=group, name=f"{prefix} {n:05d}", name_key=f"{prefix} {n:05d}")
        for n in range(start, start + count)
    ])
    Asset.objects.filter(school=school).update(created_at=TERM_TIME - timedelta(days=30))
    refresh_review_due(school)


def duty_rows(page: str) -> int:
    return page.count('class="duty duty-')


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.fixture
def quiet(personas):
    confirm_terms(year=2026, school=personas.school)
    return personas


@time_machine.travel(TERM_TIME, tick=False)
def test_dashboard_stays_small_with_thousands_of_duties(quiet, login):
    add_assets(quiet.school, 2000)
    response = login(quiet.siro).get(DASHBOARD)
    page = response.content.decode()
    assert len(response.content) < PAGE_LIMIT
    assert "See all 2,000" in page
    assert page.count("Choose an owner for an information asset") == DASHBOARD_PREVIEW
    assert page.count("Classify an information asset") == DASHBOARD_PREVIEW
    assert duty_rows(page) <= DASHBOARD_PREVIEW * page.count('class="duty-kind"')


@time_machine.travel(TERM_TIME, tick=False)
def test_dashboard_and_kind_page_queries_do_not_grow_with_duties(
    quiet, login, django_assert_num_queries
):
    client = login(quiet.siro)
    add_assets(quiet.school, 3)
    dashboard_queries, page = _get(client, DASHBOARD)
    kind_queries, kind_page = _get(client, OWNER_MISSING)
    assert page.count("Choose an owner for an information asset") == 3
    assert duty_rows(kind_page) == 3
    add_assets(quiet.school, 37)
    with django_assert_num_queries(dashboard_queries):
        page = client.get(DASHBOARD).content.decode()
    assert "See all 40" in page
    with django_assert_num_queries(kind_queries):
        kind_page = client.get(OWNER_MISSING).content.decode()
    assert duty_rows(kind_page) == 40


@time_machine.travel(TERM_TIME, tick=False)
def test_kind_page_shows_50_a_page_and_only_this_school(quiet, login):
    add_assets(quiet.school, 120)
    add_assets(quiet.other_school, 5, prefix="Hillside asset")
    client = login(quiet.siro)
    pages = [client.get(OWNER_MISSING, {"page": n}).content.decode() for n in (1, 2, 3)]
    first = pages[0]
    assert [duty_rows(page) for page in pages] == [50, 50, 20]
    assert "Page 1 of 3" in first
    every = "".join(pages)
    assert all(f"Asset {n:05d}." in every for n in range(120))  # each once, none lost
    assert "Hillside asset" not in every
    # Only the asset duties: not the unclassified ones, not the other school's.
    assert "Classify an information asset" not in first


@time_machine.travel(TERM_TIME, tick=False)
def test_kind_page_refuses_what_the_member_may_not_see(quiet, login):
    add_assets(quiet.school, 7)
    staff = login(quiet.staff)
    # A plain member owns none of these and does not oversee others' duties.
    assert staff.get(OWNER_MISSING).status_code == 200
    assert duty_rows(staff.get(OWNER_MISSING).content.decode()) == 0
    assert staff.get(OWNER_MISSING, {"who": "others"}).status_code == 404
    # A trust administrator oversees the school's duties, but not its incidents.
    trust = login(quiet.trust_admin)
    incidents = reverse("duties:duty-kind-list", args=["incidents.triage"])
    assert trust.get(incidents, {"who": "others"}).status_code == 404
    # A kind no module provides.
    siro = login(quiet.siro)
    assert siro.get(reverse("duties:duty-kind-list", args=["nothing.here"])).status_code == 404
    assert siro.get(reverse("duties:duty-kind-list", args=["assets"])).status_code == 404
    # The outsider is SIRO of the other school: none of this school's assets.
    outsider_page = login(quiet.outsider).get(OWNER_MISSING).content.decode()
    assert "Asset 0000" not in outsider_page


@time_machine.travel(TERM_TIME, tick=False)
def test_reminder_lists_five_of_each_kind_with_counts_and_a_link(quiet, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    add_assets(quiet.school, 300)
    reminders_send(now=TERM_TIME)
    to_siro = [m for m in mail.outbox if quiet.siro.email in m.to]
    assert len(to_siro) == 1
    body = to_siro[0].body
    assert body.count("- Choose an owner for an information asset") == KIND_PREVIEW
    assert body.count("- Classify an information asset") == KIND_PREVIEW
    assert "300 overdue" in body
    assert f"And {300 - KIND_PREVIEW} more of this kind: " in body
    assert "/duties/kinds/assets.owner-missing/" in body
    assert len(body) < 10_000


@time_machine.travel(TERM_TIME, tick=False)
def test_remind_dry_run_lists_five_of_each_kind(quiet):
    from io import StringIO

    from django.core.management import call_command

    add_assets(quiet.school, 40)
    out = StringIO()
    call_command("remind", "--dry-run", stdout=out)
    text = out.getvalue()
    assert text.count("Choose an owner for an information asset") == KIND_PREVIEW
    assert f"and {40 - KIND_PREVIEW} more" in text
