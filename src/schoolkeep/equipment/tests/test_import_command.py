"""``schoolkeep import-equipment``: the counts and exit 0 (nothing written with
--dry-run); every problem, the row named, and exit 2 with nothing written; one line for an
unknown school; the command line as the actor."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from tests.personas import Personas

from schoolkeep.audit.context import cli_actor_label
from schoolkeep.audit.models import AuditEvent
from schoolkeep.equipment.models import Item
from schoolkeep.equipment.tests.import_records import write_file

pytestmark = pytest.mark.django_db
ROWS = [["Serial number", "Asset tag", "Kind"], ["5CD1234ABC", "HP-1", "laptop"],
        ["5CD1234ABD", "HP-2", "tablet"]]


def import_equipment(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_equipment", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_dry_run_prints_the_counts_and_writes_nothing(personas: Personas,
                                                      tmp_path: Path) -> None:
    code, out, _ = import_equipment("--school", "oakfield", str(write_file(tmp_path, ROWS)),
                                    "--dry-run")
    assert code == 0
    assert out == ("Dry run, nothing written. Oakfield Primary: 2 rows: 2 items would be "
                   "added, 0 items would be updated, 0 items unchanged.\n")
    assert not Item.objects.exists()


def test_import_writes_as_the_command_line(personas: Personas, tmp_path: Path) -> None:
    code, out, _ = import_equipment("--school", "oakfield", str(write_file(tmp_path, ROWS)))
    assert code == 0 and "2 items added" in out
    assert Item.objects.filter(school=personas.school).count() == 2
    event = AuditEvent.objects.get(action="equipment.import.applied")
    assert event.actor_id is None and event.actor_label == cli_actor_label()


def test_a_bad_row_exits_2_and_writes_nothing(personas: Personas, tmp_path: Path) -> None:
    path = write_file(tmp_path, [*ROWS, ["XYZ", "HP-3", "toaster"],
                                 ["", "HP-1", "laptop"]])
    code, out, err = import_equipment(str(path), "--school", "oakfield")
    assert code == 2 and out == ""
    assert "Row 5, column “Asset tag”: “HP-1” is also the asset tag on row 2" in err
    assert "1 problem in equipment.csv: nothing was imported." in err
    assert not Item.objects.exists()


def test_an_unknown_school_is_one_line(personas: Personas, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No school has the short name 'nowhere'"):
        call_command("import_equipment", str(write_file(tmp_path, ROWS)), "--school",
                     "nowhere")
