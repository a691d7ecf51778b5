"""The response letter, as Word (DOCX), written from the request's record for the DPO to
check, sign and send: addressed to the requester, it gives the reference and what was
asked, where the school searched (the search tasks and their state), what is enclosed (the
schedule's items disclosed, with or without redactions), what was withheld and why (each
item by number with its exemption in plain words, never its source), and where to complain:
the ICO for data protection; the review then the ICO for FOI and EIR; the governing body
then the Secretary of State for the educational record.

For subject access it adds the supplementary information of Article 15 of UK GDPR, drawn
from the information assets in which something was found (why the school holds it, what it
holds, who receives it, transfers outside the UK, how long it is kept; the privacy notice
where no asset describes the place), where it came from, automated decisions and the
requester's other rights. For freedom of information and environmental information, when
something is withheld or the request is refused, it carries what a refusal notice must:
each exemption (FOI) or exception (EIR) of that law, never the other's, why it applies,
and the public interest reasons where the law asks for them, the review and the ICO.

What telling would defeat is left out: an item withheld under safeguarding, serious harm
or crime (see ``exemptions.CONCEALED``) is not listed, the search that found only such items
is not named, and that record's Article 15 details are not given; a marked note tells the
DPO how many items were left out. Every marked "[For the DPO: ...]" line is for the DPO to
complete or delete before sending: the letter is a draft.

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

from schoolkeep.assets.exports import retention_words
from schoolkeep.assets.models import Asset, LawfulBasis
from schoolkeep.assets.selectors import asset_settings_or_default
from schoolkeep.audit.services import audit_record
from schoolkeep.inforequests.exports.exemptions import (
    CONCEALED,
    EIR_PUBLIC_INTEREST,
    EIR_REGULATIONS,
    FOI_ACT,
    FOI_QUALIFIED,
    citation,
    own_codes,
    short_name,
    words,
)
from schoolkeep.inforequests.exports.log import extra_time
from schoolkeep.inforequests.models import (
    PERSONAL_KINDS,
    PUBLIC_INFORMATION_KINDS,
    REFUSALS,
    RIGHTS_KINDS,
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

# Marked lines the DPO replaces (or deletes) before sending: the letter is their draft.
DPO_PUBLIC_INTEREST = ("[For the DPO: the public interest reasons: what favours sharing the "
                       "information, what favours withholding it, and why withholding "
                       "outweighs sharing]")
DPO_AUTOMATED = ("[For the DPO: automated decision-making, if any: confirm the next sentence, "
                 "or replace it with how any decision made by automated means alone "
                 "(including profiling) is made and what it means for the person]")
DPO_OTHER_SOURCES = ("[For the DPO: say where the information came from, for what did not "
                     "come from the requester]")

# "You asked ...", for each kind.
WHAT_WAS_ASKED: dict[str, str] = {
    Kind.SUBJECT_ACCESS: "for a copy of personal information we hold",
    Kind.RECTIFICATION: "for personal information we hold to be corrected",
    Kind.ERASURE: "for personal information we hold to be deleted",
    Kind.RESTRICTION: "us to restrict how we use personal information",
    Kind.OBJECTION: "us to stop using personal information in a particular way",
    Kind.PORTABILITY: "for personal information in a form you can pass to someone else",
    Kind.FOI: f"for information under {FOI_ACT}",
    Kind.EIR: f"for environmental information under {EIR_REGULATIONS}",
    Kind.EXAM_MARKS: "for exam marks before the results are published",
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


def _because(code: str, kind: str) -> str:
    """" under section 43 because <plain words>": the section or regulation only when the
    exemption is one of the law the letter answers under (never the other law's)."""
    cite = citation(code) if code in own_codes(kind) else ""
    return (f" under {cite}" if cite else "") + f" because {words(code)}"


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


# What the letter leaves out ----------------------------------------------------------------

@dataclass(frozen=True)
class Concealed:
    """The items withheld under an exemption whose purpose telling would defeat
    (``CONCEALED``: safeguarding, serious harm, crime), the items with parts removed under
    one, and the searches whose only finds are those withheld items: the letter shows none
    of them, nor the register's details of those searches' records (Article 15)."""

    withheld: list[ScheduleItem]
    redacted: list[ScheduleItem]
    searches: frozenset[int]

    def hides(self, item: ScheduleItem) -> bool:
        return any(item is hidden for hidden in self.withheld)


def _searches_of(item: ScheduleItem, searches: list[SearchTask]) -> set[int]:
    """The search an item came from: the one it is linked to, or else the searches whose
    place (or record) has the item's source as its name."""
    if item.search_id is not None:
        return {item.search_id}
    source = item.source.strip().casefold()
    return {task.pk for task in searches if source and source in (
        task.place.strip().casefold(),
        task.asset.name.strip().casefold() if task.asset is not None else None)}


def concealed(searches: list[SearchTask], items: list[ScheduleItem]) -> Concealed:
    withheld = [i for i in items if i.decision == ScheduleItem.Decision.WITHHELD
                and i.exemption in CONCEALED]
    redacted = [i for i in items if i.decision == ScheduleItem.Decision.REDACTED
                and i.exemption in CONCEALED]
    hidden: set[int] = set()
    for item in withheld:
        hidden |= _searches_of(item, searches)
    for item in items:
        if not any(item is kept for kept in withheld):
            hidden -= _searches_of(item, searches)  # it found something the letter shows
    return Concealed(withheld, redacted, frozenset(hidden))


def _names(codes: list[str]) -> str:
    labels = [str(Exemption(code).label) for code in dict.fromkeys(codes)]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _dpo_notes(letter: Letter, hidden: Concealed) -> None:
    """The marked notes the DPO deletes before sending (never the items' source: only how
    many, and under which exemption)."""
    if hidden.withheld:
        count = len(hidden.withheld)
        it = _plural(count, "it", "them")
        letter.paragraph(
            f"[For the DPO, delete before sending: {count} "
            f"{_plural(count, 'item', 'items')} withheld under "
            f"{_names([i.exemption for i in hidden.withheld])} "
            f"{_plural(count, 'is', 'are')} left out of this letter so that it does not "
            f"reveal {it}: the list of what we have not shared, the search that found {it} "
            "and that record's details under \u201cMore about how we use this information\u201d "
            f"leave {it} out. If the item numbers in the letter skip {it}, number what you "
            "send so that the gap does not give it away. Check that nothing else in the "
            f"letter reveals {it}.]")
    if hidden.redacted:
        count = len(hidden.redacted)
        letter.paragraph(
            f"[For the DPO, delete before sending: {count} "
            f"{_plural(count, 'item', 'items')} with parts removed under "
            f"{_names([i.exemption for i in hidden.redacted])} "
            f"{_plural(count, 'is', 'are')} listed without the reason, so that the reason "
            "does not reveal what was removed.]")


# The letter's sections ---------------------------------------------------------------------

def _searched(letter: Letter, searches: list[SearchTask], hidden: Concealed) -> None:
    shown = [task for task in searches if task.state != SearchTask.State.NOT_NEEDED
             and task.pk not in hidden.searches]
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


def _enclosed(letter: Letter, items: list[ScheduleItem], kind: str) -> None:
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
            if item.exemption in CONCEALED:
                line += " Some parts are removed, as the law allows"
            else:
                reason = _because(item.exemption, kind) if item.exemption else \
                    " because they are about other people or another exemption applies"
                line += f" Some parts are removed{reason}"
        points.append(_sentence(line))
    letter.points(points)


def _withheld(letter: Letter, items: list[ScheduleItem], kind: str,
              hidden: Concealed) -> list[str]:
    """The withheld items by number with the exemption in plain words: never their source
    or description (either could give away what is withheld); those ``hidden`` not at all.
    Returns the exemptions used, in the schedule's order (the hidden ones left out)."""
    kept = [i for i in items if i.decision == ScheduleItem.Decision.WITHHELD
            and not hidden.hides(i)]
    used = list(dict.fromkeys(i.exemption for i in items
                              if i.exemption and i.exemption not in CONCEALED))
    if not kept:
        return used
    letter.heading("What we have not shared, and why")
    letter.points([_sentence(f"Item {item.number}: not shared"
                             f"{_because(item.exemption, kind)}") for item in kept])
    return used


def _article15(letter: Letter, request: Request, searches: list[SearchTask],
               hidden: Concealed) -> None:
    """Article 15's supplementary information, from the records in which something was
    found (those of hidden finds left out). Nothing when nothing is held or the request is
    refused as unfounded or excessive: there is nothing to describe."""
    if request.outcome in (Outcome.NOTHING_HELD, Outcome.REFUSED_UNFOUNDED,
                           Outcome.REFUSED_EXCESSIVE):
        return
    found = [task for task in searches if task.state == SearchTask.State.FOUND
             and task.pk not in hidden.searches]
    assets: dict[int, Asset] = {}
    for task in found:
        if task.asset is not None:
            assets.setdefault(task.asset.pk, task.asset)
    places = list(dict.fromkeys(task.place for task in found if task.asset is None))
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
            retention_words(asset) or "not recorded in our register; ask us"))
        letter.points(points)
    if places or not assets:
        where = f" about {', '.join(places)}" if places else ""
        letter.paragraph(
            f"[For the DPO: add{where} why we hold the information, what it is, who we "
            "share it with, whether it is sent outside the UK and how long we keep it; or "
            "keep the next sentence and enclose our privacy notice]")
        letter.paragraph("Our privacy notice explains why we hold information like this, "
                         "what we hold, who we share it with, whether it is sent outside the "
                         "UK and how long we keep it. It is on our website, and we will send "
                         "you a copy if you ask.")
    letter.heading("Where the information came from")
    if assets or places:
        letter.paragraph("Where the information did not come from you, it came from the "
                         "records named above. If you would like to know more about where "
                         "any of it came from, ask us and we will tell you what we know.")
    else:
        letter.paragraph(DPO_OTHER_SOURCES)
        letter.paragraph("If you would like to know more about where any of the information "
                         "came from, ask us and we will tell you what we know.")
    letter.heading("Decisions made by automated means")
    letter.paragraph(DPO_AUTOMATED)
    letter.paragraph("We do not make any decision about the person this information is "
                     "about by automated means alone, including profiling.")
    letter.heading("Your other rights")
    letter.paragraph("You can ask us to correct personal information that is wrong or "
                     "incomplete, to delete it, to limit how we use it, or object to our "
                     "using it. Write to us, quoting our reference, and we will reply within "
                     "one month.")


def _complaints(letter: Letter, kind: str) -> None:
    """Where to go next: for FOI and EIR, our internal review then the ICO; for the
    educational record (the Education (Pupil Information) (England) Regulations 2005), the
    governing body then the Secretary of State; for data protection, the ICO (or a court)."""
    letter.heading("If you are not happy with our reply")
    if kind in PUBLIC_INFORMATION_KINDS:
        law = FOI_ACT if kind == Kind.FOI else EIR_REGULATIONS
        letter.paragraph(
            "You can ask us to review our reply. Write to us within "
            f"{REVIEW_WORKING_DAYS} working days of the date of this letter, quoting our "
            f"reference {letter.reference}, and say what you are not happy with. Someone who "
            "was not involved in this reply will look at your request again and write to "
            "you with the result.")
        letter.paragraph(
            "If you are still not happy after our review, you can complain to the "
            f"{ICO_NAME}, which oversees {law}.")
    elif kind == Kind.EDUCATIONAL_RECORD:
        letter.paragraph(
            "Please tell us first, quoting our reference, and we will look at it again. If "
            "you are still not happy, you can complain to the school's governing body, "
            "following the school's complaints procedure.")
        letter.paragraph(
            "If you are not happy with how the governing body deals with your complaint, you "
            "can then ask the Secretary of State for Education to look into it. The "
            "Department for Education explains how on its website, gov.uk.")
        return
    else:
        letter.paragraph(
            "Please tell us first, quoting our reference, and we will look at it again. You "
            f"also have the right to complain to the {ICO_NAME}, which oversees data "
            "protection law in the UK, and you can ask a court to order us to comply.")
    letter.points([f"Website: {ICO_WEBSITE}", f"Helpline: {ICO_HELPLINE}",
                   f"Post: {ICO_NAME}, {ICO_ADDRESS}"])


def _refusal_notice(letter: Letter, request: Request, used: list[str]) -> None:
    """What a refusal notice must say: each exemption (or exception) of the letter's own law
    and why it applies, and the public interest reasons where it needs weighing (FOI section
    17(3); EIR regulation 12(1)(b) and 14(3)); the review and the ICO follow in
    ``_complaints``. An FOI letter never cites the EIR, nor an EIR letter the Act: an item
    marked with the other law's code, or "another exemption", gets a marked line for the
    DPO to write the right one."""
    foi = request.kind == Kind.FOI
    act = FOI_ACT if foi else EIR_REGULATIONS
    notice = "section 17" if foi else "regulation 14"
    word = "exemptions" if foi else "exceptions"
    own = own_codes(request.kind)
    cited = [code for code in used if code in own]
    others = [code for code in used if code not in own]
    letter.heading("Our refusal notice")
    letter.paragraph(f"This letter is our refusal notice under {notice} of {act} for the "
                     "information we have not shared.")
    if cited or others:
        letter.paragraph(f"The {word} we rely on, and why each applies:")
    points = [_sentence(f"{citation(code).capitalize()} of {act} ({short_name(code)}). It "
                        f"applies because {words(code)}") for code in cited]
    what = "section of the Act" if foi else "exception of the Regulations"
    not_ours = "an exemption of the Act" if foi else "an exception of the Regulations"
    for code in others:
        if code == Exemption.OTHER:
            points.append(f"[For the DPO: an item is withheld under another exemption: name "
                          f"the {what} that applies, say why it applies and, if it applies "
                          "only in the public interest, give the public interest reasons]")
        else:
            points.append(f"[For the DPO: an item is marked \u201c{short_name(code)}\u201d, "
                          f"which is not {not_ours}: "
                          f"name the {what} that applies, say why it applies and, if it "
                          "applies only in the public interest, give the public interest "
                          "reasons]")
    letter.points(points)
    weighed = [code for code in cited
               if code in (FOI_QUALIFIED if foi else EIR_PUBLIC_INTEREST)]
    if not weighed:
        return
    if foi:
        these = _plural(len(weighed), "This exemption applies", "These exemptions apply")
        letter.paragraph(f"{these} only when the public interest in withholding the information "
                         "outweighs the public interest in sharing it. We weighed the two, "
                         "and found that withholding it is in the public interest, for these "
                         "reasons:")
    else:
        letter.paragraph("Under regulation 12(1)(b) we may withhold information under "
                         f"{_plural(len(weighed), 'this exception', 'these exceptions')} only "
                         "when, in all the circumstances, the public interest in withholding "
                         "it outweighs the public interest in sharing it, and regulation 12(2) "
                         "asks us to start from a presumption in favour of sharing. We "
                         "weighed the two, and found that withholding it is in the public "
                         "interest, for these reasons:")
    letter.points([f"{citation(code).capitalize()} ({short_name(code)}): "
                   f"{DPO_PUBLIC_INTEREST}" for code in weighed])


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


# Why more time was needed, by kind: the reason the law allows an extension for.
EXTENSION_REASONS: dict[str, str] = {
    Kind.FOI: f", to consider the public interest, as section 10(3) of {FOI_ACT} allows",
    Kind.EIR: (" because your request is complex and voluminous, as regulation 7 of "
               f"{EIR_REGULATIONS} allows"),
}
RIGHTS_EXTENSION_REASON = (" because your request is complex, or because of the number of "
                           "requests you made, as data protection law allows")


def _timing(letter: Letter, request: Request, dated: date) -> None:
    extensions = list(request.extensions.all())
    total = sum(e.amount for e in extensions)
    if total and (more := extra_time(request.kind, total)):
        told = all(e.told_on for e in extensions)
        why = EXTENSION_REASONS.get(request.kind) or (
            RIGHTS_EXTENSION_REASON if request.kind in RIGHTS_KINDS
            else " because of the size or complexity of your request")
        letter.paragraph(f"{'As we told you, we' if told else 'We'} needed {more} more to "
                         f"reply{why}.")
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
    hidden = concealed(searches, items)
    letter = Letter(reference=request.reference, dated=dated,
                    title=f"Your request: our reference {request.reference}")
    _dpo_notes(letter, hidden)
    letter.paragraph(school_name)
    letter.paragraph(uk_date(dated))
    letter.paragraph(request.requester_name)
    letter.paragraph(request.requester_contact.strip())
    letter.paragraph(f"Dear {request.requester_name},")
    letter.paragraph(f"Thank you for your request, which we received on "
                     f"{uk_date(request.received_on)}. You asked "
                     f"{WHAT_WAS_ASKED.get(kind, 'for information')}. Our reference is "
                     f"{request.reference}: please quote it if you write to us about it.")
    letter.paragraph(_sentence(f"What you asked for, as we recorded it: {request.description}"))
    if (kind in PERSONAL_KINDS and request.subject_name.strip()
            and request.requester_type != RequesterType.SUBJECT):
        letter.paragraph(_sentence(f"The request is about {request.subject_name.strip()}"))
    _timing(letter, request, dated)
    _outcome(letter, request)
    _searched(letter, searches, hidden)
    _enclosed(letter, items, kind)
    used = _withheld(letter, items, kind, hidden)
    withheld = any(i.decision == ScheduleItem.Decision.WITHHELD and not hidden.hides(i)
                   for i in items)
    if kind in PUBLIC_INFORMATION_KINDS and (withheld or request.outcome in REFUSALS):
        _refusal_notice(letter, request, used)
    if kind == Kind.SUBJECT_ACCESS:
        _article15(letter, request, searches, hidden)
    _complaints(letter, kind)
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
