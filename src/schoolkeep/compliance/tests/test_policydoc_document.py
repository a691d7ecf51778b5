"""The generated Online Security Policy: Appendix 1 in the Word document equal to the asset
register's rows in the policy's layout, and in the PDF; the school's name and sites, the
SIRO and DPO by name, the approved systems and transfer channels, the review dates and
approving governor from the policy register; a school's edited clause in its own words, a
withdrawn one left out and an added one in its section; the document made in a constant
number of queries."""

from __future__ import annotations

import io
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from pypdf import PdfReader
from tests.personas import Personas

from schoolkeep.assets.exports import long_date
from schoolkeep.assets.models import Asset
from schoolkeep.compliance.models import Requirement
from schoolkeep.compliance.policydoc import files, text
from schoolkeep.compliance.policydoc.document import policy_document, quoted
from schoolkeep.compliance.tests.policydoc_records import (
    EXPECTED_APPENDIX,
    OWN_SHREDDING,
    SHREDDING,
    add_assets,
    add_sites,
    add_systems,
    approved_policy,
    edit_shredding,
    published_shredding,
    school_policy_framework,
)
from schoolkeep.tenancy.models import MembershipRole

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)


def _docx(personas: Personas) -> DocxDocument:
    return Document(io.BytesIO(files.made_bytes(personas.school, "docx", TODAY)))


def _all_text(document: DocxDocument) -> str:
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def _pdf_text(personas: Personas) -> str:
    content = files.made_bytes(personas.school, "pdf", TODAY)
    assert content.startswith(b"%PDF")
    return " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(content)).pages)


def _squash(words: str) -> str:
    return " ".join(words.split())


def test_appendix_1_in_the_word_document_is_the_registers_rows(personas: Personas) -> None:
    add_assets(personas)
    document = _docx(personas)
    table = document.tables[-1]
    assert [[cell.text for cell in row.cells] for row in table.rows] == EXPECTED_APPENDIX
    assert len(table.rows[1]._tr.tc_lst) == 1  # a group row spans the four columns
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # its headings repeat on each page
    assert "Appendix 1: Data and information assets" in [p.text for p in document.paragraphs]
    # The appendix is the document's last section, landscape as in the policy.
    last = document.sections[-1]
    assert last.page_width > last.page_height
    assert document.sections[0].page_width < document.sections[0].page_height


def test_appendix_1_follows_the_register_as_it_changes(personas: Personas) -> None:
    add_assets(personas)
    asset = Asset.objects.get(school=personas.school, name="Core pupil data")
    asset.archived_at = timezone.now()
    asset.save(update_fields=["archived_at"])
    rows = [[cell.text for cell in row.cells] for row in _docx(personas).tables[-1].rows]
    assert rows == [row for row in EXPECTED_APPENDIX if row[0] != "Core pupil data"]


def test_names_sites_systems_channels_and_the_register_are_in_both_files(
        personas: Personas) -> None:
    add_sites(personas)
    add_systems(personas)
    add_assets(personas)
    approved_on = timezone.localdate()
    approved_policy(personas, approved_on=approved_on)
    text = _all_text(_docx(personas))
    pdf = _squash(_pdf_text(personas))
    school = personas.school.name
    siro, dpo = personas.siro.full_name, personas.dpo.full_name
    expected = [
        f"all staff working for {school} on all sites (Main building, Routes4Life provision)",
        f"{siro} is the Senior Information Risk Owner (SIRO).",
        f"{dpo} is the Data Protection Officer (DPO).",
        "We use 2-factor authentication to access CPOMS.",
        "We have an approved remote access solution (Freedom2Roam, gateway with two-factor "
        "sign-in)",
        "stored off site (RedStor).",
        long_date(approved_on),  # the approval, in the register
        "Governor Name: Julie Lamb",
        long_date(approved_on + relativedelta(months=12)),  # the next review: a year on
    ]
    for words in expected:
        assert words in text, words
        # The PDF's lines may break at a hyphen ("two-" then "factor").
        assert words in pdf.replace("- ", "-"), words
    # The approved systems and the channels the transfer rules name, as tables.
    tables = {row.cells[0].text: [cell.text for cell in row.cells]
              for table in _docx(personas).tables for row in table.rows}
    assert tables["CPOMS"] == ["CPOMS", "Safeguarding", "CPOMS Systems", "On"]
    assert tables["CTF pupil file"] == ["CTF pupil file", "Another school", "DfE S2S"]
    for words in ("DfE S2S", "Egress", "CTF pupil file", "Another school", "Terence Hudson"):
        assert words in pdf


def test_without_role_holders_systems_or_register_entry_the_document_says_so(
        personas: Personas) -> None:
    MembershipRole.objects.filter(membership__school=personas.school,
                                  role__in=["siro", "dpo"]).delete()
    text = _all_text(_docx(personas))
    assert "The school has not yet named its Senior Information Risk Owner (SIRO)." in text
    assert "The school has not yet named its Data Protection Officer (DPO)." in text
    assert "The systems register lists no approved remote access solution." in text
    assert "Not yet approved in the school's policy register" in text
    assert "No transfer channel is approved yet" in text
    assert personas.siro.full_name not in text


def test_a_schools_edited_clause_is_used_in_its_own_words(personas: Personas) -> None:
    edit_shredding(personas)
    text = _all_text(_docx(personas))
    assert OWN_SHREDDING in text
    assert SHREDDING not in text
    assert OWN_SHREDDING in _squash(_pdf_text(personas))
    doc = policy_document(personas.school, today=TODAY, with_appendix=False)
    assert doc.edited == 1
    line = next(line for section in doc.sections for part in section.parts
                for line in part.lines if line.key == "shredding")
    assert line.own_words and line.text == OWN_SHREDDING


def test_another_schools_edit_is_not_used(personas: Personas) -> None:
    framework = school_policy_framework()
    published = published_shredding(framework)
    Requirement.objects.create(framework=framework, school=personas.other_school,
                               code="x", replaces_code=published.code, text=OWN_SHREDDING)
    text = _all_text(_docx(personas))
    assert SHREDDING in text and OWN_SHREDDING not in text


def test_a_withdrawn_clause_is_left_out_and_an_added_one_is_in_its_section(
        personas: Personas) -> None:
    framework = school_policy_framework()
    published = published_shredding(framework)
    Requirement.objects.create(framework=framework, school=personas.school, code="w",
                               replaces_code=published.code, withdrawn=True,
                               text=published.text)
    Requirement.objects.create(framework=framework, school=personas.school,
                               code="school-policy.own-visitors",
                               section="Technical and manual solutions",
                               title="Visitors", text="Visitors sign in at reception.")
    Requirement.objects.create(framework=framework, school=personas.school,
                               code="school-policy.own-elsewhere", section="Something new",
                               title="Drills", text="We rehearse a cyber attack each year.")
    doc = policy_document(personas.school, today=TODAY, with_appendix=False)
    assert (doc.withdrawn, doc.added) == (1, 2)
    by_section = {section.heading: [line.text for part in section.parts
                                    for line in part.lines] for section in doc.sections}
    technical = by_section["Technical and manual solutions"]
    assert SHREDDING not in technical
    assert technical[-1] == "Visitors sign in at reception."
    assert by_section["Other practices at this school"] == [
        "We rehearse a cyber attack each year."]


def test_the_document_is_made_in_constant_queries(personas: Personas) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            policy_document(personas.school, today=TODAY)
        return len(captured)

    add_assets(personas, 3)
    add_systems(personas)
    few = queries()
    add_assets(personas, 40, start=3)
    edit_shredding(personas)
    assert queries() == few


# The published clauses the template does not quote, because live data stands in for them
# (the transfer rules' channels, the systems register, the policy register's review date):
# a school's words for one of them go at the end of its section.
LIVE_INSTEAD = {"policy-reviewed", "ctf-by-s2s", "admissions-by-anycomms",
                "sensitive-files-by-egress", "remote-desktop", "data-to-london-schools-by-uso-fx2",
                "accounts-by-autoupdate", "disaster-recovery"}


def test_the_template_quotes_every_other_published_clause() -> None:
    framework = school_policy_framework()
    seeds = [" ".join(clause.seed.split()).casefold() for section in text.SECTIONS
             for block in section.blocks for clause in block.clauses if clause.seed]
    published = list(Requirement.objects.filter(framework=framework, school__isnull=True))
    if not published:
        pytest.skip("The school-policy framework is not loaded.")
    unquoted = {requirement.code.removeprefix("school-policy.") for requirement in published
                if not any(quoted(requirement.text).casefold() in seed for seed in seeds)}
    assert unquoted <= LIVE_INSTEAD


def test_an_edited_bullet_after_a_lead_in_replaces_only_the_bullet(personas: Personas) -> None:
    framework = school_policy_framework()
    lead_in = ("ALL of the following school stakeholders sign an Acceptable Use Policy (AUP) "
               "form that clearly outlines the responsibilities of the staff and visitors with "
               "regard to data security, passwords and network access.")
    published = Requirement.objects.filter(framework=framework, school__isnull=True,
                                           code="school-policy.aup-governors").first() \
        or Requirement.objects.create(framework=framework, code="school-policy.aup-governors",
                                      text=f"{lead_in} \u2026 Governors")
    Requirement.objects.create(framework=framework, school=personas.school, code="own",
                               replaces_code=published.code,
                               text=f"{lead_in} \u2026 Governors and associate members")
    doc = policy_document(personas.school, today=TODAY, with_appendix=False)
    lines = [line.text for section in doc.sections for part in section.parts
             for line in part.lines]
    assert "Governors and associate members" in lines and "Governors" not in lines
    assert lines.count(lead_in) == 1
    assert "Staff (including agency workers)" in lines


def test_an_edit_of_a_clause_live_data_stands_for_goes_at_the_end_of_its_section(
        personas: Personas) -> None:
    framework = school_policy_framework()
    words = "We use the DfE S2S site to securely transfer CTF pupil data files to other schools."
    published = Requirement.objects.filter(framework=framework, school__isnull=True,
                                           code="school-policy.ctf-by-s2s").first() \
        or Requirement.objects.create(framework=framework, code="school-policy.ctf-by-s2s",
                                      section="Technical and manual solutions", text=words)
    Requirement.objects.create(framework=framework, school=personas.school, code="own-s2s",
                               replaces_code=published.code,
                               text="We use S2S for every CTF file, to any school.")
    doc = policy_document(personas.school, today=TODAY, with_appendix=False)
    technical = next(section for section in doc.sections
                     if section.heading == "Technical and manual solutions")
    last = technical.parts[-1].lines[-1]
    assert last.text == "We use S2S for every CTF file, to any school." and last.own_words
