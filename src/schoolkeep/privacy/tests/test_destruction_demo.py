"""The demo's destruction log and register links at Larkspur: two entries, the starting
schedule's record types linked to the register's assets; building again adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from schoolkeep.assets.demo import RECORD_TYPES
from schoolkeep.privacy.destruction.demo import CANDIDATES, CCTV
from schoolkeep.privacy.destruction.models import Destruction
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.models import AssetRecordType
from schoolkeep.tenancy.models import School

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_demo")]


def test_larkspur_has_two_entries_and_its_assets_hold_record_types() -> None:
    school = School.objects.get(slug="larkspur")
    entries = {row.description: row for row in Destruction.objects.filter(school=school)
               .select_related("record_type", "asset")}
    assert {CANDIDATES, CCTV} <= set(entries)
    assert entries[CANDIDATES].record_type.key == keys.RECRUITMENT_UNSUCCESSFUL
    assert entries[CANDIDATES].witnessed_by_label
    assert entries[CCTV].asset.name == "CCTV recordings"
    assert entries[CCTV].record_type.key == keys.CCTV
    linked = set(AssetRecordType.objects.filter(asset__school=school).values_list(
        "asset__name", "record_type__key"))
    assert linked == {(name, key) for name, wanted in RECORD_TYPES.items() for key in wanted}


def test_building_again_adds_no_entry() -> None:
    before = Destruction.objects.count()
    call_command("demo", "--no-logins", stdout=StringIO(), stderr=StringIO())
    assert Destruction.objects.count() == before
