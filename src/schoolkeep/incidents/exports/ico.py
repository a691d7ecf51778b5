"""The draft report of a personal data breach to the ICO, as PDF and as Word (DOCX).

It follows the order of the questions on the ICO's breach report form: who the controller is,
what happened and when, the data and the people involved, the likely consequences, what was
done, who was told, and whether the report is late. It is filled from the record (narrative
fields decrypted) and never names anyone but the school's DPO: not the person who reported
it, not who decided or owns an action. It is a draft for the DPO to check and send.

Made while the member waits: it is one record of a few pages (the actions listed are capped),
so a background job would only add a step. Every download is audited.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from docx import Document
from docx.shared import Pt, RGBColor

from schoolkeep.assets.selectors import asset_settings_or_default
from schoolkeep.audit.services import audit_record
from schoolkeep.incidents.clock import effective_risk, ico_deadline, risk_result, time_left
from schoolkeep.incidents.exports.formats import DOCX_TYPE, PDF_TYPE, london_text, yes_no
from schoolkeep.incidents.models import (
    SPECIAL_CATEGORIES,
    Action,
    Channel,
    DataCategory,
    Decision,
    Incident,
    Kind,
    PeopleCategory,
    RiskResult,
)
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import MembershipRole
from schoolkeep.tenancy.roles import Role

PDF = "pdf"
DOCX = "docx"
FORMATS = {PDF: PDF_TYPE, DOCX: DOCX_TYPE}
TITLE = "Draft report of a personal data breach to the ICO"
BANNER = ("Draft: check before sending. Schoolkeep filled this in from the breach record. "
          "Read every answer, remove the name of anyone affected if one was typed into the "
          "record, then copy the answers into the ICO's breach report form.")
NOT_RECORDED = "Not recorded yet"
# The report stays a few pages long: beyond this, actions are counted, not listed.
ACTIONS_SHOWN = 30

LIKELIHOOD = {1: "Remote (1)", 2: "Possible (2)", 3: "Likely (3)"}
SEVERITY = {1: "Minimal (1)", 2: "Significant (2)", 3: "Severe (3)"}
HOW_FOUND: dict[str, str] = {
    Channel.APP: "Reported by a member of the school in Schoolkeep",
    Channel.PUBLIC: "Reported through the school's \"report a concern\" page",
    Channel.API: "Reported through another system (Schoolkeep's API)",
}
OTHERS = [Decision.Kind.POLICE, Decision.Kind.LOCAL_AUTHORITY, Decision.Kind.INSURER,
          Decision.Kind.RPA]


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)

    def add(self, label: str, value: str | None) -> None:
        self.rows.append(Row(label, value if value else NOT_RECORDED))


@dataclass
class IcoReport:
    school_name: str
    reference: str
    prepared_at: datetime
    sections: list[Section]

    @property
    def title(self) -> str:
        return TITLE


# Filling in the sections ---------------------------------------------------------------------

def _labels(values: list[str], choices: Any) -> list[str]:
    labels = dict(choices.choices)
    return [str(labels.get(value, value)) for value in values]


def _dpo_contact(incident: Incident) -> tuple[str, str, str]:
    """(controller, controller's contact, DPO's contact): the register's settings when they
    are filled in, else the school's name and its DPO members' names and e-mail addresses."""
    settings = asset_settings_or_default(incident.school)
    dpos = MembershipRole.objects.filter(
        membership__school=incident.school, membership__is_active=True,
        membership__user__is_active=True, role=Role.DPO,
    ).select_related("membership__user").order_by("membership__user__full_name")
    members = "\n".join(f"{role.membership.user.full_name}, {role.membership.user.email}"
                        for role in dpos)
    return (settings.controller_name or incident.school.name, settings.controller_contact,
            settings.dpo_contact or members)


def _what_was_affected(incident: Incident) -> str:
    parts = [text for flag, text in (
        (incident.breach_confidentiality,
         "Confidentiality: personal data was disclosed or seen without authority"),
        (incident.breach_integrity, "Integrity: personal data was altered without authority"),
        (incident.breach_availability,
         "Availability: personal data was lost or could not be reached"),
    ) if flag]
    return "\n".join(parts)


def _action_line(action: Action) -> str:
    text = action.description.strip()
    if not text.endswith((".", "!", "?")):
        text += "."
    if action.due_on:
        text += f" Due {action.due_on.day} {action.due_on:%B %Y}."
    if action.state == Action.State.DONE:
        text += f" Done{' on ' + london_text(action.done_at) if action.done_at else ''}."
    elif action.state == Action.State.DROPPED:
        text += f" Dropped: {action.drop_reason}"
    else:
        text += " Still to do."
    return text


def _actions(actions: list[Action], kind: str) -> str:
    chosen = [a for a in actions if a.kind == kind]
    lines = [f"{number}. {_action_line(a)}" for number, a in enumerate(chosen[:ACTIONS_SHOWN], 1)]
    if len(chosen) > ACTIONS_SHOWN:
        lines.append(f"And {len(chosen) - ACTIONS_SHOWN} more, recorded in Schoolkeep.")
    return "\n".join(lines)


def _decision_rows(section: Section, decision: Decision | None, *, who: str) -> None:
    if decision is None:
        section.add(f"Decided whether to tell {who}", "Not decided yet")
        return
    section.add(f"Decided to tell {who}", yes_no(decision.tell))
    section.add("Decided on", london_text(decision.decided_at))
    section.add("Why", decision.reason)
    if decision.tell:
        section.add("Told on", london_text(decision.told_at) or "Not told yet")
        if decision.method:
            section.add("How", decision.method)


def _ico_section(incident: Incident, ico: Decision | None, now: datetime) -> Section:
    deadline = ico_deadline(incident.aware_at)
    section = Section("Reporting to the ICO, and timing")
    section.add("Deadline for reporting (72 hours after the school became aware)",
                london_text(deadline) + " (UK time)")
    if ico is None:
        section.add("Decided whether to report to the ICO", "Not decided yet")
        section.add("Time left at the moment of printing",
                    time_left(incident.aware_at, now).words())
        return section
    section.add("Decided to report to the ICO", yes_no(ico.tell))
    section.add("Decided on", london_text(ico.decided_at))
    section.add("Why", ico.reason)
    if ico.tell:
        reported = ico.told_at
        section.add("Reported to the ICO on", london_text(reported) or "Not reported yet")
        if ico.ico_reference:
            section.add("ICO case reference", ico.ico_reference)
        late = (reported or now) > deadline
        section.add("Reported after the 72-hour deadline", yes_no(late))
        if late:
            section.add("Why the report is late", ico.late_reason)
    return section


def ico_report_data(incident: Incident, *, now: datetime | None = None) -> IcoReport:
    """The report's sections, filled from the record. Raises DomainError for a record that
    is not (or not yet) triaged as a personal data breach."""
    if incident.kind != Kind.BREACH:
        raise DomainError("A draft ICO report can only be made for a personal data breach. "
                          "Triage the report as a personal data breach first.", field="kind")
    now = now or timezone.now()
    decisions = {d.kind: d for d in incident.decisions.all()}
    actions = list(incident.actions.all())
    controller, controller_contact, dpo_contact = _dpo_contact(incident)
    categories = list(incident.data_categories or [])
    special = [c for c in categories if c in SPECIAL_CATEGORIES]
    ico = decisions.get(Decision.Kind.ICO)

    about = Section("About this report")
    about.add("School's reference", incident.reference)
    about.add("Prepared on", london_text(now) + " (UK time)")
    about.add("First report or follow-up",
              f"Follow-up to the report made on {london_text(ico.told_at)}"
              if ico is not None and ico.tell and ico.told_at else "First report")

    school = Section("About the school (the controller)")
    school.add("Controller", controller)
    school.add("Controller's contact details", controller_contact)
    school.add("Data protection officer's contact details", dpo_contact)

    breach = Section("About the breach")
    breach.add("Short description", incident.title)
    breach.add("What happened", incident.description)
    breach.add("Data or systems involved, as first reported", incident.data_involved)
    breach.add("Information assets affected", "\n".join(a.name for a in incident.assets.all()))
    breach.add("Systems affected", "\n".join(s.name for s in incident.systems.all()))
    breach.add("How the data was affected", _what_was_affected(incident))
    breach.add("Was it a cyber incident?", yes_no(incident.is_cyber))

    timing = Section("When it happened and when the school found out")
    timing.add("When the breach happened", london_text(incident.occurred_at))
    timing.add("When it was discovered", london_text(incident.discovered_at))
    timing.add("When the school received the report", london_text(incident.received_at))
    timing.add("When the school became aware of the breach", london_text(incident.aware_at))
    timing.add("How the school found out", HOW_FOUND.get(incident.channel, incident.channel))

    data = Section("The personal data involved")
    data.add("Categories of personal data", "\n".join(_labels(categories, DataCategory)))
    data.add("Special category data (Article 9) involved",
             "Yes: " + ", ".join(_labels(special, DataCategory)) if special else "No")
    data.add("Criminal convictions or offences (Article 10) involved",
             yes_no(DataCategory.CRIMINAL in categories, unknown=""))
    if incident.data_categories_other:
        data.add("Other personal data", incident.data_categories_other)
    data.add("About how many records", _number(incident.records_affected))

    people = Section("The people affected")
    people.add("Categories of people",
               "\n".join(_labels(list(incident.people_categories or []), PeopleCategory)))
    people.add("About how many people", _number(incident.people_affected))
    people.add("Children or vulnerable adults are affected",
               yes_no(incident.children_or_vulnerable))

    risk = Section("Likely consequences and the risk to people")
    risk.add("Likelihood of harm", LIKELIHOOD.get(incident.likelihood or 0, ""))
    risk.add("Why that likelihood", incident.likelihood_rationale)
    risk.add("Severity of harm", SEVERITY.get(incident.severity or 0, ""))
    risk.add("Why that severity", incident.severity_rationale)
    assessed = risk_result(incident.likelihood, incident.severity)
    risk.add("Result of the assessment", _risk_label(assessed))
    if incident.risk_override:
        risk.add("Result changed by the data protection officer to",
                 _risk_label(incident.risk_override))
        risk.add("Why it was changed", incident.risk_override_reason)
    risk.add("Result the school acts on", _risk_label(effective_risk(incident)))

    containment = Section("What the school did to contain the breach")
    containment.add("Containment actions", _actions(actions, Action.Kind.CONTAINMENT))
    remedial = Section("What the school is doing to stop it happening again")
    remedial.add("Remedial actions", _actions(actions, Action.Kind.REMEDIAL))
    remedial.add("Lessons learned", incident.lessons_learned)

    told = Section("Telling the people affected")
    _decision_rows(told, decisions.get(Decision.Kind.PEOPLE), who="the people affected")

    others = Section("Telling other organisations")
    for kind in OTHERS:
        decision = decisions.get(kind)
        name = str(kind.label).removeprefix("Tell ")
        if decision is None:
            others.add(name[0].upper() + name[1:], "Not decided yet")
        else:
            told_on = f", told on {london_text(decision.told_at)}" if decision.told_at else ""
            others.add(name[0].upper() + name[1:],
                       f"{'Told' if decision.tell else 'Not told'}{told_on}. {decision.reason}")

    sections = [about, school, breach, timing, data, people, risk, containment, remedial,
                told, others, _ico_section(incident, ico, now)]
    return IcoReport(school_name=incident.school.name, reference=incident.reference,
                     prepared_at=now, sections=sections)


def _number(value: int | None) -> str:
    return f"About {value:,}" if value is not None else ""


def _risk_label(value: str) -> str:
    return str(dict(RiskResult.choices).get(value, "")) if value else ""


# The files -----------------------------------------------------------------------------------

def ico_report_html(report: IcoReport) -> str:
    return render_to_string("incidents/pdf/ico_report.html",
                            {"report": report, "banner": BANNER})


def ico_report_pdf(report: IcoReport) -> bytes:
    return pdf_from_html(ico_report_html(report),
                         render_to_string("incidents/pdf/ico_report.css"))


# Characters XML (and so DOCX) cannot hold: dropped from what is written.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def ico_report_docx(report: IcoReport) -> bytes:
    document = Document()
    document.core_properties.title = f"{TITLE}, {report.reference}"
    document.core_properties.author = "Schoolkeep"
    document.styles["Normal"].font.size = Pt(10)
    document.add_heading(TITLE, level=1)
    document.add_paragraph(f"{_xml(report.school_name)}, {report.reference}")
    banner = document.add_paragraph().add_run(BANNER)
    banner.bold = True
    banner.font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)
    for number, section in enumerate(report.sections, start=1):
        document.add_heading(f"{number}. {section.title}", level=2)
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for row in section.rows:
            cells = table.add_row().cells
            cells[0].paragraphs[0].add_run(row.label).bold = True
            cells[1].text = _xml(row.value)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def ico_report_download(*, incident: Incident, actor: Any, fmt: str) -> tuple[bytes, str, str]:
    """The report as a file: (content, content type, file name). Audited: who downloaded
    which breach's report, in which format."""
    if fmt not in FORMATS:
        raise DomainError("Choose PDF or Word.", field="format")
    require_permission(school=incident.school, actor=actor, permission="incidents.view",
                       message="You may not see this incident.")
    report = ico_report_data(incident)
    content = ico_report_pdf(report) if fmt == PDF else ico_report_docx(report)
    with transaction.atomic():
        audit_record(action="incidents.ico_report.downloaded", school=incident.school,
                     actor=actor, target=incident, target_label=incident.reference,
                     changes={"format": fmt})
    filename = f"draft-ico-report-{incident.reference}.{fmt}"
    return content, FORMATS[fmt], filename
