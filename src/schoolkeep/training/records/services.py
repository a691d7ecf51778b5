"""Writes of training records: one record, a whole session at once, a member's own record
of a course they completed, the business manager's confirmation of it, and the withdrawal
of a wrong record (kept, with its reason). Pages, the API, the demo and the import call
these; each runs in one transaction and audits what it writes.

The rules a record keeps:

- the person is one of the school's people, still with the school on the day completed;
- the course is one of the school's courses in use (not archived);
- the day is not in the future nor before 2000, and a person completes a course once on a given day;
- a certificate is a PDF, PNG or JPEG (checked by its content), at most 10 MB, kept in the
  private uploads folder under a random name and handed out only through the record's page;
- a record the school makes is confirmed when it is made; one a member makes themselves
  waits for the business manager (``confirmed_at`` empty), who confirms it or withdraws it.

A session records everyone who attended in one call: if any one of them cannot be recorded,
nobody is, and the error names them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.audit.services import audit_record, audit_record_many, diff
from schoolkeep.lib import uploads
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.text import listed, tidy
from schoolkeep.lib.values import as_date
from schoolkeep.people.models import Person
from schoolkeep.tenancy.guards import actor_label, is_user, require_permission, user_holds
from schoolkeep.tenancy.models import School
from schoolkeep.training.models import Course, TrainingRecord

ACTION_LABELS = {
    "training.record.created": "Training recorded",
    "training.record.self_recorded": "Training recorded by the member themselves",
    "training.record.confirmed": "Training record confirmed",
    "training.record.withdrawn": "Training record withdrawn",
    "training.record.certificate-downloaded": "Training certificate downloaded",
    "training.record.certificate-attached": "Training certificate attached",
}

FOLDER = "training-certificates"
MAX_BYTES = 10 * 1024 * 1024
CERTIFICATE_TYPES = {uploads.PDF, uploads.PNG, uploads.JPEG}
SUFFIX_TYPES = {suffix: content_type for content_type, suffix in uploads.EXTENSIONS.items()}
MAX_SESSION = 2000  # people in one session: a whole school's staff, several times over
# No school keeps training records older than this; an earlier day is a typing slip.
EARLIEST_COMPLETED = date(2000, 1, 1)
AUDITED = ["person", "course", "completed_on", "source", "notes", "certificate",
           "confirmed"]


# ---------------------------------------------------------------------------- helpers


def _require(school: School | int, actor: Any, permission: str, message: str) -> None:
    require_permission(school=school, actor=actor, permission=permission, message=message)


def _require_manager(school: School | int, actor: Any) -> None:
    _require(school, actor, "training.manage",
             "You may not record or change this school's training.")


def _course(school: School, course: Any) -> Course:
    if not isinstance(course, Course) or course.school_id != school.pk:
        raise DomainError("Choose one of the school's courses.", field="course")
    if course.archived_at is not None:
        raise DomainError(f"{course.name} is archived: choose a course in use.", field="course")
    return course


def _day(value: Any) -> date:
    day = as_date("completed_on", value)
    if day is None:
        raise DomainError("Enter the day the course was completed.", field="completed_on")
    if day > timezone.localdate():
        raise DomainError("The day completed cannot be in the future.", field="completed_on")
    if day < EARLIEST_COMPLETED:
        raise DomainError(f"The day completed must be on or after "
                          f"{EARLIEST_COMPLETED:%d/%m/%Y}.", field="completed_on")
    return day


def _left_before(person: Person, day: date) -> bool:
    return person.leaving_date is not None and person.leaving_date < day


def _person(school: School, person: Any, day: date) -> Person:
    if not isinstance(person, Person) or person.school_id != school.pk:
        raise DomainError("Choose a person from the people of this school.", field="person")
    if _left_before(person, day):
        raise DomainError(f"{person.full_name} left the school on "
                          f"{person.leaving_date:%d/%m/%Y}, before that day.", field="person")
    return person


def _notes(value: Any) -> str:
    text = tidy(str(value or ""))
    if len(text) > 500:
        raise DomainError("Keep the notes to 500 characters.", field="notes")
    return text


def _read_certificate(uploaded_file: Any, field: str) -> tuple[bytes, str]:
    content_type = uploads.check_upload(uploaded_file, allowed=CERTIFICATE_TYPES,
                                        max_bytes=MAX_BYTES, field=field)
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DomainError("The file must be smaller than 10 MB.", field=field)
    return bytes(data), content_type


def _values(record: TrainingRecord, person: Person, course: Course) -> dict[str, Any]:
    return {"person": person.full_name, "course": course.name,
            "completed_on": record.completed_on, "source": record.get_source_display(),
            "notes": record.notes, "certificate": record.certificate_original_name or None,
            "confirmed": record.confirmed_at is not None}


def _duplicate(person: Person, course: Course, day: date) -> DomainError:
    return DomainError(f"{person.full_name} is already recorded as completing {course.name} "
                       f"on {day:%d/%m/%Y}.", field="completed_on")


def _make(*, school: School, actor: Any, person: Any, course: Any, completed_on: Any,
          notes: Any, certificate: Any, source: str, confirmed: bool) -> TrainingRecord:
    """One record, written and audited; the caller holds the transaction and permission."""
    day = _day(completed_on)
    course = _course(school, course)
    person = _person(school, person, day)
    record = TrainingRecord(school=school, person=person, course=course, completed_on=day,
                            source=source, notes=_notes(notes),
                            recorded_by_label=actor_label(actor))
    if confirmed:
        record.confirmed_at = timezone.now()
        record.confirmed_by_label = record.recorded_by_label
    with uploads.stored_until_failure() as pending:
        if certificate is not None:
            data, content_type = _read_certificate(certificate, "certificate")
            stored = pending.store(data, folder=FOLDER,
                                   suffix=uploads.EXTENSIONS[content_type])
            record.certificate_stored_name = stored.name
            record.certificate_original_name = uploads.original_name(
                certificate, fallback="certificate")
            record.certificate_size = len(data)
            record.certificate_uploaded_at = timezone.now()
        if TrainingRecord.objects.filter(person=person, course=course, completed_on=day,
                                         withdrawn_at__isnull=True).exists():
            raise _duplicate(person, course, day)
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            raise _duplicate(person, course, day) from None
        action = ("training.record.self_recorded" if source == TrainingRecord.Source.SELF
                  else "training.record.created")
        audit_record(action=action, school=school, actor=actor, target=record,
                     changes=diff(None, _values(record, person, course)))
    return record


# ---------------------------------------------------------------------------- writes


def record_create(*, school: School, actor: Any, person: Any, course: Any, completed_on: Any,
                  notes: str = "", certificate: Any = None,
                  source: str = TrainingRecord.Source.ENTERED) -> TrainingRecord:
    """Record that ``person`` completed ``course`` on ``completed_on`` (confirmed at once),
    with an optional certificate (an uploaded file)."""
    if source == TrainingRecord.Source.SELF:
        raise DomainError("A member records their own training on their own page.",
                          field="source")
    with transaction.atomic():
        _require_manager(school, actor)
        return _make(school=school, actor=actor, person=person, course=course,
                     completed_on=completed_on, notes=notes, certificate=certificate,
                     source=source, confirmed=True)


def own_record_create(*, school: School, actor: Any, person: Person | None, course: Any,
                      completed_on: Any = None, certificate: Any = None,
                      notes: str = "") -> TrainingRecord:
    """A member's record of a course they completed (today unless ``completed_on`` says
    when): source SELF, waiting for the business manager's confirmation. ``person`` is the
    member's own person record (None: they have none, and are told so)."""
    with transaction.atomic():
        _require(school, actor, "training.own", "You may not record training here.")
        if person is None:
            raise DomainError("Your account is not linked to a person in the school's list "
                              "of people, so training cannot be recorded for you. Ask the "
                              "business manager to link it.")
        if actor is not None and getattr(actor, "is_authenticated", False) \
                and person.user_id != actor.pk:
            raise NotAllowed("You may record only your own training.")
        return _make(school=school, actor=actor, person=person, course=course,
                     completed_on=completed_on or timezone.localdate(), notes=notes,
                     certificate=certificate, source=TrainingRecord.Source.SELF,
                     confirmed=False)


def session_record(*, school: School, actor: Any, course: Any, completed_on: Any,
                   people: Sequence[Any], notes: str = "") -> list[TrainingRecord]:
    """Record everyone in ``people`` as completing ``course`` on ``completed_on`` (a
    training session), in one write. All or nothing: a person of another school, one who
    had left by that day or one already recorded for that course that day refuses the whole
    session, naming them."""
    with transaction.atomic():
        _require_manager(school, actor)
        day = _day(completed_on)
        course = _course(school, course)
        # The same person ticked twice (a crafted POST) is recorded once.
        chosen = {person.pk: person for person in people if isinstance(person, Person)}
        if any(not isinstance(p, Person) for p in people) or any(
                p.school_id != school.pk for p in chosen.values()):
            raise DomainError("Choose people from the people of this school.", field="people")
        if not chosen:
            raise DomainError("Choose the people who attended.", field="people")
        if len(chosen) > MAX_SESSION:
            raise DomainError(f"Record at most {MAX_SESSION} people at once.", field="people")
        left = sorted(p.full_name for p in chosen.values() if _left_before(p, day))
        if left:
            raise DomainError(f"{listed(left)} had left the school by {day:%d/%m/%Y}: "
                              "untick them.", field="people")
        recorded = sorted(TrainingRecord.objects.filter(
            person_id__in=list(chosen), course=course, completed_on=day,
            withdrawn_at__isnull=True).values_list("person__full_name", flat=True))
        if recorded:
            raise DomainError(f"{listed(recorded)} {'is' if len(recorded) == 1 else 'are'} "
                              f"already recorded for {course.name} on {day:%d/%m/%Y}: "
                              "untick them.", field="people")
        now, label, note = timezone.now(), actor_label(actor), _notes(notes)
        records = [TrainingRecord(school=school, person=person, course=course,
                                  completed_on=day, source=TrainingRecord.Source.SESSION,
                                  notes=note, recorded_by_label=label, confirmed_at=now,
                                  confirmed_by_label=label)
                   for person in sorted(chosen.values(), key=lambda p: (p.name_key, p.pk))]
        try:
            with transaction.atomic():
                TrainingRecord.objects.bulk_create(records)
        except IntegrityError:
            raise DomainError("Someone recorded some of these people for this course and "
                              "day at the same moment. Reload the page and try again.",
                              field="people") from None
        audit_record_many([
            {"action": "training.record.created", "school": school, "actor": actor,
             "target": record, "target_label": str(record),
             "changes": diff(None, _values(record, record.person, course))}
            for record in records])
    return records


OWN_CONFIRM_REFUSED = ("You may not confirm your own training. Another manager (the SIRO or "
                       "the HR administrator) confirms it.")


def confirms_own(record: TrainingRecord, actor: Any) -> bool:
    """Whether ``actor`` is the person the record is about (their account is linked)."""
    actor_id = getattr(actor, "pk", None)
    if actor_id is None:
        return False
    return Person.objects.filter(pk=record.person_id, user_id=actor_id).exists()


def record_confirm(*, record: TrainingRecord, actor: Any) -> TrainingRecord:
    """A manager confirms a record a member made themselves; never their own record."""
    with transaction.atomic():
        _require_manager(record.school_id, actor)
        current = TrainingRecord.objects.select_for_update().get(pk=record.pk)
        if current.withdrawn_at is not None:
            raise DomainError("This record was withdrawn: it cannot be confirmed.")
        if current.confirmed_at is not None:
            raise DomainError(f"This record was confirmed already, by "
                              f"{current.confirmed_by_label}.")
        if confirms_own(current, actor):
            # The RPA takes a confirmed record as evidence: nobody vouches for themselves.
            raise NotAllowed(OWN_CONFIRM_REFUSED)
        current.confirmed_at = timezone.now()
        current.confirmed_by_label = actor_label(actor)
        current.version += 1
        current.save(update_fields=["confirmed_at", "confirmed_by_label", "version"])
        audit_record(action="training.record.confirmed", school=current.school_id,
                     actor=actor, target=current,
                     changes={"confirmed": {"before": False, "after": True}})
    record.__dict__.update({k: v for k, v in current.__dict__.items() if k != "_state"})
    return record


def record_withdraw(*, record: TrainingRecord, actor: Any, reason: str) -> TrainingRecord:
    """Withdraw a wrong record: it stays, marked withdrawn with its reason, and no longer
    counts."""
    text = tidy(str(reason or ""))
    if not text:
        raise DomainError("Say why the record is withdrawn.", field="reason")
    if len(text) > 300:
        raise DomainError("Keep the reason to 300 characters.", field="reason")
    with transaction.atomic():
        _require_manager(record.school_id, actor)
        current = TrainingRecord.objects.select_for_update().get(pk=record.pk)
        if current.withdrawn_at is not None:
            raise DomainError("This record was withdrawn already.")
        current.withdrawn_at = timezone.now()
        current.withdrawn_reason = text
        current.version += 1
        current.save(update_fields=["withdrawn_at", "withdrawn_reason", "version"])
        audit_record(action="training.record.withdrawn", school=current.school_id,
                     actor=actor, target=current,
                     changes={"withdrawn": {"before": False, "after": True},
                              "withdrawn_reason": {"before": None, "after": text}})
    record.__dict__.update({k: v for k, v in current.__dict__.items() if k != "_state"})
    return record


def may_attach_certificate(record: TrainingRecord, actor: Any, *, manages: bool) -> bool:
    """Who may attach a certificate to a record: a manager, or the member themselves while
    their own record awaits confirmation (once confirmed, a manager vouches for it)."""
    if record.withdrawn_at is not None or record.certificate_stored_name:
        return False
    if manages:
        return True
    actor_id = getattr(actor, "pk", None)
    return (actor_id is not None and record.confirmed_at is None
            and record.source == TrainingRecord.Source.SELF
            and Person.objects.filter(pk=record.person_id, user_id=actor_id).exists())


def record_certificate_attach(*, record: TrainingRecord, actor: Any,
                              certificate: Any) -> TrainingRecord:
    """Attach a certificate to a record that has none (one recorded at a session, through
    the API or an import, or without one): checked by its content like any other."""
    if certificate is None:
        raise DomainError("Choose the certificate file.", field="certificate")
    with transaction.atomic(), uploads.stored_until_failure() as pending:
        current = TrainingRecord.objects.select_for_update().get(pk=record.pk)
        manages = _manages(current.school_id, actor)
        if current.withdrawn_at is not None:
            raise DomainError("This record was withdrawn: it takes no certificate.")
        if current.certificate_stored_name:
            raise DomainError("This record has a certificate already.", field="certificate")
        if not may_attach_certificate(current, actor, manages=manages):
            raise NotAllowed("You may not attach a certificate to this record.")
        data, content_type = _read_certificate(certificate, "certificate")
        stored = pending.store(data, folder=FOLDER, suffix=uploads.EXTENSIONS[content_type])
        current.certificate_stored_name = stored.name
        current.certificate_original_name = uploads.original_name(certificate,
                                                                  fallback="certificate")
        current.certificate_size = len(data)
        current.certificate_uploaded_at = timezone.now()
        current.version += 1
        current.save(update_fields=["certificate_stored_name", "certificate_original_name",
                                    "certificate_size", "certificate_uploaded_at", "version"])
        audit_record(action="training.record.certificate-attached", school=current.school_id,
                     actor=actor, target=current,
                     changes={"certificate": {"before": None,
                                              "after": current.certificate_original_name}})
    record.__dict__.update({k: v for k, v in current.__dict__.items() if k != "_state"})
    return record


def _manages(school: School | int, actor: Any) -> bool:
    """True for a manager (or a trusted caller: the command line, the system); False for a
    member who may act only on their own records; NotAllowed for anyone else."""
    if not is_user(actor) or user_holds(school=school, user=actor,
                                        permission="training.manage"):
        return True
    _require(school, actor, "training.own", "You may not change this school's training.")
    return False


def certificate_path(record: TrainingRecord) -> Path | None:
    """The stored certificate of the record, or None (none, or a name not of ours)."""
    name = record.certificate_stored_name
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    return uploads.uploads_dir(FOLDER) / name


def certificate_type(record: TrainingRecord) -> str:
    """The content type of the stored certificate, from the suffix we stored it under."""
    return SUFFIX_TYPES.get(Path(record.certificate_stored_name).suffix, uploads.PDF)


def certificate_open(*, record: TrainingRecord, actor: Any) -> BinaryIO:
    """Open the record's certificate for reading, and audit who opened it. Who may read it
    is checked by the page. Raises DomainError when there is none."""
    path = certificate_path(record)
    if path is None:
        raise DomainError("This record has no certificate.")
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise DomainError("The certificate of this record is missing.") from None
    try:
        with transaction.atomic():
            audit_record(action="training.record.certificate-downloaded",
                         school=record.school_id, actor=actor, target=record,
                         changes={"file": {"before": None, "after": "certificate"}})
    except BaseException:
        handle.close()
        raise
    return handle
