"""The exemptions (and the EIR's exceptions) as the exports show them: in plain words, with
the law they come from, and which of them must never be shown against one request.

- ``CONCEALED``: safeguarding (child abuse data), serious harm and crime. Telling a requester
  that information is withheld under one of these can defeat its purpose: it can tell an
  abusive parent that a child-protection record exists, or tell a suspect that the police
  asked about them. The response letter leaves these items out (with a note to the DPO) and
  the request log never names them against a request.
- ``FOI_CODES`` and ``EIR_CODES``: a letter under one law never cites the other's sections
  or regulations.
- ``FOI_QUALIFIED``: the Act's exemptions that apply only when the public interest in
  withholding outweighs the public interest in sharing (section 2); the refusal notice must
  give the reasons (section 17(3)).
- ``EIR_PUBLIC_INTEREST``: the exceptions of regulation 12(4) and 12(5), each subject to the
  public interest test of regulation 12(1)(b) with the presumption in favour of disclosure
  of regulation 12(2). Regulation 13 (personal data) has its own conditions instead.

The wording is Schoolkeep's own.
"""

from __future__ import annotations

from schoolkeep.inforequests.models import Exemption, Kind

CONCEALED = frozenset({Exemption.SAFEGUARDING, Exemption.SERIOUS_HARM, Exemption.CRIME})

FOI_CODES = frozenset(code for code in Exemption if code.value.startswith("foi_"))
EIR_CODES = frozenset(code for code in Exemption if code.value.startswith("eir_"))

FOI_QUALIFIED = frozenset({Exemption.FOI_S22, Exemption.FOI_S31, Exemption.FOI_S36,
                           Exemption.FOI_S38, Exemption.FOI_S42, Exemption.FOI_S43})
EIR_PUBLIC_INTEREST = EIR_CODES - {Exemption.EIR_13}

# A marked line the DPO must replace before sending (the letter is a draft for the DPO).
DPO_OTHER = ("[For the DPO: name the exemption that applies and say in plain words why it "
             "applies]")
DPO_S21 = ("[For the DPO: say where the information can be found, such as the web page or "
           "the publication]")

# What each exemption means, in words a requester can follow, without the law's citation
# (``citation`` adds it where the letter's law is the exemption's).
EXEMPTION_WORDS: dict[str, str] = {
    Exemption.THIRD_PARTY: "it is about other people, and it would not be fair to them to "
                           "share it without their agreement",
    Exemption.SERIOUS_HARM: "a health, social work or education professional judged that "
                            "sharing it would be likely to cause serious harm to someone's "
                            "physical or mental health",
    Exemption.SAFEGUARDING: "it is information about keeping a child safe, and sharing it "
                            "would not be in the child's best interests",
    Exemption.LEGAL_PRIVILEGE: "it is confidential legal advice, or was prepared for legal "
                               "proceedings",
    Exemption.REFERENCES: "it is a reference given in confidence",
    Exemption.CRIME: "sharing it would be likely to harm the prevention or detection of "
                     "crime",
    Exemption.MANAGEMENT: "it is a management forecast or plan, and sharing it would be "
                          "likely to harm the school's work",
    Exemption.NEGOTIATIONS: "it records the school's intentions in negotiations with you, "
                            "and sharing it would be likely to harm those negotiations",
    Exemption.EXAM_SCRIPTS: "it is what was written in an exam, which the law does not "
                            "require us to share (the marks and examiners' comments are "
                            "shared)",
    Exemption.EXAM_MARKS: "the exam results have not been published yet; you will receive "
                          "the marks within the time the law allows after they are",
    Exemption.SELF_INCRIMINATION: "sharing it could reveal evidence that someone has "
                                  "committed an offence",
    Exemption.FOI_S21: f"you can already get it another way: {DPO_S21}",
    Exemption.FOI_S22: "we intend to publish it, and it is reasonable for you to wait until "
                       "we do",
    Exemption.FOI_S31: "sharing it would be likely to harm law enforcement",
    Exemption.FOI_S36: "sharing it would be likely to harm the free and frank giving of "
                       "advice or the school's running of its affairs",
    Exemption.FOI_S38: "sharing it would be likely to put someone's physical or mental "
                       "health, or safety, at risk",
    Exemption.FOI_S40: "it is personal information about someone, and sharing it would break "
                       "data protection law",
    Exemption.FOI_S41: "it was given to us in confidence, and sharing it would be a breach "
                       "of that confidence",
    Exemption.FOI_S42: "it is confidential legal advice, or was prepared for legal "
                       "proceedings",
    Exemption.FOI_S43: "sharing it would be likely to harm someone's commercial interests",
    Exemption.FOI_S44: "another law forbids us to share it",
    Exemption.EIR_12_4_B: "the request is manifestly unreasonable: answering it would take "
                          "too much time or cost too much, or it is vexatious",
    Exemption.EIR_12_4_C: "the request is too general for us to find the information, and "
                          "we offered to help you make it more precise",
    Exemption.EIR_12_4_D: "it is unfinished: material still being completed, or documents "
                          "or data not yet finished",
    Exemption.EIR_12_4_E: "it is a communication inside the school",
    Exemption.EIR_12_5_B: "sharing it would harm the course of justice, someone's right to "
                          "a fair trial, or an investigation of a criminal or disciplinary "
                          "matter",
    Exemption.EIR_12_5_E: "it is commercial information kept confidential by law to protect "
                          "someone's legitimate economic interest, and sharing it would harm "
                          "that confidentiality",
    Exemption.EIR_12_5_F: "it was given to us by someone who did not have to give it and "
                          "has not agreed to its release, and sharing it would harm them",
    Exemption.EIR_13: "it is personal information about someone, and sharing it would break "
                      "data protection law",
    Exemption.OTHER: DPO_OTHER,
}
NO_REASON = "an exemption applies"

FOI_ACT = "the Freedom of Information Act 2000"
EIR_REGULATIONS = "the Environmental Information Regulations 2004"


def words(code: str) -> str:
    return EXEMPTION_WORDS.get(code, NO_REASON)


def short_name(code: str) -> str:
    """"commercial interests" from "FOI section 43: commercial interests"."""
    label = str(Exemption(code).label) if code in Exemption.values else code
    return label.split(": ", 1)[-1]


def citation(code: str) -> str:
    """"section 43" for an FOI exemption, "regulation 12(5)(e)" for an EIR exception, ""
    for the others."""
    if code in FOI_CODES:
        return "section " + code.removeprefix("foi_s")
    if code in EIR_CODES:
        number, *parts = code.removeprefix("eir_").split("_")
        return "regulation " + number + "".join(f"({part})" for part in parts)
    return ""


def own_codes(kind: str) -> frozenset[str]:
    """The codes a letter of this kind may cite: the Act's for FOI, the Regulations' for
    EIR, none for the others (data protection exemptions carry no citation)."""
    if kind == Kind.FOI:
        return frozenset(FOI_CODES)
    if kind == Kind.EIR:
        return frozenset(EIR_CODES)
    return frozenset()
