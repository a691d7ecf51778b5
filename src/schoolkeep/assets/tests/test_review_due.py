"""The stored review date (``assets.review_due``): each asset's ``review_due_on`` follows
every write through the services, equals the rule worked out per asset, and the
``recount-duty-facts`` command finds and repairs a date that does not."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.factories import SchoolFactory

from schoolkeep.assets import services
from schoolkeep.assets.models import Asset, AssetSettings
from schoolkeep.assets.review_due import add_months, differences, refresh_review_due
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
TODAY = date(2026, 1, 31)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def add(school: School, name: str = "Pupil records", **fields: Any) -> Asset:
    group = services.group_get_or_create(school=school, name="Pupils", actor=None)
    return services.asset_create(school=school, actor=None, group=group, name=name, **fields)


def stored(asset: Asset) -> date | None:
    return Asset.objects.values_list("review_due_on", flat=True).get(pk=asset.pk)


def settings_version(school: School) -> int:
    found = AssetSettings.objects.filter(school=school).first()
    return found.version if found else 1


def test_the_date_follows_the_rule_through_create_update_and_settings() -> None:
    school = SchoolFactory()
    never = add(school, "Never reviewed")
    reviewed = add(school, "Reviewed", last_reviewed_on=date(2025, 3, 31))
    fixed = add(school, "Fixed date", last_reviewed_on=date(2025, 3, 1),
                next_review_on=date(2026, 5, 4))
    assert stored(never) == date(2027, 1, 31)  # the day added plus 12 months
    assert stored(reviewed) == date(2026, 3, 31)
    assert stored(fixed) == date(2026, 5, 4)  # the date set wins

    reviewed = services.asset_update(asset=reviewed, actor=None, version=reviewed.version,
                                     last_reviewed_on=date(2025, 1, 31))
    assert stored(reviewed) == date(2026, 1, 31)
    fixed = services.asset_update(asset=fixed, actor=None, version=fixed.version,
                                  next_review_on=None)
    assert stored(fixed) == date(2026, 3, 1)

    services.asset_settings_update(school=school, actor=None, version=settings_version(school),
                                   review_interval_months=1)
    # One month after 31 January is the end of February; every asset of the school moved.
    assert stored(never) == date(2026, 2, 28)
    assert stored(reviewed) == date(2025, 2, 28)
    assert stored(fixed) == date(2025, 4, 1)
    assert differences() == []


def test_another_schools_interval_leaves_these_assets_alone() -> None:
    school, other = SchoolFactory(), SchoolFactory()
    asset = add(school)
    services.asset_settings_update(school=other, actor=None, version=1,
                                   review_interval_months=3)
    assert stored(asset) == date(2027, 1, 31)


def test_refresh_writes_only_what_differs() -> None:
    school = SchoolFactory()
    first, second = add(school, "First"), add(school, "Second")
    assert refresh_review_due(school) == 0
    Asset.objects.filter(pk=first.pk).update(review_due_on=None)
    assert refresh_review_due(school.pk, [second.pk]) == 0  # only the asset named
    assert refresh_review_due(school.pk, []) == 0
    assert refresh_review_due(school) == 1
    assert stored(first) == date(2027, 1, 31)


def test_recount_reports_and_repairs_a_wrong_date(capsys: pytest.CaptureFixture[str]) -> None:
    school = SchoolFactory()
    asset = add(school)
    call_command("recount_duty_facts")
    assert "Every stored fact matches" in capsys.readouterr().out
    Asset.objects.filter(pk=asset.pk).update(review_due_on=date(2030, 1, 1))
    with pytest.raises(SystemExit) as exit_:
        call_command("recount_duty_facts", "--school", school.slug)
    assert exit_.value.code == 1
    assert (f"school {school.pk} asset {asset.pk}: review_due_on is 2030-01-01 and should be "
            "2027-01-31") in capsys.readouterr().out
    assert stored(asset) == date(2030, 1, 1)  # only reported
    with pytest.raises(SystemExit):
        call_command("recount_duty_facts", "--fix")
    assert stored(asset) == date(2027, 1, 31)
    event = AuditEvent.objects.filter(action="assets.review_due.repaired").get()
    assert event.school_id == school.pk and event.changes == {"assets": 1}
    call_command("recount_duty_facts")
    assert "Every stored fact matches" in capsys.readouterr().out


# --- random writes ---------------------------------------------------------------------------

DAY = st.none() | st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 12, 31))
ASSET = st.integers(0, 3)  # which asset (modulo how many exist)
writes = st.lists(st.one_of(
    st.tuples(st.just("add"), st.integers(0, 1), DAY, DAY),
    st.tuples(st.just("last_reviewed_on"), ASSET, DAY),
    st.tuples(st.just("next_review_on"), ASSET, DAY),
    st.tuples(st.just("interval"), st.integers(0, 1), st.integers(1, 36)),
    st.tuples(st.just("archive"), ASSET),
), min_size=2, max_size=10)


def apply(write: tuple[Any, ...], schools: list[School]) -> None:
    """One write through the services (a refused one is a write that did not happen)."""
    op, *args = write
    assets = list(Asset.objects.order_by("pk"))
    if op == "add":
        fields = {"last_reviewed_on": args[1], "next_review_on": args[2]}
        add(schools[args[0]], f"Asset {len(assets)}", **fields)
    elif op == "interval":
        school = schools[args[0]]
        services.asset_settings_update(school=school, actor=None,
                                       version=settings_version(school),
                                       review_interval_months=args[1])
    elif assets and op == "archive":
        services.asset_archive(asset=assets[args[0] % len(assets)], actor=None)
    elif assets:
        asset = assets[args[0] % len(assets)]
        services.asset_update(asset=asset, actor=None, version=asset.version, **{op: args[1]})


def by_hand(asset: Asset) -> date:
    """The rule applied to one asset, read afresh from its school's settings."""
    if asset.next_review_on is not None:
        return asset.next_review_on
    found = AssetSettings.objects.filter(school_id=asset.school_id).first()
    base = asset.last_reviewed_on or asset.created_at.astimezone(ZoneInfo("Europe/London")).date()
    return add_months(base, found.review_interval_months if found else 12)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=writes)
def test_stored_dates_follow_every_write(drawn: list[tuple[Any, ...]]) -> None:
    with transaction.atomic():
        schools = [SchoolFactory(), SchoolFactory()]
        for write in drawn:
            with contextlib.suppress(DomainError):  # a refused write changes nothing
                apply(write, schools)
            assert differences() == []
            for asset in Asset.objects.all():
                assert asset.review_due_on == by_hand(asset)
        transaction.set_rollback(True)


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
