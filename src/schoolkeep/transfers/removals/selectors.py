"""Reads of the requests to take material off site: who decides one (written once, in SQL,
for the pages, the services and the duties alike), the lists, and what a request form may
offer.

Who decides: ``approver`` is the user id of the asset owner's account when the owner can act
(a person record linked to an account that is an active member of the school in a role that
may write, who has not left, and who is not the person taking the material); NULL otherwise,
when the SIRO decides.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    When,
)
from django.utils import timezone

from schoolkeep.assets.models import Asset, Classification
from schoolkeep.equipment.models import Item
from schoolkeep.tenancy.models import MembershipRole
from schoolkeep.tenancy.roles import READ_ONLY_ROLES, Role
from schoolkeep.transfers.models import Removal

MINE, TO_APPROVE, ALL = "mine", "to_approve", "all"


def owner_can_act(today: date) -> Q:
    """The asset's owner decides (see the module docstring)."""
    writes = MembershipRole.objects.filter(
        membership__school_id=OuterRef("school_id"),
        membership__user_id=OuterRef("asset__owner_person__user_id"),
        membership__is_active=True, membership__user__is_active=True,
    ).exclude(role__in=list(READ_ONLY_ROLES))
    return (Q(asset__owner_person__user__isnull=False)
            & (Q(asset__owner_person__leaving_date__isnull=True)
               | Q(asset__owner_person__leaving_date__gt=today))
            & ~Q(person_id=F("asset__owner_person_id"))
            & Q(Exists(writes)))


def with_approver(queryset: QuerySet[Removal], today: date | None = None) -> QuerySet[Removal]:
    """``queryset`` with ``approver``: the deciding owner's user id, or NULL for the SIRO."""
    today = today or timezone.localdate()
    return queryset.annotate(approver=Case(
        When(owner_can_act(today), then=F("asset__owner_person__user_id")),
        default=None, output_field=IntegerField()))


def approver_user_id(removal: Removal) -> int | None:
    """Who decides this request: the owner's user id, or None for the SIRO."""
    value = (with_approver(Removal.objects.filter(pk=removal.pk))
             .values_list("approver", flat=True).first())  # type: ignore[misc]
    return int(value) if value is not None else None


def siro_emails(school_id: int) -> list[str]:
    return sorted(set(MembershipRole.objects.filter(
        membership__school_id=school_id, membership__is_active=True,
        membership__user__is_active=True, role=Role.SIRO,
    ).values_list("membership__user__email", flat=True)))


def approver_emails(removal: Removal) -> list[str]:
    """Where the request's link is sent: the owner, else the SIRO(s)."""
    row = (with_approver(Removal.objects.filter(pk=removal.pk))
           .values_list("approver", "asset__owner_person__user__email")  # type: ignore[misc]
           .first())
    if row is not None and row[0] is not None and row[1]:
        return [row[1]]
    return siro_emails(removal.school_id)


def _listed(school_id: int) -> QuerySet[Removal]:
    return (with_approver(Removal.objects.filter(school_id=school_id))
            .select_related("person", "asset", "item")
            .order_by("-requested_at", "-pk"))


def removal_list(*, school_id: int, show: str, user: Any, is_siro: bool = False
                 ) -> QuerySet[Removal]:
    """The requests of one list: the user's own (taken by them or asked by them), those
    awaiting the user's decision, or every one."""
    removals = _listed(school_id)
    if show == MINE:
        return removals.filter(Q(person__user=user) | Q(requested_by=user))
    if show == TO_APPROVE:
        decides = Q(approver=user.pk)
        if is_siro:
            decides |= Q(approver__isnull=True)
        return removals.filter(decides, status=Removal.Status.REQUESTED)
    return removals


def removal_for_page(*, school_id: int, public_id: Any) -> QuerySet[Removal]:
    """The request of one page (for ``get_for_school_or_404``), with who decides it."""
    return (with_approver(Removal.objects.filter(school_id=school_id, public_id=public_id))
            .select_related("person", "asset", "asset__owner_person",
                            "asset__owner_organisation", "item", "incident"))


def assets_for_request(school_id: int) -> QuerySet[Asset]:
    """The assets a request may name: current and OFFICIAL-SENSITIVE."""
    return (Asset.objects.filter(school_id=school_id, archived_at__isnull=True,
                                 classification=Classification.OFFICIAL_SENSITIVE)
            .order_by("name_key", "pk"))


def devices_for_request(school_id: int) -> QuerySet[Item]:
    """The devices a request may name: the school's items not lost, stolen or disposed of
    (an unencrypted one is offered, and refused with the reason, so the requester learns
    why)."""
    return (Item.objects.filter(school_id=school_id)
            .exclude(status__in=[Item.Status.LOST, Item.Status.STOLEN,
                                 Item.Status.AWAITING_DISPOSAL, Item.Status.DISPOSED])
            .order_by("kind", "asset_tag", "serial_number", "pk"))
