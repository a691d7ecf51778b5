"""Migration 0008 fills each asset's and group's look-alike key chunk by chunk, equal to what
the services keep for a new name."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from tests.factories import SchoolFactory

from schoolkeep.assets import services
from schoolkeep.assets.look_alike import match_key
from schoolkeep.assets.models import Asset, AssetGroup

pytestmark = pytest.mark.django_db
migration = importlib.import_module("schoolkeep.assets.migrations.0008_look_alikes_and_aliases")


def test_the_fill_gives_every_asset_and_group_its_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migration, "CHUNK", 2)  # six assets, three groups: chunks of two
    for school in (SchoolFactory(), SchoolFactory()):
        pupils = services.group_get_or_create(school=school, name="Pupil records (MIS)",
                                              actor=None)
        for name in ("Attendance records", "Café lists", "Staff's files"):
            services.asset_create(school=school, actor=None, group=pupils, name=name)
    services.group_get_or_create(school=school, name="Finance data", actor=None)
    kept = sorted(Asset.objects.values_list("pk", "match_key"))
    Asset.objects.update(match_key="")
    AssetGroup.objects.update(match_key="")

    migration.fill(apps, None)

    assert sorted(Asset.objects.values_list("pk", "match_key")) == kept
    assert all(key == match_key(name) != "" for name, key in
               [*Asset.objects.values_list("name", "match_key"),
                *AssetGroup.objects.values_list("name", "match_key")])
    assert set(AssetGroup.objects.values_list("match_key", flat=True)) == {"mis pupil",
                                                                           "finance"}
