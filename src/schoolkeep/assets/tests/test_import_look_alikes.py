"""Look-alikes on import: a new asset or group whose name looks like one already recorded
("Attendance" beside "Attendance records") is asked about on the preview; the answer "this
is that one" is saved as an alias (audited, in the import's transaction), which the next
import matches without asking. The look-alikes are found on the stored key's index, with a
number of queries that does not grow with the register."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.personas import Personas
from tests.seed import SEED_POLICY

from schoolkeep.assets import services
from schoolkeep.assets.imports import ImportFileError, ImportResult, assets_import
from schoolkeep.assets.look_alike import match_key
from schoolkeep.assets.models import Asset, AssetAlias, AssetGroup
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.verify import audit_verify
from schoolkeep.lib.text import fold

HEADINGS = ["", "Purpose"]


def write(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out).writerows([HEADINGS, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def run(personas: Personas, path: Path, **options: Any) -> ImportResult:
    return assets_import(path, school=personas.school, actor=personas.data_admin, **options)


@pytest.fixture
def register(personas: Personas) -> dict[str, Any]:
    """A register typed in by hand: "Pupil records (MIS)" with "Attendance records"."""
    school, actor = personas.school, personas.siro
    group = services.group_get_or_create(school=school, name="Pupil records (MIS)",
                                         actor=actor)
    attendance = services.asset_create(school=school, actor=actor, group=group,
                                       name="Attendance records", purpose="Registers")
    return {"group": group, "attendance": attendance}


@pytest.fixture
def appendix(tmp_path: Path) -> Path:
    return write(tmp_path / "appendix.csv", [
        ["Pupil data (MIS)", ""],
        ["Attendance", "Statutory returns"],
        ["Core pupil data", "Teaching"],
    ])


def as_matches(result: ImportResult, **targets: str) -> list[dict[str, str]]:
    """The preview's answers: each look-alike named in ``targets`` is the recorded one."""
    return [{"group_key": item.group_key, "name_key": item.name_key, "name": item.name,
             "target": targets[item.name]} for item in result.look_alikes
            if item.name in targets]


@pytest.mark.parametrize(("first", "second"), [
    ("Attendance", "Attendance records"),
    ("Pupil data (MIS)", "Pupil records (MIS)"),
    ("Child protection data", "child-protection RECORDS"),
    ("Purchase orders, invoices & payments", "Purchase order and invoice, payments"),
    ("Café lists", "cafe"),
    ("Staff details", "The staff's information"),
])
def test_names_that_differ_only_in_case_punctuation_plurals_or_words_like_records_look_alike(
        first: str, second: str) -> None:
    assert match_key(first) == match_key(second) != ""


@pytest.mark.parametrize(("first", "second"), [
    ("Attendance", "Attainment"),
    ("Purchase orders", "Orders"),  # a short name is not the match of every longer one
    ("Staff data (MIS)", "Staff records"),
    ("Data", "Records"),  # a name of only such words keeps them
])
def test_names_with_other_words_do_not_look_alike(first: str, second: str) -> None:
    assert match_key(first) != match_key(second)


def test_services_keep_the_stored_key_of_each_name(personas: Personas,
                                                   register: dict[str, Any]) -> None:
    asset = register["attendance"]
    assert asset.match_key == "attendance" and register["group"].match_key == "mis pupil"
    changed = services.asset_update(asset=asset, actor=personas.siro, version=asset.version,
                                    name="Attendance registers and codes")
    assert Asset.objects.get(pk=changed.pk).match_key == "attendance code"


def test_the_check_asks_about_new_assets_and_groups_that_look_like_recorded_ones(
        personas: Personas, register: dict[str, Any], appendix: Path) -> None:
    result = run(personas, appendix, dry_run=True)

    group, asset = register["group"], register["attendance"]
    assert result.ok and result.created == 2 and result.groups_created == 1
    assert [(item.kind, item.row, item.name, item.candidates) for item in result.look_alikes] \
        == [("group", 3, "Pupil data (MIS)",
             [(group.pk, str(group.public_id), "“Pupil records (MIS)”")]),
            ("asset", 3, "Attendance",
             [(asset.pk, str(asset.public_id), "“Attendance records” (in “Pupil records "
                                               "(MIS)”)")])]
    assert result.look_alike_count == 2
    assert "2 new names look like the register's" in result.summary()
    kept = result.as_dict()["look_alikes"][1]
    assert kept == {"kind": "asset", "row": 3, "name": "Attendance",
                    "group": "Pupil data (MIS)", "group_key": "pupil data (mis)",
                    "name_key": "attendance", "candidates": [
                        {"id": str(asset.public_id),
                         "label": "“Attendance records” (in “Pupil records (MIS)”)"}]}
    assert not AssetAlias.objects.exists() and Asset.objects.count() == 1


def test_matches_are_saved_as_aliases_in_the_import_and_the_next_import_uses_them(
        personas: Personas, register: dict[str, Any], appendix: Path) -> None:
    group, asset = register["group"], register["attendance"]
    check = run(personas, appendix, dry_run=True)

    result = run(personas, appendix, matches=as_matches(
        check, **{"Pupil data (MIS)": str(group.public_id),
                  "Attendance": str(asset.public_id)}))

    assert result.written and result.ok, result.problems
    assert result.groups_created == 0 and result.created == 1 and result.changed == 1
    assert result.aliases_created == ["“Pupil data (MIS)” is “Pupil records (MIS)”",
                                      "“Attendance” is “Attendance records”"]
    assert AssetGroup.objects.filter(school=personas.school).count() == 1
    asset.refresh_from_db()
    assert asset.name == "Attendance records" and asset.purpose == "Statutory returns"
    assert Asset.objects.get(name="Core pupil data").group == group
    aliases = {(a.group_key, a.name_key): (a.asset, a.group) for a in AssetAlias.objects.all()}
    assert aliases == {("pupil data (mis)", ""): (None, group),
                       ("pupil data (mis)", "attendance"): (asset, None)}
    events = AuditEvent.objects.filter(action="assets.alias.created", actor=personas.data_admin)
    assert sorted(event.changes["is"]["after"] for event in events) == [
        "Attendance records", "Pupil records (MIS)"]
    assert audit_verify().ok

    again = run(personas, appendix, dry_run=True)

    assert again.look_alikes == [] and again.look_alike_count == 0
    assert (again.created, again.changed, again.unchanged, again.groups_created) == (0, 0, 2, 0)


def test_without_matches_the_look_alikes_are_added_as_new(
        personas: Personas, register: dict[str, Any], appendix: Path) -> None:
    result = run(personas, appendix)

    assert result.written and result.created == 2 and result.groups_created == 1
    assert result.look_alikes == []  # asked on the check only
    assert not AssetAlias.objects.exists()
    assert sorted(Asset.objects.values_list("name", flat=True)) == [
        "Attendance", "Attendance records", "Core pupil data"]


def test_a_match_alone_is_saved_though_the_rows_change_nothing(
        personas: Personas, register: dict[str, Any], tmp_path: Path) -> None:
    path = write(tmp_path / "same.csv", [["Pupil records (MIS)", ""],
                                         ["Attendance", "Registers"]])
    check = run(personas, path, dry_run=True)
    asset = register["attendance"]

    result = run(personas, path, matches=as_matches(check, Attendance=str(asset.public_id)))

    assert result.written and (result.created, result.changed, result.unchanged) == (0, 0, 1)
    assert AssetAlias.objects.get().asset == asset


def test_a_match_gone_from_the_register_meanwhile_saves_nothing(
        personas: Personas, register: dict[str, Any], appendix: Path) -> None:
    asset = register["attendance"]
    check = run(personas, appendix, dry_run=True)
    services.asset_archive(asset=asset, actor=personas.siro)

    with pytest.raises(ImportFileError, match="“Attendance” is no longer in the register"):
        run(personas, appendix, matches=as_matches(check, Attendance=str(asset.public_id)))

    assert not AssetAlias.objects.exists() and Asset.objects.count() == 1


def test_an_alias_naming_an_asset_another_row_gives_too_is_a_problem(
        personas: Personas, register: dict[str, Any], appendix: Path, tmp_path: Path) -> None:
    asset = register["attendance"]
    check = run(personas, appendix, dry_run=True)
    run(personas, appendix, matches=as_matches(check, Attendance=str(asset.public_id)))
    both = write(tmp_path / "both.csv", [["Pupil data (MIS)", ""],
                                         ["Attendance records", "One"],
                                         ["Attendance", "Two"]])
    asset.refresh_from_db()
    services.asset_update(asset=asset, actor=personas.siro, version=asset.version,
                          group=AssetGroup.objects.get(name="Pupil data (MIS)"))
    before = AuditEvent.objects.count()

    result = run(personas, both)

    assert not result.ok and not result.written
    assert [(p.row, p.column) for p in result.problems] == [(4, "Asset")]
    assert "which row 3 already gives" in result.problems[0].message
    assert AuditEvent.objects.count() == before


def test_a_recorded_asset_another_row_is_exactly_is_not_offered(
        personas: Personas, register: dict[str, Any], tmp_path: Path) -> None:
    path = write(tmp_path / "both.csv", [["Pupil records (MIS)", ""],
                                         ["Attendance records", "One"],
                                         ["Attendance", "Two"]])

    result = run(personas, path, dry_run=True)

    assert result.look_alikes == [] and result.look_alike_count == 0


def test_the_same_name_in_another_group_is_left_to_the_other_groups_warning(
        personas: Personas, register: dict[str, Any], tmp_path: Path) -> None:
    path = write(tmp_path / "other.csv", [["Safeguarding", ""], ["Attendance records", "x"]])

    result = run(personas, path, dry_run=True)

    assert result.look_alikes == []
    assert any("is in 2 groups" in warning.message for warning in result.warnings)


def _bulk_register(personas: Personas, start: int, stop: int) -> None:
    group, _ = AssetGroup.objects.get_or_create(
        school=personas.school, name_key="bulk",
        defaults={"name": "Bulk", "match_key": "bulk", "position": 5})
    Asset.objects.bulk_create(
        Asset(school=personas.school, group=group, name=f"Asset {n} records",
              name_key=fold(f"Asset {n} records"), match_key=match_key(f"Asset {n} records"))
        for n in range(start, stop))


def test_finding_look_alikes_costs_the_same_queries_whatever_the_register(
        personas: Personas, tmp_path: Path) -> None:
    """A file of 40 rows, 20 of them look-alikes, against a register of 20 then 1,000
    assets: the same queries (one IN lookup on the index per batch, no scan per row)."""
    path = write(tmp_path / "rows.csv", [["Bulk", ""],
                                         *[[f"Asset {n}", "x"] for n in range(20)],
                                         *[[f"Other {n}", "x"] for n in range(20)]])
    counts = []
    for start, stop in ((0, 20), (20, 1_000)):
        _bulk_register(personas, start, stop)
        with CaptureQueriesContext(connection) as queries:
            result = run(personas, path, dry_run=True)
        assert result.look_alike_count == 20
        assert [len(item.candidates) for item in result.look_alikes] == [1] * 20
        look_ups = [q["sql"] for q in queries.captured_queries if '"match_key" IN' in q["sql"]]
        assert len(look_ups) == 1  # one batch: one IN query of its keys
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]


def test_appendix_1_into_the_demo_s_register_asks_about_its_look_alikes(
        personas: Personas) -> None:
    """The issue's case: the policy's Appendix 1 imported into a register that already has
    the demo's "Pupil records (MIS)", "Attendance records" and "Child protection records"."""
    school, siro = personas.school, personas.siro
    pupils = services.group_get_or_create(school=school, name="Pupil records (MIS)",
                                          actor=siro)
    safeguarding = services.group_get_or_create(school=school, name="Safeguarding",
                                                actor=siro)
    for group, name in ((pupils, "Attendance records"), (pupils, "Pupil information"),
                        (safeguarding, "Child protection records")):
        services.asset_create(school=school, actor=siro, group=group, name=name)

    result = run(personas, SEED_POLICY, dry_run=True)

    asked = {(item.kind, item.name): [label for _, _, label in item.candidates]
             for item in result.look_alikes}
    assert asked == {
        ("group", "Pupil data (MIS)"): ["“Pupil records (MIS)”"],
        ("asset", "Attendance"): ["“Attendance records” (in “Pupil records (MIS)”)"],
        ("asset", "Child protection data"): [
            "“Child protection records” (in “Safeguarding”)"],
    }


def test_a_new_heading_whose_rows_are_all_matched_makes_no_group(
        personas: Personas, register: dict[str, Any], tmp_path: Path) -> None:
    path = write(tmp_path / "one.csv", [["Registers", ""], ["Attendance", "Statutory"]])
    check = run(personas, path, dry_run=True)
    assert check.groups_created == 1  # asked about: it would be new
    asset = register["attendance"]

    result = run(personas, path, matches=as_matches(check, Attendance=str(asset.public_id)))

    assert result.written and (result.created, result.changed, result.groups_created) == \
        (0, 1, 0)
    assert list(AssetGroup.objects.values_list("name", flat=True)) == ["Pupil records (MIS)"]
