"""The personal calendar feed (ICS) of a person's duties, at a secret URL they can reset.

Design. The secret in the URL is 256 random bits (``secrets.token_urlsafe(32)``). Only its
SHA-256 is stored, in ``User.calendar_token``, like API tokens: someone who reads the
database cannot subscribe to anyone's feed. The consequence is that Schoolkeep cannot show a
feed's URL again later. So:

- ``feed_token_reset`` makes a new secret (the old URL stops working at once), audits it
  (the secret appears only as "changed") and returns the new URL;
- that URL is kept for ``SHOW_FOR`` (ten minutes) in the shared cache, under the user's id,
  so the account page can show it right after the reset (the reset view redirects there);
  ``feed_url(user)`` returns it during that time and ``None`` afterwards, and also when the
  person has no feed;
- ``feed_is_set_up(user)`` says whether a feed exists, so the page can say "you have a
  calendar feed; reset it to get a new link" when the URL can no longer be shown.

The feed view finds the user by the SHA-256 of the token in the URL (so the lookup never
touches the secret itself) and compares the stored hash again in constant time. The feed's
path is redacted from every log line (``lib/log_redaction.py``). It lists the
duties the person owns in each school where they are an active member, overdue ones and
those due in the next 90 days, as all-day events for dates and timed events for instants.
Titles only: no subjects (which may name people), no children's names or special-category
details.

Bounds: of each kind, the feed lists the ``FEED_PER_KIND`` most urgent (read per kind, see
``duties.selectors.DutyReader``); the last of them says how many more there are and links
to the page of that kind, so a feed stays short whatever the school's size.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from icalendar import Calendar, Event

from schoolkeep.accounts.models import User
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.duties.selectors import DutyReader, KindGroup, holders_of
from schoolkeep.duties.types import OVERDUE
from schoolkeep.lib.crypto import token_hash
from schoolkeep.tenancy.models import Membership

FEED_HORIZON = timedelta(days=90)
FEED_PER_KIND = 10  # the most urgent duties of each kind in the feed
SHOW_FOR = timedelta(minutes=10)
TOKEN_BYTES = 32  # 256 bits
MAX_TOKEN_LENGTH = 100


def _cache_key(user: Any) -> str:
    return f"duties:calendar-feed-url:{user.pk}"


def feed_is_set_up(user: Any) -> bool:
    return bool(getattr(user, "calendar_token", ""))


def feed_url(user: Any) -> str | None:
    """The feed's URL right after it was set up or reset (for ten minutes), else None."""
    if not feed_is_set_up(user):
        return None
    url = cache.get(_cache_key(user))
    return url if isinstance(url, str) else None


def url_for_token(token: str) -> str:
    return settings.BASE_URL + reverse("duties:calendar-feed", args=[token])


def feed_token_reset(*, user: User, actor: Any) -> str:
    """Give the user a new feed secret (the old URL stops working) and return the new URL."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        before = {"calendar_token": user.calendar_token}
        user.calendar_token = token_hash(token)
        user.clean_fields(
            exclude=[f.name for f in User._meta.fields if f.name != "calendar_token"]
        )
        user.save(update_fields=["calendar_token"])
        audit_record(
            action="duties.calendar_feed.reset",
            actor=actor,
            target=user,
            changes=diff(
                before,
                {"calendar_token": user.calendar_token},
                secret_fields=["calendar_token"],
            ),
        )
    url = url_for_token(token)
    cache.set(_cache_key(user), url, timeout=int(SHOW_FOR.total_seconds()))
    return url


def user_for_token(token: str) -> User | None:
    """The active user whose feed this token opens, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = token_hash(token)
    user = User.objects.filter(calendar_token=digest, is_active=True).first()
    if user is None or not hmac.compare_digest(user.calendar_token, digest):
        return None
    return user


def feed_groups(user: User, now: datetime) -> list[tuple[str, KindGroup]]:
    """(school name, kind) for each kind of duty the user owns in the schools they are a
    member of, each with its ``FEED_PER_KIND`` most urgent duties."""
    schools = {
        membership.school_id: membership.school.name
        for membership in Membership.objects.filter(user=user, is_active=True).select_related(
            "school"
        )
    }
    holders = holders_of(list(schools))
    return [
        (name, group)
        for school_id, name in schools.items()
        for group in DutyReader(school_id, now, holders=holders, user_id=user.pk,
                                horizon=FEED_HORIZON).groups(mine=True, limit=FEED_PER_KIND)
    ]


def feed_ics(user: User, now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Schoolkeep//Duties//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Schoolkeep: what needs doing")
    calendar.add("x-published-ttl", "PT1H")
    for school_name, group in feed_groups(user, now):
        for index, duty in enumerate(group.first, start=1):
            event = Event()
            prefix = ("Legal deadline: " if duty.legal_clock
                      else "Overdue: " if duty.status == OVERDUE else "")
            event.add("summary", f"{prefix}{duty.title} ({school_name})")
            event.add("uid", f"{token_hash(f'{duty.school_id}:{duty.key}')[:32]}@schoolkeep")
            event.add("dtstamp", now)
            if duty.all_day:
                event.add("dtstart", duty.due_at)
                event.add("dtend", duty.due_at + timedelta(days=1))
                event.add("transp", "TRANSPARENT")
            else:
                event.add("dtstart", duty.due_at)
                event.add("duration", timedelta(minutes=15))
            link = settings.BASE_URL + duty.url
            event.add("url", link)
            description = (f"{'Overdue' if duty.status == OVERDUE else 'Due'} at {school_name}. "
                           f"{duty.action or 'Open it in Schoolkeep'}: {link}")
            if group.more and index == len(group.first):
                kind_url = settings.BASE_URL + reverse("duties:duty-kind-list",
                                                       args=[group.kind])
                description += f"\nAnd {group.more} more of this kind: {kind_url}"
            event.add("description", description)
            calendar.add_component(event)
    return calendar.to_ical()
