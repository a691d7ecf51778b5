"""Writes of the transfer log: logging a transfer, the DPO's review of one sent by a channel
not approved for it, and turning a transfer into an incident report in one step.

Who may: logging needs ``transfers.send`` (every school role but the auditor); reviewing
needs ``transfers.manage`` (SIRO, DPO); turning a transfer into an incident is for whoever
may see it (its sender, or a holder of ``transfers.view``) and may report incidents. The
command line and the demo are trusted callers.

Whether the channel was approved is decided when the transfer is logged
(``rules.resolve.is_approved``) and kept: a later change of the rules does not rewrite the
log. A transfer by a channel not approved for its kind of data and recipient is refused
with ``UnapprovedChannel`` unless the caller confirms it (``log_anyway``): the page asks
"log it anyway?"; once logged it waits for the DPO's review (their duty,
``transfers.transfer-to-review``).

Asset recipients: a transfer may name the information asset whose data it carried; a
member who may change that asset (``assets.services.may_manage`` or its owner) may add the
recipient to the asset's recipients (its Article 30 record) in the same step, through
``assets.services.asset_update`` inside the same transaction.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.assets import services as asset_services
from schoolkeep.assets.models import Asset
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.duties.types import LONDON
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import fold, in_sentence, tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.systems.models import System
from schoolkeep.tenancy.guards import actor_label, is_user, require_permission, user_holds
from schoolkeep.tenancy.models import School
from schoolkeep.transfers.models import DataKind, Recipient, Transfer
from schoolkeep.transfers.rules.resolve import is_approved

ACTION_LABELS = {
    "transfers.transfer.logged": "Transfer of data logged",
    "transfers.transfer.reviewed": "Transfer reviewed by the DPO",
    "transfers.transfer.incident_reported": "Transfer reported as an incident",
    "transfers.log.exported": "Transfer log exported",
}

YES_NO_UNKNOWN = {True: "Yes", False: "No", None: "Not known"}

# The earliest year the log form reads (a year of 4 numbers); the API keeps to it too.
EARLIEST_YEAR = 1000


class UnapprovedChannel(DomainError):
    """The channel is not approved for this kind of data and recipient: the caller asks
    "log it anyway?" and calls again with ``log_anyway=True``."""


def recipient_words(recipient: str, recipient_name: str = "") -> str:
    """How a recipient is written in an asset's recipients: "St Mary's Primary (another
    school)", or the kind of recipient alone ("The local authority")."""
    label = Recipient(recipient).label
    name = tidy(recipient_name)
    return f"{name} ({in_sentence(label)})" if name else label


def _entries(recipients_text: str) -> set[str]:
    """The entries of an asset's recipients text, each folded: its lines, and the pieces of
    each line between commas or semicolons (a name may hold a comma: the line counts too)."""
    found = set()
    for line in str(recipients_text or "").splitlines():
        found.add(fold(line))
        found.update(fold(piece) for piece in re.split(r"[,;]", line))
    found.discard("")
    return found


def is_listed(recipients_text: str, recipient: str, recipient_name: str = "") -> bool:
    """Whether an asset's recipients text names this recipient already: a whole entry (a
    line, or a part of one between commas or semicolons) is its name, or its name as
    ``recipient_words`` writes it, else the kind of recipient, ignoring case and spacing.
    Part of an entry is not enough: "Mary" does not list "St Mary's Primary"."""
    wanted = {fold(recipient_words(recipient, recipient_name)),
              fold(recipient_name) or fold(Recipient(recipient).label)}
    wanted.discard("")
    return bool(wanted & _entries(recipients_text))


def refuse_nul(value: Any, *, field: str) -> None:
    """A free-text value may not hold a NUL character (databases refuse or truncate it)."""
    if isinstance(value, str) and "\x00" in value:
        raise DomainError("Remove the invisible control character (NUL) from this text.",
                          field=field)


def may_change_asset(*, asset: Asset, actor: Any) -> bool:
    """Whether the actor may add to the asset's recipients (as ``asset_update`` decides)."""
    return (asset_services.may_manage(school=asset.school_id, actor=actor)
            or asset_services.is_owner(asset=asset, actor=actor))


def may_see(*, transfer: Transfer, user: Any, can_view_all: bool) -> bool:
    """The whole log for ``transfers.view``; their own transfers for everyone else."""
    return can_view_all or (transfer.sent_by_id is not None and transfer.sent_by_id == user.pk)


def unapproved_message(*, data_kind: str, recipient: str, channel_label: str) -> str:
    return (f"{channel_label} is not an approved channel for "
            f"{in_sentence(DataKind(data_kind).label)} to "
            f"{in_sentence(Recipient(recipient).label)}: "
            "log it anyway? The DPO will review it.")


def _channel(school: School, channel: System | None, channel_other: str) -> tuple[System | None,
                                                                                    str]:
    other = tidy(channel_other or "")
    if channel is not None and other:
        raise DomainError("Choose a channel or say which other way it went, not both.",
                          field="channel")
    if channel is None and not other:
        raise DomainError("Choose the channel it was sent by, or say which other way it went.",
                          field="channel")
    if channel is not None and (not isinstance(channel, System) or channel.school_id != school.pk
                                or channel.archived_at is not None
                                or not channel.is_transfer_channel):
        raise DomainError("Choose one of this school's transfer channels, or say which other "
                          "way it went.", field="channel")
    return channel, other


def _asset(school: School, asset: Asset | None) -> Asset | None:
    if asset is None:
        return None
    if not isinstance(asset, Asset) or asset.school_id != school.pk or asset.archived_at:
        raise DomainError("Choose a current information asset of this school.", field="asset")
    return asset


def _add_recipient(*, asset: Asset, actor: Any, words: str, recipient: str,
                   recipient_name: str) -> bool:
    """Append the recipient to the asset's recipients (unless named there already)."""
    current = Asset.objects.get(pk=asset.pk)
    if is_listed(current.recipients, recipient, recipient_name):
        return False
    text = current.recipients.rstrip()
    asset_services.asset_update(asset=current, actor=actor, version=current.version,
                                recipients=f"{text}\n{words}" if text else words)
    return True


def transfer_log(*, school: School, actor: Any, data_kind: str, recipient: str,
                 recipient_name: str = "", description: str = "",
                 channel: System | None = None, channel_other: str = "",
                 sent_on: date | None = None, pupils_named: bool | None = None,
                 people_count: int | None = None, asset: Asset | None = None,
                 add_to_asset_recipients: bool = False, log_anyway: bool = False) -> Transfer:
    """Log one transfer. A channel not approved for the kind of data and recipient raises
    ``UnapprovedChannel`` unless ``log_anyway``; logged, it is to be reviewed by the DPO."""
    require_permission(school=school, actor=actor, permission="transfers.send",
                       message="You may not log transfers in this school.")
    if data_kind not in DataKind.values:
        raise DomainError("Choose what kind of data was sent.", field="data_kind")
    if recipient not in Recipient.values:
        raise DomainError("Choose who it was sent to.", field="recipient")
    for field, value in (("recipient_name", recipient_name), ("description", description),
                         ("channel_other", channel_other)):
        refuse_nul(value, field=field)
    today = timezone.localdate()
    sent_on = sent_on or today
    if sent_on > today:
        raise DomainError("The date it was sent cannot be in the future.", field="sent_on")
    if sent_on.year < EARLIEST_YEAR:  # as the form's year of 4 numbers
        raise DomainError("The date it was sent must include a year with 4 numbers, such as "
                          f"{today.year}.", field="sent_on")
    if pupils_named is not None and not isinstance(pupils_named, bool):
        raise DomainError("Answer yes, no or not known.", field="pupils_named")
    if people_count is not None and (isinstance(people_count, bool) or people_count < 0):
        raise DomainError("Enter how many people's data it held, as a number.",
                          field="people_count")
    with transaction.atomic():
        channel, other = _channel(school, channel, channel_other)
        asset = _asset(school, asset)
        if add_to_asset_recipients and asset is None:
            raise DomainError("Choose the information asset whose recipients to add to.",
                              field="asset")
        if add_to_asset_recipients and asset is not None and not may_change_asset(
                asset=asset, actor=actor):
            raise DomainError("Only the asset's owner, the SIRO, the DPO or a data "
                              "administrator can change its recipients: leave this unticked.",
                              field="add_to_asset_recipients")
        approved = is_approved(school, data_kind, recipient, channel)
        label = channel.name if channel is not None else other
        if not approved and not log_anyway:
            raise UnapprovedChannel(unapproved_message(
                data_kind=data_kind, recipient=recipient, channel_label=label), field="channel")
        transfer = Transfer(
            school=school, data_kind=data_kind, recipient=recipient,
            recipient_name=tidy(recipient_name or ""), description=tidy(description or ""),
            channel=channel, channel_other=other, approved=approved, sent_on=sent_on,
            sent_by=actor if is_user(actor) else None, sent_by_label=actor_label(actor),
            pupils_named=pupils_named, people_count=people_count, asset=asset,
            review=Transfer.Review.NOT_NEEDED if approved else Transfer.Review.TO_REVIEW)
        full_clean_or_error(transfer, exclude=["school", "channel", "asset", "incident"])
        transfer.save()
        added = False
        if add_to_asset_recipients and asset is not None:
            added = _add_recipient(asset=asset, actor=actor, recipient=recipient,
                                   recipient_name=transfer.recipient_name,
                                   words=recipient_words(recipient, transfer.recipient_name))
        audit_record(
            action="transfers.transfer.logged", school=school, actor=actor, target=transfer,
            changes={"data_kind": data_kind, "recipient": recipient,
                     "recipient_name": transfer.recipient_name, "channel": label,
                     "approved": approved, "sent_on": sent_on.isoformat(),
                     "pupils_named": pupils_named, "people_count": people_count,
                     "asset": asset.name if asset is not None else "",
                     "added_to_asset_recipients": added})
    return transfer


def transfer_review(*, transfer: Transfer, actor: Any, note: str,
                    version: int | None = None) -> Transfer:
    """The DPO's review of a transfer by an unapproved channel: what they found or did."""
    text = str(note or "").strip()
    with transaction.atomic():
        current = (Transfer.objects.select_for_update(of=("self",)).select_related("school")
                   .get(pk=transfer.pk))
        require_permission(school=current.school_id, actor=actor,
                           permission="transfers.manage",
                           message="Only the SIRO or the DPO can review transfers.")
        if version is not None and current.version != version:
            raise stale_error(school=current.school, target=current, what="this transfer")
        if current.review == Transfer.Review.NOT_NEEDED:
            raise DomainError("This transfer went by an approved channel: it needs no review.",
                              field="note")
        if current.review == Transfer.Review.REVIEWED:
            raise DomainError(f"This transfer was reviewed already by "
                              f"{current.reviewed_by_label}.", field="note")
        if not text:
            raise DomainError("Say what you found, and what was done about it.", field="note")
        refuse_nul(text, field="note")
        before = {"review": current.review, "review_note": ""}
        current.review = Transfer.Review.REVIEWED
        current.review_note = text[:5000]
        current.reviewed_at = timezone.now()
        current.reviewed_by_label = actor_label(actor)
        current.version += 1
        current.save(update_fields=["review", "review_note", "reviewed_at",
                                    "reviewed_by_label", "version"])
        audit_record(action="transfers.transfer.reviewed", school=current.school_id,
                     actor=actor, target=current,
                     changes=diff(before, {"review": current.review,
                                           "review_note": current.review_note}))
    return current


def incident_fields(transfer: Transfer) -> dict[str, Any]:
    """What an incident report made from the transfer carries over: its title, what
    happened, the data involved, and the day it was sent (as the moment it happened)."""
    channel = transfer.channel_label
    kind = transfer.get_data_kind_display()
    recipient = in_sentence(transfer.get_recipient_display())
    to = transfer.recipient_name or recipient
    facts = [
        f"From the transfer log: {in_sentence(kind)} sent to {to} "
        f"({recipient}) on {transfer.sent_on:%d %B %Y} "
        f"by {channel}, logged by {transfer.sent_by_label}.",
        "The channel was approved for this data and recipient." if transfer.approved
        else "The channel was not approved for this data and recipient.",
        f"Pupils named (not initials): {YES_NO_UNKNOWN[transfer.pupils_named]}.",
        "How many people's data: "
        + (str(transfer.people_count) if transfer.people_count is not None else "Not known")
        + ".",
    ]
    if transfer.description:
        facts.insert(1, f"What was sent: {transfer.description}")
    if transfer.review_note:
        facts.append(f"The DPO's review: {transfer.review_note}")
    involved = kind + (f": {transfer.description}" if transfer.description else "")
    if transfer.asset_id and transfer.asset is not None:
        involved += f" (information asset: {transfer.asset.name})"
    occurred: datetime = datetime.combine(transfer.sent_on, time.min, tzinfo=LONDON)
    return {"title": f"{kind} sent to {recipient} by "
                     f"{channel}"[:200],
            "description": "\n".join(facts), "data_involved": involved,
            "occurred_at": min(occurred, timezone.now())}


def transfer_incident(*, transfer: Transfer, actor: Any) -> Transfer:
    """Report the transfer as an incident in one step, its fields carried over; the
    transfer keeps the link. Refused when it was reported already."""
    from schoolkeep.incidents.models import Channel
    from schoolkeep.incidents.report.services import incident_report

    with transaction.atomic():
        current = (Transfer.objects.select_for_update(of=("self",))
                   .select_related("school", "channel", "asset", "incident")
                   .get(pk=transfer.pk))
        if is_user(actor) and not may_see(
                transfer=current, user=actor,
                can_view_all=user_holds(school=current.school_id, user=actor,
                                        permission="transfers.view")):
            raise NotAllowed("You may report only the transfers you logged.")
        if current.incident is not None:
            raise DomainError(f"This transfer is already reported as "
                              f"{current.incident.reference}.", field="incident")
        incident, _ = incident_report(school=current.school, actor=actor,
                                      channel=Channel.APP, personal_data=True,
                                      **incident_fields(current))
        current.incident = incident
        current.version += 1
        current.save(update_fields=["incident", "version"])
        audit_record(action="transfers.transfer.incident_reported", school=current.school_id,
                     actor=actor, target=current,
                     changes={"incident": {"before": None, "after": incident.reference}})
    return current


def transfer_log_exported(*, school: School, actor: Any, fmt: str, rows: int,
                          filters: str) -> None:
    """Record who exported the log, in which format, how many rows and with which filters."""
    with transaction.atomic():
        audit_record(action="transfers.log.exported", school=school, actor=actor,
                     target_type="transfers.log", target_id=str(school.public_id),
                     target_label=f"Transfer log of {school.name}",
                     changes={"format": fmt, "rows": rows, "filters": filters})
