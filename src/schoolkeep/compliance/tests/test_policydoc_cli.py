"""``schoolkeep policy-document``: the school's policy as PDF or Word at the path given (the
same document as the pages make, Appendix 1 included), audited as the command line; never
over an existing file; an unknown school or an unwritable path is one line and status 2."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.cli import main
from schoolkeep.compliance.policydoc import services
from schoolkeep.compliance.tests.policydoc_records import EXPECTED_APPENDIX, add_assets

pytestmark = pytest.mark.django_db


def test_the_command_writes_the_word_document(personas: Personas, tmp_path: Path) -> None:
    add_assets(personas)
    out = tmp_path / "policy.docx"
    stdout = io.StringIO()
    call_command("policy_document", "--school", "oakfield", "--format", "docx", "--out",
                 str(out), stdout=stdout)
    assert stdout.getvalue().strip() == (f"Oakfield Primary: Online Security Policy written "
                                         f"to {out}.")
    document = Document(str(out))
    table = document.tables[-1]
    assert [[cell.text for cell in row.cells] for row in table.rows] == EXPECTED_APPENDIX
    assert any(personas.siro.full_name in p.text for p in document.paragraphs)
    event = AuditEvent.objects.get(action=services.ACTION_MADE)
    assert event.actor_id is None and event.actor_label.startswith("cli:")
    assert event.changes["format"] == "docx"


def test_the_command_writes_the_pdf(personas: Personas, tmp_path: Path) -> None:
    out = tmp_path / "policy.pdf"
    call_command("policy_document", "--school", "oakfield", "--format", "pdf", "--out",
                 str(out), stdout=io.StringIO())
    assert out.read_bytes().startswith(b"%PDF")


def test_an_existing_file_is_never_overwritten(personas: Personas, tmp_path: Path) -> None:
    out = tmp_path / "policy.pdf"
    out.write_bytes(b"mine")
    with pytest.raises(CommandError) as caught:
        call_command("policy_document", "--school", "oakfield", "--format", "pdf", "--out",
                     str(out))
    assert caught.value.returncode == 2
    assert "cannot be written" in str(caught.value) and "\n" not in str(caught.value)
    assert out.read_bytes() == b"mine"
    assert not AuditEvent.objects.filter(action=services.ACTION_MADE).exists()


def test_an_unknown_school_is_one_line_and_status_2(personas: Personas, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "policy.pdf"
    with pytest.raises(SystemExit) as caught:
        main(["schoolkeep", "policy-document", "--school", "nowhere", "--format", "pdf",
              "--out", str(out)])
    assert caught.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "No school has the short name 'nowhere'." in error
    assert not out.exists()


def test_a_bad_format_is_one_line_and_status_2(personas: Personas, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "policy.odt"
    with pytest.raises(SystemExit) as caught:
        main(["schoolkeep", "policy-document", "--school", "oakfield", "--format", "odt",
              "--out", str(out)])
    assert caught.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "The format must be pdf or docx, not 'odt'." in error
    assert not out.exists()


def test_the_format_may_be_in_capitals(personas: Personas, tmp_path: Path) -> None:
    out = tmp_path / "policy.pdf"
    call_command("policy_document", "--school", "oakfield", "--format", "PDF", "--out",
                 str(out))
    assert out.read_bytes().startswith(b"%PDF")
    assert AuditEvent.objects.get(action=services.ACTION_MADE).changes["format"] == "pdf"
