"""Appendix 1 exactly in the policy's layout: the page, the Word document (a real table with
group heading rows) and the CSV (which the import reads back)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

from django.test import Client
from django.urls import reverse
from docx import Document
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.assets import exports, selectors, services
from schoolkeep.people.services import person_create

Login = Callable[[User], Client]

HEADINGS = ["", "Information Asset Owner", "Who has access to enter information", "Purpose"]


def seed_like_register(personas: Personas) -> None:
    """A few rows of the policy's Appendix 1, in its order (not alphabetical)."""
    school = personas.school

    def add(group: str, name: str, owner: dict[str, object], access: list[str],
            purpose: str) -> None:
        services.asset_create(
            school=school, actor=None, name=name, access_labels=access, purpose=purpose,
            group=services.group_get_or_create(school=school, name=group, actor=None), **owner)

    terence = person_create(school=school, actor=None, full_name="Terence Hudson",
                            kind="support")
    cctv = services.organisation_get_or_create(school=school, name="CCTV support company",
                                               actor=None)
    add("Pupil data (MIS)", "Core pupil data", {"owner_person": terence},
        ["Pupil Data Administrator"], "Teaching and learning /statutory returns")
    add("Pupil data (MIS)", "Attendance", {"owner_person": terence},
        ["Pupil Data Administrator"], "Teaching and learning /statutory returns")
    add("Pupil data (MIS)", "Reports and assessments", {"owner_person": terence},
        ["Head", "Deputy", "Class Teachers"], "Teaching and learning /statutory returns")
    add("Disaster recovery", "Secure remote back-up", {"owner_unmatched": "RedStor"},
        ["Joskos Technician"], "Business Continuity / communication")
    add("Other potentially sensitive material", "CCTV saved footage",
        {"owner_organisation": cctv}, ["automated system"], "Safety / security")


EXPECTED_ROWS = [
    HEADINGS,
    ["Pupil data (MIS)", "", "", ""],
    ["Core pupil data", "Terence Hudson", "Pupil Data Administrator",
     "Teaching and learning /statutory returns"],
    ["Attendance", "Terence Hudson", "Pupil Data Administrator",
     "Teaching and learning /statutory returns"],
    ["Reports and assessments", "Terence Hudson", "Head / Deputy / Class Teachers",
     "Teaching and learning /statutory returns"],
    ["Disaster recovery", "", "", ""],
    ["Secure remote back-up", "RedStor", "Joskos Technician",
     "Business Continuity / communication"],
    ["Other potentially sensitive material", "", "", ""],
    ["CCTV saved footage", "CCTV support company", "automated system", "Safety / security"],
]


def test_the_page_shows_the_policys_layout(personas: Personas, login: Login) -> None:
    seed_like_register(personas)
    response = login(personas.governor).get(reverse("assets:appendix"))
    html = response.content.decode()
    assert response.status_code == 200
    # The first heading is blank, as in the policy (named only for screen readers).
    assert '<th scope="col"><span class="visually-hidden">Asset</span></th>' in html
    for heading in HEADINGS[1:]:
        assert f'<th scope="col">{heading}</th>' in html
    positions = [html.index(row[0]) for row in EXPECTED_ROWS[1:]]
    assert positions == sorted(positions)
    assert '<th scope="colgroup" colspan="4">Disaster recovery</th>' in html
    assert "Head / Deputy / Class Teachers" in html


def test_the_word_document_is_a_real_table_with_group_rows_in_order(personas: Personas,
                                                                    login: Login) -> None:
    seed_like_register(personas)
    response = login(personas.staff).get(reverse("assets:appendix-docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == exports.DOCX_TYPE
    assert response["Content-Disposition"].startswith('attachment; filename="appendix-1-oakfield-')
    document = Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == "Appendix 1: Data and information assets"
    assert len(document.tables) == 1
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    # A merged group row repeats its text in each of the cells it spans.
    expected = [[row[0]] * 4 if row[1:] == ["", "", ""] and row[0] else row
                for row in EXPECTED_ROWS]
    assert rows == expected
    group_row = table.rows[1]._tr
    assert len(group_row.tc_lst) == 1  # one cell spanning the four columns
    assert group_row.tc_lst[0].grid_span == 4
    assert all(run.bold for run in table.rows[1].cells[0].paragraphs[0].runs)
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # repeated on every page


def test_the_csv_has_the_policys_layout(personas: Personas, login: Login) -> None:
    seed_like_register(personas)
    response = login(personas.staff).get(reverse("assets:appendix-csv"))
    assert response.status_code == 200 and response["Content-Type"] == exports.CSV_TYPE
    assert response.content.startswith(b"\xef\xbb\xbf")  # a byte-order mark for Excel
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ",Information Asset Owner,Who has access to enter " \
        "information,Purpose"
    assert list(csv.reader(io.StringIO(text))) == EXPECTED_ROWS


def test_an_empty_register_gives_the_headings_only(personas: Personas) -> None:
    groups = selectors.appendix_rows(personas.school)
    assert exports.appendix_table(groups) == [HEADINGS]


def test_awkward_text_is_written_safely(personas: Personas) -> None:
    services.asset_create(
        school=personas.school, actor=None, name="=HYPERLINK(\"http://x\")",
        purpose="Bell\x07 character", owner_unmatched="@admin",
        group=services.group_get_or_create(school=personas.school, name="+Group", actor=None))
    groups = selectors.appendix_rows(personas.school)
    rows = list(csv.reader(io.StringIO(exports.appendix_csv(groups).decode("utf-8-sig"))))
    assert rows[1][0] == "'+Group" and rows[2][0] == "'=HYPERLINK(\"http://x\")"
    assert rows[2][1] == "'@admin"
    document = Document(io.BytesIO(exports.appendix_docx(
        groups, school=personas.school, printed_on=date(2026, 1, 5))))
    cells = [cell.text for cell in document.tables[0].rows[2].cells]
    assert cells[3] == "Bell character"  # a control character XML cannot hold is dropped
    assert "5 January 2026" in document.paragraphs[1].text
