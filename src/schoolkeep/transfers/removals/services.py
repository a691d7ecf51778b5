"""Taking OFFICIAL-SENSITIVE material off site: the request, its approval, withdrawal,
return, and a loss reported as an incident in one step.

The rules:

- Only a current OFFICIAL-SENSITIVE information asset needs a request (an OFFICIAL or
  unclassified asset is refused with why; an archived one is not current).
- A device must be an item of the equipment register recorded as encrypted
  (``Item.is_encrypted``): otherwise the request is refused on ``item``, telling the
  requester to ask the IT lead to record its encryption. It is checked again at approval.
  A lost, stolen or disposed device cannot go.
- Paper needs how it is carried and kept (``carried_how``).
- Once (out on ``starts_on``, back by ``ends_on``) or standing (a period of at most a year).
- The approver (``selectors.approver_user_id``): the asset's owner, through the account
  linked to the owner's person record, while they have not left and are an active member in
  a role that may write; the SIRO when the owner is an outside organisation, a name not yet
  matched, nobody, has left or has no such account, and when the owner takes the material
  or asked for it. Nobody decides their own request: when a SIRO takes it or asked for it,
  it falls to another SIRO, else to the DPO.
- The requester may withdraw a request that is awaiting approval or approved; the requester,
  the approver or a SIRO records its return; the same, or the DPO, reports it lost. A device
  reported lost or stolen goes through the equipment register
  (``equipment.inventory.services.item_mark_lost``), which reports the incident and marks the
  item; paper is reported directly. Either way the incident is kept on the request, and a
  second report is refused.

The command line and the demo (no user) are trusted callers.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from schoolkeep.assets.models import Asset, Classification
from schoolkeep.audit.services import audit_record
from schoolkeep.equipment.models import Item
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.people.models import Person
from schoolkeep.tenancy.guards import actor_label, is_user, require_permission, user_holds
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import Role
from schoolkeep.transfers.models import Removal
from schoolkeep.transfers.removals import selectors

logger = logging.getLogger(__name__)
LONDON = ZoneInfo("Europe/London")

ACTION_LABELS = {
    "transfers.removal.requested": "Asked to take OFFICIAL-SENSITIVE material off site",
    "transfers.removal.approved": "Approved taking material off site",
    "transfers.removal.refused": "Refused taking material off site",
    "transfers.removal.withdrawn": "Withdrew a request to take material off site",
    "transfers.removal.returned": "Recorded material taken off site as returned",
    "transfers.removal.reported_lost": "Reported material taken off site as lost or stolen",
}

TAKEN_OFF_SITE = "It has been taken off site: record its return instead."
LONGEST_STANDING = timedelta(days=366)  # "at most a year" (a leap year's 366 days)
GONE = {Item.Status.LOST, Item.Status.STOLEN, Item.Status.AWAITING_DISPOSAL,
        Item.Status.DISPOSED}
ENCRYPTION_MISSING = ("{item} is not recorded as encrypted. Ask the IT lead to record its"
                      " encryption in the equipment register before it leaves the school.")
NOT_APPROVER = ("Only the asset's owner can decide this request (the SIRO when the owner"
                " cannot: an outside organisation, a name not yet matched, someone who has"
                " left, or the person taking it). Nobody decides their own request.")


# ---------------------------------------------------------------------------- checks


FIELD_WORDS = {"description": "What is taken", "reason": "Why", "carried_how":
               "How it is carried and kept", "note": "The note"}


def _text(value: str | None, field: str) -> str:
    """A free-text input, trimmed; a NUL character (never typed, and refused by PostgreSQL)
    is refused naming the field."""
    value = (value or "").strip()
    if "\x00" in value:
        raise DomainError(f"{FIELD_WORDS[field]} holds a character that cannot be stored"
                          " (a NUL): remove it and try again.", field=field)
    return value


def _check_asset(school: School, asset: Asset) -> None:
    if asset.school_id != school.pk or asset.archived_at is not None:
        raise DomainError("Choose a current information asset of this school.", field="asset")
    if asset.classification != Classification.OFFICIAL_SENSITIVE:
        label = (Classification(asset.classification).label
                 if asset.classification in Classification.values else asset.classification)
        raise DomainError(
            f"{asset.name} is classified {label}: only OFFICIAL-SENSITIVE material needs a"
            " request to take it off site. If it should be OFFICIAL-SENSITIVE, ask its owner"
            " to classify it.", field="asset")


def _check_device(school: School, item: Item | None) -> None:
    if item is None:
        raise DomainError("Choose the device from the equipment register.", field="item")
    if item.school_id != school.pk:
        raise DomainError("Choose a device of this school.", field="item")
    if item.status in GONE:
        raise DomainError(f"{item.label} is {item.get_status_display().lower()}: it cannot"
                          " be taken off site.", field="item")
    if not item.is_encrypted:
        raise DomainError(ENCRYPTION_MISSING.format(item=item.label), field="item")


def _check_dates(*, standing: bool, starts_on: date, ends_on: date, today: date) -> None:
    if ends_on < starts_on:
        raise DomainError("The date back must be on or after the date it goes.",
                          field="ends_on")
    if ends_on < today:
        raise DomainError("The date back has passed: a request is for now or later.",
                          field="ends_on")
    if standing and ends_on - starts_on >= LONGEST_STANDING:
        raise DomainError("A standing approval covers at most a year: end it sooner and ask"
                          " again next year.", field="ends_on")


def _person_of(school: School, actor: Any, person: Person | None) -> Person:
    """Who takes it: the person given (trusted callers), else the requester's own record."""
    if person is None and is_user(actor):
        person = Person.objects.filter(school=school, user=actor).first()
    if person is None:
        raise DomainError("Your account is not linked to a person record in this school: ask"
                          " the office to link it, then make the request.", field="person")
    if person.school_id != school.pk:
        raise DomainError("Choose a person of this school.", field="person")
    if is_user(actor) and person.user_id != actor.pk:
        raise NotAllowed("You can only ask to take material off site yourself.")
    if person.leaving_date is not None and person.leaving_date <= timezone.localdate():
        raise DomainError(f"{person.full_name} has left the school.", field="person")
    return person


def _locked(removal: Removal, version: int | None) -> Removal:
    # Only the request's row is locked (the device and the incident are outer joins).
    current = (Removal.objects.select_for_update(of=("self",)).select_related(
        "school", "asset", "item", "person", "incident").get(pk=removal.pk))
    if version is not None and version != current.version:
        raise stale_error(school=current.school, target=current, what="this request")
    return current


def is_siro(*, school: School | int, user: Any) -> bool:
    return MembershipRole.objects.filter(
        membership__school=school, membership__user=user, membership__is_active=True,
        role=Role.SIRO).exists()


def may_decide(*, removal: Removal, actor: Any) -> bool:
    """The approver rule of the module docstring (trusted callers may). Nobody decides
    their own request: not the person taking it, nor whoever asked for it."""
    if not is_user(actor):
        return True
    if is_requester(removal=removal, actor=actor):
        return False
    approver = selectors.approver_user_id(removal)
    if approver is not None:
        return bool(approver == actor.pk)
    return is_siro(school=removal.school_id, user=actor)


def may_be_withdrawn(removal: Removal) -> bool:
    """Awaiting approval: always; approved: only before ``starts_on`` (London's date)."""
    if removal.status == Removal.Status.REQUESTED:
        return True
    return (removal.status == Removal.Status.APPROVED
            and timezone.localdate(timezone=LONDON) < removal.starts_on)


def is_requester(*, removal: Removal, actor: Any) -> bool:
    return is_user(actor) and (removal.requested_by_id == actor.pk
                               or removal.person.user_id == actor.pk)


def may_record_return(*, removal: Removal, actor: Any) -> bool:
    """The requester, the approver or a SIRO (trusted callers may)."""
    if not is_user(actor) or is_requester(removal=removal, actor=actor):
        return True
    return (selectors.approver_user_id(removal) == actor.pk
            or is_siro(school=removal.school_id, user=actor))


def may_report_lost(*, removal: Removal, actor: Any) -> bool:
    """Whoever may record its return, or the DPO."""
    return may_record_return(removal=removal, actor=actor) or user_holds(
        school=removal.school_id, user=actor, permission="transfers.manage")


# ---------------------------------------------------------------------------- e-mail


def _tell_approver(removal_id: int) -> None:
    """E-mail whoever decides a link to the request: never what is taken or by whom."""
    removal = Removal.objects.select_related("school").get(pk=removal_id)
    recipients = selectors.approver_emails(removal)
    if not recipients:
        logger.warning("Removal request %s has nobody to approve it.", removal.public_id)
        return
    url = settings.BASE_URL + reverse("transfers:removal-detail", args=[removal.public_id])
    send_mail(
        subject=(f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}a request to take material off site"
                 f" at {removal.school.name}"),
        message=(f"Someone at {removal.school.name} has asked to take OFFICIAL-SENSITIVE"
                 " material off site, and you are the one to decide.\n\nSign in to read the"
                 f" request, then approve or refuse it:\n{url}\n"),
        from_email=None, recipient_list=recipients)


# ---------------------------------------------------------------------------- services


def removal_request(*, school: School, actor: Any, asset: Asset, form: str,
                    description: str, reason: str, standing: bool, starts_on: date,
                    ends_on: date, item: Item | None = None, carried_how: str = "",
                    person: Person | None = None, notify: bool = True) -> Removal:
    """Ask to take material of ``asset`` off site (see the module docstring)."""
    with transaction.atomic():
        require_permission(school=school, actor=actor, permission="removals.request",
                           message="You may not ask to take material off site here.")
        today = timezone.localdate()
        description, reason = _text(description, "description"), _text(reason, "reason")
        carried_how = _text(carried_how, "carried_how")
        person = _person_of(school, actor, person)
        _check_asset(school, asset)
        if form == Removal.Form.DEVICE:
            _check_device(school, item)
        elif form == Removal.Form.PAPER:
            item = None
            if not carried_how:
                raise DomainError("Say how the papers are carried and kept (for example, in a"
                                  " locked bag, never left in a car).", field="carried_how")
        else:
            raise DomainError("Choose a device or paper records.", field="form")
        if not description:
            raise DomainError("Say what is taken (no pupil's name needed).",
                              field="description")
        if not reason:
            raise DomainError("Say why it needs to go off site.", field="reason")
        _check_dates(standing=standing, starts_on=starts_on, ends_on=ends_on, today=today)
        removal = Removal(
            school=school, person=person, asset=asset, form=form, item=item,
            description=description, reason=reason, carried_how=carried_how,
            standing=standing, starts_on=starts_on, ends_on=ends_on,
            status=Removal.Status.REQUESTED, requested_at=timezone.now(),
            requested_by=actor if is_user(actor) else None,
            requested_by_label=actor_label(actor))
        full_clean_or_error(removal)
        removal.save()
        audit_record(action="transfers.removal.requested", school=school, actor=actor,
                     target=removal, changes={"asset": asset.name, "form": form,
                              "item": item.label if item else "", "standing": standing,
                              "starts_on": starts_on.isoformat(),
                              "ends_on": ends_on.isoformat()})
        if notify:
            pk = removal.pk
            transaction.on_commit(lambda: _tell_approver(pk), robust=True)
        return removal


def removal_decide(*, removal: Removal, actor: Any, approve: bool, note: str = "",
                   version: int | None = None) -> Removal:
    """Approve or refuse a request awaiting approval; a refusal says why."""
    with transaction.atomic():
        removal = _locked(removal, version)
        if not may_decide(removal=removal, actor=actor):
            raise NotAllowed(NOT_APPROVER)
        if removal.status != Removal.Status.REQUESTED:
            raise DomainError(f"This request is {removal.get_status_display().lower()}:"
                              " there is nothing to decide.")
        note = _text(note, "note")
        if approve:
            _check_asset(removal.school, removal.asset)
            if removal.form == Removal.Form.DEVICE:
                _check_device(removal.school, removal.item)
            if removal.ends_on < timezone.localdate():
                raise DomainError("The date back has passed: ask for a new request.")
        elif not note:
            raise DomainError("Say why it is refused, so the requester knows what to change.",
                              field="note")
        removal.status = Removal.Status.APPROVED if approve else Removal.Status.REFUSED
        removal.decided_at = timezone.now()
        removal.decided_by_label = actor_label(actor)
        removal.decision_note = note
        removal.version += 1
        full_clean_or_error(removal)
        removal.save()
        audit_record(action=("transfers.removal.approved" if approve
                             else "transfers.removal.refused"),
                     school=removal.school, actor=actor, target=removal,
                     changes={"note": note})
        return removal


def removal_withdraw(*, removal: Removal, actor: Any, version: int | None = None) -> Removal:
    """The requester withdraws a request awaiting approval (any time) or approved (only
    before the day it goes: once taken off site, its return is recorded instead)."""
    with transaction.atomic():
        removal = _locked(removal, version)
        if is_user(actor) and not is_requester(removal=removal, actor=actor):
            raise NotAllowed("Only the person who asked can withdraw the request.")
        if not may_be_withdrawn(removal):
            if removal.status == Removal.Status.APPROVED:
                raise DomainError(TAKEN_OFF_SITE)
            raise DomainError(f"This request is {removal.get_status_display().lower()}:"
                              " it cannot be withdrawn.")
        removal.status = Removal.Status.WITHDRAWN
        removal.version += 1
        removal.save()
        audit_record(action="transfers.removal.withdrawn", school=removal.school,
                     actor=actor, target=removal)
        return removal


def removal_return(*, removal: Removal, actor: Any, returned_on: date | None = None,
                   version: int | None = None) -> Removal:
    """Record that approved material came back (today unless a date is given)."""
    with transaction.atomic():
        removal = _locked(removal, version)
        if not may_record_return(removal=removal, actor=actor):
            raise NotAllowed("Only the person who took it, the asset's owner or the SIRO can"
                             " record its return.")
        if removal.status != Removal.Status.APPROVED:
            raise DomainError(f"This request is {removal.get_status_display().lower()}:"
                              " only approved material is returned.")
        today = timezone.localdate()
        returned_on = returned_on or today
        if returned_on > today:
            raise DomainError("The date of return cannot be in the future.",
                              field="returned_on")
        if returned_on < removal.starts_on:
            raise DomainError("The date of return is before it went.", field="returned_on")
        removal.status = Removal.Status.RETURNED
        removal.returned_on = returned_on
        removal.returned_by_label = actor_label(actor)
        removal.version += 1
        full_clean_or_error(removal)
        removal.save()
        audit_record(action="transfers.removal.returned", school=removal.school,
                     actor=actor, target=removal, changes={"returned_on": returned_on.isoformat()})
        return removal


def removal_report_lost(*, removal: Removal, actor: Any, stolen: bool = False,
                        note: str = "") -> Removal:
    """Report approved material as lost (or stolen) in one step: the incident is reported
    (for a device, through the equipment register, which marks the item) and kept here."""
    from schoolkeep.equipment.inventory.services import item_mark_lost
    from schoolkeep.incidents.models import Channel
    from schoolkeep.incidents.report.services import incident_report

    with transaction.atomic():
        removal = _locked(removal, None)
        if not may_report_lost(removal=removal, actor=actor):
            raise NotAllowed("Only the person who took it, the asset's owner, the SIRO or the"
                             " DPO can report it lost.")
        if removal.incident is not None:
            raise DomainError(f"This is already reported as {removal.incident.reference}.")
        if removal.status != Removal.Status.APPROVED:
            raise DomainError(f"This request is {removal.get_status_display().lower()}:"
                              " only material taken off site can be reported lost.")
        note = _text(note, "note")
        what = "stolen" if stolen else "lost"
        if removal.form == Removal.Form.DEVICE and removal.item is not None:
            # The removal's own rule (above) stands in for the register's holder check.
            item = item_mark_lost(item=removal.item, actor=actor, stolen=stolen,
                                  note=_incident_text(removal, what, note),
                                  holder_checked=True)
            incident = item.incident
            if incident is None:  # pragma: no cover - item_mark_lost always reports one
                raise DomainError("The device's incident could not be reported.")
        else:
            incident, _ = incident_report(
                school=removal.school, actor=actor, channel=Channel.APP,
                title=f"Paper records taken off site {what}",
                description=_incident_text(removal, what, note),
                data_involved=f"{removal.asset.name} (OFFICIAL-SENSITIVE), on paper",
                occurred_at=timezone.now(), personal_data=True)
        removal.incident = incident
        removal.version += 1
        removal.save()
        audit_record(action="transfers.removal.reported_lost", school=removal.school,
                     actor=actor, target=removal,
                     changes={"what": what, "incident": incident.reference})
        return removal


def _incident_text(removal: Removal, what: str, note: str) -> str:
    """What the incident report carries over from the request (also shown on the page)."""
    lines = [f"Material taken off site with approval was {what}.",
             f"What: {removal.description}",
             f"Information asset: {removal.asset.name} (OFFICIAL-SENSITIVE)",
             f"Taken by: {removal.person.full_name}",
             f"Off site from {removal.starts_on:%d/%m/%Y}, due back {removal.ends_on:%d/%m/%Y}"]
    if removal.item is not None:
        lines.append(f"Device: {removal.item.label}, encryption:"
                     f" {removal.item.get_encryption_display()}")
    if removal.carried_how:
        lines.append(f"Carried and kept: {removal.carried_how}")
    if note:
        lines.append(f"What happened: {note}")
    return "\n".join(lines)


def incident_preview(removal: Removal, *, stolen: bool = False) -> str:
    return _incident_text(removal, "stolen" if stolen else "lost", "")
