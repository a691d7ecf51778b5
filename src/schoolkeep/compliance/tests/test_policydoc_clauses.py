"""The school's words in its policy, clause by clause: each published requirement of the
``school-policy`` framework is stated by the clause its code names (never found by searching
the text), a clause with live parts keeps its live line when the school edits it, and the
school's words are used whole."""

from __future__ import annotations

from datetime import date

import pytest
from tests.personas import Personas

from schoolkeep.compliance.frameworks import services as framework_services
from schoolkeep.compliance.models import Requirement
from schoolkeep.compliance.policydoc import text
from schoolkeep.compliance.policydoc.document import Line, policy_document, quoted
from schoolkeep.compliance.tests.policydoc_records import add_systems, school_policy_framework

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 20)
LEAD_IN = ("ALL of the following school stakeholders sign an Acceptable Use Policy (AUP) form "
           "that clearly outlines the responsibilities of the staff and visitors with regard "
           "to data security, passwords and network access.")
DBS = ("All staff and governors are DBS checked and records are held in one central record "
       "in SIMS and on our Single Central Record.")


def _published(code: str) -> Requirement:
    found = Requirement.objects.filter(framework=school_policy_framework(), school__isnull=True,
                                       code=f"school-policy.{code}").first()
    if found is None:
        pytest.skip("The school-policy framework is not loaded.")
    return found


def _edit(personas: Personas, code: str, words: str) -> None:
    published = _published(code)
    framework_services.requirement_edit(
        school=personas.school, actor=personas.siro, requirement=published,
        version=published.version, section=published.section, title=published.title,
        text=words)


def _withdraw(personas: Personas, code: str) -> None:
    framework_services.requirement_withdraw(school=personas.school, actor=personas.siro,
                                            requirement=_published(code))


def _lines(personas: Personas) -> list[Line]:
    doc = policy_document(personas.school, today=TODAY, with_appendix=False)
    return [line for section in doc.sections for part in section.parts for line in part.lines]


def _by_key(personas: Personas) -> dict[str, list[Line]]:
    found: dict[str, list[Line]] = {}
    for line in _lines(personas):
        found.setdefault(line.key, []).append(line)
    return found


def test_every_published_code_is_stated_by_one_clause_in_its_own_words() -> None:
    published = {r.code: r for r in Requirement.objects.filter(
        framework=school_policy_framework(), school__isnull=True)}
    if not published:
        pytest.skip("The school-policy framework is not loaded.")
    clauses = [clause for section in text.SECTIONS for block in section.blocks
               for clause in block.clauses]
    stated = [code for clause in clauses for code in clause.codes]
    assert len(stated) == len(set(stated))
    assert set(stated) | text.LIVE_INSTEAD == set(published)
    assert not set(stated) & text.LIVE_INSTEAD
    for clause in clauses:
        for code in clause.codes:
            words = quoted(published[code].text)
            if len(clause.codes) == 1:
                assert words == " ".join(clause.seed.split()), code
            else:
                assert words in " ".join(clause.seed.split()), code


def test_withdrawing_the_governors_aup_bullet_leaves_the_dbs_clause_alone(
        personas: Personas) -> None:
    _withdraw(personas, "aup-governors")
    lines = _by_key(personas)
    assert [(line.text, line.own_words) for line in lines["dbs"]] == [(DBS, False)]
    assert "aup-governors" not in lines
    assert [line.text for line in lines["aup-staff"]] == ["Staff (including agency workers)"]


def test_editing_the_governors_aup_bullet_changes_only_that_bullet(personas: Personas) -> None:
    _edit(personas, "aup-governors", f"{LEAD_IN} \u2026 Governors and associate members")
    lines = _by_key(personas)
    assert [(line.text, line.own_words) for line in lines["dbs"]] == [(DBS, False)]
    assert [(line.text, line.own_words) for line in lines["aup-governors"]] == [
        ("Governors and associate members", True)]
    assert [(line.text, line.own_words) for line in lines["aup"]] == [(LEAD_IN, False)]


def test_editing_the_tapes_sentence_keeps_the_live_backup_system(personas: Personas) -> None:
    add_systems(personas)
    _edit(personas, "backup-tapes-locked", "We have no tapes: every backup is in the cloud.")
    lines = _by_key(personas)
    assert [(line.text, line.own_words) for line in lines["tapes"]] == [
        ("We have no tapes: every backup is in the cloud.", True)]
    assert [(line.text, line.own_words) for line in lines["backups-off-site"]] == [
        ("Back-ups are password protected. External back ups are encrypted and stored off "
         "site (RedStor).", False)]
    assert not any("JKCloud" in line.text for line in _lines(personas))


@pytest.mark.parametrize(("code", "key", "live"), [
    ("siro-named", "siro", "is the Senior Information Risk Owner (SIRO)."),
    ("remote-access-approved", "remote-access", "(Freedom2Roam, gateway with two-factor"),
    ("cpoms-two-factor", "two-factor", "We use 2-factor authentication to access CPOMS."),
    ("backups-protected-off-site", "backups-off-site", "stored off site (RedStor)."),
])
def test_editing_a_clause_with_live_parts_keeps_the_live_line_then_the_schools_words(
        personas: Personas, code: str, key: str, live: str) -> None:
    add_systems(personas)
    words = "Our own words\u2026 for this, written in Word."
    _edit(personas, code, words)
    lines = _by_key(personas)[key]
    assert len(lines) == 2
    assert live in lines[0].text and not lines[0].own_words
    assert (lines[1].text, lines[1].own_words) == (words, True)
    if key == "siro":
        assert personas.siro.full_name in lines[0].text


def test_the_schools_words_are_used_whole_even_with_an_ellipsis(personas: Personas) -> None:
    words = "Paper is shredded on site\u2026 or collected weekly by a certified firm."
    _edit(personas, "paper-shredded", words)
    assert [(line.text, line.own_words) for line in _by_key(personas)["shredding"]] == [
        (words, True)]


def test_a_changed_aup_lead_in_changes_the_aup_paragraph(personas: Personas) -> None:
    lead = LEAD_IN.replace("stakeholders sign", "stakeholders sign, every September,")
    _edit(personas, "aup-staff", f"{lead} \u2026 Staff (including agency workers)")
    lines = _by_key(personas)
    assert [(line.text, line.own_words) for line in lines["aup"]] == [(lead, True)]
    assert [(line.text, line.own_words) for line in lines["aup-staff"]] == [
        ("Staff (including agency workers)", False)]


def test_one_changed_sentence_of_a_two_sentence_clause_keeps_the_other(
        personas: Personas) -> None:
    _edit(personas, "passwords-uso-90-days", "Admin contacts change their USO password termly.")
    lines = _by_key(personas)["password-changes"]
    assert len(lines) == 1 and lines[0].own_words
    assert lines[0].text.startswith("We require admin staff to change their passwords in SIMS")
    assert lines[0].text.endswith("termly. Admin contacts change their USO password termly.")


def test_the_old_review_date_clause_is_left_out_for_the_registers(personas: Personas) -> None:
    _edit(personas, "policy-reviewed", "Next Review Date Spring 2027")
    doc = policy_document(personas.school, today=TODAY, with_appendix=False)
    assert not any("Spring 2027" in line.text for section in doc.sections
                   for part in section.parts for line in part.lines)
    assert text.OWN_SECTION not in [section.heading for section in doc.sections]


def test_a_role_holder_with_no_name_is_never_printed_by_email(personas: Personas) -> None:
    siro = personas.siro
    siro.full_name = ""
    siro.save(update_fields=["full_name"])
    lines = _by_key(personas)
    assert [line.text for line in lines["siro"]] == [
        "The school has not yet named its Senior Information Risk Owner (SIRO)."]
    assert not any(siro.email in line.text for line in _lines(personas))
