"""The draft ICO report of a breach: its sections filled from the record, in HTML (what the
PDF is made from) and Word; nobody named but the DPO; only for breaches; who may download."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from docx import Document
from tests.personas import Personas

from schoolkeep.assets.models import AssetSettings
from schoolkeep.audit.models import AuditEvent
from schoolkeep.incidents.exports.ico import (
    BANNER,
    ico_report_data,
    ico_report_docx,
    ico_report_html,
)
from schoolkeep.incidents.models import (
    Action,
    Channel,
    DataCategory,
    Decision,
    Incident,
    Kind,
    PeopleCategory,
    RiskResult,
)
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.lib.errors import DomainError

# 10:00 BST on 2 June 2025 (09:00 UTC): the ICO deadline is 10:00 BST on 5 June.
AWARE = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
REPORTER_NAME = "Jane Whistle"
REPORTER_CONTACT = "jane.whistle@example.org"

SECTION_TITLES = [
    "About this report", "About the school (the controller)", "About the breach",
    "When it happened and when the school found out", "The personal data involved",
    "The people affected", "Likely consequences and the risk to people",
    "What the school did to contain the breach",
    "What the school is doing to stop it happening again", "Telling the people affected",
    "Telling other organisations", "Reporting to the ICO, and timing",
]


def make_incident(school: Any, actor: Any = None, *, title: str = "Laptop left on a train",
                  kind: str = Kind.BREACH, aware_at: datetime = AWARE,
                  channel: str = Channel.APP, reporter_name: str = "",
                  reporter_contact: str = "", **fields: Any) -> Incident:
    """A report filed through the one reporting service, then triaged by setting fields
    (the handling services are tested on their own)."""
    incident, _ = incident_report(
        school=school, actor=actor, channel=channel, title=title,
        description="A laptop with the class list was left on the 8:12 to Leeds.",
        data_involved="Class list spreadsheet", reporter_name=reporter_name,
        reporter_contact=reporter_contact, personal_data=True)
    Incident.objects.filter(pk=incident.pk).update(
        kind=kind, aware_at=aware_at, received_at=aware_at, **fields)
    return Incident.objects.select_related("school").get(pk=incident.pk)


def decide(incident: Incident, kind: str, *, tell: bool = True, decided_at: datetime,
           told_at: datetime | None = None, by: str = "Data protection officer Person",
           **fields: Any) -> Decision:
    return Decision.objects.create(
        school=incident.school, incident=incident, kind=kind, tell=tell,
        reason=fields.pop("reason", f"Reason for {kind}"), decided_by_label=by,
        decided_at=decided_at, told_at=told_at, **fields)


def full_breach(personas: Personas) -> Incident:
    """A breach reported on the public page (with the reporter's name and contact), triaged,
    assessed, with actions and decisions: the ICO told late."""
    incident = make_incident(
        personas.school, channel=Channel.PUBLIC, reporter_name=REPORTER_NAME,
        reporter_contact=REPORTER_CONTACT, breach_confidentiality=True,
        breach_availability=True, is_cyber=False, people_affected=28, records_affected=30,
        people_categories=[PeopleCategory.PUPILS, PeopleCategory.PARENTS],
        children_or_vulnerable=True,
        data_categories=[DataCategory.BASIC_IDENTIFIERS, DataCategory.HEALTH],
        data_categories_other="Seating plan", occurred_at=AWARE - timedelta(hours=20),
        discovered_at=AWARE - timedelta(hours=2), likelihood=3,
        likelihood_rationale="The laptop was not encrypted", severity=1,
        severity_rationale="Medical notes of pupils", risk_override=RiskResult.HIGH,
        risk_override_reason="Children with medical needs", risk_override_by_label="DPO X",
        lessons_learned="Encrypt every laptop", triaged_by_label="Triage Person")
    Action.objects.create(school=incident.school, incident=incident,
                          kind=Action.Kind.CONTAINMENT, owner=personas.dpo,
                          description="Asked the train company to look for it",
                          state=Action.State.DONE, done_at=AWARE + timedelta(hours=1))
    Action.objects.create(school=incident.school, incident=incident,
                          kind=Action.Kind.REMEDIAL, owner=personas.siro,
                          description="Turn on disk encryption", due_on=date(2025, 7, 1))
    decide(incident, Decision.Kind.ICO, decided_at=AWARE + timedelta(hours=80),
           told_at=AWARE + timedelta(hours=80), ico_reference="IC-123456",
           late_reason="The DPO was on leave", by="Siro Decider")
    decide(incident, Decision.Kind.PEOPLE, decided_at=AWARE + timedelta(hours=30),
           told_at=AWARE + timedelta(hours=31), method="Letter home", by="Siro Decider")
    decide(incident, Decision.Kind.POLICE, tell=False, decided_at=AWARE,
           reason="No crime suspected", by="Siro Decider")
    return incident


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def assert_record_values(text: str) -> None:
    for value in [
        "Laptop left on a train",
        "A laptop with the class list was left on the 8:12 to Leeds.",
        "Class list spreadsheet", "Confidentiality", "Availability",
        "2 June 2025, 10:00",  # aware, in UK time (BST)
        "5 June 2025, 10:00",  # the deadline, 72 hours later
        "Basic personal identifiers", "Health data", "Yes: Health data", "Seating plan",
        "About 28", "About 30", "Pupils", "Parents and carers",
        "Likely (3)", "The laptop was not encrypted", "Minimal (1)",
        "Medical notes of pupils", "A risk: tell the ICO",
        "A high risk: tell the ICO and the people affected", "Children with medical needs",
        "Asked the train company to look for it", "Turn on disk encryption",
        "Encrypt every laptop", "Letter home", "No crime suspected", "IC-123456",
        "The DPO was on leave", "Reported through the school",
        # The DPO's contact: the DPO member's name and address (no register settings).
        "Data protection officer Person, dpo@oakfield.example", "Oakfield Primary",
    ]:
        assert value in text, value


def assert_nobody_named(text: str) -> None:
    for name in [REPORTER_NAME, REPORTER_CONTACT, "Siro Decider", "DPO X", "Triage Person",
                 "Staff Person", "IT lead Person", "staff@oakfield.example"]:
        assert name not in text, name


@pytest.fixture
def breach(personas: Personas) -> Incident:
    return full_breach(personas)


def test_html_has_every_section_and_the_record_values(personas, breach) -> None:
    html = ico_report_html(ico_report_data(breach, now=AWARE + timedelta(days=5)))
    for number, title in enumerate(SECTION_TITLES, start=1):
        assert f"{number}. {title}" in html.replace("&#x27;", "'")
    assert BANNER.split(".")[0] in html
    assert_record_values(html.replace("&quot;", '"').replace("&#x27;", "'"))
    assert_nobody_named(html)


def test_the_late_report_is_flagged_with_its_reason(breach) -> None:
    report = ico_report_data(breach, now=AWARE + timedelta(days=5))
    ico = {row.label: row.value for row in report.sections[-1].rows}
    assert ico["Reported after the 72-hour deadline"] == "Yes"
    assert ico["Why the report is late"] == "The DPO was on leave"
    assert ico["Reported to the ICO on"] == "5 June 2025, 18:00"
    about = {row.label: row.value for row in report.sections[0].rows}
    assert about["First report or follow-up"].startswith("Follow-up")


def test_docx_has_every_section_and_the_record_values(breach) -> None:
    text = docx_text(ico_report_docx(ico_report_data(breach)))
    for number, title in enumerate(SECTION_TITLES, start=1):
        assert f"{number}. {title}" in text
    assert "Draft: check before sending." in text
    assert_record_values(text)
    assert_nobody_named(text)


def test_the_register_settings_give_the_controller_and_dpo(personas, breach) -> None:
    AssetSettings.objects.create(school=personas.school, controller_name="Oakfield Governors",
                                 controller_contact="1 School Lane",
                                 dpo_contact="Schools DPO Service, dpo@la.example")
    text = docx_text(ico_report_docx(ico_report_data(breach)))
    assert "Oakfield Governors" in text and "1 School Lane" in text
    assert "Schools DPO Service, dpo@la.example" in text
    assert "dpo@oakfield.example" not in text


def test_a_breach_without_decisions_shows_the_time_left(personas) -> None:
    incident = make_incident(personas.school, personas.staff)
    report = ico_report_data(incident, now=AWARE + timedelta(hours=70))
    ico = {row.label: row.value for row in report.sections[-1].rows}
    assert ico["Decided whether to report to the ICO"] == "Not decided yet"
    assert ico["Time left at the moment of printing"] == "2 hours 0 minutes left"
    html = ico_report_html(report)
    assert "Not recorded yet" in html
    assert "Staff Person" not in html  # who reported it in Schoolkeep is not named


@pytest.mark.parametrize("kind", [Kind.NEAR_MISS, Kind.SECURITY, ""])
def test_only_a_personal_data_breach_has_a_report(personas, kind) -> None:
    incident = make_incident(personas.school, personas.staff, kind=kind)
    with pytest.raises(DomainError) as error:
        ico_report_data(incident)
    assert error.value.field == "kind"


def url(incident: Incident, fmt: str) -> str:
    return reverse("incidents:ico-report", args=[incident.public_id, fmt])


def test_the_dpo_downloads_the_pdf_and_it_is_audited(personas, login, breach) -> None:
    response = login(personas.dpo).get(url(breach, "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="draft-ico-report-BR-' in response["Content-Disposition"]
    event = AuditEvent.objects.get(action="incidents.ico_report.downloaded")
    assert event.actor_id == personas.dpo.pk and event.changes == {"format": "pdf"}
    assert event.target_id == str(breach.public_id)


def test_the_auditor_downloads_the_docx(personas, login, breach) -> None:
    response = login(personas.auditor).get(url(breach, "docx"))
    assert response.status_code == 200
    assert "Laptop left on a train" in docx_text(response.content)
    assert AuditEvent.objects.filter(action="incidents.ico_report.downloaded",
                                     actor_id=personas.auditor.pk).count() == 1


@pytest.mark.parametrize("persona", ["staff", "governor", "business_manager", "outsider"])
def test_others_get_404_even_the_reporter(personas, login, persona) -> None:
    incident = make_incident(personas.school, personas.users[persona]
                             if persona != "outsider" else personas.staff)
    response = login(personas.users[persona]).get(url(incident, "pdf"))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="incidents.ico_report.downloaded").exists()


def test_the_trust_administrator_is_refused(personas, login, breach) -> None:
    assert login(personas.trust_admin).get(url(breach, "pdf")).status_code == 403


def test_a_near_miss_gets_a_clear_404(personas, login) -> None:
    incident = make_incident(personas.school, personas.staff, kind=Kind.NEAR_MISS)
    response = login(personas.siro).get(url(incident, "docx"))
    assert response.status_code == 404
    assert b"only be made for a personal data breach" in response.content
    assert not AuditEvent.objects.filter(action="incidents.ico_report.downloaded").exists()


def test_an_unknown_format_is_404(personas, login, breach) -> None:
    assert login(personas.siro).get(url(breach, "odt")).status_code == 404
