"""``schoolkeep governor-pack``: writes the term's pack as PDF or Word (the pack kept and
listed), never over an existing file, and one line with status 2 for a bad school, term or
format."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.personas import Personas

from schoolkeep.compliance.models import GovernorPack
from schoolkeep.compliance.tests.pack_records import NOW, docx_text, pdf_text, started_on
from schoolkeep.tenancy.models import Term

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("governor_pack", *args, stdout=out)
    return out.getvalue()


def test_writes_the_pdf_and_the_word_document(personas: Personas, tmp_path) -> None:
    started_on(personas.school, date(2025, 9, 1))
    pdf, docx = tmp_path / "pack.pdf", tmp_path / "pack.docx"
    said = _run("--school", "oakfield", "--format", "pdf", "--out", str(pdf))
    assert "Oakfield Primary: governor pack for Autumn 2026 written to" in said
    assert "Governor pack: Autumn 2026" in pdf_text(pdf.read_bytes())
    _run("--school", "oakfield", "--term", "Summer 2026", "--format", "DOCX", "--out", str(docx))
    assert "Governor pack: Summer 2026" in docx_text(docx.read_bytes())
    assert sorted(GovernorPack.objects.values_list("term_label", flat=True)) == [
        "Autumn 2026", "Summer 2026"]


@pytest.mark.parametrize(("args", "words"), [
    (["--school", "nowhere", "--format", "pdf"], "No school has the short name 'nowhere'."),
    (["--school", "oakfield", "--format", "html"], "The format must be pdf or docx"),
    (["--school", "oakfield", "--format", "pdf", "--term", "Lent 2026"], "is not a term"),
    (["--school", "oakfield", "--format", "pdf", "--term", "Summer 2027"],
     "has not started yet"),
    # Before the school started using Schoolkeep (18 November 2026, inside Autumn 2026).
    (["--school", "oakfield", "--format", "pdf", "--term", "Autumn 1900"],
     "Autumn 1900 ended before Oakfield Primary started using Schoolkeep on 18 November 2026:"
     " the earliest pack is for Autumn 2026."),
    (["--school", "oakfield", "--format", "pdf", "--term", "Summer 2026"],
     "Summer 2026 ended before Oakfield Primary started using Schoolkeep"),
])
def test_one_line_and_status_2(personas: Personas, tmp_path, args: list[str],
                               words: str) -> None:
    out = tmp_path / "pack.out"
    with pytest.raises(CommandError) as failed:
        _run(*args, "--out", str(out))
    assert failed.value.returncode == 2
    assert words in str(failed.value) and "\n" not in str(failed.value)
    assert not out.exists()
    assert not GovernorPack.objects.exists()


def test_a_term_long_gone_saves_no_term_dates(personas: Personas, tmp_path) -> None:
    with pytest.raises(CommandError):
        _run("--school", "oakfield", "--format", "pdf", "--term", "Autumn 1900",
             "--out", str(tmp_path / "a.pdf"))
    assert not Term.objects.filter(academic_year__lt=2000).exists()


def test_never_overwrites(personas: Personas, tmp_path) -> None:
    out = tmp_path / "pack.pdf"
    out.write_bytes(b"mine")
    with pytest.raises(CommandError) as failed:
        _run("--school", "oakfield", "--format", "pdf", "--out", str(out))
    assert failed.value.returncode == 2 and "cannot be written" in str(failed.value)
    assert out.read_bytes() == b"mine"
    assert not GovernorPack.objects.exists()
