"""One-use personal links for people asked in a campaign who have no Schoolkeep account.

A link is for one confirmation: a random token of 32 bytes, of which only the SHA-256 is
kept. It works once, for 30 days, while the campaign is open; a newer link for the same
confirmation ends the older unused ones. Opening it (GET) records nothing, since mail
scanners open every link: the page shows the checklist and one button, and only pressing it
(POST) confirms, with no actor and "personal link: <name>" as the label. The token is never
written to the audit trail or the logs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from schoolkeep.audit.context import audit_context, current
from schoolkeep.audit.services import audit_record
from schoolkeep.housekeeping.campaigns.services import confirm_locked
from schoolkeep.housekeeping.models import Confirmation, ConfirmLink
from schoolkeep.lib.crypto import looks_like_token, token_hash
from schoolkeep.lib.errors import DomainError

ACTION_LABELS = {
    "housekeeping.link.issued": "Personal link to confirm digital housekeeping made",
}

TOKEN_BYTES = 32
LINK_DAYS = 30


def link_url(token: str) -> str:
    return f"{settings.BASE_URL}{reverse('housekeeping:link', args=[token])}"


def link_issue(*, confirmation: Confirmation, now: datetime | None = None
               ) -> tuple[ConfirmLink, str]:
    """A new link for the confirmation; returns it and its token (sent once, never kept).
    Earlier unused links of the confirmation stop working."""
    moment = now or timezone.now()
    with transaction.atomic():
        ended = (ConfirmLink.objects.filter(confirmation=confirmation, used_at__isnull=True,
                                            expires_at__gt=moment).update(expires_at=moment))
        token = secrets.token_urlsafe(TOKEN_BYTES)
        link = ConfirmLink.objects.create(confirmation=confirmation,
                                          token_hash=token_hash(token),
                                          expires_at=moment + timedelta(days=LINK_DAYS))
        audit_record(action="housekeeping.link.issued", school=confirmation.school_id,
                     target=link, subject=("people.person", str(confirmation.person_id)),
                     target_label=confirmation.person.full_name,
                     changes={"expires_at": link.expires_at, "earlier_links_ended": ended})
    return link, token


class LinkState(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    CLOSED = "closed"  # the campaign closed
    DONE = "done"  # confirmed already, another way
    GONE = "gone"  # the person has left
    READY = "ready"


@dataclass(frozen=True)
class LinkStatus:
    state: LinkState
    link: ConfirmLink | None = None
    when: datetime | None = None

    @property
    def school_name(self) -> str:
        return self.link.confirmation.school.name if self.link is not None else ""


class LinkUnusable(DomainError):
    def __init__(self, status: LinkStatus) -> None:
        super().__init__("This link cannot be used.", field="token")
        self.status = status


def _links(token: str):  # type: ignore[no-untyped-def]
    return ConfirmLink.objects.select_related(
        "confirmation__school", "confirmation__campaign", "confirmation__person").filter(
        token_hash=token_hash(token))


def _status_of(link: ConfirmLink | None, now: datetime) -> LinkStatus:
    if link is None:
        return LinkStatus(LinkState.UNKNOWN)
    confirmation = link.confirmation
    if link.used_at is not None:
        return LinkStatus(LinkState.USED, link=link, when=link.used_at)
    if confirmation.confirmed_at is not None:
        return LinkStatus(LinkState.DONE, link=link, when=confirmation.confirmed_at)
    if confirmation.campaign.closed_at is not None:
        return LinkStatus(LinkState.CLOSED, link=link, when=confirmation.campaign.closed_at)
    leaving = confirmation.person.leaving_date
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


def link_use(*, token: str) -> Confirmation:
    """Confirm through the link, once; the link's row is locked while confirming, so two
    presses at once confirm once."""
    if not looks_like_token(token):
        raise LinkUnusable(LinkStatus(LinkState.UNKNOWN))
    with transaction.atomic():
        link = _links(token).select_for_update(of=("self",)).first()
        now = timezone.now()
        status = _status_of(link, now)
        if status.state != LinkState.READY or link is None:
            raise LinkUnusable(status)
        confirmation = (Confirmation.objects.select_for_update(of=("self",))
                        .select_related("campaign", "person").get(pk=link.confirmation_id))
        label = f"personal link: {confirmation.person.full_name}"[:200]
        context = current()
        with audit_context(request_id=context.request_id, ip_address=context.ip_address,
                           actor_label=label):
            link.used_at = now
            link.save(update_fields=["used_at"])
            confirm_locked(confirmation, via=Confirmation.Via.LINK, label=label, actor=None,
                           now=now)
    return confirmation
