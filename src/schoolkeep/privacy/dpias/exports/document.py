"""One DPIA as a document: its sections in the order of the seven steps of the ICO's DPIA
process and sample template (identify the need, describe the processing, consultation,
necessity and proportionality, the risks, the measures, sign-off and outcomes). Source: ICO,
"How do we do a DPIA?" and its sample DPIA template
(https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/accountability-and-governance/data-protection-impact-assessments-dpias/how-do-we-do-a-dpia/).
The headings and the words are Schoolkeep's own.

The document is filled from the record as it stands; a field left empty reads "Not recorded
yet", so a half-done DPIA prints as one. It names the members who advised and signed off (the
ICO's template asks for their names): it is the school's own record, made while the member
waits and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from schoolkeep.lib.risk import LIKELIHOOD_LABELS, SEVERITY_LABELS, SHORT_LABELS, risk_result
from schoolkeep.privacy.dpias import screening
from schoolkeep.privacy.dpias.description import HEADINGS
from schoolkeep.privacy.dpias.models import Dpia, DpiaRisk, DpiaState
from schoolkeep.privacy.dpias.selectors import ICO_RESPONSE_NOTE, has_high_residual
from schoolkeep.privacy.legacy import LEGACY_NOTE

TITLE = "Data protection impact assessment"
NOT_RECORDED = "Not recorded yet"

# Entries a description may hold besides the headings of ``description.HEADINGS`` (which
# come first, in their order, under their words).
OTHER_LABELS = {"record_types": "Record types (retention schedule)"}


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass
class Section:
    title: str
    intro: str = ""
    rows: list[Row] = field(default_factory=list)

    def add(self, label: str, value: str | None) -> None:
        self.rows.append(Row(label, value.strip() if value and value.strip()
                             else NOT_RECORDED))


@dataclass
class DpiaDocument:
    school_name: str
    subject: str  # "DPIA: CCTV footage"
    prepared_on: date
    sections: list[Section]

    @property
    def title(self) -> str:
        return TITLE

    @property
    def text(self) -> str:
        """Everything the document says, as plain text (tests read it back)."""
        lines = [self.title, self.subject]
        for section in self.sections:
            lines.append(section.title)
            if section.intro:
                lines.append(section.intro)
            lines.extend(f"{row.label}: {row.value}" for row in section.rows)
        return "\n".join(lines)


def uk_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


def _text(value: Any) -> str:
    """A description entry as words: a list joined, a flag as yes or no."""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, (list, tuple)):
        return "\n".join(_text(each) for each in value)
    if isinstance(value, dict):
        return "\n".join(f"{key}: {_text(each)}" for key, each in value.items())
    return "" if value is None else str(value)


LABELS = {**dict(HEADINGS), **OTHER_LABELS}


def _label(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").capitalize()


def _questions() -> dict[str, str]:
    """{question key: its text} from the screening's questions, in their order."""
    return {question.key: question.text for question in screening.QUESTIONS}


def _risk_words(likelihood: int | None, severity: int | None) -> str:
    result = risk_result(likelihood, severity)
    if not result:
        return ""
    return (f"{SHORT_LABELS[result]} ({LIKELIHOOD_LABELS[likelihood or 0]} likelihood x "
            f"{SEVERITY_LABELS[severity or 0]} severity = {(likelihood or 0) * (severity or 0)})")


# The seven steps ----------------------------------------------------------------------------


def _need(dpia: Dpia) -> Section:
    section = Section("Step 1. Why a DPIA is needed",
                      "The screening questions, each answered yes or no, and the decision.")
    answers: dict[str, Any] = dpia.screening or {}
    questions = _questions()
    for key in [*questions, *(k for k in answers if k not in questions)]:
        answer = answers.get(key)
        if not isinstance(answer, dict):
            continue
        note = str(answer.get("note") or "").strip()
        words = yes_no(answer.get("answer"))
        section.add(questions.get(key, _label(key)), f"{words}. {note}" if note else words)
    decision = {True: "A DPIA is required", False: "A DPIA is not required",
                None: ""}[dpia.screening_required]
    section.add("Decision", decision)
    section.add("Reasons", dpia.screening_reasons)
    section.add("Screened on", uk_date(dpia.screened_on))
    section.add("Screened by", dpia.screened_by_label)
    return section


# The lawful basis is part of the necessity and proportionality (Step 4 of the ICO's
# template), and the purposes come last in Step 2 (nature, scope, context, then purposes).
STEP_4_KEYS = ("lawful_basis",)
PURPOSE_KEYS = ("purpose",)


def _description(dpia: Dpia) -> dict[str, Any]:
    return dpia.description if isinstance(dpia.description, dict) else {}


def _processing(dpia: Dpia) -> Section:
    section = Section("Step 2. The processing",
                      "Its nature, scope and context, then its purposes, from the registers "
                      "and notes.")
    description = _description(dpia)
    headings = [key for key, _ in HEADINGS]
    ordered = [key for key in headings if key in description]
    ordered += [key for key in description if key not in headings]
    section.add("Nature, scope and context", dpia.processing_notes)
    for key in ordered:
        if key not in STEP_4_KEYS and key not in PURPOSE_KEYS:
            section.add(_label(key), _text(description[key]))
    for key in PURPOSE_KEYS:
        if key in description:
            section.add(_label(key), _text(description[key]))
    return section


def _consultation(dpia: Dpia) -> Section:
    section = Section("Step 3. Consultation",
                      "The views of the people affected, or why they were not sought.")
    if dpia.consultation_views.strip() or not dpia.consultation_not_sought_reason.strip():
        section.add("Views of the people affected", dpia.consultation_views)
    if dpia.consultation_not_sought_reason.strip():
        section.add("Why their views were not sought", dpia.consultation_not_sought_reason)
    return section


def _necessity(dpia: Dpia) -> Section:
    section = Section("Step 4. Necessity and proportionality")
    description = _description(dpia)
    for key in STEP_4_KEYS:
        if key in description:
            section.add(_label(key), _text(description[key]))
    section.add("Why the processing is necessary and proportionate", dpia.necessity)
    return section


def _risks(risks: list[DpiaRisk]) -> Section:
    section = Section("Step 5. The risks to people",
                      "Each risk scored likelihood x severity, on Schoolkeep's one scale.")
    if not risks:
        section.add("Risks", "")
    for number, risk in enumerate(risks, start=1):
        section.add(f"Risk {number}: {risk.description}",
                    _risk_words(risk.likelihood, risk.severity))
    return section


def _measures(risks: list[DpiaRisk]) -> Section:
    section = Section("Step 6. Measures to reduce the risks",
                      "What is done about each risk, and the risk that remains after it.")
    if not risks:
        section.add("Measures", "")
    for number, risk in enumerate(risks, start=1):
        section.add(f"Risk {number}: measures", risk.measures)
        section.add(f"Risk {number}: residual risk",
                    _risk_words(risk.residual_likelihood, risk.residual_severity))
        section.add(f"Risk {number}: measures approved", yes_no(risk.measures_approved))
    return section


def _sign_off(dpia: Dpia, risks: list[DpiaRisk]) -> Section:
    section = Section("Step 7. Sign-off and outcomes")
    section.add("The DPO's advice", dpia.dpo_advice)
    section.add("Advice given on", uk_date(dpia.dpo_advice_on))
    section.add("Advice given by", dpia.dpo_advice_by_label)
    section.add("Advice followed", yes_no(dpia.dpo_advice_followed))
    if dpia.dpo_advice_followed is False:
        section.add("Why the advice was not followed", dpia.dpo_advice_not_followed_reason)
    if has_high_residual(risks) or dpia.ico_consulted_on:
        section.add("Prior consultation with the ICO",
                    "Required: a high residual risk remains. " + ICO_RESPONSE_NOTE
                    if has_high_residual(risks) else "Recorded")
        section.add("ICO consulted on", uk_date(dpia.ico_consulted_on))
        section.add("ICO reference", dpia.ico_reference)
        section.add("ICO responded on", uk_date(dpia.ico_response_on))
        section.add("The ICO's response", dpia.ico_response)
    else:
        section.add("Prior consultation with the ICO", "Not required: no high residual risk")
    section.add("Signed off by the SIRO on", uk_date(dpia.signed_off_on))
    section.add("Signed off by", dpia.signed_off_by_label)
    siro = _by_the_siro(dpia)
    section.add("Measures approved by", siro)
    section.add("Residual risks approved by", siro)
    section.add("Consultation responses reviewed by", _consultation_reviewer(dpia, siro))
    section.add("Kept under review by", _kept_under_review(dpia))
    section.add("Next review", uk_date(dpia.review_on))
    return section


def _by_the_siro(dpia: Dpia) -> str:
    """Schoolkeep's sign-off is the SIRO accepting the measures and the risks that remain."""
    if not dpia.signed_off_on:
        return ""
    name = dpia.signed_off_by_label or "the SIRO"
    return f"{name} (SIRO), at the sign-off on {uk_date(dpia.signed_off_on)}"


def _consultation_reviewer(dpia: Dpia, siro: str) -> str:
    if not dpia.consultation_views.strip():
        return ("None were sought" if dpia.consultation_not_sought_reason.strip() else "")
    return siro


def _kept_under_review(dpia: Dpia) -> str:
    """The DPO keeps it under review (the review duty is theirs) from its review date."""
    if not dpia.review_on:
        return ""
    return f"The DPO, next on {uk_date(dpia.review_on)}"


def dpia_document(dpia: Dpia, *, today: date | datetime) -> DpiaDocument:
    """The document of ``dpia`` (its risks read in one query)."""
    risks = list(dpia.risks.all())
    about = Section("About this DPIA")
    about.add("School", dpia.school.name)
    about.add("What it assesses", str(dpia).removeprefix("DPIA: "))
    about.add("State", str(DpiaState(dpia.state).label) if dpia.state in DpiaState.values
              else dpia.state)
    if dpia.legacy:
        about.add("Where it comes from", LEGACY_NOTE)
    day = today.date() if isinstance(today, datetime) else today
    about.add("Printed on", uk_date(day))
    sections = [about, _need(dpia), _processing(dpia), _consultation(dpia), _necessity(dpia),
                _risks(risks), _measures(risks), _sign_off(dpia, risks)]
    return DpiaDocument(school_name=dpia.school.name, subject=str(dpia), prepared_on=day,
                        sections=sections)
