"""privacy 0005: the register's old DPIA fields and retention text become records, marked as
recorded before Schoolkeep tracked them, nothing lost. The old columns are gone from the live
schema (assets 0009), so the assets' rows are given to the migration as they stood."""

from __future__ import annotations

import importlib
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from tests.factories import SchoolFactory

from schoolkeep.assets import services
from schoolkeep.assets.models import Asset
from schoolkeep.privacy.dpias.models import Dpia, DpiaState
from schoolkeep.privacy.dpias.selectors import state_of
from schoolkeep.privacy.legacy import LEGACY_NOTE
from schoolkeep.privacy.schedule.models import LegacyRetentionText

pytestmark = pytest.mark.django_db
migration = importlib.import_module("schoolkeep.privacy.migrations.0005_destructions")


class OldAssets:
    """``Asset.objects`` as migration 0005 reads it, from rows with the old columns."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = sorted(rows)
        self.after = 0

    def filter(self, pk__gt: int) -> OldAssets:
        self.after = pk__gt
        return self

    def order_by(self, *_: str) -> OldAssets:
        return self

    def values_list(self, *_: str) -> list[tuple[Any, ...]]:
        return [row for row in self.rows if row[0] > self.after]


class OldApps:
    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.asset = type("Asset", (), {"objects": OldAssets(rows)})

    def get_model(self, app: str, name: str) -> Any:
        return self.asset if (app, name) == ("assets", "Asset") else apps.get_model(app, name)


def add(school: Any, name: str) -> Asset:
    group = services.group_get_or_create(school=school, name="Pupils", actor=None)
    return services.asset_create(school=school, actor=None, group=group, name=name)


def test_each_old_answer_becomes_a_legacy_dpia_and_the_text_is_kept(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(migration, "CHUNK", 2)  # six assets: three chunks
    school, other = SchoolFactory(), SchoolFactory()
    done, needed, not_needed, silent, dated_only, theirs = (
        add(school, "Done"), add(school, "Needed"), add(school, "Not needed"),
        add(school, "Silent"), add(school, "Dated only"), add(other, "Theirs"))
    rows = [  # pk, school, dpia_needed, dpia_done_on, retention_period
        (done.pk, school.pk, True, date(2024, 5, 1), "  Date of birth plus 25 years "),
        (needed.pk, school.pk, True, None, ""),
        (not_needed.pk, school.pk, False, None, "Six years"),
        (silent.pk, school.pk, None, None, "   "),
        (dated_only.pk, school.pk, None, date(2023, 2, 1), ""),
        (theirs.pk, other.pk, True, None, "Until leaving"),
    ]

    migration.forwards(OldApps(rows), None)

    dpias = {dpia.asset_id: dpia for dpia in Dpia.objects.all()}
    assert set(dpias) == {done.pk, needed.pk, not_needed.pk, dated_only.pk, theirs.pk}
    assert all(dpia.legacy for dpia in dpias.values())
    assert all(dpias[pk].screening_reasons == LEGACY_NOTE
               for pk in (done.pk, needed.pk, not_needed.pk, theirs.pk))
    assert dpias[dated_only.pk].screening_reasons == migration.NEEDED_NOT_SAID
    signed = dpias[done.pk]
    assert (signed.state, signed.signed_off_on, signed.signed_off_by_label) == (
        DpiaState.SIGNED_OFF, date(2024, 5, 1), LEGACY_NOTE)
    assert dpias[dated_only.pk].state == DpiaState.SIGNED_OFF
    assert (dpias[needed.pk].state, dpias[needed.pk].screening_required) == (
        DpiaState.IN_PROGRESS, True)
    assert (dpias[not_needed.pk].state, dpias[not_needed.pk].screening_required) == (
        DpiaState.NOT_REQUIRED, False)
    assert dpias[theirs.pk].school_id == other.pk
    # The state stored is the one the DPIAs part works out from the same fields.
    assert all(dpia.state == state_of(dpia) for dpia in dpias.values())
    assert dict(LegacyRetentionText.objects.values_list("asset_id", "text")) == {
        done.pk: "Date of birth plus 25 years", not_needed.pk: "Six years",
        theirs.pk: "Until leaving"}


def test_running_again_adds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    school = SchoolFactory()
    asset = add(school, "Needed")
    rows = [(asset.pk, school.pk, True, None, "Two years")]
    migration.forwards(OldApps(rows), None)
    migration.forwards(OldApps(rows), None)
    assert Dpia.objects.count() == 1 and LegacyRetentionText.objects.count() == 1


class BackAssets:
    """``Asset`` as migration 0005 writes it going back: the rows given the old columns."""

    written: dict[int, dict[str, Any]]

    def __init__(self, pk: int, **fields: Any) -> None:
        self.pk, self.fields = pk, fields

    class objects:
        @staticmethod
        def bulk_update(rows: list[Any], names: list[str], batch_size: int = 0) -> None:
            for row in rows:
                BackAssets.written.setdefault(row.pk, {}).update(
                    {name: row.fields[name] for name in names})


class BackApps(OldApps):
    def get_model(self, app: str, name: str) -> Any:
        return BackAssets if (app, name) == ("assets", "Asset") else apps.get_model(app, name)


def test_a_date_without_need_is_kept_and_each_answer_goes_back_as_it_was() -> None:
    school = SchoolFactory()
    not_needed, dated_only, done = (add(school, "Not needed"), add(school, "Dated only"),
                                    add(school, "Done"))
    rows = [(not_needed.pk, school.pk, False, date(2020, 1, 2), ""),
            (dated_only.pk, school.pk, None, date(2023, 2, 1), ""),
            (done.pk, school.pk, True, date(2024, 5, 1), "")]
    migration.forwards(OldApps(rows), None)
    kept = Dpia.objects.get(asset=not_needed)
    assert (kept.state, kept.screening_required, kept.screened_on) == (
        DpiaState.NOT_REQUIRED, False, date(2020, 1, 2))
    assert kept.screening_reasons == (
        "Recorded as done on 2 January 2020 before Schoolkeep tracked it")
    assert kept.state == state_of(kept)
    BackAssets.written = {}
    migration.backwards(BackApps([]), None)
    assert BackAssets.written[not_needed.pk] == {"dpia_needed": False,
                                                 "dpia_done_on": date(2020, 1, 2)}
    assert BackAssets.written[dated_only.pk] == {"dpia_needed": None,
                                                 "dpia_done_on": date(2023, 2, 1)}
    assert BackAssets.written[done.pk] == {"dpia_needed": True,
                                           "dpia_done_on": date(2024, 5, 1)}
    assert not Dpia.objects.filter(legacy=True).exists()
