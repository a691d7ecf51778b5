"""``schoolkeep import-accounts``: the preview's sections as counts with a few accounts and
exit 0 (nothing written with --dry-run); every problem, the row named, and exit 2 with
nothing written; one line for an unknown school or system; the command line as the actor."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.access.models import SystemAccount
from schoolkeep.access.tests.import_records import person, system, write_csv
from schoolkeep.audit.context import cli_actor_label
from schoolkeep.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
LIST = [["User name", "Forename", "Surname", "Status", "User groups"],
        ["pgray", "Peter", "Gray", "Active", "Teachers"],
        ["kdoyle", "Karen", "Doyle", "Active", "System Manager"]]


def import_accounts(*args: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_accounts", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_dry_run_prints_the_sections_and_writes_nothing(personas: Personas,
                                                        tmp_path: Path) -> None:
    system(personas, "SIMS")
    person(personas.school, "Peter Gray",
           leaving_date=timezone.localdate() - timedelta(days=60))
    path = write_csv(tmp_path, LIST)
    code, out, _ = import_accounts(str(path), "--school", "oakfield", "--system", "sims",
                                   "--dry-run")
    assert code == 0
    assert out.startswith("Dry run, nothing written. Oakfield Primary: 2 accounts on SIMS: "
                          "2 would be added")
    assert "Accounts of leavers still enabled: 1\n  row 2: pgray (Peter Gray) - Left on" in out
    assert "Accounts that match nobody on the Single Central Record: 1\n  row 3: kdoyle" in out
    assert "Administrator accounts without two-factor: 1" in out
    assert not SystemAccount.objects.exists()


def test_the_accounts_are_recorded_as_the_command_line(personas: Personas,
                                                       tmp_path: Path) -> None:
    system(personas, "SIMS")
    path = write_csv(tmp_path, LIST)
    code, out, _ = import_accounts(str(path), "--school", "oakfield", "--system", "SIMS")
    assert code == 0 and "2 added" in out
    assert SystemAccount.objects.count() == 2
    event = AuditEvent.objects.get(action="access.user_list.applied")
    assert event.actor_label == cli_actor_label()
    code, out, _ = import_accounts(str(path), "--school", "oakfield", "--system", "SIMS")
    assert code == 0 and "nothing changed" in out
    assert AuditEvent.objects.filter(action="access.user_list.applied").count() == 1


def test_a_bad_file_names_the_row_and_exits_2(personas: Personas, tmp_path: Path) -> None:
    system(personas, "SIMS")
    path = write_csv(tmp_path, [*LIST, ["PGray", "Peter", "Gray", "Perhaps", ""]])
    code, out, err = import_accounts(str(path), "--school", "oakfield", "--system", "SIMS")
    assert code == 2 and out == ""
    assert "Row 4, column “Username”: The username “PGray” is also on row 2" in err
    assert "Row 4, column “Enabled”" in err
    assert err.rstrip().endswith("2 problems in users.csv: nothing was imported.")
    assert not SystemAccount.objects.exists()


def test_an_unknown_school_or_system_is_one_line(personas: Personas, tmp_path: Path) -> None:
    system(personas, "SIMS")
    path = write_csv(tmp_path, LIST)
    with pytest.raises(CommandError, match="No school has the short name 'nowhere'"):
        import_accounts(str(path), "--school", "nowhere", "--system", "SIMS")
    with pytest.raises(CommandError, match=r"has no system called 'fms'\. Its systems: SIMS\."):
        import_accounts(str(path), "--school", "oakfield", "--system", "FMS")
