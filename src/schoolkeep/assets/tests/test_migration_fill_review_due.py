"""Migration 0006 fills the stored review dates in chunks with its own copy of the rule:
what it writes equals ``assets.review_due`` at every edge of the rule (a date set, a last
review, never reviewed near midnight in London, a month's end), across schools with their
own intervals and across chunk boundaries."""

from __future__ import annotations

import importlib
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.apps import apps
from tests.factories import SchoolFactory

from schoolkeep.assets import services
from schoolkeep.assets.models import Asset
from schoolkeep.assets.review_due import differences
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db
migration = importlib.import_module("schoolkeep.assets.migrations.0006_fill_review_due_on")


def add(school: School, name: str, **fields: object) -> Asset:
    group = services.group_get_or_create(school=school, name="Pupils", actor=None)
    return services.asset_create(school=school, actor=None, group=group, name=name, **fields)


def test_the_fill_equals_the_live_rule_chunk_by_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migration, "CHUNK", 2)  # five assets: three chunks
    school, other = SchoolFactory(), SchoolFactory()
    services.asset_settings_update(school=other, actor=None, version=1,
                                   review_interval_months=1)
    # 23:30 UTC on 31 January 2026 is still 31 January in London (GMT); in summer, 23:30
    # UTC is the next day there.
    with time_machine.travel(datetime(2026, 1, 31, 23, 30, tzinfo=UTC), tick=False):
        add(school, "Never reviewed")
        add(other, "Never reviewed, monthly")
    with time_machine.travel(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), tick=False):
        add(school, "Added in summer")
    add(school, "Reviewed", last_reviewed_on=date(2025, 8, 31))
    add(other, "Date set", last_reviewed_on=date(2025, 3, 1), next_review_on=date(2026, 5, 4))
    Asset.objects.update(review_due_on=None)

    migration.fill(apps, None)

    assert Asset.objects.filter(review_due_on__isnull=True).count() == 0
    assert differences() == []
    assert set(Asset.objects.values_list("name", "review_due_on")) == {
        ("Never reviewed", date(2027, 1, 31)),
        ("Never reviewed, monthly", date(2026, 2, 28)),
        ("Added in summer", date(2027, 7, 1)),
        ("Reviewed", date(2026, 8, 31)),
        ("Date set", date(2026, 5, 4)),
    }
