"""``schoolkeep import-people``: the summary and exit 0, every problem and exit 2, one line
for an unknown school or a file it cannot read, and the command line as the actor."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from tests.factories import SiteFactory
from tests.personas import Personas

from schoolkeep.audit.context import cli_actor_label
from schoolkeep.audit.models import AuditEvent
from schoolkeep.people.models import Check, Person

FILES = Path(__file__).parent / "files"


def import_people(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_people", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def sites(personas: Personas) -> None:
    SiteFactory(school=personas.school, name="Main site")
    SiteFactory(school=personas.school, name="Annexe")


@pytest.mark.usefixtures("sites")
def test_a_good_file_is_imported_with_a_summary_and_exit_0(personas: Personas) -> None:
    code, out, err = import_people(str(FILES / "staff.csv"), "--school", "oakfield")

    assert code == 0 and err == ""
    assert "Oakfield Primary: 3 rows: 3 people added" in out
    assert Person.objects.filter(school=personas.school).count() == 3
    event = AuditEvent.objects.filter(action="people.person.created").first()
    assert event is not None
    assert event.actor_id is None and event.actor_label == cli_actor_label()
    assert event.actor_label.startswith("cli:")


@pytest.mark.usefixtures("sites")
def test_dry_run_writes_nothing(personas: Personas) -> None:
    events = AuditEvent.objects.count()

    code, out, _ = import_people(str(FILES / "staff.csv"), "--school", "oakfield", "--dry-run")

    assert code == 0
    assert out.startswith("Dry run, nothing written.")
    assert "3 people would be added" in out and "10 checks would be added" in out
    assert not Person.objects.exists() and not Check.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_wrong_file_prints_each_problem_and_exits_2(personas: Personas) -> None:
    SiteFactory(school=personas.school, name="Main site")
    events = AuditEvent.objects.count()

    code, out, err = import_people(str(FILES / "errors.csv"), "--school", "oakfield")

    assert code == 2 and out == ""
    lines = err.splitlines()
    assert "Row 1, column “Favourite colour”: Schoolkeep does not know this heading" in err
    assert "Row 2, column “Kind”: “wizard” is not a kind of person" in err
    assert "Row 3, column “Date of birth”: “31/02/1980” is not a possible date" in err
    assert lines[-1] == "11 problems in errors.csv: nothing was imported."
    assert len(lines) == 12
    assert not Person.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_windows_1252_file_gets_a_note(personas: Personas) -> None:
    code, out, err = import_people(str(FILES / "volunteers_cp1252.csv"), "--school",
                                   "oakfield")

    assert code == 0 and "1 person added" in out
    assert err.startswith("Note: The file is not UTF-8")


def test_unknown_school_or_unreadable_file_is_one_line(personas: Personas,
                                                       tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No school has the short name 'nowhere'"):
        import_people(str(FILES / "staff.csv"), "--school", "nowhere")
    with pytest.raises(CommandError, match="no such file"):
        import_people(str(tmp_path / "missing.csv"), "--school", "oakfield")
    with pytest.raises(CommandError, match="damaged zip file"):
        binary = tmp_path / "binary.csv"
        binary.write_bytes(b"PK\x03\x04" + b"\x00" * 64)
        import_people(str(binary), "--school", "oakfield")
