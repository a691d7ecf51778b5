"""The register's import reads a retention column into the text kept from before the
schedule (``LegacyRetentionText``): a new asset gets it, a changed text replaces it (audited,
counted as a change), the same text changes nothing, and a file without the column leaves the
kept text alone. The import never wrote DPIA or agreement facts and still does not."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.personas import Personas

from schoolkeep.assets.imports import assets_import
from schoolkeep.assets.models import Asset
from schoolkeep.audit.models import AuditEvent
from schoolkeep.privacy.dpias.models import Dpia
from schoolkeep.privacy.schedule.models import LegacyRetentionText

HEADINGS = ["Group", "Asset", "Purpose", "Retention period"]


def register_file(path: Path, rows: list[list[str]], headings: list[str] = HEADINGS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([headings, *rows])
    return path


def texts() -> dict[str, str]:
    return dict(LegacyRetentionText.objects.values_list("asset__name", "text"))


def test_the_retention_column_is_kept_as_the_old_text(personas: Personas,
                                                      tmp_path: Path) -> None:
    school = personas.school
    first = register_file(tmp_path / "first.csv", [
        ["Pupils", "Pupil files", "Teaching", "Until the pupil is 25"],
        ["Pupils", "Photos", "Displays", ""]])
    result = assets_import(first, school=school, actor=None)
    assert not result.problems and result.created == 2
    assert texts() == {"Pupil files": "Until the pupil is 25"}
    created = AuditEvent.objects.get(action="assets.asset.created", target_label="Pupil files")
    assert created.changes["retention_before_schedule"] == {
        "before": None, "after": "Until the pupil is 25"}
    again = assets_import(first, school=school, actor=None)
    assert (again.changed, again.unchanged) == (0, 2)
    second = register_file(tmp_path / "second.csv", [
        ["Pupils", "Pupil files", "Teaching", "Until the pupil is 25 (paper: 6 years)"],
        ["Pupils", "Photos", "Displays", "One year after leaving"]])
    changed = assets_import(second, school=school, actor=None)
    assert (changed.changed, changed.unchanged) == (2, 0)
    assert texts() == {"Pupil files": "Until the pupil is 25 (paper: 6 years)",
                       "Photos": "One year after leaving"}
    event = AuditEvent.objects.filter(action="assets.asset.updated",
                                      target_label="Pupil files").latest("sequence")
    assert event.changes["retention_before_schedule"] == {
        "before": "Until the pupil is 25", "after": "Until the pupil is 25 (paper: 6 years)"}
    without = register_file(tmp_path / "without.csv", [["Pupils", "Photos", "Displays"]],
                            headings=HEADINGS[:3])
    assert assets_import(without, school=school, actor=None).unchanged == 1
    assert texts()["Photos"] == "One year after leaving"
    assert Asset.objects.count() == 2 and not Dpia.objects.exists()
