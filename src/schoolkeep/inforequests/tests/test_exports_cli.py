"""``schoolkeep export-request-log``: the file in either format, the year, never over an
existing file, one-line errors with status 2, audited as the command line."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.exports.log import LOG_HEADER


def two_years(personas: Personas) -> list[str]:
    return [make_request(personas, received_at=datetime(year, 3, 2, 10, tzinfo=UTC)).reference
            for year in (2025, 2026)]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("export_request_log", *args, stdout=out)
    return out.getvalue()


def test_writes_the_csv_of_one_year(personas: Personas, tmp_path: Path) -> None:
    _, newer = two_years(personas)
    out = tmp_path / "log.csv"
    said = run("--school", "oakfield", "--year", "2026", "--format", "CSV", "--out", str(out))
    assert said == (f"Oakfield Primary: request log of 1 request (received in 2026) "
                    f"written to {out}.\n")
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == LOG_HEADER and rows[1][0] == newer and rows[2] == []
    assert (out.stat().st_mode & 0o777) == 0o600
    event = AuditEvent.objects.get(action="requests.log.exported")
    assert event.actor_id is None and event.changes["rows"] == 1


def test_writes_the_spreadsheet_of_every_year(personas: Personas, tmp_path: Path) -> None:
    references = two_years(personas)
    out = tmp_path / "log.xlsx"
    assert "of 2 requests (every year)" in run("--school", "oakfield", "--format", "xlsx",
                                                "--out", str(out))
    sheet = load_workbook(out, read_only=True)["Request log"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == references


@pytest.mark.parametrize(("args", "message"), [
    (["--school", "nowhere", "--format", "csv"], "No school has the short name 'nowhere'."),
    (["--school", "oakfield", "--format", "pdf"], "The format must be xlsx or csv, not 'pdf'."),
    (["--school", "oakfield", "--format", "csv", "--year", "26"],
     "Give the year as four figures, such as 2026."),
    # Characters that isdigit() calls digits: "²" (int() refuses it: it was a stack trace)
    # and full-width figures (int() reads them): neither is a year typed as four figures.
    (["--school", "oakfield", "--format", "csv", "--year", "\u00b2"],
     "Give the year as four figures, such as 2026."),
    (["--school", "oakfield", "--format", "csv", "--year", "\uff12\uff10\uff12\uff16"],
     "Give the year as four figures, such as 2026."),
])
def test_refusals_are_one_line_with_status_2(personas: Personas, tmp_path: Path,
                                             args: list[str], message: str) -> None:
    out = tmp_path / "log.csv"
    with pytest.raises(CommandError) as raised:
        run(*args, "--out", str(out))
    assert str(raised.value) == message and raised.value.returncode == 2
    assert not out.exists()


def test_never_writes_over_a_file(personas: Personas, tmp_path: Path) -> None:
    two_years(personas)
    out = tmp_path / "log.csv"
    out.write_text("keep me")
    with pytest.raises(CommandError) as raised:
        run("--school", "oakfield", "--format", "csv", "--out", str(out))
    assert "cannot be written" in str(raised.value) and raised.value.returncode == 2
    assert out.read_text() == "keep me"
    assert not AuditEvent.objects.filter(action="requests.log.exported").exists()
