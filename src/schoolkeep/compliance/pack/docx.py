"""The governor pack as a Word document (python-docx): the same figures as the PDF, as
tables. python-docx cannot place an SVG, so each framework's trend is its table of the latest
score of each month."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from docx import Document
from docx.shared import Pt

from schoolkeep.assets.exports import xml_safe
from schoolkeep.compliance.pack.content import PackContent

NOT_DECIDED = "No decision this term"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _table(document: Any, headings: Sequence[str] | None, rows: Sequence[Sequence[Any]]) -> None:
    table = document.add_table(rows=0, cols=len(headings or rows[0]))
    table.style = "Table Grid"
    if headings:
        cells = table.add_row().cells
        for cell, heading in zip(cells, headings, strict=True):
            cell.paragraphs[0].add_run(xml_safe(heading)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = xml_safe(str(value))


def _frameworks(document: Any, pack: PackContent) -> None:
    document.add_heading("Where the school stands", level=2)
    document.add_paragraph(
        "Each score is the share of requirements met, a requirement partly met counting half. "
        "A requirement not yet assessed counts in the total and scores nothing.")
    if not pack.frameworks:
        document.add_paragraph("No framework is loaded.")
        return
    _table(document, ["Framework", "Score", "Met", "Partly met", "Not met", "Not yet assessed"],
           [[f"{each.title} ({each.version})", f"{each.percent}%", each.met, each.partly,
             each.not_met, each.not_assessed] for each in pack.frameworks])
    for framework in pack.frameworks:
        document.add_heading(f"{framework.short_title}: the score over the year", level=3)
        if framework.monthly:
            _table(document, ["Month", "Score (the latest of the month)"],
                   [[f"{point.taken_on:%B %Y}", f"{point.percent}%"]
                    for point in framework.monthly])
        else:
            document.add_paragraph("No scores recorded yet.")


def _gaps(document: Any, pack: PackContent) -> None:
    document.add_heading("Requirements not met, and who is putting them right", level=2)
    if not pack.gaps:
        document.add_paragraph("Every requirement is met, or not yet assessed.")
        return
    rows = []
    for gap in pack.gaps:
        controls = "; ".join(f"{control.title} ({control.state_label.lower()}): {control.owner}"
                             for control in gap.controls) or "No control evidences it"
        rows.append([gap.framework, gap.title, gap.state_label, controls])
    _table(document, ["Framework", "Requirement", "State", "Controls behind it, and their owners"],
           rows)


def _breaches(document: Any, pack: PackContent) -> None:
    b = pack.breaches
    document.add_heading("Incidents and breaches this term", level=2)
    document.add_paragraph(
        f"Reports the school became aware of from {_day(pack.term.since)} to "
        f"{_day(pack.term.ends_on)}: since the end of the last term, so the holiday before "
        "this term is included. Counts only.")
    _table(document, None, [
        ["Personal data breaches", b.breaches],
        ["Near misses", b.near_misses],
        ["Security incidents without personal data", b.security],
        ["Not yet triaged", b.untriaged],
        ["Reported to the ICO", b.ico_reported],
        ["Decided to report to the ICO, not yet sent", b.ico_to_send],
        ["Decided not to report to the ICO", b.ico_not_reporting],
        ["Decided or reported after the 72 hours", b.ico_late],
        ["No ICO decision, and the 72 hours have passed", b.ico_undecided],
        ["Hours from awareness to the ICO decision (average)",
         NOT_DECIDED if b.hours_average is None else b.hours_average],
        ["Hours from awareness to the ICO decision (longest)",
         NOT_DECIDED if b.hours_longest is None else b.hours_longest],
        ["Open incidents assessed as a high risk (now)", pack.open_high_risk],
        ["Incident actions overdue (now)", pack.overdue_actions],
    ])


def _requests(document: Any, pack: PackContent) -> None:
    r = pack.requests
    document.add_heading("Requests with legal deadlines this term", level=2)
    document.add_paragraph(
        "Subject access and the other data protection rights, freedom of information, exam "
        "marks, the educational record and complaints about how the school handles personal "
        f"data, received from {_day(pack.term.since)} to {_day(pack.term.ends_on)}. "
        "Counts only.")
    _table(document, None, [
        ["Requests received", r.received],
        *([each.label, each.count] for each in r.by_kind),
        ["Answered by the legal deadline", r.in_time],
        ["Answered late", r.late],
        ["Given more time (an extension)", r.extended],
        ["Paused to wait for the requester", r.paused],
        ["Withdrawn", r.withdrawn],
        ["Open requests (now)", r.open_now],
        ["Open requests past their deadline (now)", r.overdue_now],
    ])


def _policies(document: Any, pack: PackContent) -> None:
    p = pack.policies
    document.add_heading("Policy reviews", level=2)
    document.add_paragraph(
        f"{p.policies} polic{'y' if p.policies == 1 else 'ies'} in the register; "
        f"{p.awaiting_approval} version{'' if p.awaiting_approval == 1 else 's'} waiting for "
        "a governor's approval.")
    for title, reviews, when in ((f"Overdue for review ({len(p.overdue)})", p.overdue,
                                  "Review was due"),
                                 (f"Due for review by the end of the term ({len(p.due)})",
                                  p.due, "Review due")):
        document.add_heading(title, level=3)
        if reviews:
            _table(document, ["Policy", when],
                   [[each.title, _day(each.next_review_on)] for each in reviews])
        else:
            document.add_paragraph("None.")


def pack_docx(pack: PackContent) -> bytes:
    document = Document()
    document.core_properties.title = xml_safe(f"Governor pack, {pack.term.label}, "
                                              f"{pack.school_name}")
    document.core_properties.author = "Schoolkeep"
    document.styles["Normal"].font.size = Pt(10)
    document.add_paragraph(xml_safe(pack.school_name))
    document.add_heading(f"Governor pack: {pack.term.label}", level=1)
    estimated = (" (the usual pattern of term dates: the school has not entered its own)"
                 if pack.term.estimated else "")
    document.add_paragraph(
        f"For the governing body. The term runs from {_day(pack.term.starts_on)} to "
        f"{_day(pack.term.ends_on)}{estimated}. The figures are as they stood on "
        f"{_day(pack.made_on)}.")
    for holder in pack.role_holders:
        document.add_paragraph(xml_safe(f"{holder.role}: "
                                        f"{', '.join(holder.names) or 'nobody named'}"))
    _frameworks(document, pack)
    _gaps(document, pack)
    _breaches(document, pack)
    _requests(document, pack)
    _policies(document, pack)
    for section in pack.measures:
        document.add_heading(section.title, level=2)
        if section.lines:
            _table(document, None, [[line.label, line.words] for line in section.lines])
        else:
            document.add_paragraph("Not recorded in Schoolkeep.")
    document.add_paragraph(
        f"Made by Schoolkeep on {_day(pack.made_on)}. Figures only: the pack names no one but "
        "the holders of a role, and says nothing of what any incident or request was.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
