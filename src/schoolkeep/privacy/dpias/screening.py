"""The DPIA screening: short yes/no questions from the published criteria, and the decision.

A DPIA is required when (UK GDPR Article 35):
- any case of Article 35(3) applies;
- any type of processing on the ICO's list of processing likely to result in high risk
  applies, with that list's own condition: innovative technology, biometric data, genetic
  data, invisible processing and tracking count only together with another of the nine
  criteria below, not the one the type itself is (biometric and genetic data are
  sensitive data; tracking is systematic monitoring). Data matching counts on its own: the
  ICO's list gives it no such condition;
- two or more of the nine criteria of the European guidelines (WP248rev01, endorsed by the
  EDPB and kept by the ICO) apply. Children's data is one criterion, so it alone does not
  require a DPIA.
The questions are in our own words; ``source`` says where each comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ART35_3 = "art35_3"
ICO_LIST = "ico_list"
EDPB = "edpb"

GROUP_TITLES = {
    ART35_3: "The cases the law names (UK GDPR Article 35(3))",
    ICO_LIST: "The ICO's list of processing likely to result in high risk",
    EDPB: "The nine criteria of the European guidelines (two or more require a DPIA)",
}
GROUP_RULES = {
    ART35_3: "Any yes means a DPIA is required.",
    ICO_LIST: "Any yes means a DPIA is required (where a question says so, only together "
              "with one of the nine criteria below).",
    EDPB: "Two or more yes answers mean a DPIA is required. Children's data counts as one, "
          "so on its own it does not.",
}

_ART35 = "UK GDPR Article 35(3)({}); ICO guidance 'When do we need to do a DPIA?'"
_ICO = ("ICO, 'Examples of processing likely to result in high risk' "
        "(https://ico.org.uk/for-organisations/uk-gdpr-guidance-and-resources/"
        "accountability-and-governance/data-protection-impact-assessments-dpias/"
        "examples-of-processing-likely-to-result-in-high-risk/): {}")
_EDPB = ("Article 29 Working Party, Guidelines on DPIA (WP248rev01), endorsed by the EDPB; "
         "criterion {}")


@dataclass(frozen=True)
class Question:
    key: str
    group: str
    text: str
    source: str
    # An ICO list type that counts only together with one of the nine criteria (other
    # than the same idea asked among them, ``same_as``).
    needs_criterion: bool = False
    same_as: str = ""


QUESTIONS: list[Question] = [
    Question("art35_profiling_decisions", ART35_3,
             "Will a computer evaluate people systematically and extensively (profiling them, "
             "for example) and will decisions with legal or similarly significant effects on "
             "them be based on that?", _ART35.format("a")),
    Question("art35_large_scale_special", ART35_3,
             "Will special category data (health, ethnicity, religion, biometrics...) or "
             "criminal offence data be processed on a large scale?", _ART35.format("b")),
    Question("art35_public_monitoring", ART35_3,
             "Will a publicly accessible area be monitored systematically on a large scale "
             "(CCTV covering a public street, for example)?", _ART35.format("c")),
    Question("ico_innovative", ICO_LIST,
             "Innovative technology: new technology, or a new use of existing technology "
             "(artificial intelligence, smart or wearable devices). Counts when one of the "
             "nine criteria below also applies.", _ICO.format("innovative technology"),
             needs_criterion=True, same_as="edpb_innovative"),
    Question("ico_denial_of_service", ICO_LIST,
             "Denial of service: will a decision about whether someone gets a service, "
             "opportunity or benefit rest to any extent on automated decision-making "
             "(including profiling) or on special category data?",
             _ICO.format("denial of service")),
    Question("ico_large_scale_profiling", ICO_LIST,
             "Large-scale profiling: will people be profiled on a large scale?",
             _ICO.format("large-scale profiling")),
    Question("ico_biometric", ICO_LIST,
             "Biometric data: will biometric data (fingerprints for cashless catering, face "
             "recognition) be used to identify someone uniquely? Counts when one of the nine "
             "criteria below also applies (other than sensitive data, which biometric data "
             "already is).", _ICO.format("biometric data"),
             needs_criterion=True, same_as="edpb_sensitive"),
    Question("ico_genetic", ICO_LIST,
             "Genetic data: will genetic data be processed, other than by a GP or health "
             "professional to provide care to the person? Counts when one of the nine "
             "criteria below also applies (other than sensitive data, which genetic data "
             "already is).", _ICO.format("genetic data"),
             needs_criterion=True, same_as="edpb_sensitive"),
    Question("ico_data_matching", ICO_LIST,
             "Data matching: will personal data from several sources be combined, compared "
             "or matched?", _ICO.format("data matching")),
    Question("ico_invisible", ICO_LIST,
             "Invisible processing: will data be obtained from someone other than the person, "
             "where telling them would be impossible or take disproportionate effort "
             "(Article 14(5)(b))? Counts when one of the nine criteria below also applies.",
             _ICO.format("invisible processing"), needs_criterion=True),
    Question("ico_tracking", ICO_LIST,
             "Tracking: will someone's location or behaviour be tracked, online or off "
             "(web filtering and monitoring of pupils' devices, for example)? Counts when one "
             "of the nine criteria below also applies (other than systematic monitoring, "
             "which tracking already is).",
             _ICO.format("tracking"), needs_criterion=True, same_as="edpb_monitoring"),
    Question("ico_targeting_children", ICO_LIST,
             "Targeting children or vulnerable people: will their data be used for "
             "marketing, profiling or other automated decisions, or will an online service "
             "be offered directly to children?",
             _ICO.format("targeting of children or other vulnerable individuals")),
    Question("ico_physical_harm", ICO_LIST,
             "Risk of physical harm: could a breach of this data put someone's physical "
             "health or safety at risk (child protection records, a pupil's address kept "
             "from a parent)?", _ICO.format("risk of physical harm")),
    Question("edpb_evaluation", EDPB,
             "Evaluation or scoring: are people evaluated, scored or predicted (their "
             "performance, health, behaviour)?", _EDPB.format("1")),
    Question("edpb_automated_decisions", EDPB,
             "Automated decisions with legal or similarly significant effect on people?",
             _EDPB.format("2")),
    Question("edpb_monitoring", EDPB,
             "Systematic monitoring: are people observed or monitored systematically (CCTV, "
             "network monitoring)?", _EDPB.format("3")),
    Question("edpb_sensitive", EDPB,
             "Sensitive or highly personal data: special category data, criminal offence "
             "data, or data of a highly personal kind (safeguarding concerns, SEN)?",
             _EDPB.format("4")),
    Question("edpb_large_scale", EDPB,
             "Large scale: many people, much data, a long time or a wide area?",
             _EDPB.format("5")),
    Question("edpb_matching", EDPB,
             "Matching or combining data sets gathered for different purposes?",
             _EDPB.format("6")),
    Question("edpb_vulnerable", EDPB,
             "Vulnerable people: children (pupils), employees, or others who cannot easily "
             "object?", _EDPB.format("7")),
    Question("edpb_innovative", EDPB,
             "Innovative use of technology or new organisational solutions?",
             _EDPB.format("8")),
    Question("edpb_prevents_rights", EDPB,
             "Does the processing itself stop people exercising a right or using a service "
             "or contract?", _EDPB.format("9")),
]

BY_KEY = {question.key: question for question in QUESTIONS}
# The headline of each question in a reason ("Tracking", "Criterion 3: systematic monitoring").
_SHORT = {
    "art35_profiling_decisions": "Article 35(3)(a): systematic profiling with significant "
                                 "decisions",
    "art35_large_scale_special": "Article 35(3)(b): special category or criminal offence "
                                 "data on a large scale",
    "art35_public_monitoring": "Article 35(3)(c): large-scale monitoring of a public area",
    "ico_innovative": "ICO list: innovative technology",
    "ico_denial_of_service": "ICO list: denial of service",
    "ico_large_scale_profiling": "ICO list: large-scale profiling",
    "ico_biometric": "ICO list: biometric data",
    "ico_genetic": "ICO list: genetic data",
    "ico_data_matching": "ICO list: data matching",
    "ico_invisible": "ICO list: invisible processing",
    "ico_tracking": "ICO list: tracking",
    "ico_targeting_children": "ICO list: targeting children or vulnerable people",
    "ico_physical_harm": "ICO list: risk of physical harm",
    "edpb_evaluation": "evaluation or scoring",
    "edpb_automated_decisions": "automated decisions with significant effect",
    "edpb_monitoring": "systematic monitoring",
    "edpb_sensitive": "sensitive or highly personal data",
    "edpb_large_scale": "large scale",
    "edpb_matching": "matching or combining data sets",
    "edpb_vulnerable": "vulnerable people (children count here)",
    "edpb_innovative": "innovative technology",
    "edpb_prevents_rights": "prevents people exercising a right",
}


@dataclass(frozen=True)
class Decision:
    required: bool
    reasons: list[str] = field(default_factory=list)


def short_label(key: str) -> str:
    return _SHORT[key]


def decide(answers: dict[str, bool]) -> Decision:
    """Whether a DPIA is required, and why (or why not), from yes/no answers by key.
    Unanswered questions count as no."""
    yes = {key for key, answer in answers.items() if answer and key in BY_KEY}
    criteria = [q.key for q in QUESTIONS if q.group == EDPB and q.key in yes]
    reasons: list[str] = []
    required = False
    for question in QUESTIONS:
        if question.key not in yes or question.group == EDPB:
            continue
        if question.needs_criterion:
            others = [key for key in criteria if key != question.same_as]
            if not others:
                reasons.append(f"{_SHORT[question.key]} applies, but with no other of the nine "
                               "criteria, so it does not require a DPIA on its own.")
                continue
            reasons.append(f"{_SHORT[question.key]}, together with the criterion "
                           f"\"{_SHORT[others[0]]}\".")
        else:
            reasons.append(f"{_SHORT[question.key]}.")
        required = True
    names = ", ".join(_SHORT[key] for key in criteria)
    if len(criteria) >= 2:
        reasons.append(f"{len(criteria)} of the nine criteria apply: {names}.")
    elif len(criteria) == 1:
        reasons.append(f"Only one of the nine criteria applies ({names}); two are needed.")
    required = required or len(criteria) >= 2
    if not required and not reasons:
        reasons.append("None of the criteria applies.")
    return Decision(required=required, reasons=reasons)
