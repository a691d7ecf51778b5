"""``schoolkeep import-assets``: what it created and changed per group with its warnings and
exit 0; every problem on standard error and exit 2 with nothing written; one line and exit 1
for an unknown school or a file it cannot read; dry runs; the command line as the actor."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from tests.personas import Personas

from schoolkeep.assets import services
from schoolkeep.assets.imports import assets_import
from schoolkeep.assets.management.commands.import_assets import Command as ImportAssets
from schoolkeep.assets.models import Asset, AssetAlias, AssetGroup
from schoolkeep.audit.context import cli_actor_label
from schoolkeep.audit.models import AuditEvent
from schoolkeep.people import services as people_services

FILES = Path(__file__).parent / "files"


def import_assets(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_assets", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def people(personas: Personas) -> None:
    for name in ("Amelia Hart", "Ben Okafor"):
        people_services.person_create(school=personas.school, actor=personas.siro,
                                      full_name=name, kind="support")


def test_a_good_file_prints_what_it_created_per_group_and_its_warnings(
        personas: Personas) -> None:
    code, out, err = import_assets(str(FILES / "policy.txt"), "--school", "oakfield")

    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == (
        "Oakfield Primary, from policy.txt (read as policy document (text)): 9 assets in 4 "
        "groups: 9 added, 0 changed, 0 unchanged; 4 groups, 2 outside organisations, 10 "
        "access labels added; 3 warnings.")
    assert lines[1:5] == [
        "Pupil data (MIS) (new group): 3 added, 0 changed, 0 unchanged",
        "  + Core pupil data: Information Asset Owner: Amelia Hart; Who has access to enter "
        "information: Pupil Data Administrator",
        "  + Attendance: Information Asset Owner: Amelia Hart; Who has access to enter "
        "information: Pupil Data Administrator / Head",
        "  + Tagged (named) student photos: Information Asset Owner: Amelia Hart; Who has "
        "access to enter information: Head / Deputy / Class Teachers"]
    assert ("  + CCTV saved footage: Information Asset Owner: CCTV support company (a new "
            "outside organisation); Who has access to enter information: automated system"
            in lines)
    assert ("  + Governors' documents: Information Asset Owner: Carys Evans (not yet "
            "matched); Who has access to enter information: Business Manager / Head" in lines)
    assert "Outside organisations added: RedStor, CCTV support company" in lines
    warnings = lines[lines.index("Warnings:") + 1:]
    assert [line[:40] for line in warnings] == [
        "  Row 23, column “Who has access to ente",
        "  Row 25, column “Asset”: “Tagged (named",
        "  Row 27, column “Information Asset Owne"]
    assert "“Carys Evans” (row 27) is kept as a name not yet matched" in warnings[2]
    assert Asset.objects.filter(school=personas.school).count() == 9
    event = AuditEvent.objects.filter(action="assets.asset.created").first()
    assert event is not None
    assert event.actor_id is None and event.actor_label == cli_actor_label()


def test_a_changed_file_prints_the_changes(personas: Personas, tmp_path: Path) -> None:
    import_assets(str(FILES / "policy.txt"), "--school", "oakfield")
    text = (FILES / "policy.txt").read_text().replace(
        "Core staff data sets\tBen Okafor\tHR Administrator / Business Manager\t"
        "Statutory returns", "Core staff data sets\tAmelia Hart\tHR Administrator\t"
        "Statutory returns")
    path = tmp_path / "policy.txt"
    path.write_text(text)

    code, out, _ = import_assets(str(path), "--school", "oakfield")

    assert code == 0
    assert ("Staff data (MIS): 0 added, 1 changed, 0 unchanged" in out.splitlines())
    assert ("  ~ Core staff data sets: Information Asset Owner: Ben Okafor → Amelia Hart; "
            "Who has access to enter information: HR Administrator / Business Manager → "
            "HR Administrator" in out.splitlines())


def test_importing_again_says_nothing_changed(personas: Personas) -> None:
    import_assets(str(FILES / "policy.txt"), "--school", "oakfield")
    events = AuditEvent.objects.count()

    code, out, _ = import_assets(str(FILES / "policy.txt"), "--school", "oakfield")

    assert code == 0
    assert "9 assets in 4 groups: 0 added, 0 changed, 9 unchanged; 3 warnings." in out
    assert AuditEvent.objects.count() == events


def test_dry_run_writes_nothing(personas: Personas) -> None:
    events = AuditEvent.objects.count()

    code, out, _ = import_assets(str(FILES / "policy.txt"), "--school", "oakfield",
                                 "--dry-run")

    assert code == 0
    assert out.startswith("Dry run, nothing written. Oakfield Primary")
    assert "9 would be added" in out and "  + Core pupil data: " in out
    assert not Asset.objects.exists() and not AssetGroup.objects.exists()
    assert AuditEvent.objects.count() == events


def test_invalid_rows_exit_2_with_every_problem_and_nothing_written(
        personas: Personas) -> None:
    events = AuditEvent.objects.count()

    code, out, err = import_assets(str(FILES / "errors.csv"), "--school", "oakfield")

    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0] == "Row 3, column “Asset”: Every asset needs a name."
    assert lines[1].startswith("Row 4, column “Classification”: “SECRET” is not a "
                               "classification.")
    assert lines[-1] == "5 problems in errors.csv (read as CSV): nothing was imported."
    assert not Asset.objects.exists() and AuditEvent.objects.count() == events


def test_dry_run_of_invalid_rows_exits_2_too(personas: Personas) -> None:
    code, _, err = import_assets(str(FILES / "errors.csv"), "--school", "oakfield",
                                 "--dry-run")
    assert code == 2 and "nothing was imported" in err


def test_unknown_school_missing_or_unreadable_file_is_one_line(personas: Personas,
                                                              tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No school has the short name 'nowhere'"):
        import_assets(str(FILES / "policy.txt"), "--school", "nowhere")
    with pytest.raises(CommandError, match="no such file"):
        import_assets(str(tmp_path / "missing.txt"), "--school", "oakfield")
    binary = tmp_path / "register.xls"
    binary.write_bytes(b"\xd0\xcf\x11\xe0\x00\x00binary")
    with pytest.raises(CommandError, match=r"Older \.xls workbooks are not read"):
        import_assets(str(binary), "--school", "oakfield")
    assert not Asset.objects.exists()


def test_the_console_script_exits_1_for_an_unknown_school(personas: Personas) -> None:
    from django.core.management import ManagementUtility

    utility = ManagementUtility(["schoolkeep", "import_assets", str(FILES / "policy.txt"),
                                 "--school", "nowhere"])
    with pytest.raises(SystemExit) as exited:
        utility.execute()
    assert exited.value.code == 1


def test_look_alikes_are_listed_and_matching_them_is_left_to_the_import_page(
        personas: Personas, tmp_path: Path) -> None:
    group = services.group_get_or_create(school=personas.school, name="Pupil records (MIS)",
                                         actor=personas.siro)
    asset = services.asset_create(school=personas.school, actor=personas.siro, group=group,
                                  name="Attendance records")
    path = tmp_path / "appendix.csv"
    path.write_text(",Purpose\nPupil records (MIS),\nAttendance,Registers\n", encoding="utf-8")

    code, out, _ = import_assets(str(path), "--school", "oakfield", "--dry-run")

    assert code == 0
    assert ("Row 3: “Attendance” looks like “Attendance records” (in “Pupil records (MIS)”) "
            "(added as new unless matched on the import page)") in out
    help_text = ImportAssets().create_parser("schoolkeep", "import-assets").format_help()
    assert "import the file on the register's import page" in " ".join(help_text.split())
    # Once matched on the import page (saved as an alias), the command matches it too.
    check = assets_import(path, school=personas.school, actor=personas.siro, dry_run=True)
    item = check.look_alikes[0]
    assets_import(path, school=personas.school, actor=personas.siro, matches=[
        {"group_key": item.group_key, "name_key": item.name_key, "name": item.name,
         "target": str(asset.public_id)}])
    assert AssetAlias.objects.filter(asset=asset).exists()
    code, out, _ = import_assets(str(path), "--school", "oakfield", "--dry-run")
    assert code == 0 and "looks like" not in out
