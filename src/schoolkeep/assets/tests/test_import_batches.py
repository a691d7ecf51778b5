"""The register's import reads, compares and writes a batch of rows at a time, so that what
it holds does not grow with the file: batches of any size give the same register, result,
warnings and audit events; a problem in a later batch still means nothing is written, with
every problem named; the result describes the first assets and counts the others."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from tests.personas import Personas

from schoolkeep.assets import review_due
from schoolkeep.assets import services as asset_services
from schoolkeep.assets.imports import matching, parsing
from schoolkeep.assets.models import Asset, AssetGroup, AssetSettings
from schoolkeep.assets.tests.test_import import ROWS, people, register, run, write_delimited
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.services import diff
from schoolkeep.audit.verify import audit_verify

__all__ = ["people"]  # the fixture, imported for these tests

MORE = [["Extra group", "", "", ""], *[[f"Extra asset {n}", "Somebody Unknown",
                                        "Head / Exams officer", "Exams"] for n in range(9)],
        ["Core pupil data", "Ben Okafor", "Head", "Teaching"]]  # a name in two groups


def imported(personas: Personas, path: Path, batch: int,
             monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    """What importing ``path`` in batches of ``batch`` rows writes and reports; undone."""
    monkeypatch.setattr(parsing, "BATCH", batch)
    with transaction.atomic():
        result = run(personas, path)
        assert result.ok and result.written, result.problems
        events = sorted(AuditEvent.objects.filter(school=personas.school).values_list(
            "action", "target_label", "changes"), key=repr)
        state = (register(personas), result.summary(), result.report_lines(),
                 [(w.row, w.column, w.message) for w in result.warnings], events,
                 audit_verify().ok)
        transaction.set_rollback(True)
    return state


@pytest.mark.usefixtures("people")
def test_batches_of_any_size_write_and_report_the_same(personas: Personas, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_delimited(tmp_path / "register.csv", ROWS + MORE, ",")

    whole = imported(personas, path, 1000, monkeypatch)

    assert len(whole[0]) == 19 and whole[5] is True
    assert any("Somebody Unknown" in message for _, _, message in whole[3])
    assert any("is in 2 groups" in message for _, _, message in whole[3])
    for batch in (1, 3, 7):
        assert imported(personas, path, batch, monkeypatch) == whole


@pytest.mark.usefixtures("people")
def test_a_problem_in_a_later_batch_writes_nothing_and_every_problem_is_named(
        personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "BATCH", 3)
    rows = [["Asset", "Group", "Owner", "Classification"],
            *[[f"Asset {n}", f"Group {n % 2}", "Amelia Hart", "OFFICIAL"] for n in range(10)],
            ["Asset 10", "Group 0", "Amelia Hart", "Top secret"],
            ["", "Group 1", "Amelia Hart", "OFFICIAL"],
            ["Asset 0", "Group 0", "Ben Okafor", ""]]
    path = write_delimited(tmp_path / "register.csv", rows, ",")
    events = AuditEvent.objects.count()

    result = run(personas, path)

    assert not result.ok and not result.written
    assert [(p.row, p.column) for p in result.problems] == [
        (12, "Classification"), (13, "Asset"), (14, "Asset")]
    assert not Asset.objects.filter(school=personas.school).exists()
    assert not AssetGroup.objects.filter(school=personas.school).exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.usefixtures("people")
def test_the_result_describes_the_first_assets_and_counts_the_others(
        personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matching, "DETAILS_KEPT", 2)
    rows = [["Asset", "Group", "Owner"], *[[f"Asset {n}", "Group", "Amelia Hart"]
                                           for n in range(5)]]
    path = write_delimited(tmp_path / "register.csv", rows, ",")

    result = run(personas, path)

    assert result.created == 5 and Asset.objects.filter(school=personas.school).count() == 5
    group = result.groups[0]
    assert [item.name for item in group.created] == ["Asset 0", "Asset 1"]
    assert "  (3 more, not listed)" in result.report_lines()
    data = result.as_dict(limit=1)["groups"][0]
    assert (data["created_count"], len(data["created"]), data["not_shown"]) == (5, 1, 4)


@pytest.mark.usefixtures("people")
def test_every_new_assets_event_is_the_services_snapshot(
        personas: Personas, tmp_path: Path) -> None:
    rows = [["Asset", "Group", "Owner", "Classification", "Description", "Access"],
            ["Marked", "Group", "Amelia Hart", "Protect", "Kept in the office", "Head"],
            ["Blank", "Group", "", "", "", ""],
            ["Outside", "Other", "RedStor", "OFFICIAL", "", "Head / Office"],
            # The same values again (each field's entry is kept per value), and others.
            ["Again", "Group", "Amelia Hart", "Protect", "Kept in the office", "Head"],
            ["Zoë\u2019s notes", "Other", "Ben Okafor", "official sensitive", "Ünïcödé “quoted”",
             "Office / Head"],
            ["Unknown owner", "Group", "Someone Else", "", "Kept in the office", ""]]
    run(personas, write_delimited(tmp_path / "register.csv", rows, ","))

    assets = Asset.objects.filter(school=personas.school)
    assert assets.count() == 6
    for asset in assets:
        event = AuditEvent.objects.get(action="assets.asset.created",
                                       target_id=str(asset.public_id))
        expected = diff(None, asset_services.asset_snapshot(
            asset, labels=asset_services.current_labels(asset), systems=[]))
        assert event.changes == expected
    assert audit_verify().ok


@pytest.mark.usefixtures("people")
def test_new_assets_store_their_review_date_as_the_rule_gives_it(
        personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "BATCH", 3)
    AssetSettings.objects.create(school=personas.school, review_interval_months=6)
    path = write_delimited(tmp_path / "register.csv", ROWS + MORE, ",")

    run(personas, path)
    run(personas, write_delimited(tmp_path / "again.csv",
                                  [*ROWS, ["Staff data (MIS)", "", "", ""],
                                   ["Payroll", "Ben Okafor", "Head", "Pay"]], ","))

    assert Asset.objects.filter(school=personas.school).count() == 20
    assert not Asset.objects.filter(school=personas.school, review_due_on=None).exists()
    assert review_due.differences([personas.school.pk]) == []


@pytest.mark.usefixtures("people")
def test_batches_of_any_size_compare_with_the_register_the_same(
        personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The register is read a batch of names at a time: the same changes and warnings."""
    run(personas, write_delimited(tmp_path / "first.csv", ROWS, ","))
    changed = [list(row) for row in ROWS]
    changed[2][3] = "A new purpose"  # Core pupil data
    changed[6][1] = "Amelia Hart"  # Core staff data sets: another owner
    del changed[3]  # Attendance: only in another group of this file
    rows = [*changed, *MORE, ["Attendance", "Ben Okafor", "Head", "Registers"]]
    path = write_delimited(tmp_path / "second.csv", rows, ",")

    whole = imported(personas, path, 1000, monkeypatch)

    assert "2 changed" in whole[1]
    assert any("“Attendance” is in 2 groups" in message and "(already recorded)" in message
               for _, _, message in whole[3])
    for batch in (1, 4):
        assert imported(personas, path, batch, monkeypatch) == whole


@pytest.mark.usefixtures("people")
def test_an_archived_asset_is_not_matched_and_its_name_is_free(personas: Personas,
                                                               tmp_path: Path) -> None:
    path = write_delimited(tmp_path / "register.csv", ROWS, ",")
    run(personas, path)
    old = Asset.objects.get(school=personas.school, name="Attendance")
    asset_services.asset_archive(asset=old, actor=personas.siro)

    result = run(personas, path)

    assert (result.created, result.changed) == (1, 0)
    current = Asset.objects.get(school=personas.school, name="Attendance",
                                archived_at__isnull=True)
    assert current.pk != old.pk and current.version == 1
    assert Asset.objects.get(pk=old.pk).archived_at is not None
