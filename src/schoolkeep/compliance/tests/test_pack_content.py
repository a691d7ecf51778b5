"""The governor pack's figures (``pack.content.gather``): the term's breach figures (by
kind, the ICO decisions, the hours to decide, late ones; a report of another term left out),
the open high-risk incidents and overdue actions, the term's requests with a legal clock (by
kind, answered in time or late, extended, paused, withdrawn; open and overdue now), the
policy reviews overdue and due by the end of the term, the frameworks with the requirements
not met and their owners, the overview's measures; the same number of queries for 1 and 8
rounds of records; and both files read back (PDF with pypdf, Word with python-docx) holding
the figures but no incident or request narrative and no name but the role holders'."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.personas import Personas

from schoolkeep.compliance.models import State
from schoolkeep.compliance.pack.content import gather
from schoolkeep.compliance.pack.docx import pack_docx
from schoolkeep.compliance.pack.pdf import pack_pdf
from schoolkeep.compliance.pack.services import resolve_term
from schoolkeep.compliance.tests.pack_records import (
    NARRATIVE,
    NOW,
    PUPIL,
    TERM,
    TERM_ENDS,
    TERM_STARTS,
    TODAY,
    docx_text,
    not_done,
    pdf_text,
    policies,
    term_of_incidents,
    term_of_requests,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_term_is_the_one_today_is_in(personas: Personas) -> None:
    term = resolve_term(personas.school, None, TODAY)
    assert (term.label, term.starts_on, term.ends_on, term.estimated) == (
        TERM, TERM_STARTS, TERM_ENDS, True)


def test_breach_figures_of_the_term(personas: Personas) -> None:
    term_of_incidents(personas.school, count=2)
    content = gather(personas.school, resolve_term(personas.school, None, TODAY), now=NOW)
    b = content.breaches
    assert (b.breaches, b.near_misses, b.security, b.untriaged) == (6, 2, 2, 2)
    assert (b.ico_reported, b.ico_to_send, b.ico_not_reporting, b.ico_late) == (2, 0, 2, 2)
    assert (b.decided, b.hours_average, b.hours_longest) == (4, 45.0, 80.0)
    assert (content.open_high_risk, content.overdue_actions) == (2, 2)


def test_request_figures_of_the_term(personas: Personas) -> None:
    term_of_requests(personas.school, count=2)
    r = gather(personas.school, resolve_term(personas.school, None, TODAY), now=NOW).requests
    assert r.received == 10
    assert [(each.label, each.count) for each in r.by_kind] == [
        ("Subject access request", 6),
        ("Complaint about how the school handles personal data", 2),
        ("Freedom of information request", 2)]
    assert (r.in_time, r.late, r.extended, r.paused, r.withdrawn) == (2, 2, 2, 2, 2)
    # Now: the paused one past its deadline, the complaint, last term's still open.
    assert (r.open_now, r.overdue_now) == (6, 4)


def test_policy_reviews_overdue_and_due_by_the_end_of_the_term(personas: Personas) -> None:
    policies(personas.school, count=2)
    content = gather(personas.school, resolve_term(personas.school, None, TODAY), now=NOW)
    p = content.policies
    assert [each.title for each in p.overdue] == ["Overdue policy 0", "Overdue policy 1"]
    assert [each.title for each in p.due] == ["Due policy 0", "Due policy 1"]
    assert (p.policies, p.awaiting_approval) == (8, 0)


def test_requirements_not_met_name_the_control_and_its_owner(personas: Personas) -> None:
    not_done(personas.school)
    content = gather(personas.school, resolve_term(personas.school, None, TODAY), now=NOW)
    assert [framework.code for framework in content.frameworks] == [
        "school-policy", "dfe-cyber", "rpa-cyber"]
    policy = content.frameworks[0]
    assert policy.not_met + policy.partly >= 1
    found = [(gap, control) for gap in content.gaps for control in gap.controls
             if control.title.startswith("Restricted paper records")]
    assert found, content.gaps
    gap, control = found[0]
    assert gap.state in (State.NOT_MET, State.PARTLY)
    assert control.state_label == "Not met"
    assert control.owner.startswith("Business manager Person")
    # Worst first: every requirement not met comes before every one partly met.
    states = [each.state for each in content.gaps]
    assert states == sorted(states, key=lambda state: state != State.NOT_MET)


def test_measures_and_role_holders(personas: Personas) -> None:
    content = gather(personas.school, resolve_term(personas.school, None, TODAY), now=NOW)
    assert [section.key for section in content.measures] == [
        "record", "aups", "training", "backups"]
    record = content.section("record")
    assert record is not None
    assert record.lines[0].words == "No people are on the record yet"
    holders = {holder.role: holder.names for holder in content.role_holders}
    assert holders["Senior Information Risk Owner (SIRO)"] == [
        "Senior Information Risk Owner (SIRO) Person"]
    assert holders["Data protection officer"] == ["Data protection officer Person"]


def test_the_queries_do_not_grow_with_the_records(personas: Personas) -> None:
    school = personas.school
    term = resolve_term(school, None, TODAY)
    term_of_incidents(school, 0, 1)
    term_of_requests(school, 1)
    policies(school, 0, 1)
    gather(school, term, now=NOW)  # the term rows and caches, made once
    with CaptureQueriesContext(connection) as few:
        gather(school, term, now=NOW)
    term_of_incidents(school, 1, 7)
    term_of_requests(school, 7)
    policies(school, 1, 7)
    with CaptureQueriesContext(connection) as many:
        content = gather(school, term, now=NOW)
    assert content.breaches.breaches == 24
    assert content.requests.received == 40
    assert len(many) == len(few)


def test_the_files_hold_the_figures_and_no_narrative_or_names(personas: Personas) -> None:
    school = personas.school
    term_of_incidents(school, count=1)
    term_of_requests(school, count=1)
    policies(school, count=1)
    not_done(school)
    content = gather(school, resolve_term(school, None, TODAY), now=NOW)
    for text in (pdf_text(pack_pdf(content)), docx_text(pack_docx(content))):
        assert "Requests received 5" in text
        assert "Answered late 1" in text
        assert "Open requests past their deadline (now) 2" in text
        assert "RQ-2026" not in text  # not even a reference
        assert "Governor pack: Autumn 2026" in text
        assert "Oakfield Primary" in text
        assert "Senior Information Risk Owner (SIRO) Person" in text
        assert "Personal data breaches 3" in text
        assert "Decided or reported after the 72 hours 1" in text
        assert "Open incidents assessed as a high risk (now) 1" in text
        assert "Overdue policy 0" in text and "Due policy 0" in text
        assert "Later policy 0" not in text
        assert "Business manager Person" in text  # the owner of the control not met
        assert "Restricted paper records" in text
        for framework in content.frameworks:
            assert f"{framework.percent}%" in text
        # Nothing of what happened, nor whom it happened to.
        assert PUPIL not in text and "Quackenbush" not in text
        assert NARRATIVE not in text and "Quillfeather" not in text
        assert "cabinet was found open" not in text  # an attestation's note
        assert "Phone" not in text  # an action's description


def test_the_pdf_draws_each_trend() -> None:
    """The chart is drawn, not only named: its line has a segment per score of the year
    (WeasyPrint once left an SVG out of a flex layout without a word)."""
    from datetime import timedelta
    from io import BytesIO

    from pypdf import PdfReader

    from schoolkeep.compliance.pack.content import (
        BreachFigures,
        FrameworkFigures,
        PackContent,
        PolicyFigures,
        Term,
        TrendPoint,
    )

    points = [TrendPoint(TODAY - timedelta(days=day), 200 + day) for day in range(300, 0, -1)]
    framework = FrameworkFigures(code="dfe-cyber", title="Standards", short_title="DfE",
                                 version="1", met=1, partly=1, not_met=1, not_assessed=1,
                                 score_permille=375, trend=points)
    content = PackContent(school_name="Oakfield Primary",
                          term=Term(TERM, TERM_STARTS, TERM_ENDS, TERM_STARTS),
                          made_on=TODAY,
                          role_holders=[], frameworks=[framework], gaps=[],
                          breaches=BreachFigures(), open_high_risk=0, overdue_actions=0,
                          policies=PolicyFigures(), measures=[])
    pages = PdfReader(BytesIO(pack_pdf(content))).pages
    drawn = sum(page.get_contents().get_data().count(b" l\n") for page in pages)
    assert drawn >= len(points) - 1


def test_a_report_in_the_holiday_is_in_the_next_terms_pack(personas: Personas) -> None:
    """The window runs from the day after the previous term ended (Summer 2026 ended on
    17 July) to the term's last day, London midnight to London midnight: the summer holiday
    is in Autumn 2026's pack, as the calendar counts a holiday day in the term that follows."""
    from datetime import UTC, date, datetime

    from schoolkeep.compliance.tests.pack_records import LONDON, incident, started_on
    from schoolkeep.incidents.models import Kind

    school = personas.school
    started_on(school, date(2025, 9, 1))
    summer = resolve_term(school, "Summer 2026", TODAY)
    autumn = resolve_term(school, None, TODAY)
    assert (summer.since, summer.starts_on, summer.ends_on) == (
        date(2026, 3, 28), date(2026, 4, 13), date(2026, 7, 17))
    assert (autumn.since, autumn.starts_on) == (date(2026, 7, 18), TERM_STARTS)
    for aware in (datetime(2026, 7, 17, 22, 59, tzinfo=UTC),  # 23:59 BST, Summer's last day
                  datetime(2026, 7, 17, 23, 0, tzinfo=UTC),  # 00:00 BST, the holiday's first
                  datetime(2026, 8, 10, 9, 0, tzinfo=LONDON),  # the middle of the holiday
                  datetime(2026, 9, 1, 22, 59, tzinfo=UTC),  # 23:59 BST, its last day
                  datetime(2026, 12, 18, 23, 59, tzinfo=UTC),  # Autumn's last minute (GMT)
                  datetime(2026, 12, 19, 0, 0, tzinfo=UTC)):  # the Christmas holiday: Spring
        incident(school, kind=Kind.BREACH, aware_at=aware)
    assert [gather(school, term, now=NOW).breaches.breaches for term in (summer, autumn)] == [
        1, 4]
    for text in (pdf_text(pack_pdf(gather(school, autumn, now=NOW))),
                 docx_text(pack_docx(gather(school, autumn, now=NOW)))):
        assert "from 18 July 2026 to 18 December 2026: since the end of the last term" in text


def test_reports_whose_72_hours_passed_with_no_decision(personas: Personas) -> None:
    """A report that may hold personal data (a breach, or one not triaged) with no ICO
    decision once its 72 hours have passed is counted; one still inside them, one without
    personal data, and one decided are not."""
    from datetime import timedelta

    from schoolkeep.compliance.tests.pack_records import ico, incident
    from schoolkeep.incidents.models import Kind

    school = personas.school
    incident(school, kind=Kind.BREACH, aware_at=NOW - timedelta(days=48))
    incident(school, kind="", aware_at=NOW - timedelta(hours=73))
    incident(school, kind=Kind.BREACH, aware_at=NOW - timedelta(hours=71))  # still running
    incident(school, kind=Kind.NEAR_MISS, aware_at=NOW - timedelta(days=10))
    incident(school, kind=Kind.SECURITY, aware_at=NOW - timedelta(days=10))
    ico(incident(school, kind=Kind.BREACH, aware_at=NOW - timedelta(days=10)), hours=10)
    content = gather(school, resolve_term(school, None, TODAY), now=NOW)
    b = content.breaches
    assert (b.breaches, b.untriaged, b.ico_undecided, b.ico_late, b.decided) == (3, 1, 2, 0, 1)
    for text in (pdf_text(pack_pdf(content)), docx_text(pack_docx(content))):
        assert "No ICO decision, and the 72 hours have passed 2" in text


def test_no_email_address_in_the_pack(personas: Personas) -> None:
    """A role holder or a control's owner with no name given is named by the role's title,
    never by an e-mail address."""
    from schoolkeep.accounts.models import User

    school = personas.school
    User.objects.filter(pk__in=[personas.siro.pk, personas.business_manager.pk]).update(
        full_name="")
    not_done(school)  # a control the business manager owns, not met
    content = gather(school, resolve_term(school, None, TODAY), now=NOW)
    holders = {holder.role: holder.names for holder in content.role_holders}
    assert holders["Senior Information Risk Owner (SIRO)"] == [
        "Senior Information Risk Owner (SIRO)"]
    owners = [control.owner for gap in content.gaps for control in gap.controls
              if control.title.startswith("Restricted paper records")]
    assert owners and set(owners) == {"Business manager"}
    for text in (pdf_text(pack_pdf(content)), docx_text(pack_docx(content))):
        assert "@" not in text
        assert personas.siro.email not in text
        assert personas.business_manager.email not in text
