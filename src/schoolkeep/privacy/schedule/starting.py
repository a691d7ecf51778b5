"""Schoolkeep's starting schedule: the record types it ships, each with its period as a
rule, the action at the end and the source the period comes from.

The periods are facts taken from statute or the published schools' guide (the Information and
Records Management Society's Toolkit for Schools, "IRMS Toolkit" below); the wording is ours.
Where no source fixes a period (Schoolkeep's own records) the source says why we chose it.
A school or a trust adjusts any of them (``privacy.schedule.services``); the rows here are
created once by migration ``privacy 0004_schedule`` and by ``ensure_starting_schedule()``.
``docs/retention.md`` is the same table for readers.
"""

from __future__ import annotations

from dataclasses import dataclass

from schoolkeep.privacy.schedule import keys


@dataclass(frozen=True)
class StartingType:
    key: str
    name: str
    description: str
    event: str
    years: int = 0
    months: int = 0
    days: int = 0
    action: str = "destroy"
    source: str = ""
    schoolkeep_own: bool = False


IRMS = "IRMS Toolkit for Schools (Information and Records Management Society)"
LIMITATION = "Limitation Act 1980, s.5 (claims in contract: 6 years) and s.2 (tort: 6 years)"

STARTING: tuple[StartingType, ...] = (
    StartingType(
        keys.PUPIL_RECORD, "Pupil records",
        "The pupil's educational record. A school the pupil leaves for another school sends "
        "it on; the last school the pupil attends keeps it.",
        "date_of_birth", years=25, action="review",
        source=f"{IRMS}, pupil's educational record: the last school keeps it until the "
               "pupil's date of birth plus 25 years; The Education (Pupil Information) "
               "(England) Regulations 2005, reg. 9 (the record moves with the pupil)."),
    StartingType(
        keys.SEN_RECORD, "Special educational needs files",
        "SEN support plans, EHC plans, advice and reviews.",
        "date_of_birth", years=31, action="review",
        source=f"{IRMS}, SEN files: the pupil's date of birth plus 31 years (an EHC plan can "
               "last to age 25, plus the 6 years in which a claim can be brought; "
               "Limitation Act 1980)."),
    StartingType(
        keys.CHILD_PROTECTION, "Child protection files",
        "Safeguarding concerns, referrals and the designated safeguarding lead's notes. Sent "
        "to the next school separately from the main record.",
        "date_of_birth", years=25, action="review",
        source=f"{IRMS}, child protection information held on a pupil's file: date of birth "
               "plus 25 years, then review; Keeping children safe in education (DfE), "
               "Part 2 on transferring child protection files."),
    StartingType(
        keys.ADMISSIONS, "Admissions",
        "Applications for a place, the decision and any appeal.",
        "decision", years=1,
        source=f"{IRMS}, admissions: a successful application the date of admission plus 1 "
               "year; an appeal the date of its resolution plus 1 year."),
    StartingType(
        keys.ATTENDANCE_REGISTER, "Attendance registers",
        "The admission and attendance registers (each entry).",
        "creation", years=6,
        source="The School Attendance (Pupil Registration) (England) Regulations 2024: every "
               "entry in the admission and attendance registers is kept for 6 years from the "
               "date it was made (in force 19 August 2024)."),
    StartingType(
        keys.STAFF_PERSONNEL, "Staff personnel files",
        "Contracts, changes to terms, appraisals and absence records of a member of staff.",
        "leaving", years=6,
        source=f"{IRMS}, staff personnel file: termination of employment plus 6 years; "
               f"{LIMITATION}."),
    StartingType(
        keys.SINGLE_CENTRAL_RECORD, "The Single Central Record",
        "The recruitment checks of everyone who works at the school (KCSIE Part 3).",
        "leaving", years=6, action="review",
        source="Keeping children safe in education (DfE), Part 3 (what the Single Central "
               "Record holds) sets no period after a person leaves; we keep their entry as "
               f"long as their personnel file ({IRMS}; {LIMITATION}), then review."),
    StartingType(
        keys.RECRUITMENT_UNSUCCESSFUL, "Recruitment files of unsuccessful candidates",
        "Applications, interview notes and references of candidates not appointed.",
        "decision", months=6,
        source=f"{IRMS}, recruitment: unsuccessful candidates' documents the date of the "
               "appointment plus 6 months (long enough for a claim to an employment tribunal, "
               "which must be brought within 3 months; Equality Act 2010, s.123)."),
    StartingType(
        keys.ACCIDENT_REPORTS, "Accident reports: adults",
        "The accident book's entries and reports of accidents to staff, visitors and "
        "contractors (a pupil's accident is the next type).",
        "incident", years=6,
        source="The Reporting of Injuries, Diseases and Dangerous Occurrences Regulations "
               "2013 (RIDDOR), reg. 12(2): records of reportable incidents kept at least 3 "
               "years; Limitation Act 1980, s.11: a personal injury claim within 3 years of "
               "the injury (or of knowing of it, s.14), and s.5 and s.2 for claims in "
               f"contract and tort (6 years); {IRMS}: an adult's accident the date of the "
               "incident plus 6 years."),
    StartingType(
        keys.ACCIDENT_REPORTS_PUPILS, "Accident reports: pupils",
        "The accident book's entries and reports of accidents to pupils.",
        "date_of_birth", years=25,
        source="Limitation Act 1980, s.11 (a personal injury claim within 3 years) and s.28 "
               "(for a child the 3 years run from their 18th birthday, so to age 21); "
               f"{IRMS}: a pupil's accident the pupil's date of birth plus 25 years, "
               "which leaves a margin over the 21 years; RIDDOR 2013, reg. 12(2) (at least "
               "3 years)."),
    StartingType(
        keys.CCTV, "CCTV footage",
        "Recordings from the school's cameras, unless kept for an incident or a request.",
        "creation", days=30,
        source="Our choice: no law and no guidance fixes a period for CCTV. UK GDPR Art. "
               "5(1)(e) (kept no longer than its purpose needs) and the ICO's guidance on "
               "video surveillance (including CCTV), which asks for the shortest period the "
               "purpose needs and a routine deletion; 30 days gives time to notice an "
               "incident and keep the footage of it. Shorten it if your system allows."),
    StartingType(
        keys.FINANCE, "Finance records",
        "Invoices, orders, receipts, bank statements and the annual accounts.",
        "financial_year_end", years=6,
        source="The Value Added Tax Act 1994, Sch. 11 para. 6 (VAT records: 6 years); "
               f"{IRMS}: the current financial year plus 6 years; the Academy trust handbook "
               "or the local authority's scheme for financing schools. Payroll (PAYE) "
               "records need only 3 years from the end of the tax year they relate to (The "
               "Income Tax (Pay As You Earn) Regulations 2003, reg. 97): the 6 years here "
               "cover them."),
    StartingType(
        keys.GOVERNING_BODY, "Governing body papers",
        "Agendas, signed minutes and reports of the governing board and its committees. At "
        "the review, the signed minutes go to the archive (kept for good) and the rest is "
        "destroyed.",
        "creation", years=6, action="review",
        source=f"{IRMS}, governing body: the principal set of signed minutes is kept "
               "permanently (for the life of the school, then offered to the local record "
               "office's archive); agendas and reports the date of the meeting plus 6 "
               "years. One type for both, so the action is a review: keep the minutes, "
               "destroy the rest."),
    # Schoolkeep's own records, erased by Schoolkeep itself (privacy.erasure).
    StartingType(
        keys.OWN_LEAVERS, "Schoolkeep: leavers' records",
        "A person who has left: their details, checks and certificate copies in Schoolkeep.",
        "leaving", years=6, schoolkeep_own=True,
        source=f"The period of the staff personnel file ({IRMS}; {LIMITATION}); this was "
               "people settings' \"keep leavers for N years\" (default 6)."),
    StartingType(
        keys.OWN_PARENTS, "Schoolkeep: former parents",
        "A parent or carer once none of their children is at the school.",
        "leaving", years=1, schoolkeep_own=True,
        source="Our choice: UK GDPR Art. 5(1)(e) (storage limitation). A parent's record in "
               "Schoolkeep only serves the signing of agreements while a child attends; a "
               "year after the last child leaves covers queries about that time."),
    StartingType(
        keys.OWN_SIGNING_LINKS, "Schoolkeep: signing links",
        "A link sent to sign an agreement, once it has expired or been used (the signature "
        "itself is kept with the agreement's record).",
        "closure", days=90, schoolkeep_own=True,
        source="Our choice: UK GDPR Art. 5(1)(e). A used or expired link has no further "
               "purpose; 90 days leaves time to answer a question about a reminder."),
    StartingType(
        keys.OWN_KIOSK, "Schoolkeep: visitors' kiosk entries",
        "A visitor's signing-in entry at the reception kiosk.",
        "creation", years=1, schoolkeep_own=True,
        source="Our choice, within the IRMS Toolkit's range for visitors' books (it suggests "
               "the current year plus 6 years then review, for safeguarding enquiries); "
               "UK GDPR Art. 5(1)(e). Adjust it if your safeguarding policy keeps them "
               "longer."),
    StartingType(
        keys.OWN_INCIDENTS, "Schoolkeep: closed incidents' names and narrative",
        "The names and narrative of a closed data protection incident. The breach log row "
        "stays (UK GDPR Art. 33(5) requires every breach to be documented).",
        "closure", years=6, schoolkeep_own=True,
        source=f"{LIMITATION}: a claim about a breach can be brought for 6 years; the log "
               "row itself is kept (UK GDPR Art. 33(5))."),
    StartingType(
        keys.OWN_REQUESTS, "Schoolkeep: answered requests' names and narrative",
        "The requester's details and the narrative of an answered information request "
        "(subject access and freedom of information requests alike). The request log row "
        "stays.",
        "closure", years=6, schoolkeep_own=True,
        source=f"{IRMS}: a subject access request the date of the last action plus 1 year; "
               "a freedom of information request the date of the last action plus 6 years "
               "(a refusal can be reviewed, complained of to the ICO and appealed to the "
               "tribunal). Schoolkeep keeps every request the same way, so the type takes "
               "the longer period, 6 years; set your own if you keep subject access "
               "requests apart. An ICO complaint or an appeal holds a request longer."),
)

BY_KEY = {row.key: row for row in STARTING}


def starting_fields(row: StartingType) -> dict:
    return {"name": row.name, "description": row.description, "event": row.event,
            "years": row.years, "months": row.months, "days": row.days,
            "action": row.action, "source": row.source, "schoolkeep_own": row.schoolkeep_own}


def create_starting_schedule(record_type_model) -> int:
    """Create the shipped rows not already there (historical model or the real one);
    returns how many were made. Existing shipped rows are left as they are."""
    present = set(record_type_model.objects.filter(
        school__isnull=True, organisation__isnull=True).exclude(key="")
        .values_list("key", flat=True))
    missing = [record_type_model(key=row.key, **starting_fields(row))
               for row in STARTING if row.key not in present]
    record_type_model.objects.bulk_create(missing)
    return len(missing)


def refresh_starting_schedule(record_type_model) -> int:
    """Bring a database's shipped rows to this module: create the missing keys (a type
    split in two) and rewrite the shipped rows whose period, action or text changed (a
    school's or a trust's own rows are theirs and left alone). Returns the rows touched."""
    touched = create_starting_schedule(record_type_model)
    for row in record_type_model.objects.filter(school__isnull=True, organisation__isnull=True,
                                                key__in=list(BY_KEY)):
        wanted = starting_fields(BY_KEY[row.key])
        if all(getattr(row, field) == value for field, value in wanted.items()):
            continue
        for field, value in wanted.items():
            setattr(row, field, value)
        row.version += 1
        row.save()
        touched += 1
    return touched


def ensure_starting_schedule() -> int:
    """The shipped rows, for tests and for a database built without migrations."""
    from schoolkeep.privacy.schedule.models import RecordType

    return create_starting_schedule(RecordType)
