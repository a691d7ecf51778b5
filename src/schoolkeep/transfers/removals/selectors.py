"""Reads of the requests to take material off site: who decides one (written once, in SQL,
for the pages, the services and the duties alike), the lists, and what a request form may
offer.

Who decides: ``approver`` is the user id of the asset owner's account when the owner can act
(a person record linked to an account that is an active member of the school in a role that
may write, who has not left, and who neither takes the material nor asked for it). Otherwise
the SIRO decides (NULL), unless a SIRO is a party to the request (takes the material or
asked for it): nobody decides their own request, so it then falls to another SIRO (the
first by account), else to a DPO who is not a party (``approver`` names them).
"""

from __future__ import annotations

from collections.abc import Sequence
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
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from schoolkeep.accounts.models import User
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
            & ~Q(requested_by_id=F("asset__owner_person__user_id"))
            & Q(Exists(writes)))


def _holders(role: str) -> QuerySet[MembershipRole]:
    """The request's school's active holders of ``role``."""
    return MembershipRole.objects.filter(
        membership__school_id=OuterRef("school_id"), membership__is_active=True,
        membership__user__is_active=True, role=role)


def _parties() -> Q:
    """A membership of the person taking the material or of whoever asked (either may be
    NULL: no account, or a trusted caller)."""
    return (Q(membership__user_id=Coalesce(OuterRef("person__user_id"), Value(0)))
            | Q(membership__user_id=Coalesce(OuterRef("requested_by_id"), Value(0))))


def _first_other(role: str) -> Subquery:
    return Subquery(_holders(role).exclude(_parties()).order_by("membership__user_id")
                    .values("membership__user_id")[:1], output_field=IntegerField())


def siro_is_party() -> Q:
    """A SIRO takes the material or asked for it: the SIRO fallback passes them by."""
    return Q(Exists(_holders(Role.SIRO).filter(_parties())))


def with_approver(queryset: QuerySet[Removal], today: date | None = None) -> QuerySet[Removal]:
    """``queryset`` with ``approver``: the deciding owner's user id; when a SIRO is a party,
    another SIRO's, else a DPO's who is not a party; or NULL for the SIRO."""
    today = today or timezone.localdate()
    return queryset.annotate(approver=Case(
        When(owner_can_act(today), then=F("asset__owner_person__user_id")),
        When(siro_is_party(), then=Coalesce(_first_other(Role.SIRO), _first_other(Role.DPO))),
        default=None, output_field=IntegerField()))


def approver_user_id(removal: Removal) -> int | None:
    """Who decides this request: the owner's (or a deputy's) user id, or None for the
    SIRO."""
    value = (with_approver(Removal.objects.filter(pk=removal.pk))
             .values_list("approver", flat=True).first())  # type: ignore[misc]
    return int(value) if value is not None else None


def siro_emails(school_id: int, *, besides: Sequence[int | None] = ()) -> list[str]:
    """The school's active SIROs' addresses, leaving out the users ``besides``."""
    return sorted(set(MembershipRole.objects.filter(
        membership__school_id=school_id, membership__is_active=True,
        membership__user__is_active=True, role=Role.SIRO,
    ).exclude(membership__user_id__in=[pk for pk in besides if pk is not None])
        .values_list("membership__user__email", flat=True)))


def approver_emails(removal: Removal) -> list[str]:
    """Where the request's link is sent: whoever decides it (the owner, or the deputy when a
    SIRO is a party), else the SIRO(s); never the person taking it or whoever asked."""
    row = (with_approver(Removal.objects.filter(pk=removal.pk))
           .values_list("approver", "person__user_id", "requested_by_id")  # type: ignore[misc]
           .first())
    if row is None:
        return []
    approver, taker, asker = row
    if approver is not None:
        email = User.objects.filter(pk=approver).values_list("email", flat=True).first()
        return [email] if email else []
    return siro_emails(removal.school_id, besides=(taker, asker))


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
        return (removals.filter(decides, status=Removal.Status.REQUESTED)
                .exclude(Q(person__user=user) | Q(requested_by=user)))
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
