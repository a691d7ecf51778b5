"""Reads of the transfer log: the filtered list (the whole log for ``transfers.view``, a
member's own transfers for everyone else), and the recipients an information asset's data
was sent to, for the asset's page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from schoolkeep.assets.models import Asset
from schoolkeep.transfers.log.services import is_listed, recipient_words
from schoolkeep.transfers.models import Transfer

OTHER_WAY = "other"  # the channel filter's value for "another way (not in the register)"


@dataclass(frozen=True)
class LogFilters:
    """The list's filters; every one optional."""

    data_kind: str = ""
    recipient: str = ""
    channel: str = ""  # a system's public id, or OTHER_WAY
    review: str = ""
    date_from: date | None = None
    date_to: date | None = None

    def q(self) -> Q:
        q = Q()
        if self.data_kind:
            q &= Q(data_kind=self.data_kind)
        if self.recipient:
            q &= Q(recipient=self.recipient)
        if self.channel == OTHER_WAY:
            q &= Q(channel__isnull=True)
        elif self.channel:
            q &= Q(channel__public_id=self.channel)
        if self.review:
            q &= Q(review=self.review)
        if self.date_from:
            q &= Q(sent_on__gte=self.date_from)
        if self.date_to:
            q &= Q(sent_on__lte=self.date_to)
        return q

    def description(self) -> str:
        parts = [f"{name}={value}" for name, value in (
            ("kind", self.data_kind), ("recipient", self.recipient), ("channel", self.channel),
            ("review", self.review),
            ("from", self.date_from.isoformat() if self.date_from else ""),
            ("to", self.date_to.isoformat() if self.date_to else "")) if value]
        return ", ".join(parts) or "none"


def transfer_list(*, school_id: int, sender: Any = None,
                  filters: LogFilters | None = None) -> QuerySet[Transfer]:
    """The log, newest first, with its channels, assets and incidents joined; ``sender``:
    only the transfers this user logged (None: every transfer)."""
    rows = Transfer.objects.filter(school_id=school_id)
    if sender is not None:
        rows = rows.filter(sent_by=sender)
    if filters is not None:
        rows = rows.filter(filters.q())
    return rows.select_related("channel", "asset", "incident").order_by(
        "-sent_on", "-created_at", "-pk")


def transfer_for_page(*, school_id: int) -> QuerySet[Transfer]:
    return Transfer.objects.filter(school_id=school_id).select_related(
        "channel", "asset", "incident", "school")


@dataclass(frozen=True)
class SentTo:
    """One recipient of an asset's data, from the transfer log."""

    recipient: str
    recipient_name: str
    count: int
    latest: date
    listed: bool  # named in the asset's recipients text already

    @property
    def words(self) -> str:
        return recipient_words(self.recipient, self.recipient_name)


def asset_recipients(*, asset: Asset) -> list[SentTo]:
    """Who the asset's data was sent to, by the transfer log: each recipient with how many
    transfers and the latest date, latest first. One query."""
    rows = (Transfer.objects.filter(asset_id=asset.pk).order_by()
            .values_list("recipient", "recipient_name")
            .annotate(n=Count("pk"), latest=Max("sent_on"))
            .order_by("-latest", "recipient", "recipient_name"))
    return [SentTo(recipient, name, n, latest, is_listed(asset.recipients, recipient, name))
            for recipient, name, n, latest in rows]
