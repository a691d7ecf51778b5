"""Personal signing links, and the reminders and letters that carry them.

A link is for one signer who has no account (a person record without one, or a parent): a
random token of 32 bytes, of which only the SHA-256 is kept. It works once, until the end of
the day ``aup.link_valid_days`` after it was made, and a newer link for the same signer
revokes the older unused ones. The token is never written to the audit trail or the logs.

Reminders go in bulk from a background job, in batches with a pause between them, and
nobody is reminded twice within ``REMIND_AGAIN_AFTER``. Letters are one PDF with a page per
signer, each with a fresh link printed in full and as a QR code.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from schoolkeep.agreements.aups import audience
from schoolkeep.agreements.aups.models import (
    LISTED_AUDIENCES,
    Audience,
    Aup,
    AupVersion,
    Parent,
    Reminder,
    Signature,
    SigningLink,
    SigningMethod,
)
from schoolkeep.agreements.signing.services import AGREE_MESSAGE, signature_create
from schoolkeep.audit.context import audit_context, current
from schoolkeep.audit.services import audit_record
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_create, job_fail, job_finish, job_progress
from schoolkeep.lib.crypto import looks_like_token, token_hash
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.people.models import Person
from schoolkeep.tenancy.guards import actor_label, require_permission
from schoolkeep.tenancy.models import Membership

ACTION_LABELS = {
    "agreements.link.issued": "Personal signing link made",
    "agreements.link.used": "Personal signing link used to sign",
    "agreements.reminders.started": "Reminders to sign an acceptable use policy started",
    "agreements.reminders.sent": "Reminders to sign an acceptable use policy sent",
    "agreements.letters.created": "Signing letters printed",
}

TOKEN_BYTES = 32  # 256 bits; the issue asks for at least 128
REMIND_AGAIN_AFTER = timedelta(days=7)
REMINDERS_KIND = "agreements.reminders"
LETTERS_KIND = "agreements.letters"
# The audit label of a job's events when its member's account is gone (never a name).
BACKGROUND_JOB = "background job"
MANAGE_MESSAGE = "You may not send signing links or reminders for this school."


def reminder_batch_size() -> int:
    return max(1, int(getattr(settings, "AGREEMENTS_REMINDER_BATCH", 50)))


def reminder_pause_seconds() -> float:
    return max(0.0, float(getattr(settings, "AGREEMENTS_REMINDER_PAUSE_SECONDS", 2)))


# ------------------------------------------------------------------------------ signers


@dataclass(frozen=True)
class Signer:
    """Whoever a link is for: a person or a parent."""

    person: Person | None = None
    parent: Parent | None = None

    @classmethod
    def of(cls, record: Person | Parent) -> Signer:
        return cls(parent=record) if isinstance(record, Parent) else cls(person=record)

    @property
    def record(self) -> Person | Parent:
        record = self.person or self.parent
        if record is None:
            raise ValueError("A signer is a person or a parent.")
        return record

    @property
    def name(self) -> str:
        return self.record.full_name

    @property
    def email(self) -> str:
        return self.record.email

    def links(self, aup: Aup) -> QuerySet[SigningLink]:
        if self.parent is not None:
            return SigningLink.objects.filter(aup=aup, parent=self.parent)
        return SigningLink.objects.filter(aup=aup, person=self.person)


def _member_q(school_id: int, prefix: str = "") -> Q:
    """People whose account is an active member of the school: they can sign in."""
    members = Membership.objects.filter(school_id=school_id, is_active=True,
                                        user__is_active=True)
    return Q(**{f"{prefix}user__in": members.values("user_id")})


def has_account(person: Person) -> bool:
    """A member who can sign in signs in Schoolkeep, not by a link."""
    return person.user_id is not None and \
        Person.objects.filter(_member_q(person.school_id), pk=person.pk).exists()


def _check_published(aup: Aup) -> None:
    if not aup.is_published:
        raise DomainError("Publish the acceptable use policy before sending it to be signed.",
                          field="aup")
    if aup.audience not in LISTED_AUDIENCES:
        raise DomainError("Visitors and pupils sign at the kiosk or on paper, not by a link.",
                          field="aup")


def _check_signer(aup: Aup, signer: Signer, *, channel: str, today: date) -> None:
    record = signer.record
    field = "parent" if signer.parent is not None else "person"
    if record.school_id != aup.school_id:
        raise DomainError(f"That {field} is not in this school.", field=field)
    if (aup.audience == Audience.PARENTS) != (signer.parent is not None):
        raise DomainError(f"{signer.name} does not sign the {aup.title}.", field=field)
    if signer.person is not None and has_account(signer.person):
        raise DomainError(f"{signer.name} has a Schoolkeep account: they sign when they sign "
                          "in.", field=field)
    if not audience.signers(aup=aup, today=today).filter(pk=record.pk).exists():
        raise DomainError(f"{signer.name} does not sign the {aup.title}.", field=field)
    if channel == SigningLink.Channel.EMAIL and not signer.email:
        raise DomainError(f"{signer.name} has no e-mail address: print a letter instead.",
                          field="channel")


# -------------------------------------------------------------------------- issuing links


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def link_url(token: str) -> str:
    return f"{settings.BASE_URL}{reverse('signing:sign', args=[token])}"


def link_expiry(aup: Aup, now: datetime) -> datetime:
    """The end of the day (school time) ``link_valid_days`` from now, so that a letter can
    say "until 14 October" and mean all of that day."""
    last_day = timezone.localdate(now) + timedelta(days=aup.link_valid_days)
    return timezone.make_aware(datetime.combine(last_day, clock_time.max))


def _issue(*, aup: Aup, signer: Signer, channel: str, actor: Any, token: str,
           now: datetime) -> SigningLink:
    """Save a link for ``token`` (checks done by the caller) and revoke the signer's
    earlier unused links."""
    revoked = signer.links(aup).filter(used_at__isnull=True, revoked_at__isnull=True) \
        .update(revoked_at=now)
    link = SigningLink.objects.create(
        school_id=aup.school_id, aup=aup, token_hash=token_hash(token), person=signer.person,
        parent=signer.parent, channel=channel, created_by_label=actor_label(actor),
        expires_at=link_expiry(aup, now))
    audit_record(action="agreements.link.issued", school=aup.school_id, actor=actor,
                 target=link, target_label=f"{aup.title}: {signer.name}",
                 changes={"signer": signer.name, "channel": channel,
                          "expires_at": link.expires_at, "earlier_links_revoked": revoked})
    return link


def link_issue(*, aup: Aup, actor: Any, channel: str, person: Person | None = None,
               parent: Parent | None = None) -> tuple[SigningLink, str]:
    """A new personal link for one signer with no account; returns the link and its token,
    which is shown or sent once and never stored."""
    if channel not in SigningLink.Channel.values:
        raise DomainError("Choose how the link is given to them.", field="channel")
    if (person is None) == (parent is None):
        raise DomainError("Choose who the link is for.", field="person")
    signer = Signer(person=person, parent=parent)
    with transaction.atomic():
        require_permission(school=aup.school_id, actor=actor, permission="aups.manage",
                           message=MANAGE_MESSAGE)
        _check_published(aup)
        _check_signer(aup, signer, channel=channel, today=timezone.localdate())
        token = new_token()
        link = _issue(aup=aup, signer=signer, channel=channel, actor=actor, token=token,
                      now=timezone.now())
    return link, token


def link_send(*, aup: Aup, actor: Any, person: Person | None = None,
              parent: Parent | None = None) -> SigningLink:
    """A new link e-mailed to the signer (after commit), recorded as a reminder."""
    with transaction.atomic():
        link, token = link_issue(aup=aup, actor=actor, channel=SigningLink.Channel.EMAIL,
                                 person=person, parent=parent)
        signer = Signer(person=person, parent=parent)
        Reminder.objects.create(school_id=aup.school_id, aup=aup, person=person, parent=parent,
                                channel=SigningLink.Channel.EMAIL, link=link,
                                sent_at=link.created_at, sent_by_label=actor_label(actor))
        message = _link_email(aup, token=token, expires_at=link.expires_at, to=signer.email)
        transaction.on_commit(lambda: _deliver([message]), robust=True)
    return link


# ------------------------------------------------------------------------ a link's state


class LinkState(StrEnum):
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    USED = "used"
    EXPIRED = "expired"
    READY = "ready"


@dataclass(frozen=True)
class LinkStatus:
    """What a token opens. ``when``: when it was used, or when it expired."""

    state: LinkState
    link: SigningLink | None = None
    when: datetime | None = None
    version: AupVersion | None = None

    @property
    def aup(self) -> Aup | None:
        return self.link.aup if self.link is not None else None

    @property
    def school_name(self) -> str:
        return self.link.school.name if self.link is not None else ""

    @property
    def signer_name(self) -> str:
        if self.link is None:
            return ""
        return Signer(person=self.link.person, parent=self.link.parent).name


class LinkUnusable(DomainError):
    """The link is unknown, revoked, used or expired: ``status`` says which."""

    def __init__(self, status: LinkStatus) -> None:
        super().__init__("This signing link cannot be used.", field="token")
        self.status = status


def _links_for_token(token: str) -> QuerySet[SigningLink]:
    return SigningLink.objects.select_related("school", "aup", "person", "parent").filter(
        token_hash=token_hash(token))


def _status_of(link: SigningLink | None, now: datetime) -> LinkStatus:
    if link is None:
        return LinkStatus(LinkState.UNKNOWN)
    if link.used_at is not None:
        return LinkStatus(LinkState.USED, link=link, when=link.used_at)
    signer_gone = (
        (link.parent is not None and link.parent.archived_at is not None)
        or (link.person is not None and link.person.leaving_date is not None
            and link.person.leaving_date <= timezone.localdate(now))
    )
    if link.revoked_at is not None or signer_gone or not link.aup.is_published:
        return LinkStatus(LinkState.REVOKED, link=link)
    if link.expires_at <= now:
        return LinkStatus(LinkState.EXPIRED, link=link, when=link.expires_at)
    return LinkStatus(LinkState.READY, link=link)


def link_status(token: str) -> LinkStatus:
    """Whether ``token`` opens a link, and if it does, what to show."""
    if not looks_like_token(token):
        return LinkStatus(LinkState.UNKNOWN)
    status = _status_of(_links_for_token(token).first(), timezone.now())
    if status.state != LinkState.READY or status.link is None:
        return status
    aup = status.link.aup
    version = AupVersion.objects.get(aup=aup, number=aup.current_number)
    return LinkStatus(LinkState.READY, link=status.link, version=version)


def link_sign(*, token: str, typed_name: str, agreed: bool,
              ip_address: str | None, shown_number: int | None = None) -> Signature:
    """Sign with a link, once. The link's row is locked while signing, and the signature's
    one-to-one link makes a second signature fail at the database too."""
    if not looks_like_token(token):
        raise LinkUnusable(LinkStatus(LinkState.UNKNOWN))
    with transaction.atomic():
        link = _links_for_token(token).select_for_update(of=("self",)).first()
        status = _status_of(link, timezone.now())
        if status.state != LinkState.READY or link is None:
            raise LinkUnusable(status)
        if agreed is not True:
            raise DomainError(AGREE_MESSAGE, field="agreed")
        name = status.signer_name
        context = current()
        with audit_context(request_id=context.request_id, ip_address=context.ip_address,
                           actor_label=f"signing link: {name}"[:200]):
            try:
                signature = signature_create(
                    aup=link.aup, method=SigningMethod.LINK, typed_name=typed_name,
                    person=link.person, parent=link.parent, ip_address=ip_address, link=link,
                    shown_number=shown_number)
            except IntegrityError:  # signed through this link by a racing request
                used = Signature.objects.filter(link=link).values_list("signed_at", flat=True)
                raise LinkUnusable(LinkStatus(LinkState.USED, link=link,
                                              when=used.first())) from None
            link.used_at = signature.signed_at
            link.save(update_fields=["used_at"])
            # About the signer (the link's resolver: the person or parent), so their name
            # in the label and in the context's "signing link: <name>" is sealed.
            audit_record(action="agreements.link.used", school=link.school_id, actor=None,
                         target=link, subject=link, target_label=f"{link.aup.title}: {name}",
                         changes={"signature": signature, "used_at": link.used_at})
    return signature


# ------------------------------------------------------------------------------ e-mails


def _link_email(aup: Aup, *, token: str, expires_at: datetime, to: str) -> EmailMessage:
    context = {"school_name": aup.school.name, "title": aup.title, "url": link_url(token),
               "expires_on": timezone.localdate(expires_at)}
    return _email("link", context, to)


def _sign_in_email(aup: Aup, *, to: str) -> EmailMessage:
    url = f"{settings.BASE_URL}{reverse('agreements:aup-sign', args=[aup.public_id])}"
    return _email("sign_in", {"school_name": aup.school.name, "title": aup.title, "url": url},
                  to)


def _email(name: str, context: dict[str, Any], to: str) -> EmailMessage:
    """Plain text; it names the school and the policy only, never another person."""
    subject = render_to_string(f"agreements/email/{name}_subject.txt", context)
    body = render_to_string(f"agreements/email/{name}_body.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[to])


def _deliver(messages: Sequence[EmailMessage]) -> None:
    """Send a batch over one connection (called after the batch's records are committed)."""
    if messages:
        get_connection().send_messages(list(messages))


# ---------------------------------------------------------------------------- reminders


class Route(StrEnum):
    SIGN_IN = "sign_in"  # a member with an account: an e-mail asking them to sign in
    LINK = "link"  # no account, an e-mail address: a new personal link by e-mail
    LETTER = "letter"  # no e-mail address: a printed letter


ROUTE_LABELS = {
    Route.SIGN_IN: "E-mail asking them to sign in Schoolkeep",
    Route.LINK: "E-mail with a personal signing link",
    Route.LETTER: "No e-mail address: print a letter",
}


def unsigned(*, aup: Aup, today: date, now: datetime | None = None) -> QuerySet[Any]:
    """Everyone who has not signed, annotated with ``route`` (a Route) and
    ``recently_reminded`` (reminded within REMIND_AGAIN_AFTER), in name order."""
    since = (now or timezone.now()) - REMIND_AGAIN_AFTER
    recent = Reminder.objects.filter(aup=aup, sent_at__gte=since)
    has_email = ~Q(email="")
    pending = audience.signers(aup=aup, today=today).filter(has_signed=False)
    if aup.audience == Audience.PARENTS:
        return pending.annotate(
            recently_reminded=Exists(recent.filter(parent=OuterRef("pk"))),
            route=Case(When(has_email, then=Value(Route.LINK.value)),
                       default=Value(Route.LETTER.value)),
        ).order_by("name_key", "pk")
    return pending.annotate(
        recently_reminded=Exists(recent.filter(person=OuterRef("pk"))),
        route=Case(When(_member_q(aup.school_id), then=Value(Route.SIGN_IN.value)),
                   When(has_email, then=Value(Route.LINK.value)),
                   default=Value(Route.LETTER.value)),
    ).order_by("name_key", "pk")


@dataclass(frozen=True)
class ReminderPlan:
    """Who would get what if reminders were sent now."""

    aup: Aup
    counts: dict[Route, int]  # of those not reminded recently
    recently_reminded: int
    rows: QuerySet[Any]  # those not reminded recently, in name order

    @property
    def by_email(self) -> int:
        return self.counts[Route.SIGN_IN] + self.counts[Route.LINK]

    @property
    def letters(self) -> int:
        return self.counts[Route.LETTER]


def reminders_plan(*, aup: Aup, today: date) -> ReminderPlan:
    """Counts (one query) and the rows of who would be reminded, and how."""
    pending = unsigned(aup=aup, today=today)
    counts = {route: 0 for route in Route}
    recently = 0
    for group in pending.order_by().values("route", "recently_reminded").annotate(n=Count("pk")):
        if group["recently_reminded"]:
            recently += group["n"]
        else:
            counts[Route(group["route"])] += group["n"]
    return ReminderPlan(aup=aup, counts=counts, recently_reminded=recently,
                        rows=pending.filter(recently_reminded=False))


def _email_rows(aup: Aup, today: date) -> list[Any]:
    rows = unsigned(aup=aup, today=today).filter(
        recently_reminded=False, route__in=[Route.SIGN_IN.value, Route.LINK.value])
    if aup.audience != Audience.PARENTS:
        rows = rows.select_related("user")
    return list(rows)


def reminders_send(*, aup: Aup, actor: Any) -> Job:
    """Start the job that e-mails everyone the plan names (not those who need a letter)."""
    with transaction.atomic():
        require_permission(school=aup.school_id, actor=actor, permission="aups.manage",
                           message=MANAGE_MESSAGE)
        _check_published(aup)
        plan = reminders_plan(aup=aup, today=timezone.localdate())
        if not plan.by_email:
            raise DomainError("Nobody needs a reminder by e-mail now: everyone has signed, "
                              "was reminded in the last 7 days or has no e-mail address.")
        job = job_create(school=aup.school, actor=actor, kind=REMINDERS_KIND,
                         title=f"Reminders: {aup.title}", total=plan.by_email,
                         permission="aups.manage")
        audit_record(action="agreements.reminders.started", school=aup.school_id, actor=actor,
                     target=aup, changes={"sign_in_emails": plan.counts[Route.SIGN_IN],
                                          "link_emails": plan.counts[Route.LINK],
                                          "letters_needed": plan.letters})
        from schoolkeep.agreements.signing.links.tasks import send_reminders

        job_id, aup_id = str(job.public_id), str(aup.public_id)
        transaction.on_commit(lambda: send_reminders.enqueue(job_id, aup_id))
    return job


def _chunks(rows: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def _remind_batch(aup: Aup, rows: Sequence[Any], actor: Any) -> None:
    """One batch in one transaction: a reminder (and a new link) per signer; the e-mails go
    once it is committed."""
    messages = []
    with transaction.atomic():
        require_permission(school=aup.school_id, actor=actor, permission="aups.manage",
                           message=MANAGE_MESSAGE)
        now = timezone.now()
        label = actor_label(actor)
        reminders = []
        for row in rows:
            signer = Signer.of(row)
            link = None
            if row.route == Route.SIGN_IN:
                messages.append(_sign_in_email(aup, to=row.user.email))
            else:
                token = new_token()
                link = _issue(aup=aup, signer=signer, channel=SigningLink.Channel.EMAIL,
                              actor=actor, token=token, now=now)
                messages.append(_link_email(aup, token=token, expires_at=link.expires_at,
                                            to=signer.email))
            reminders.append(Reminder(school_id=aup.school_id, aup=aup, person=signer.person,
                                      parent=signer.parent, link=link, sent_at=now,
                                      channel=SigningLink.Channel.EMAIL, sent_by_label=label))
        Reminder.objects.bulk_create(reminders)
        audit_record(action="agreements.reminders.sent", school=aup.school_id, actor=actor,
                     target=aup, changes={"emails": len(reminders)})
        transaction.on_commit(lambda: _deliver(messages), robust=True)


def _job_and_aup(job_id: str, aup_id: str) -> tuple[Job, Aup, Any]:
    job = Job.objects.select_related("school", "created_by").get(public_id=job_id)
    aup = Aup.objects.select_related("school").get(public_id=aup_id, school=job.school)
    return job, aup, job.created_by


def reminders_run(job_id: str, aup_id: str) -> None:
    """The background job: who still needs a reminder is worked out again now (someone may
    have signed since), then the e-mails go in batches with a pause between batches."""
    job, aup, actor = _job_and_aup(job_id, aup_id)
    sent = 0
    try:
        # The events' actor is the member who started the job; with that account gone, a
        # label without a name (the job's stored label names them).
        with audit_context(actor_label=BACKGROUND_JOB):
            rows = _email_rows(aup, timezone.localdate())
            job_progress(job, done=0, total=len(rows))
            for number, batch in enumerate(_chunks(rows, reminder_batch_size())):
                if number:
                    time.sleep(reminder_pause_seconds())  # spare the mail server
                _remind_batch(aup, batch, actor)
                sent += len(batch)
                job_progress(job, done=sent)
    except Exception:
        job_fail(job, message=f"The reminders stopped after {sent} e-mails. Try again: those "
                              "already reminded are not reminded twice.")
        raise
    job_finish(job, message=f"{sent} reminder e-mail{'s' if sent != 1 else ''} sent.",
               result={"sent": sent, "next_url": reverse("agreements:reminders",
                                                          args=[aup.public_id]),
                       "next_label": "Back to reminders"})


# ------------------------------------------------------------------------------ letters


def letter_rows(*, aup: Aup, today: date, everyone: bool) -> QuerySet[Any]:
    """Who gets a letter: those without an account who have not signed; by default only
    those without an e-mail address."""
    routes = [Route.LETTER.value, Route.LINK.value] if everyone else [Route.LETTER.value]
    return unsigned(aup=aup, today=today).filter(route__in=routes)


def letters_counts(*, aup: Aup, today: date) -> dict[str, int]:
    rows = unsigned(aup=aup, today=today).order_by()
    return rows.aggregate(
        without_email=Count("pk", filter=Q(route=Route.LETTER.value)),
        everyone=Count("pk", filter=Q(route__in=[Route.LETTER.value, Route.LINK.value])))


def letters_create(*, aup: Aup, actor: Any, everyone: bool = False) -> Job:
    """Start the job that makes one PDF of letters, a page per signer, each with a new
    link (which stops their earlier links working)."""
    with transaction.atomic():
        require_permission(school=aup.school_id, actor=actor, permission="aups.manage",
                           message=MANAGE_MESSAGE)
        _check_published(aup)
        total = letter_rows(aup=aup, today=timezone.localdate(), everyone=everyone).count()
        if not total:
            raise DomainError("Nobody needs a letter: everyone has signed"
                              + ("." if everyone else " or has an e-mail address."),
                              field="everyone")
        job = job_create(school=aup.school, actor=actor, kind=LETTERS_KIND,
                         title=f"Signing letters: {aup.title}", total=total,
                         permission="aups.manage")
        from schoolkeep.agreements.signing.links.tasks import make_letters

        job_id, aup_id = str(job.public_id), str(aup.public_id)
        transaction.on_commit(lambda: make_letters.enqueue(job_id, aup_id, everyone))
    return job


def letters_run(job_id: str, aup_id: str, everyone: bool) -> None:
    """The background job: lay out the letters with new tokens first (slow, no database
    lock), then save their links in one short transaction, then attach the PDF."""
    from schoolkeep.agreements.signing.links.letters import Letter, letters_css, letters_html

    job, aup, actor = _job_and_aup(job_id, aup_id)
    try:
        with audit_context(actor_label=BACKGROUND_JOB):
            today = timezone.localdate()
            rows = list(letter_rows(aup=aup, today=today, everyone=everyone))
            now = timezone.now()
            expires_on = timezone.localdate(link_expiry(aup, now))
            letters = []
            for done, row in enumerate(rows, start=1):
                token = new_token()
                letters.append((Signer.of(row), token,
                                Letter.make(name=row.full_name, url=link_url(token))))
                if done % 100 == 0:
                    job_progress(job, done=done, total=len(rows),
                                 message="Making the links and QR codes.")
            job_progress(job, done=len(rows), total=len(rows), message="Laying out the pages.")
            content = pdf_from_html(
                letters_html(aup=aup, letters=[letter for _, _, letter in letters],
                             printed_on=today, expires_on=expires_on), letters_css())
            _save_letter_links(aup, letters, actor, now)
    except Exception:
        job_fail(job, message="The letters could not be made. No link was changed. Try "
                              "again, or ask your IT lead to look at the server's log.")
        raise
    job_finish(job, content=content, content_type="application/pdf",
               filename=f"signing-letters-{aup.audience}-{today.isoformat()}.pdf",
               message=f"{len(letters)} letter{'s' if len(letters) != 1 else ''} ready to "
                       "print. The file is removed after a day.")


def _save_letter_links(aup: Aup, letters: Sequence[tuple[Signer, str, Any]], actor: Any,
                       now: datetime) -> None:
    with transaction.atomic():
        require_permission(school=aup.school_id, actor=actor, permission="aups.manage",
                           message=MANAGE_MESSAGE)
        label = actor_label(actor)
        reminders = []
        for signer, token, _ in letters:
            link = _issue(aup=aup, signer=signer, channel=SigningLink.Channel.LETTER,
                          actor=actor, token=token, now=now)
            reminders.append(Reminder(school_id=aup.school_id, aup=aup, person=signer.person,
                                      parent=signer.parent, link=link, sent_at=now,
                                      channel=SigningLink.Channel.LETTER, sent_by_label=label))
        Reminder.objects.bulk_create(reminders)
        audit_record(action="agreements.letters.created", school=aup.school_id, actor=actor,
                     target=aup, changes={"letters": len(reminders)})
