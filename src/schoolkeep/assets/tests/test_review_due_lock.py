"""The stored review date's lock (``review_due.locked_interval``): a change of the review
interval, an import and an asset's create or edit each read the interval with the school's
settings row held FOR UPDATE, so on PostgreSQL they run one after the other and no asset
keeps a date worked out with an interval that has since changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from tests.personas import Personas

from schoolkeep.assets import review_due, services
from schoolkeep.assets.imports import assets_import
from schoolkeep.assets.models import Asset, AssetSettings

pytestmark = pytest.mark.django_db
FILES = Path(__file__).parent / "files"


@pytest.fixture
def locks(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The schools (or ids) ``locked_interval`` was called with, in order."""
    calls: list[Any] = []
    real = review_due.locked_interval

    def spy(school: Any) -> int:
        calls.append(getattr(school, "pk", school))
        return real(school)

    monkeypatch.setattr(review_due, "locked_interval", spy)
    monkeypatch.setattr(services, "locked_interval", spy)
    return calls


def add(personas: Personas) -> Asset:
    group = services.group_get_or_create(school=personas.school, name="Pupils", actor=None)
    return services.asset_create(school=personas.school, actor=personas.siro, group=group,
                                 name="Pupil records")


def test_the_interval_is_read_locked_and_the_row_made_when_missing(
        personas: Personas) -> None:
    school = personas.school
    AssetSettings.objects.filter(school=school).delete()
    with transaction.atomic():
        assert review_due.locked_interval(school) == review_due.DEFAULT_REVIEW_INTERVAL
    AssetSettings.objects.filter(school=school).update(review_interval_months=6)
    with transaction.atomic():
        assert review_due.locked_interval(school.pk) == 6
    assert AssetSettings.objects.filter(school=school).count() == 1


def test_create_edit_settings_and_import_each_take_the_lock(
        personas: Personas, locks: list[Any]) -> None:
    school_id = personas.school.pk
    asset = add(personas)
    assert locks == [school_id]
    services.asset_update(asset=asset, actor=personas.siro, version=1, purpose="Teaching")
    assert locks[1:] == [school_id, school_id]  # before the asset's row, then to refresh
    del locks[:]
    version = AssetSettings.objects.get(school_id=school_id).version
    services.asset_settings_update(school=personas.school, actor=personas.siro,
                                   version=version, review_interval_months=6)
    assert locks == [school_id]
    del locks[:]
    result = assets_import(FILES / "register_bom_crlf.csv", school=personas.school,
                           actor=personas.data_admin)
    assert result.ok and locks == [school_id]
    assert review_due.differences([school_id]) == []


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite has no row locks (its transactions are IMMEDIATE)")
def test_on_postgresql_the_settings_row_is_locked_before_any_asset_is_written(
        personas: Personas) -> None:
    asset = add(personas)
    with CaptureQueriesContext(connection) as edit:
        services.asset_update(asset=asset, actor=personas.siro, version=1, purpose="x")
    with CaptureQueriesContext(connection) as imported:
        assets_import(FILES / "register_bom_crlf.csv", school=personas.school,
                      actor=personas.data_admin)
    for captured in (edit, imported):
        sql = [query["sql"] for query in captured.captured_queries]
        first_lock = next(i for i, text in enumerate(sql) if "FOR UPDATE" in text)
        assert '"assets_assetsettings"' in sql[first_lock]
        assert not any('"assets_asset"' in text and text.startswith(("INSERT", "UPDATE"))
                       for text in sql[:first_lock])
