"""The acceptable use policies in the JSON API (/api/v1/aups), read only.

The same permissions as the pages: every member (``aups.view``) reads the AUP that applies
to them (by their person record's kind, else their roles) and their own signatures; holders
of ``aups.records`` read every AUP of the school, with how many have signed and not, and
every signature. Not a member of the school, or another school's AUP: 404. An AUP of the
school that does not apply to the caller: 403. IP addresses only to ``aups.records``.

Every answer costs the same number of queries whatever the number of signers or signatures:
the figures are SQL aggregates, one query for a page (``selectors.signer_figures_of``).
"""

from __future__ import annotations

from datetime import UTC
from typing import Any, Literal
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import AwareDatetime

from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, Signature, SigningMethod
from schoolkeep.agreements.aups.selectors import member_audience, signer_figures_of
from schoolkeep.api.pagination import ListParams, Page, school_access
from schoolkeep.api.schemas import MessageOut, Out
from schoolkeep.people.models import Person
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.selectors import get_for_school_or_404

router = Router(tags=["acceptable use"])

READ_ERRORS: dict[int, Any] = {403: MessageOut, 404: MessageOut}
NOT_YOURS = "This acceptable use policy does not apply to you."

# --- shapes ---------------------------------------------------------------------------------


class SchoolParam(Schema):
    school: str = Field(..., description="The school's slug.")


class SignatureListParams(ListParams):
    current: bool = Field(False, description="Only the signatures that count for the current "
                                             "requirement (each signer's latest).")


class AupOut(Out):
    id: UUID
    audience: Audience
    audience_label: str
    title: str
    current_version: int | None = Field(..., description="The latest published version's "
                                                         "number; null before the first.")
    sign_from: int | None = Field(..., description="Signatures of this version or later "
                                                   "count; null before the first.")
    current_published_at: AwareDatetime | None
    signed: int | None = Field(
        ..., description="For holders of aups.records: staff, governors and parents who have "
        "signed for the current requirement; for visitors and pupils, the signatures that "
        "count. Null for others and before the first version.")
    not_signed: int | None = Field(
        ..., description="For holders of aups.records: who must sign and has not (staff, "
        "governors and parents only). Null otherwise.")


class VersionOut(Schema):
    number: int
    published_at: AwareDatetime
    content_hash: str = Field(..., description="SHA-256 of the text as UTF-8.")
    requires_everyone_to_sign: bool
    summary_of_changes: str
    text: str = Field(..., description="Plain text or the small Markdown subset.")


class AupDetailOut(AupOut):
    versions: list[VersionOut] = Field(..., description="Published versions, newest first.")


class SignatureOut(Out):
    id: UUID
    signer_name: str
    signer_kind: Literal["person", "parent", "member", "visitor", "pupil"] = Field(
        ..., description="A person of the school, a parent or carer, a member with no "
        "person record, or a visitor or pupil known only by the typed name.")
    person: UUID | None
    parent: UUID | None
    version: int
    content_hash: str
    method: SigningMethod
    method_label: str
    signed_at: AwareDatetime = Field(..., description="ISO 8601, in UTC.")
    typed_name: str
    organisation: str
    visiting: str
    pupil_class: str
    counts: bool = Field(..., description="Of a version that counts for the current "
                                          "requirement.")
    ip_address: str | None = Field(None, description="Only for holders of aups.records.")


# --- helpers --------------------------------------------------------------------------------


def _records(access: SchoolAccess) -> bool:
    return access.can("aups.records")


def _aups(access: SchoolAccess) -> QuerySet[Aup]:
    """The school's AUPs with their current version's date."""
    current_published = AupVersion.objects.filter(aup=OuterRef("pk"),
                                                  number=OuterRef("current_number"))
    aups = Aup.objects.filter(school=access.school).annotate(
        current_published_at=Subquery(current_published.values("published_at")[:1]))
    return aups.order_by("audience", "pk")


def _with_figures(access: SchoolAccess, aups: list[Aup]) -> list[Aup]:
    """For records holders, ``signed_count`` and ``not_signed_count`` set on each AUP (one
    query for them all); for others the AUPs as they are (the answer gives null)."""
    if not _records(access):
        return aups
    figures = signer_figures_of(aups, today=timezone.localdate())
    for aup in aups:
        aup.signed_count, aup.not_signed_count = figures.get(  # type: ignore[attr-defined]
            aup.pk, (None, None))
    return aups


def _visible(request: HttpRequest, access: SchoolAccess, aups: QuerySet[Aup]) -> QuerySet[Aup]:
    """Records holders see every AUP; others only the published one that applies to them."""
    if _records(access):
        return aups
    audience, _person = member_audience(school=access.school, user=request.user)
    if audience is None:
        return aups.none()
    return aups.filter(audience=audience, current_number__gt=0)


def _aup_out(aup: Aup) -> dict[str, Any]:
    published = aup.current_number > 0
    return {
        "id": aup.public_id,
        "audience": aup.audience,
        "audience_label": aup.get_audience_display(),
        "title": aup.title,
        "current_version": aup.current_number if published else None,
        "sign_from": aup.sign_from if published else None,
        "current_published_at": getattr(aup, "current_published_at", None),
        "signed": getattr(aup, "signed_count", None),
        "not_signed": getattr(aup, "not_signed_count", None),
    }


def _aup(request: HttpRequest, access: SchoolAccess, aup_id: UUID) -> Aup:
    """One AUP of the school (another school's: 404) that the caller may read (403)."""
    aup = get_for_school_or_404(_aups(access), school=access.school, public_id=aup_id)
    if not _records(access):
        audience, _person = member_audience(school=access.school, user=request.user)
        if aup.audience != audience or aup.current_number == 0:
            raise HttpError(403, NOT_YOURS)
    return aup


def _signer_kind(signature: Signature, audience: str) -> str:
    if signature.person_id is not None:
        return "person"
    if signature.parent_id is not None:
        return "parent"
    if signature.user_id is not None:
        return "member"
    return "pupil" if audience == Audience.PUPILS else "visitor"


def _signer_name(signature: Signature) -> str:
    for signer in (signature.person, signature.parent):
        if signer is not None:
            return signer.full_name
    if signature.user is not None:
        return signature.user.full_name or signature.typed_name
    return signature.typed_name


# What a signature's answer reads: of its signer only the id and name (a person's or a
# parent's other fields, some encrypted and decrypted as the model is built, stay unread).
_SIGNATURE_COLUMNS = (
    "public_id", "content_hash", "method", "signed_at", "typed_name", "organisation",
    "visiting", "pupil_class", "ip_address", "aup_version__number", "person__public_id",
    "person__full_name", "parent__public_id", "parent__full_name", "user__full_name")


def _signature_out(signature: Signature, aup: Aup, *, records: bool) -> dict[str, Any]:
    number = signature.aup_version.number
    out: dict[str, Any] = {
        "id": signature.public_id,
        "signer_name": _signer_name(signature),
        "signer_kind": _signer_kind(signature, aup.audience),
        "person": signature.person.public_id if signature.person else None,
        "parent": signature.parent.public_id if signature.parent else None,
        "version": number,
        "content_hash": signature.content_hash,
        "method": signature.method,
        "method_label": signature.get_method_display(),
        "signed_at": signature.signed_at.astimezone(UTC),
        "typed_name": signature.typed_name,
        "organisation": signature.organisation,
        "visiting": signature.visiting,
        "pupil_class": signature.pupil_class,
        "counts": aup.sign_from > 0 and number >= aup.sign_from,
    }
    if records:
        out["ip_address"] = signature.ip_address
    return out


def _latest_only(signatures: QuerySet[Signature]) -> QuerySet[Signature]:
    """Each signer's latest signature: none later (by time, then id) by the same person,
    parent, or account with no person. Visitors and pupils are each their own signer."""
    later = Signature.objects.filter(aup_id=OuterRef("aup_id")).filter(
        Q(signed_at__gt=OuterRef("signed_at"))
        | Q(signed_at=OuterRef("signed_at"), pk__gt=OuterRef("pk")))
    return signatures.filter(
        ~Exists(later.filter(person_id=OuterRef("person_id"))),
        ~Exists(later.filter(parent_id=OuterRef("parent_id"))),
        ~(Q(person__isnull=True)
          & Exists(later.filter(person__isnull=True, user_id=OuterRef("user_id")))),
    )


def _own(request: HttpRequest, access: SchoolAccess) -> Q:
    """The caller's own signatures: as their account, or as their person record."""
    user: Any = request.user
    person_ids = Person.objects.filter(school=access.school, user=user).values("pk")
    return Q(user=user) | Q(person_id__in=person_ids)


# --- endpoints ------------------------------------------------------------------------------


@router.get("", response={200: Page[AupOut], **READ_ERRORS}, url_name="aup-list",
            summary="A school's acceptable use policies (holders of aups.records: all, with "
                    "figures; others: the one that applies to them)")
def aup_list(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "aups.view")
    aups = _visible(request, access, _aups(access))
    items = list(aups[params.offset:params.offset + params.limit])
    # A school has at most one AUP per audience, so the first page is all but never full:
    # its length is then the count, and the figures' query takes the count's place.
    short = params.offset == 0 and len(items) < params.limit
    count = len(items) if short else aups.count()
    return {"items": [_aup_out(aup) for aup in _with_figures(access, items)], "count": count}


@router.get("/{aup_id}", response={200: AupDetailOut, **READ_ERRORS}, url_name="aup-detail",
            summary="One acceptable use policy with its published versions")
def aup_detail(request: HttpRequest, aup_id: UUID, params: Query[SchoolParam]) -> dict[str, Any]:
    access = school_access(request, params.school, "aups.view")
    aup = _with_figures(access, [_aup(request, access, aup_id)])[0]
    versions = AupVersion.objects.filter(aup=aup, published_at__isnull=False).order_by("-number")
    return {**_aup_out(aup), "versions": list(versions)}


@router.get("/{aup_id}/signatures", response={200: Page[SignatureOut], **READ_ERRORS},
            url_name="aup-signatures", exclude_unset=True,
            summary="Signatures of an acceptable use policy, newest first (holders of "
                    "aups.records: all; others: their own)")
def aup_signatures(request: HttpRequest, aup_id: UUID,
                   params: Query[SignatureListParams]) -> dict[str, Any]:
    access = school_access(request, params.school, "aups.view")
    aup = get_for_school_or_404(Aup.objects.all(), school=access.school, public_id=aup_id)
    records = _records(access)
    # ``school`` repeats what ``aup`` implies so that the index on (school, aup, signed_at)
    # serves the order: a page without sorting every signature of the policy.
    signatures: QuerySet[Signature] = (Signature.objects.filter(school=access.school, aup=aup)
                                       .order_by("-signed_at", "-pk"))
    if not records:
        signatures = signatures.filter(_own(request, access))
    if params.current:
        if aup.sign_from == 0:
            signatures = signatures.none()
        signatures = _latest_only(signatures.filter(aup_version__number__gte=aup.sign_from))
    # The page's ids chosen first, then only those 50 joined to their signers: PostgreSQL
    # otherwise joins every signature of the policy to its signer before sorting.
    page_ids = signatures.values("pk")[params.offset:params.offset + params.limit]
    page = (Signature.objects.filter(pk__in=page_ids)
            .select_related("aup_version", "person", "parent", "user")
            .only(*_SIGNATURE_COLUMNS).order_by("-signed_at", "-pk"))
    return {"items": [_signature_out(s, aup, records=records) for s in page],
            "count": signatures.count()}
