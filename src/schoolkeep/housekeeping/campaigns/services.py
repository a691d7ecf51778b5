"""Writes of the digital housekeeping: the school's checklist, launching a campaign,
confirming (from the dashboard, or recorded for someone by the SIRO), reminding those who
have not, and closing with the figures kept. Pages, the API and the demo call these; each
runs in one transaction, checks the actor's permission and is audited.

Who is asked is decided at launch: one ``Confirmation`` per person, made in bulk, so a
closed campaign's figures never change. The e-mails go out afterwards, in the background
(``sending.py``), once the launch or the reminder is committed. Campaigns may overlap (one
for staff, another for governors with its own date): each has its own confirmations.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from schoolkeep.assets.models import AccessLabel
from schoolkeep.audit.services import audit_record
from schoolkeep.housekeeping.campaigns import selectors
from schoolkeep.housekeeping.models import (
    Campaign,
    Confirmation,
    ConfirmLink,
    HousekeepingSettings,
)
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import tidy
from schoolkeep.people.models import PersonKind
from schoolkeep.people.selectors import current_q
from schoolkeep.tenancy.guards import actor_label, is_user, require_permission
from schoolkeep.tenancy.models import School, Site

ACTION_LABELS = {
    "housekeeping.checklist.updated": "Digital housekeeping checklist changed",
    "housekeeping.campaign.launched": "Digital housekeeping campaign launched",
    "housekeeping.campaign.confirmed": "Digital housekeeping confirmed",
    "housekeeping.campaign.reminded": "Digital housekeeping reminders sent",
    "housekeeping.campaign.closed": "Digital housekeeping campaign closed",
}

# The policy's annual digital housekeeping, as the school's checklist starts.
DEFAULT_CHECKLIST = [
    "I have reviewed my personal network area and my cloud storage",
    "I have deleted files I no longer need",
    "I have cleared my e-mail (inbox, sent items and deleted items) and my downloads folder",
    "I have left nothing personal about pupils or staff on USB sticks or other removable "
    "media",
]
MAX_ITEMS = 12
MAX_ITEM_LENGTH = 300
REMIND_GAP = timedelta(days=1)  # nobody is reminded twice within a day
MAX_OPEN = timedelta(days=365)  # a yearly campaign: never open for more than a year
MANAGE_MESSAGE = "Only the SIRO may run the digital housekeeping campaign."


def _require_manager(school: School | int, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission="housekeeping.manage",
                       message=MANAGE_MESSAGE)


# ---------------------------------------------------------------------------- checklist


def clean_checklist(items: Sequence[str] | str) -> list[str]:
    """One sentence a line (a text is split into lines), blank lines dropped."""
    lines = items.splitlines() if isinstance(items, str) else list(items)
    cleaned = [tidy(str(line)) for line in lines if tidy(str(line))]
    if not cleaned:
        raise DomainError("Write at least one thing to do, one a line.", field="checklist")
    if len(cleaned) > MAX_ITEMS:
        raise DomainError(f"Keep the checklist to {MAX_ITEMS} lines at most.",
                          field="checklist")
    for number, line in enumerate(cleaned, start=1):
        if len(line) > MAX_ITEM_LENGTH:
            raise DomainError(f"Line {number} is too long: keep each line to "
                              f"{MAX_ITEM_LENGTH} characters.", field="checklist")
    return cleaned


def checklist_of(school: School) -> tuple[list[str], int]:
    """The school's checklist (the policy's until it is edited) and its version."""
    kept = HousekeepingSettings.objects.filter(school=school).first()
    if kept is None or not kept.checklist:
        return list(DEFAULT_CHECKLIST), kept.version if kept else 0
    return list(kept.checklist), kept.version


def checklist_update(*, school: School, actor: Any, checklist: Sequence[str] | str,
                     version: int) -> HousekeepingSettings:
    items = clean_checklist(checklist)
    with transaction.atomic():
        _require_manager(school, actor)
        kept, _made = HousekeepingSettings.objects.select_for_update().get_or_create(
            school=school, defaults={"checklist": list(DEFAULT_CHECKLIST), "version": 0})
        if kept.version != version:
            raise stale_error(school=school, target=kept, what="the checklist")
        before = list(kept.checklist)
        kept.checklist = items
        kept.version += 1
        kept.save(update_fields=["checklist", "version"])
        audit_record(action="housekeeping.checklist.updated", school=school, actor=actor,
                     target=kept, target_label="Digital housekeeping checklist",
                     changes={"checklist": [before, items]})
    return kept


# ---------------------------------------------------------------------------- launch


def _chosen(model: Any, school: School, chosen: Sequence[Any], field: str,
            what: str) -> list[Any]:
    ids = sorted({getattr(item, "pk", item) for item in chosen})
    found = list(model.objects.filter(school=school, pk__in=ids))
    if len(found) != len(ids):
        raise DomainError(f"Choose {what} of this school.", field=field)
    return found


def campaign_launch(*, school: School, actor: Any, title: str, closes_on: date,
                    checklist: Sequence[str] | str, kinds: Sequence[str] = (),
                    sites: Sequence[Any] = (), access_labels: Sequence[Any] = (),
                    today: date | None = None, now: datetime | None = None,
                    send_emails: bool = True) -> Campaign:
    """Launch a campaign: one confirmation per person asked (in bulk) and, once committed,
    an e-mail to each (in the background; the demo sends none)."""
    moment = now or timezone.now()
    today = today or timezone.localdate(moment)
    name = tidy(title or "")
    if not name:
        raise DomainError("Give the campaign a title, such as \"Digital housekeeping "
                          f"{today.year}\".", field="title")
    if len(name) > 200:
        raise DomainError("Keep the title to 200 characters.", field="title")
    items = clean_checklist(checklist)
    if closes_on is None or closes_on <= today:
        raise DomainError("Choose a confirm-by date after today.", field="closes_on")
    if closes_on > today + MAX_OPEN:
        raise DomainError(f"Choose a confirm-by date within a year, by "
                          f"{today + MAX_OPEN:%d/%m/%Y}: the housekeeping is yearly.",
                          field="closes_on")
    unknown = sorted(set(kinds) - set(PersonKind.values))
    if unknown:
        raise DomainError(f"Unknown kind of person: {', '.join(unknown)}.", field="kinds")
    with transaction.atomic():
        _require_manager(school, actor)
        site_rows = _chosen(Site, school, sites, "sites", "sites")
        label_rows = _chosen(AccessLabel, school, access_labels, "access_labels",
                             "access labels")
        people = list(selectors.audience(
            school=school, today=today, kinds=kinds, site_ids=[s.pk for s in site_rows],
            label_ids=[label.pk for label in label_rows]).values_list("pk", flat=True))
        if not people:
            raise DomainError("Nobody is in this audience: no current person matches the "
                              "kinds, sites and access labels chosen.", field="kinds")
        campaign = Campaign.objects.create(
            school=school, title=name, checklist=items, audience_kinds=sorted(set(kinds)),
            launched_at=moment, launched_by_label=actor_label(actor), closes_on=closes_on)
        campaign.sites.set(site_rows)
        campaign.access_labels.set(label_rows)
        Confirmation.objects.bulk_create(
            # The launch's e-mail counts as the first: "Remind" right after it writes to
            # nobody again (nor ends the personal links just sent).
            [Confirmation(school=school, campaign=campaign, person_id=pk,
                          last_reminded_at=moment) for pk in people],
            batch_size=500)
        audit_record(action="housekeeping.campaign.launched", school=school, actor=actor,
                     target=campaign, target_label=name,
                     changes={"closes_on": closes_on, "asked": len(people),
                              "kinds": campaign.audience_kinds or ["all staff"],
                              "sites": [s.name for s in site_rows],
                              "access_labels": [label.label for label in label_rows],
                              "checklist": items})
        if send_emails:
            _send_later(campaign, reminder=False)
    return campaign


def _send_later(campaign: Campaign, *, reminder: bool, ids: Sequence[int] = ()) -> None:
    from schoolkeep.housekeeping.campaigns.tasks import send_emails

    campaign_id = str(campaign.public_id)
    chosen = [str(pk) for pk in ids]
    transaction.on_commit(lambda: send_emails.enqueue(campaign_id, chosen, reminder))


# ---------------------------------------------------------------------------- confirm


def _require_open(campaign: Campaign) -> None:
    if campaign.closed_at is not None:
        raise DomainError(f"This campaign closed on {campaign.closed_at:%d/%m/%Y}: nothing "
                          "more can be confirmed.")


def confirm_locked(confirmation: Confirmation, *, via: str, label: str, actor: Any,
                   now: datetime) -> Confirmation:
    """Mark the (locked) confirmation as given and audit it; inside a transaction."""
    _require_open(confirmation.campaign)
    leaving = confirmation.person.leaving_date
    if leaving is not None and leaving <= timezone.localdate(now):
        # As the personal link's page: a leaver's confirmation stays open in the figures,
        # but nobody confirms for someone who no longer works here.
        raise DomainError(f"{confirmation.person.full_name} left on {leaving:%d/%m/%Y}: "
                          "their digital housekeeping is no longer asked for.")
    if confirmation.confirmed_at is not None:
        raise DomainError(f"{confirmation.person.full_name} confirmed on "
                          f"{timezone.localtime(confirmation.confirmed_at):%d/%m/%Y} already.")
    confirmation.confirmed_at = now
    confirmation.confirmed_via = via
    confirmation.confirmed_by_label = label[:200]
    confirmation.save(update_fields=["confirmed_at", "confirmed_via", "confirmed_by_label"])
    ConfirmLink.objects.filter(confirmation=confirmation, used_at__isnull=True,
                               expires_at__gt=now).update(expires_at=now)
    audit_record(action="housekeeping.campaign.confirmed", school=confirmation.school_id,
                 actor=actor, target=confirmation,
                 target_label=f"{confirmation.campaign.title}: "
                              f"{confirmation.person.full_name}",
                 changes={"via": via, "confirmed_at": now})
    return confirmation


def _locked(confirmation: Confirmation) -> Confirmation:
    return (Confirmation.objects.select_for_update(of=("self",))
            .select_related("campaign", "person").get(pk=confirmation.pk))


def confirmation_confirm(*, confirmation: Confirmation, actor: Any) -> Confirmation:
    """The member confirms their own housekeeping (from their dashboard)."""
    with transaction.atomic():
        require_permission(school=confirmation.school_id, actor=actor,
                           permission="housekeeping.confirm",
                           message="Your role does not confirm digital housekeeping.")
        locked = _locked(confirmation)
        if is_user(actor) and locked.person.user_id != actor.pk:
            raise NotAllowed("You can confirm only your own housekeeping.")
        return confirm_locked(locked, via=Confirmation.Via.DASHBOARD, label=actor_label(actor),
                              actor=actor, now=timezone.now())


def confirmation_record(*, confirmation: Confirmation, actor: Any) -> Confirmation:
    """The SIRO records that someone did it (they said so in person, or have no e-mail)."""
    with transaction.atomic():
        _require_manager(confirmation.school_id, actor)
        locked = _locked(confirmation)
        return confirm_locked(locked, via=Confirmation.Via.RECORDED, label=actor_label(actor),
                              actor=actor, now=timezone.now())


# ---------------------------------------------------------------------------- remind, close


def remindable(campaign: Campaign, now: datetime) -> Any:
    """Those who have not confirmed, have not left, have an e-mail address and were not
    reminded within the last day."""
    return (Confirmation.objects.filter(campaign=campaign, confirmed_at__isnull=True)
            .filter(current_q(timezone.localdate(now), prefix="person__"))
            .exclude(person__email="")
            .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - REMIND_GAP)))


def campaign_remind(*, campaign: Campaign, actor: Any, now: datetime | None = None) -> int:
    """Remind everyone who has not confirmed (not anyone reminded within a day): record it
    on their confirmation and e-mail them once committed. Returns how many."""
    moment = now or timezone.now()
    with transaction.atomic():
        _require_manager(campaign.school_id, actor)
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _require_open(campaign)
        ids = list(remindable(campaign, moment).values_list("pk", flat=True))
        if not ids:
            raise DomainError("Nobody to remind: everyone has confirmed, was e-mailed or "
                              "reminded in the last day, has left, or has no e-mail address.")
        Confirmation.objects.filter(pk__in=ids).update(
            last_reminded_at=moment, reminders_sent=F("reminders_sent") + 1)
        audit_record(action="housekeeping.campaign.reminded", school=campaign.school_id,
                     actor=actor, target=campaign, target_label=campaign.title,
                     changes={"reminded": len(ids)})
        _send_later(campaign, reminder=True, ids=ids)
    return len(ids)


def campaign_close(*, campaign: Campaign, actor: Any, now: datetime | None = None) -> Campaign:
    """Close the campaign, keeping its figures as they are now (overall and per group)."""
    moment = now or timezone.now()
    with transaction.atomic():
        _require_manager(campaign.school_id, actor)
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        _require_open(campaign)
        figures = selectors.campaign_figures(campaign).as_dict()
        campaign.closed_at = moment
        campaign.closed_by_label = actor_label(actor)
        campaign.figures = figures
        campaign.version += 1
        campaign.save(update_fields=["closed_at", "closed_by_label", "figures", "version"])
        ConfirmLink.objects.filter(confirmation__campaign=campaign, used_at__isnull=True,
                                   expires_at__gt=moment).update(expires_at=moment)
        audit_record(action="housekeeping.campaign.closed", school=campaign.school_id,
                     actor=actor, target=campaign, target_label=campaign.title,
                     changes={"asked": figures["asked"], "confirmed": figures["confirmed"]})
    return campaign
