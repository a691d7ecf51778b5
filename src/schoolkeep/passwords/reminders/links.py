"""Personal one-use links for holders without a Schoolkeep account to say "I changed my
password".

A link is for one person and one system: a random token of 32 bytes, of which only the
SHA-256 is kept. It works once, for 30 days; a newer link for the same person and system
ends the older unused ones. Opening it (GET) records nothing, since mail scanners open every
link: the page shows the system and one button, and only pressing it (POST) records the
attestation, as ``PERSONAL_LINK``, with no actor and the person's name as the label. The
token is never written to the audit trail or the logs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from schoolkeep.audit.context import audit_context, current
from schoolkeep.audit.services import audit_record
from schoolkeep.lib.crypto import looks_like_token, token_hash
from schoolkeep.lib.errors import DomainError
from schoolkeep.passwords.models import ChangeLink, PasswordChange
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School

ACTION_LABELS = {
    "passwords.link.issued": "Personal link to say a password was changed made",
    "passwords.link.used": "Personal link used to say a password was changed",
}

TOKEN_BYTES = 32
LINK_DAYS = 30


def link_url(token: str) -> str:
    return f"{settings.BASE_URL}{reverse('passwords:link', args=[token])}"


def link_issue(*, school: School, system: System, person: Person, actor: Any = None,
               now: datetime | None = None) -> tuple[ChangeLink, str]:
    """A new link for ``person`` on ``system``; returns it and its token, which is sent once
    and never stored. The person's earlier unused links for the system stop working."""
    if system.school_id != school.pk or person.school_id != school.pk:
        raise DomainError("Choose a system and a person of this school.")
    moment = now or timezone.now()
    with transaction.atomic():
        ended = (ChangeLink.objects.filter(system=system, person=person, used_at__isnull=True,
                                           expires_at__gt=moment)
                 .update(expires_at=moment))
        token = secrets.token_urlsafe(TOKEN_BYTES)
        link = ChangeLink.objects.create(
            school=school, system=system, person=person, token_hash=token_hash(token),
            expires_at=moment + timedelta(days=LINK_DAYS),
            created_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit_record(action="passwords.link.issued", school=school, actor=actor, target=link,
                     target_label=f"{system.name}: {person.full_name}",
                     changes={"person": person.full_name, "system": system.name,
                              "expires_at": link.expires_at, "earlier_links_ended": ended})
    return link, token


class LinkState(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    GONE = "gone"  # the person has left
    READY = "ready"


@dataclass(frozen=True)
class LinkStatus:
    state: LinkState
    link: ChangeLink | None = None
    when: datetime | None = None

    @property
    def school_name(self) -> str:
        return self.link.school.name if self.link is not None else ""


class LinkUnusable(DomainError):
    def __init__(self, status: LinkStatus) -> None:
        super().__init__("This link cannot be used.", field="token")
        self.status = status


def _links(token: str) -> QuerySet[ChangeLink]:
    return ChangeLink.objects.select_related("school", "system", "person").filter(
        token_hash=token_hash(token))


def _status_of(link: ChangeLink | None, now: datetime) -> LinkStatus:
    if link is None:
        return LinkStatus(LinkState.UNKNOWN)
    if link.used_at is not None:
        return LinkStatus(LinkState.USED, link=link, when=link.used_at)
    leaving: date | None = link.person.leaving_date
    if leaving is not None and leaving <= timezone.localdate(now):
        return LinkStatus(LinkState.GONE, link=link)
    if link.expires_at <= now:
        return LinkStatus(LinkState.EXPIRED, link=link, when=link.expires_at)
    return LinkStatus(LinkState.READY, link=link)


def link_status(token: str) -> LinkStatus:
    """What ``token`` opens (a read only: it records nothing)."""
    if not looks_like_token(token):
        return LinkStatus(LinkState.UNKNOWN)
    return _status_of(_links(token).first(), timezone.now())


def link_use(*, token: str) -> PasswordChange:
    """Record the person's change today through their link, once. The link's row is locked
    while recording, so two presses at once record one change."""
    from schoolkeep.passwords.services import password_change_record

    if not looks_like_token(token):
        raise LinkUnusable(LinkStatus(LinkState.UNKNOWN))
    with transaction.atomic():
        link = _links(token).select_for_update(of=("self",)).first()
        now = timezone.now()
        status = _status_of(link, now)
        if status.state != LinkState.READY or link is None:
            raise LinkUnusable(status)
        name = link.person.full_name
        context = current()
        with audit_context(request_id=context.request_id, ip_address=context.ip_address,
                           actor_label=f"personal link: {name}"[:200]):
            change = password_change_record(
                school=link.school, system=link.system, person=link.person,
                changed_on=timezone.localdate(now), via=PasswordChange.Via.PERSONAL_LINK,
                actor=None)
            link.used_at = now
            link.save(update_fields=["used_at"])
            # About the person, so their name here and in the context's label is sealed.
            audit_record(action="passwords.link.used", school=link.school_id, actor=None,
                         target=link, subject=link.person,
                         target_label=f"{link.system.name}: {name}",
                         changes={"used_at": now, "changed_on": change.changed_on})
    return change
