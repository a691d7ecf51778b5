"""Records the governor pack's tests share: a moment inside Autumn 2026 (the default term
dates: 2 September to 18 December), a term's worth of incidents and of requests with a
legal clock carrying a distinctive narrative and a pupil-like name that must never reach the
pack, and policies due for review."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from docx import Document
from pypdf import PdfReader

from schoolkeep.agreements.policies.models import Policy
from schoolkeep.compliance.models import Attestation, Control, GovernorPack
from schoolkeep.incidents.models import Action, Decision, Incident, Kind, Status
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.inforequests.models import Hold
from schoolkeep.inforequests.models import Kind as RequestKind
from schoolkeep.inforequests.models import Status as RequestStatus
from schoolkeep.inforequests.tests.duties_support import extension as request_extension
from schoolkeep.inforequests.tests.duties_support import make as make_request
from schoolkeep.lib import uploads
from schoolkeep.lib.text import fold

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=LONDON)
TODAY = NOW.date()
TERM = "Autumn 2026"
TERM_STARTS, TERM_ENDS = date(2026, 9, 2), date(2026, 12, 18)
NARRATIVE = "Quillfeather spilled the medical binder in the canteen"
PUPIL = "Zebedee Quackenbush"


def started_on(school: Any, day: date) -> None:
    """The school started using Schoolkeep on ``day`` (a pack covers no term that ended
    before it): the personas' school starts at ``NOW``, inside Autumn 2026."""
    type(school).objects.filter(pk=school.pk).update(
        created_at=datetime.combine(day, datetime.min.time(), tzinfo=LONDON))
    school.refresh_from_db()


def incident(school: Any, *, kind: str, aware_at: datetime, status: str = Status.OPEN,
             **fields: Any) -> Incident:
    """A report through the reporting service, then triaged by setting its fields. Its
    title, description, data and reporter carry the narrative and the pupil's name."""
    made, _ = incident_report(school=school, actor=None, channel="public",
                              title=f"{NARRATIVE} ({PUPIL})",
                              description=f"{PUPIL}'s records: {NARRATIVE}.",
                              data_involved=f"{PUPIL} care plan", reporter_name=PUPIL,
                              reporter_contact="zq@example.org", personal_data=True)
    Incident.objects.filter(pk=made.pk).update(kind=kind, aware_at=aware_at,
                                               received_at=aware_at, status=status, **fields)
    return Incident.objects.get(pk=made.pk)


def ico(found: Incident, *, hours: float, tell: bool = True, sent: bool = True) -> Decision:
    decided = found.aware_at + timedelta(hours=hours)
    return Decision.objects.create(school=found.school, incident=found, kind=Decision.Kind.ICO,
                                   tell=tell, reason=f"Because {PUPIL} {NARRATIVE}",
                                   decided_by_label="Data protection officer Person",
                                   decided_at=decided, told_at=decided if tell and sent else None)


def term_of_incidents(school: Any, start: int = 0, count: int = 1) -> None:
    """Per round: a breach told to the ICO in 10 hours, one decided not to report in 80
    hours (late), a near miss, a security incident, one not triaged, a breach of the term
    before (not counted) and an open high risk breach with an overdue action."""
    for n in range(start, start + count):
        day = datetime(2026, 10, 1, 9, 0, tzinfo=LONDON) + timedelta(hours=n)
        ico(incident(school, kind=Kind.BREACH, aware_at=day), hours=10)
        ico(incident(school, kind=Kind.BREACH, aware_at=day, status=Status.CLOSED),
            hours=80, tell=False)
        incident(school, kind=Kind.NEAR_MISS, aware_at=day, status=Status.CLOSED)
        incident(school, kind=Kind.SECURITY, aware_at=day)
        incident(school, kind="", aware_at=day, status=Status.REPORTED)
        incident(school, kind=Kind.BREACH, aware_at=datetime(2026, 6, 1, 9, tzinfo=LONDON),
                 status=Status.CLOSED, likelihood=3, severity=3)
        high = incident(school, kind=Kind.BREACH, aware_at=day, likelihood=3, severity=2)
        Action.objects.create(school=school, incident=high, kind=Action.Kind.REMEDIAL,
                              description=f"Phone {PUPIL}'s parents", due_on=date(2026, 10, 20))
        Action.objects.create(school=school, incident=high, kind=Action.Kind.REMEDIAL,
                              description="Later", due_on=date(2027, 1, 20))


def request(school: Any, received: date, due: date, **fields: Any) -> Any:
    """A request whose requester, subject and narrative fields carry the pupil's name and
    the narrative."""
    return make_request(school, received=received, due=due, requester_name=PUPIL,
                        subject_name=PUPIL, description=f"{PUPIL}: {NARRATIVE}",
                        child_note=NARRATIVE, **fields)


def term_of_requests(school: Any, count: int = 1) -> None:
    """Per round, received in the term: a subject access request answered in time, a
    freedom of information request extended and answered late, a subject access request
    paused for identity and now past its deadline, a complaint inside its 30 days, a
    withdrawn one; and one of the term before, still open and past its deadline."""
    for _ in range(count):
        request(school, date(2026, 10, 1), date(2026, 11, 2), status=RequestStatus.ANSWERED,
                responded_on=date(2026, 10, 20), outcome="full")
        late = request(school, date(2026, 10, 1), date(2026, 10, 29), kind=RequestKind.FOI,
                       status=RequestStatus.ANSWERED, responded_on=date(2026, 11, 3),
                       outcome="partial", late_reason=f"{PUPIL} {NARRATIVE}")
        request_extension(late, decided=-45, told=-44)  # 23 and 24 October
        paused = request(school, date(2026, 10, 5), date(2026, 11, 9))
        Hold.objects.create(request=paused, reason=Hold.Reason.IDENTITY,
                            asked_on=date(2026, 10, 6), answered_on=date(2026, 10, 9),
                            note=NARRATIVE)
        request(school, date(2026, 11, 10), date(2026, 12, 10), kind=RequestKind.COMPLAINT)
        request(school, date(2026, 10, 12), date(2026, 11, 12),
                status=RequestStatus.WITHDRAWN, withdrawn_on=date(2026, 10, 13))
        request(school, date(2026, 6, 1), date(2026, 7, 1))


def policy(school: Any, title: str, next_review_on: date | None) -> Policy:
    return Policy.objects.create(school=school, title=title, title_key=fold(title),
                                 next_review_on=next_review_on)


def policies(school: Any, start: int = 0, count: int = 1) -> None:
    """Per round: one overdue, one due by the end of the term, one later, one without a date."""
    for n in range(start, start + count):
        policy(school, f"Overdue policy {n}", date(2026, 9, 30))
        policy(school, f"Due policy {n}", date(2026, 12, 10))
        policy(school, f"Later policy {n}", date(2027, 6, 1))
        policy(school, f"Undated policy {n}", None)


def not_done(school: Any, code: str = "paper-locked", on: date = TODAY) -> Attestation:
    control = Control.objects.get(code=code, school__isnull=True)
    return Attestation.objects.create(school=school, control=control, attested_on=on,
                                      outcome=Attestation.Outcome.NOT_DONE,
                                      note="A cabinet was found open",
                                      attested_by_label="Business manager Person")


def stored(pack: GovernorPack, fmt: str) -> bytes:
    name = pack.pdf_stored_name if fmt == "pdf" else pack.docx_stored_name
    return (uploads.uploads_dir("governor-packs") / name).read_bytes()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split())
                    for page in PdfReader(io.BytesIO(data)).pages)


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return " ".join(" ".join(parts).split())
