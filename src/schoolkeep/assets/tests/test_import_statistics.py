"""A large import gives the query planner the register's new size once it has committed."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.personas import Personas
from tests.test_db_statistics import analysed_rows

from schoolkeep.assets.models import Asset
from schoolkeep.assets.tests.test_import import run, write_delimited
from schoolkeep.lib import db_statistics


@pytest.mark.django_db
def test_a_large_import_refreshes_the_registers_statistics(
        personas: Personas, tmp_path: Path, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(db_statistics, "LARGE_WRITE", 3)  # "large" for a test's few rows
    path = write_delimited(tmp_path / "large.csv", [
        ["Asset", "Group", "Owner"],
        *[[f"Asset {number}", "Finance", "RedStor"] for number in range(5)],
    ], ",")

    with django_capture_on_commit_callbacks(execute=True):
        result = run(personas, path)

    assert result.ok, result.problems
    assert analysed_rows(Asset._meta.db_table) == Asset.objects.count() == 5


@pytest.mark.django_db
def test_a_small_import_leaves_the_statistics_to_the_database(
        personas: Personas, tmp_path: Path, django_capture_on_commit_callbacks) -> None:
    path = write_delimited(tmp_path / "small.csv", [
        ["Asset", "Group", "Owner"], ["Invoices", "Finance", "RedStor"]], ",")

    with django_capture_on_commit_callbacks() as callbacks:
        assert run(personas, path).ok

    assert not any("refresh_statistics" in repr(callback) for callback in callbacks)
