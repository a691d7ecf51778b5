"""The e-mails of a campaign: at launch to everyone asked, and the reminders.

A person who can sign in to the school (an active account with an active membership) is
sent to their own confirm page, which asks them to sign in; anyone else gets a personal
one-use link (``links.py``), a newer link ending the older. Nobody without an e-mail address
gets one: the SIRO can record their confirmation instead; nor does anyone who has left. An
e-mail that cannot be sent is logged, skipped and not counted as a reminder (the next
reminder tries again at once).

What leaves the school: the school's name, the campaign's title, its checklist, the confirm-by
date and a link. Never anything about pupils.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from schoolkeep.housekeeping.campaigns.links import LINK_DAYS, link_issue, link_url
from schoolkeep.housekeeping.models import Campaign, Confirmation
from schoolkeep.people.selectors import current_q
from schoolkeep.tenancy.models import Membership

logger = logging.getLogger(__name__)


def _members(school_id: int) -> set[int]:
    return set(Membership.objects.filter(school_id=school_id, is_active=True,
                                         user__is_active=True).values_list("user_id",
                                                                           flat=True))


def campaign_emails_send(*, campaign_id: str, confirmation_ids: Sequence[str] = (),
                         reminder: bool = False) -> int:
    """Send the campaign's e-mails (to the confirmations named, or at launch to all still
    to confirm); returns how many were sent."""
    campaign = Campaign.objects.select_related("school").filter(public_id=campaign_id).first()
    if campaign is None or campaign.closed_at is not None:
        return 0
    now = timezone.now()
    # Someone who left since the launch (or the reminder) is not written to.
    rows = (Confirmation.objects.filter(campaign=campaign, confirmed_at__isnull=True)
            .filter(current_q(timezone.localdate(now), prefix="person__"))
            .exclude(person__email="").select_related("person").order_by("pk"))
    if confirmation_ids:
        rows = rows.filter(pk__in=[int(pk) for pk in confirmation_ids])
    members = _members(campaign.school_id)
    sent = 0
    for confirmation in rows:
        person = confirmation.person
        personal = person.user_id not in members
        if personal:
            _link, token = link_issue(confirmation=confirmation, now=now)
            url = link_url(token)
        else:
            path = reverse("housekeeping:confirm", args=[confirmation.public_id])
            url = f"{settings.BASE_URL}{path}"
        context = {"school_name": campaign.school.name, "title": campaign.title,
                   "name": person.display_name, "checklist": campaign.checklist,
                   "closes_on": campaign.closes_on, "url": url, "personal_link": personal,
                   "expires_on": timezone.localdate(now + timedelta(days=LINK_DAYS)),
                   "reminder": reminder}
        subject = render_to_string("housekeeping/email/subject.txt", context)
        body = render_to_string("housekeeping/email/body.txt", context)
        message = EmailMessage(subject=" ".join(subject.split()), body=body,
                               from_email=settings.DEFAULT_FROM_EMAIL, to=[person.email])
        try:
            message.send(fail_silently=False)
        except Exception as exc:  # any transport failure: the next reminder tries again
            logger.warning("Housekeeping e-mail for confirmation %s not sent: %s",
                           confirmation.pk, exc)
            # Not sent, so not counted: the next "Remind" may try again at once.
            Confirmation.objects.filter(pk=confirmation.pk).update(
                last_reminded_at=None,
                reminders_sent=Greatest(F("reminders_sent") - int(reminder), 0))
            continue
        sent += 1
    return sent
