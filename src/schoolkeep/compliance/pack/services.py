"""Writes of the governor pack: asking for a term's pack (built by the worker), building one
at once (the demo, the command line), the build itself, opening its files, and recording that
the governing body received it.

A pack is built in three steps, each reported on its job (``jobs``): the figures are gathered
(``pack.content``), then written as PDF (``pack.pdf``) and Word (``pack.docx``). Both files are
stored privately with the pack (``lib.uploads``, never the web root) and kept with it: a job's
own file would be removed after a day. The figures are kept on the pack as they were, so the
page says what the governors read even when the registers have moved on. When a pack asked
for in Schoolkeep is ready, the school's governors are e-mailed a link to its page (nothing
acts on that link: the page has the actions).

Who may: building needs ``compliance.manage``; recording that the governing body received it
needs ``compliance.receive`` (the SIRO or a governor); the command line and the demo are
trusted callers (``tenancy.guards.require_permission``).
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from schoolkeep.audit.services import audit_record, diff
from schoolkeep.compliance.models import GovernorPack
from schoolkeep.compliance.pack import status
from schoolkeep.compliance.pack.content import Term, gather
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create, job_fail, job_finish, job_progress, job_started
from schoolkeep.lib import uploads
from schoolkeep.lib.downloads import DOCX
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.lib.values import as_date
from schoolkeep.tenancy.calendar import TERM_NAMES, parse_term_name, term_label
from schoolkeep.tenancy.guards import actor_label, require_permission
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.selectors import active_role_holders

logger = logging.getLogger(__name__)

ACTION_LABELS = {
    "compliance.pack.requested": "Governor pack asked for",
    "compliance.pack.built": "Governor pack built",
    "compliance.pack.failed": "Governor pack could not be built",
    "compliance.pack.downloaded": "Governor pack opened or downloaded",
    "compliance.pack.received": "Governing body's receipt of the governor pack recorded",
}

MANAGE = "compliance.manage"
RECEIVE = "compliance.receive"
JOB_KIND = "compliance.governor_pack"
FOLDER = "governor-packs"
STEPS = 3  # the figures, the PDF, the Word document
PDF = uploads.PDF
FORMATS = {"pdf": (PDF, ".pdf"), "docx": (DOCX, ".docx")}
BUILDING = (GovernorPack.Status.QUEUED, GovernorPack.Status.BUILDING)
RUNNING_JOB = (Job.Status.QUEUED, Job.Status.RUNNING)
# A pack with no job still marked as being built after this long has stopped (a build at
# once takes seconds; the command line killed mid-build leaves one behind).
STALE_AFTER = timedelta(hours=1)
FAILED_MESSAGE = ("The governor pack could not be built. Try again, or ask your IT lead to "
                  "look at the server's log.")


# ------------------------------------------------------------------------------ the term


def previous_label(term: status.TermInfo) -> str:
    """The label of the term before ``term`` ("Summer 2026" before "Autumn 2026")."""
    index = TERM_NAMES.index(term.name)
    if index == 0:
        return term_label(TERM_NAMES[-1], term.academic_year - 1)
    return term_label(TERM_NAMES[index - 1], term.academic_year)


def term_of(school: School, term: status.TermInfo, *, starts_on: date | None = None,
            ends_on: date | None = None) -> Term:
    """The pack's term from the school's calendar (``starts_on``/``ends_on``: the dates kept
    on a pack, when given), its breach window starting the day after the previous term of
    the calendar ended: the holiday before a term belongs to it, as the calendar counts a
    holiday day in the term that follows (``TermCalendar.term_for_date``)."""
    first = starts_on or term.starts_on
    before = status.term_by_label(school, previous_label(term))
    since = first if before is None else min(before.ends_on + timedelta(days=1), first)
    return Term(label=term.label, starts_on=first, ends_on=ends_on or term.ends_on,
                since=since, estimated=term.estimated)


def first_day(school: School) -> date:
    """The first day a pack can cover: the day the school started using Schoolkeep."""
    return max(timezone.localdate(school.created_at), status.EARLIEST_DAY)


def _too_early(school: School, label: str) -> DomainError:
    start = first_day(school)
    earliest = status.current_term(school, start).label
    return DomainError(f"{label} ended before {school.name} started using Schoolkeep on "
                       f"{start.day} {start:%B %Y}: the earliest pack is for {earliest}.",
                       field="term")


def resolve_term(school: School, label: str | None, today: date) -> Term:
    """The term of ``label`` ("Autumn 2026") in the school's calendar. None or empty: the
    term today is in, or in the holidays (when the next term has not started) the term that
    has just ended. A DomainError naming ``term`` for words that are not a term, a term that
    ended before the school started using Schoolkeep (``first_day``), or a term that has not
    started yet."""
    if label is not None and str(label).strip():
        try:
            name, academic_year = parse_term_name(str(label))
        except ValueError:
            pass  # said below, as the calendar reads it
        else:
            if academic_year + 1 < first_day(school).year:
                # Every term of that year ended before: refused without reading (or saving)
                # the calendar of a year long gone.
                raise _too_early(school, term_label(name, academic_year))
    if label is None or not str(label).strip():
        found = status.current_term(school, today)
        if found.starts_on > today:
            before = status.term_by_label(school, previous_label(found))
            found = before if before is not None else found
    else:
        named = status.term_by_label(school, str(label))
        if named is None:
            raise DomainError(f'"{tidy(str(label))[:40]}" is not a term. Write the term and its '
                              'year, such as "Autumn 2026".', field="term")
        found = named
    if found.ends_on < first_day(school):
        raise _too_early(school, found.label)
    if found.starts_on > today:
        raise DomainError(f"{found.label} has not started yet: its pack can be built from "
                          f"{found.starts_on.day} {found.starts_on:%B %Y}.", field="term")
    return term_of(school, found)


# ----------------------------------------------------------------------------- building


def _stopped() -> Q:
    """Packs still marked queued or being built whose build has stopped: their job failed,
    was interrupted or finished (as ``selectors.shown_status`` shows them), or they have no
    job (built at once, or the job's row removed a day after it stopped) and were asked for
    over ``STALE_AFTER`` ago."""
    return (Q(job__isnull=False) & ~Q(job__status__in=RUNNING_JOB)) | Q(
        job__isnull=True, created_at__lt=timezone.now() - STALE_AFTER)


def _new_pack(*, school: School, actor: Any, term: Term) -> GovernorPack:
    """A queued pack for ``term`` (inside the caller's transaction), audited. Refused while
    another pack of that term is being built; one whose build stopped (its worker died) is
    marked failed first (audited), so that it never blocks the term."""
    building = GovernorPack.objects.filter(school=school, term_label=term.label,
                                           status__in=BUILDING)
    for stale in building.filter(_stopped()):
        GovernorPack.objects.filter(pk=stale.pk).update(status=GovernorPack.Status.FAILED)
        audit_record(action="compliance.pack.failed", school=school, actor=None, target=stale,
                     target_label=str(stale), changes=diff(None, {"term": stale.term_label}))
    if building.exclude(_stopped()).exists():
        raise DomainError(f"The pack for {term.label} is already being built.", field="term")
    pack = GovernorPack(school=school, term_label=term.label, term_starts_on=term.starts_on,
                        term_ends_on=term.ends_on, status=GovernorPack.Status.QUEUED,
                        requested_by=actor if getattr(actor, "is_authenticated", False)
                        else None, requested_by_label=actor_label(actor))
    full_clean_or_error(pack, exclude=["school", "job", "requested_by", "received_by"])
    pack.save()
    audit_record(action="compliance.pack.requested", school=school, actor=actor, target=pack,
                 target_label=str(pack), changes=diff(None, {"term": term.label}))
    return pack


def pack_request(*, school: School, actor: Any, term: str | None = None) -> GovernorPack:
    """Ask for a term's pack (None: the term today is in): the worker builds it, reporting
    on its job, and the governors are e-mailed when it is ready."""
    require_permission(school=school, actor=actor, permission=MANAGE,
                       message="You may not build the governor pack.")
    resolved = resolve_term(school, term, timezone.localdate())
    with transaction.atomic():
        pack = _new_pack(school=school, actor=actor, term=resolved)
        job = job_create(school=school, actor=actor, kind=JOB_KIND, total=STEPS,
                         title=f"Governor pack, {resolved.label}", permission="compliance.view")
        pack.job = job
        pack.save(update_fields=["job"])
        from schoolkeep.compliance.pack.tasks import governor_pack_build

        public_id = str(pack.public_id)
        transaction.on_commit(lambda: governor_pack_build.enqueue(public_id))
    return pack


def pack_build_now(*, school: School, actor: Any, term: str | None = None,
                   notify: bool = False, now: datetime | None = None) -> GovernorPack:
    """Build a term's pack at once (the demo, the command line and the benchmarks), and
    return it ready. ``notify``: e-mail the governors, as a pack built by the worker does.
    A DomainError when it cannot be built."""
    require_permission(school=school, actor=actor, permission=MANAGE,
                       message="You may not build the governor pack.")
    moment = now or timezone.now()
    resolved = resolve_term(school, term, timezone.localdate(moment))
    with transaction.atomic():
        pack = _new_pack(school=school, actor=actor, term=resolved)
    pack_build(pack, now=moment, notify=notify)
    return pack


def _files_dir() -> Path:
    return uploads.uploads_dir(FOLDER)


def _progress(job: Job | None, done: int, message: str) -> None:
    if job is not None:
        job_progress(job, done=done, total=STEPS, message=message)


def pack_build(pack: GovernorPack, *, now: datetime | None = None, notify: bool = True) -> None:
    """Build ``pack`` (queued): gather its figures, write both files, keep them with it and
    mark it ready; on failure mark it (and its job) failed, keep no file, and raise again."""
    school = pack.school
    job = pack.job
    moment = now or timezone.now()
    GovernorPack.objects.filter(pk=pack.pk).update(status=GovernorPack.Status.BUILDING)
    if job is not None:
        job_started(job)
    started = time.perf_counter()
    named = status.term_by_label(school, pack.term_label)
    term = (term_of(school, named, starts_on=pack.term_starts_on, ends_on=pack.term_ends_on)
            if named is not None else
            Term(label=pack.term_label, starts_on=pack.term_starts_on,
                 ends_on=pack.term_ends_on, since=pack.term_starts_on))
    try:
        from schoolkeep.compliance.pack.docx import pack_docx
        from schoolkeep.compliance.pack.pdf import pack_pdf

        _progress(job, 0, "Gathering the figures")
        content = gather(school, term, now=moment)
        _progress(job, 1, "Writing the PDF")
        pdf = pack_pdf(content)
        _progress(job, 2, "Writing the Word document")
        docx = pack_docx(content)
        seconds = round(time.perf_counter() - started, 3)
        with uploads.stored_until_failure() as files:
            stored_pdf = files.store(pdf, folder=FOLDER, suffix=".pdf")
            stored_docx = files.store(docx, folder=FOLDER, suffix=".docx")
            with transaction.atomic():
                locked = GovernorPack.objects.select_for_update().get(pk=pack.pk)
                locked.status = GovernorPack.Status.READY
                locked.figures = content.as_json()
                locked.pdf_stored_name = stored_pdf.name
                locked.docx_stored_name = stored_docx.name
                locked.built_at = moment  # the moment its figures stand at ("made on")
                locked.build_seconds = seconds
                locked.version += 1
                locked.save()
                audit_record(action="compliance.pack.built", school=school,
                             actor=pack.requested_by, target=locked, target_label=str(locked),
                             changes=diff(None, {"term": locked.term_label,
                                                 "build_seconds": seconds,
                                                 "pdf_sha256": stored_pdf.sha256,
                                                 "docx_sha256": stored_docx.sha256}))
                if notify:
                    _notify_governors(locked)
    except Exception:
        logger.exception("The governor pack %s could not be built.", pack.public_id)
        with transaction.atomic():
            GovernorPack.objects.filter(pk=pack.pk).update(status=GovernorPack.Status.FAILED)
            audit_record(action="compliance.pack.failed", school=school, actor=None,
                         target=pack, target_label=str(pack),
                         changes=diff(None, {"term": pack.term_label}))
        if job is not None:
            job_fail(job, message=FAILED_MESSAGE)
        pack.refresh_from_db()
        raise
    if job is not None:
        job_finish(job, message="The governor pack is ready.",
                   result={"next_url": reverse("compliance:pack-detail", args=[pack.public_id]),
                           "next_label": "Read the governor pack"})
    pack.refresh_from_db()


def pack_build_run(pack_id: str) -> None:
    """The worker's task: build the pack asked for (``pack_request``)."""
    pack = GovernorPack.objects.select_related("school", "job").get(public_id=pack_id)
    if pack.status != GovernorPack.Status.QUEUED:
        return  # built already (a task run twice)
    pack_build(pack)


def pack_url(pack: GovernorPack) -> str:
    return settings.BASE_URL + reverse("compliance:pack-detail", args=[pack.public_id])


def _send_ready_emails(*, school_name: str, term: str, url: str, addresses: list[str]) -> None:
    subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}the governor pack is ready to read"
    for address in addresses:
        # One message each: governors do not see one another's addresses.
        send_mail(subject=subject, from_email=None, recipient_list=[address],
                  message=render_to_string("compliance/pack/ready_email.txt", {
                      "school_name": school_name, "term": term, "url": url}))


def _notify_governors(pack: GovernorPack) -> None:
    """E-mail the school's governors a link to the pack's page, after the commit."""
    governors = active_role_holders(school=pack.school, roles=[Role.GOVERNOR])
    addresses = sorted({user.email for user in governors[Role.GOVERNOR] if user.email})
    if addresses:
        transaction.on_commit(partial(_send_ready_emails, school_name=pack.school.name,
                                      term=pack.term_label, url=pack_url(pack),
                                      addresses=addresses), robust=True)


# ------------------------------------------------------------------------------ reading


def pack_open_file(*, pack: GovernorPack, actor: Any, fmt: str) -> BinaryIO:
    """Open the pack's PDF or Word document and record who opened it. Reading is checked by
    the page. A DomainError when the pack has no such file."""
    if fmt not in FORMATS:
        raise DomainError("Choose the PDF or the Word document.", field="format")
    name = pack.pdf_stored_name if fmt == "pdf" else pack.docx_stored_name
    if pack.status != GovernorPack.Status.READY or not name or "/" in name \
            or name.startswith("."):
        raise DomainError("This governor pack has no such file.")
    try:
        handle = (_files_dir() / name).open("rb")
    except FileNotFoundError:
        raise DomainError("The governor pack's file is missing.") from None
    try:
        with transaction.atomic():
            audit_record(action="compliance.pack.downloaded", school=pack.school_id,
                         actor=actor, target=pack, target_label=str(pack),
                         changes=diff(None, {"format": fmt}))
    except BaseException:
        handle.close()
        raise
    return handle


# --------------------------------------------------------------------------- received


def pack_mark_received(*, school: School, actor: Any, pack: GovernorPack,
                       received_on: date | str | None, meeting: str, minute: str = "",
                       version: int | None = None) -> GovernorPack:
    """Record that the governing body received ``pack``: the day, the meeting and (when
    there is one) the minute's reference. Not before the pack was built, not in the future.
    Recording it again corrects it (audited with before and after)."""
    require_permission(school=school, actor=actor, permission=RECEIVE,
                       message="Only the SIRO or a governor may record that the governing "
                               "body received the pack.")
    day = as_date("received_on", received_on)
    if day is None:
        raise DomainError("Enter the date of the meeting.", field="received_on")
    if day > timezone.localdate():
        raise DomainError("The date of the meeting cannot be in the future.",
                          field="received_on")
    meeting_text = tidy(str(meeting or ""))
    if not meeting_text:
        raise DomainError("Enter the meeting, such as \"Full governing body\".", field="meeting")
    if len(meeting_text) > 200:
        raise DomainError("The meeting must be at most 200 characters.", field="meeting")
    minute_text = tidy(str(minute or ""))
    if len(minute_text) > 100:
        raise DomainError("The minute's reference must be at most 100 characters.",
                          field="minute")
    with transaction.atomic():
        locked = GovernorPack.objects.select_for_update().get(pk=pack.pk, school=school)
        if version is not None and locked.version != version:
            raise stale_error(school=school, target=locked, what="this governor pack")
        if locked.status != GovernorPack.Status.READY or locked.built_at is None:
            raise DomainError("The pack is not built yet: record it once the governors have "
                              "read it.", field="received_on")
        if day < timezone.localdate(locked.built_at):
            raise DomainError("The date of the meeting cannot be before the pack was built "
                              f"({timezone.localdate(locked.built_at):%d/%m/%Y}).",
                              field="received_on")
        before = {"received_on": locked.received_on.isoformat() if locked.received_on
                  else None, "meeting": locked.received_meeting or None,
                  "minute": locked.received_minute or None}
        after = {"received_on": day.isoformat(), "meeting": meeting_text,
                 "minute": minute_text or None}
        changes = diff(before, after) if locked.received_on else diff(None, after)
        if not changes:
            return locked
        locked.received_on = day
        locked.received_meeting = meeting_text
        locked.received_minute = minute_text
        locked.received_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.received_by_label = actor_label(actor)
        locked.received_at = timezone.now()
        locked.version += 1
        full_clean_or_error(locked, exclude=["school", "job", "requested_by", "received_by"])
        locked.save()
        audit_record(action="compliance.pack.received", school=school, actor=actor,
                     target=locked, target_label=str(locked), changes=changes)
    return locked
