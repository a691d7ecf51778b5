"""The response letter, as Word (DOCX), written from the request's record for the DPO to
check, sign and send: addressed to the requester, it gives the reference and what was
asked, where the school searched (the search tasks and their state), what is enclosed (the
schedule's items disclosed, with or without redactions), what was withheld and why (each
exemption in plain words), and the right to complain to the ICO.

For subject access it adds the supplementary information of Article 15 of UK GDPR, drawn
from the information assets in which something was found (why the school holds it, what it
holds, who receives it, transfers outside the UK, how long it is kept) and the requester's
other rights. For freedom of information and environmental information, when something is
withheld or the request is refused, it carries what a refusal notice must: the exemption
(or exception) and why it applies, the internal review, and the ICO.

It holds names (the requester's, the subject's) because it is the letter to the requester:
it is made while the DPO waits (a few pages of one record), never stored, and every
download is audited by reference only. The wording is Schoolkeep's own.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from schoolkeep.assets.models import Asset, LawfulBasis
from schoolkeep.assets.selectors import asset_settings_or_default
from schoolkeep.audit.services import audit_record
from schoolkeep.inforequests.exports.log import extra_time
from schoolkeep.inforequests.models import (
    PERSONAL_KINDS,
    PUBLIC_INFORMATION_KINDS,
    REFUSALS,
    Exemption,
    Kind,
    Outcome,
    Request,
    RequesterType,
    ScheduleItem,
    SearchTask,
    Status,
)
from schoolkeep.inforequests.searches.selectors import items_of, tasks_query
from schoolkeep.lib.downloads import DOCX as DOCX_TYPE
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.tenancy.guards import require_permission

ICO_NAME = "Information Commissioner's Office"
ICO_ADDRESS = "Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF"
ICO_WEBSITE = "https://ico.org.uk/make-a-complaint/"
ICO_HELPLINE = "0303 123 1113"
REVIEW_WORKING_DAYS = 40

# What each exemption means, in words a requester can follow (Schoolkeep's own wording).
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
    Exemption.FOI_S21: "you can already get it another way (section 21), as we explain",
    Exemption.FOI_S22: "we intend to publish it, and it is reasonable for you to wait until "
                       "we do (section 22)",
    Exemption.FOI_S31: "sharing it would be likely to harm law enforcement (section 31)",
    Exemption.FOI_S36: "sharing it would be likely to harm the free and frank giving of "
                       "advice or the school's running of its affairs (section 36)",
    Exemption.FOI_S38: "sharing it would be likely to put someone's physical or mental "
                       "health, or safety, at risk (section 38)",
    Exemption.FOI_S40: "it is personal information about someone, and sharing it would break "
                       "data protection law (section 40)",
    Exemption.FOI_S41: "it was given to us in confidence, and sharing it would be a breach "
                       "of that confidence (section 41)",
    Exemption.FOI_S43: "sharing it would be likely to harm someone's commercial interests "
                       "(section 43)",
    Exemption.OTHER: "another exemption applies, as our reasons below explain",
}
# Exemptions of the Freedom of Information Act that apply only when the public interest in
# withholding outweighs the interest in disclosure.
QUALIFIED = frozenset({Exemption.FOI_S22, Exemption.FOI_S31, Exemption.FOI_S36,
                       Exemption.FOI_S38, Exemption.FOI_S43})
NO_REASON = "an exemption applies"

WHAT_WAS_ASKED: dict[str, str] = {
    Kind.SUBJECT_ACCESS: "a copy of personal information we hold",
    Kind.RECTIFICATION: "personal information we hold to be corrected",
    Kind.ERASURE: "personal information we hold to be deleted",
    Kind.RESTRICTION: "us to restrict how we use personal information",
    Kind.OBJECTION: "us to stop using personal information in a particular way",
    Kind.PORTABILITY: "personal information in a form you can pass to someone else",
    Kind.FOI: "information under the Freedom of Information Act 2000",
    Kind.EIR: "environmental information under the Environmental Information Regulations "
              "2004",
    Kind.EXAM_MARKS: "exam marks before the results are published",
    Kind.EDUCATIONAL_RECORD: "to see a pupil's educational record",
    Kind.COMPLAINT: "us to look into a complaint about how we handle personal data",
}


def uk_date(day: date) -> str:
    """"7 December 2026"."""
    return f"{day.day} {day:%B %Y}"


# Characters XML (and so DOCX) cannot hold: dropped from what is written.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


@dataclass
class Block:
    """A heading, a paragraph or a list of points."""

    kind: str  # "heading", "paragraph", "points"
    text: str = ""
    points: list[str] = field(default_factory=list)


@dataclass
class Letter:
    reference: str
    title: str
    dated: date
    blocks: list[Block] = field(default_factory=list)

    def heading(self, text: str) -> None:
        self.blocks.append(Block("heading", text))

    def paragraph(self, text: str) -> None:
        if text:
            self.blocks.append(Block("paragraph", text))

    def points(self, points: list[str]) -> None:
        if points:
            self.blocks.append(Block("points", points=points))

    @property
    def text(self) -> str:
        """Everything the letter says, as plain text (tests read the document back)."""
        lines = [self.title]
        for block in self.blocks:
            lines.extend([block.text] if block.kind != "points" else block.points)
        return "\n".join(lines)


# The record's parts the letter reads -----------------------------------------------------

def letter_request(request: Request) -> tuple[list[SearchTask], list[ScheduleItem]]:
    """The request's searches (with their assets, for Article 15) and its schedule, read
    through the searches part's selectors."""
    return list(tasks_query(request).select_related("asset")), items_of(request)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def _exemption_reason(code: str) -> str:
    return EXEMPTION_WORDS.get(code, NO_REASON)


def _searched(letter: Letter, searches: list[SearchTask]) -> None:
    shown = [task for task in searches if task.state != SearchTask.State.NOT_NEEDED]
    if not shown:
        return
    letter.heading("Where we searched")
    points = []
    for task in shown:
        if task.state == SearchTask.State.OPEN:
            state = "search not finished yet"
        elif task.state == SearchTask.State.FOUND:
            state = "information found"
        else:
            state = "nothing found"
        when = f", searched on {uk_date(task.searched_on)}" if task.searched_on else ""
        points.append(f"{task.place}: {state}{when}")
    letter.points(points)


def _enclosed(letter: Letter, items: list[ScheduleItem]) -> None:
    shared = [i for i in items if i.decision != ScheduleItem.Decision.WITHHELD]
    if not shared:
        return
    letter.heading("What we enclose")
    letter.paragraph("We enclose the following. Where parts of an item are blacked out, "
                     "the reason is given beside it.")
    points = []
    for item in shared:
        line = f"Item {item.number}, from {item.source}: {_sentence(item.description)}"
        if item.decision == ScheduleItem.Decision.REDACTED:
            reason = _exemption_reason(item.exemption) if item.exemption else \
                "they are about other people or another exemption applies"
            line += f" Some parts are removed because {reason}"
        points.append(_sentence(line))
    letter.points(points)


def _withheld(letter: Letter, items: list[ScheduleItem]) -> list[str]:
    """The withheld items (never their description: it could give away what is withheld),
    with the reason; returns the exemptions used."""
    kept = [i for i in items if i.decision == ScheduleItem.Decision.WITHHELD]
    used = list(dict.fromkeys(i.exemption for i in items if i.exemption))
    if not kept:
        return used
    letter.heading("What we have not shared, and why")
    letter.points([_sentence(f"Item {item.number} (from {item.source}): not shared because "
                             f"{_exemption_reason(item.exemption)}") for item in kept])
    return used


def _article15(letter: Letter, searches: list[SearchTask]) -> None:
    assets: dict[int, Asset] = {}
    for task in searches:
        if task.asset is not None and task.state == SearchTask.State.FOUND:
            assets.setdefault(task.asset.pk, task.asset)
    letter.heading("More about how we use this information")
    bases = dict(LawfulBasis.choices)
    if assets:
        letter.paragraph("For each of our records in which we found the information you "
                         "asked for, this is why we hold it, what it holds, who we share it "
                         "with and how long we keep it, as our register of information "
                         "records it.")
    for asset in assets.values():
        letter.heading(asset.name)
        why = asset.purpose.strip() or "Not recorded in our register"
        if asset.lawful_basis:
            why = f"{_sentence(why)} Our lawful basis: {bases.get(asset.lawful_basis)}"
        points = [f"Why we hold it: {_sentence(why)}"]
        if asset.personal_data.strip():
            points.append(f"What it holds: {_sentence(asset.personal_data)}")
        points.append("Who we share it with: " + _sentence(
            asset.recipients.strip() or "no one outside the school is recorded in our "
                                        "register"))
        if asset.transfers_outside_uk.strip():
            safeguards = asset.transfer_safeguards.strip()
            points.append(_sentence(
                f"Sent outside the UK: {asset.transfers_outside_uk.strip()}"
                + (f"; how it is protected: {safeguards}" if safeguards else "")))
        points.append("How long we keep it: " + _sentence(
            asset.retention_period.strip() or "not recorded in our register; ask us"))
        letter.points(points)
    letter.heading("Where the information came from")
    letter.paragraph("Where the information did not come from you, it came from the records "
                     "named above. If you would like to know more about where any of it came "
                     "from, ask us and we will tell you what we know.")
    letter.heading("Your other rights")
    letter.paragraph("You can ask us to correct personal information that is wrong or "
                     "incomplete, to delete it, to limit how we use it, or object to our "
                     "using it. Write to us, quoting our reference, and we will reply within "
                     "one month.")


def _ico(letter: Letter, *, public_information: bool) -> None:
    letter.heading("If you are not happy with our reply")
    if public_information:
        letter.paragraph(
            "You can ask us to review our reply. Write to us within "
            f"{REVIEW_WORKING_DAYS} working days of the date of this letter, quoting our "
            f"reference {letter.reference}, and say what you are not happy with. Someone who "
            "was not involved in this reply will look at your request again and write to "
            "you with the result.")
        letter.paragraph(
            "If you are still not happy after our review, you can complain to the "
            f"{ICO_NAME}, which oversees the Freedom of Information Act and the Environmental "
            "Information Regulations.")
    else:
        letter.paragraph(
            "Please tell us first, quoting our reference, and we will look at it again. You "
            f"also have the right to complain to the {ICO_NAME}, which oversees data "
            "protection law in the UK, and you can ask a court to order us to comply.")
    letter.points([f"Website: {ICO_WEBSITE}", f"Helpline: {ICO_HELPLINE}",
                   f"Post: {ICO_NAME}, {ICO_ADDRESS}"])


def _refusal_notice(letter: Letter, request: Request, used: list[str]) -> None:
    """What a refusal notice must say: the exemption, why it applies, the public interest
    where it needs weighing (the review and the ICO follow in ``_ico``)."""
    law = ("section 17 of the Freedom of Information Act 2000" if request.kind == Kind.FOI
           else "regulation 14 of the Environmental Information Regulations 2004")
    word = "exemptions" if request.kind == Kind.FOI else "exceptions"
    letter.heading("Our refusal notice")
    letter.paragraph(f"This letter is our refusal notice under {law} for the information we "
                     "have not shared.")
    if used:
        letter.paragraph(f"The {word} we rely on, and why each applies:")
        letter.points([_sentence(f"{Exemption(code).label}. It applies because "
                                 f"{_exemption_reason(code)}")
                       for code in used if code in Exemption.values])
    if any(code in QUALIFIED for code in used) or request.kind == Kind.EIR:
        letter.paragraph("For these we weighed the public interest in sharing the information "
                         "against the public interest in withholding it, and found the "
                         "balance favours withholding it.")


def _outcome(letter: Letter, request: Request) -> None:
    if not request.outcome:
        return
    outcome = Outcome(request.outcome)
    reason = _sentence(request.outcome_reason)
    if request.kind == Kind.COMPLAINT:
        letter.heading("The outcome of your complaint")
        letter.paragraph(_sentence(f"{outcome.label}") + (f" {reason}" if reason else ""))
    elif outcome in REFUSALS:
        letter.heading("Our decision")
        letter.paragraph(_sentence(f"We are not able to do what you asked: {outcome.label}")
                         + (f" Our reasons: {reason}" if reason else ""))
    elif outcome == Outcome.NOTHING_HELD:
        letter.heading("Our decision")
        letter.paragraph("We searched the places listed below and hold no information of the "
                         "kind you asked for.")
    elif outcome == Outcome.FEE_CHARGED:
        letter.paragraph("Thank you for paying the fee. This is our full reply.")
    if request.kind in (Kind.ERASURE, Kind.RECTIFICATION) and request.recipients_told:
        told = request.recipients_told.strip()
        letter.paragraph(_sentence(
            "We have told those we shared the information with: " + told
            if told.lower() != "none" else
            "We had not shared the information with anyone else, so nobody else needed to be "
            "told"))


def _timing(letter: Letter, request: Request, dated: date) -> None:
    extensions = list(request.extensions.all())
    total = sum(e.amount for e in extensions)
    if total and (words := extra_time(request.kind, total)):
        told = all(e.told_on for e in extensions)
        letter.paragraph(f"{'As we told you, we' if told else 'We'} needed {words} more to "
                         "reply because of the size or complexity of your request.")
    answered = (request.responded_on if request.status == Status.ANSWERED else None) or dated
    if request.kind != Kind.COMPLAINT and answered > request.due_on:
        late = _sentence(request.late_reason)
        letter.paragraph(f"We are sorry that this reply reaches you after "
                         f"{uk_date(request.due_on)}, the date by which we should have "
                         "replied." + (f" {late}" if late else ""))


def letter_data(request: Request, *, today: date | None = None) -> Letter:
    """The letter's words, from the record (narrative fields decrypted)."""
    dated = request.responded_on or today or timezone.localdate()
    settings = asset_settings_or_default(request.school)
    school_name = settings.controller_name or request.school.name
    searches, items = letter_request(request)
    kind = Kind(request.kind)
    letter = Letter(reference=request.reference, dated=dated,
                    title=f"Your request: our reference {request.reference}")
    letter.paragraph(school_name)
    letter.paragraph(uk_date(dated))
    letter.paragraph(request.requester_name)
    letter.paragraph(request.requester_contact.strip())
    letter.paragraph(f"Dear {request.requester_name},")
    letter.paragraph(f"Thank you for your request, which we received on "
                     f"{uk_date(request.received_on)}. You asked for "
                     f"{WHAT_WAS_ASKED.get(kind, 'information')}. Our reference is "
                     f"{request.reference}: please quote it if you write to us about it.")
    letter.paragraph(_sentence(f"What you asked for, as we recorded it: {request.description}"))
    if (kind in PERSONAL_KINDS and request.subject_name.strip()
            and request.requester_type != RequesterType.SUBJECT):
        letter.paragraph(_sentence(f"The request is about {request.subject_name.strip()}"))
    _timing(letter, request, dated)
    _outcome(letter, request)
    _searched(letter, searches)
    _enclosed(letter, items)
    used = _withheld(letter, items)
    public = kind in PUBLIC_INFORMATION_KINDS
    withheld = any(i.decision == ScheduleItem.Decision.WITHHELD for i in items)
    if public and (withheld or request.outcome in REFUSALS):
        _refusal_notice(letter, request, used)
    if kind == Kind.SUBJECT_ACCESS:
        _article15(letter, searches)
    _ico(letter, public_information=public)
    letter.paragraph("Yours sincerely,")
    letter.paragraph(f"Data protection officer, {school_name}")
    if settings.dpo_contact.strip():
        letter.paragraph(settings.dpo_contact.strip())
    return letter


def letter_docx(letter: Letter) -> bytes:
    document = Document()
    document.core_properties.title = letter.title
    document.core_properties.author = "Schoolkeep"
    document.styles["Normal"].font.size = Pt(11)
    document.add_heading(letter.title, level=1)
    for block in letter.blocks:
        if block.kind == "heading":
            document.add_heading(_xml(block.text), level=2)
        elif block.kind == "points":
            for point in block.points:
                document.add_paragraph(_xml(point), style="List Bullet")
        else:
            for line in block.text.splitlines() or [""]:
                document.add_paragraph(_xml(line))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def request_letter_download(*, request: Request, actor: Any,
                            today: date | None = None) -> tuple[bytes, str, str]:
    """The letter as a file: (content, content type, file name). Only a handler from whom
    the request is not hidden; audited by reference."""
    require_permission(school=request.school, actor=actor, permission="requests.handle",
                       message="You may not write the response to this request.")
    if getattr(actor, "pk", None) is not None and \
            request.hidden_from.filter(pk=actor.pk).exists():
        raise NotAllowed("You may not see this request.")
    content = letter_docx(letter_data(request, today=today))
    with transaction.atomic():
        audit_record(action="requests.letter.downloaded", school=request.school, actor=actor,
                     target=request, target_label=request.reference,
                     changes={"format": "docx"})
    return content, DOCX_TYPE, f"response-letter-{request.reference}.docx"
