"""Reads of the acceptable use policies: the overview of every audience, one audience's
signers with their latest signature, a member's own policy and signatures, and a signature's
PDF. Every list costs the same number of queries whatever its length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from schoolkeep.agreements.aups import audience as who
from schoolkeep.agreements.aups.markdown import render_markdown
from schoolkeep.agreements.aups.models import (
    LISTED_AUDIENCES,
    Audience,
    Aup,
    AupVersion,
    Signature,
)
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.lib.text import fold, tidy
from schoolkeep.people.models import Person
from schoolkeep.people.selectors import person_for_user
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.selectors import get_for_school_or_404

AUDIENCE_ORDER = [Audience.STAFF, Audience.GOVERNORS, Audience.PARENTS, Audience.VISITORS,
                  Audience.PUPILS]
SHOW_SIGNED = "signed"
SHOW_UNSIGNED = "unsigned"


def _current_version(field: str) -> Subquery:
    return Subquery(AupVersion.objects.filter(aup=OuterRef("pk"), number=OuterRef(
        "current_number")).values(field)[:1])


def _with_current(aups: QuerySet[Aup]) -> QuerySet[Aup]:
    """Annotated with the current version's public id and publication, and whether a draft
    is waiting."""
    draft = AupVersion.objects.filter(aup=OuterRef("pk"), published_at__isnull=True)
    return aups.annotate(current_published_at=_current_version("published_at"),
                         current_version_id=_current_version("public_id"),
                         draft_id=Subquery(draft.values("public_id")[:1]))


@dataclass(frozen=True)
class Overview:
    """One audience's line on the overview."""

    aup: Any
    signed: int | None  # None for visitors and pupils, who have no list of signers
    unsigned: int | None
    signatures: int  # signatures that count (of a version at least ``sign_from``)


def _counts(aup: Aup, today: date) -> tuple[int | None, int | None]:
    if aup.audience not in LISTED_AUDIENCES:
        return None, None
    totals = who.signers_to_count(aup=aup, today=today).aggregate(
        total=Count("pk"), signed=Count("pk", filter=who.has_signed_q(aup)))
    return totals["signed"], totals["total"] - totals["signed"]


def aup_overview(*, school: School, today: date) -> list[Overview]:
    """Every audience's policy of the school, with its current version and how many have
    signed it and not: one query for the policies and one for the figures of every
    audience (``signer_figures_of``), whatever the number of signers."""
    counting = Signature.objects.filter(aup=OuterRef("pk"),
                                        aup_version__number__gte=OuterRef("sign_from"))
    signature_count = Subquery(
        counting.order_by().values("aup").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField())
    aups = list(_with_current(Aup.objects.filter(school=school))
                .annotate(signature_count=Coalesce(signature_count, Value(0))))
    aups.sort(key=lambda aup: AUDIENCE_ORDER.index(Audience(aup.audience)))
    figures = signer_figures_of([aup for aup in aups if aup.is_published], today=today)
    rows = []
    for aup in aups:
        # Visitors and pupils have no list: their line gives the signatures that count.
        signed, unsigned = (figures.get(aup.pk, (None, None))
                            if aup.audience in LISTED_AUDIENCES else (None, None))
        rows.append(Overview(aup=aup, signed=signed, unsigned=unsigned,
                             signatures=aup.signature_count if aup.is_published else 0))
    return rows


def aup_for_page(*, school: School, public_id: UUID | str) -> Aup:
    """One policy of the school with its current version's details; another school's: 404."""
    return get_for_school_or_404(_with_current(Aup.objects.all()), school=school,
                                 public_id=public_id)


def aup_versions(*, aup: Aup) -> list[AupVersion]:
    """Every version, newest first (without their texts, which the list does not show)."""
    return list(AupVersion.objects.filter(aup=aup).defer("text").order_by("-number"))


def current_version(aup: Aup) -> AupVersion | None:
    if not aup.current_number:
        return None
    return AupVersion.objects.filter(aup=aup, number=aup.current_number).first()


def version_for_page(*, school: School, public_id: UUID | str) -> AupVersion:
    return get_for_school_or_404(AupVersion.objects.select_related("aup"), school=school,
                                 public_id=public_id)


# ---------------------------------------------------------------------------- signers


def signer_list(*, aup: Aup, today: date, show: str = "", search: str = "") -> QuerySet[Any]:
    """Who must sign a staff, governors' or parents' policy, annotated with ``has_signed``
    and their latest signature of this policy (``last_signed_at``, ``last_method``,
    ``last_number``, ``last_signature_id``), by name. One query for a page."""
    rows = who.signers(aup=aup, today=today)
    if show == SHOW_SIGNED:
        rows = rows.filter(has_signed=True)
    elif show == SHOW_UNSIGNED:
        rows = rows.filter(has_signed=False)
    search = tidy(search)
    if search:
        rows = rows.filter(name_key__contains=fold(search))
    signer = "parent" if aup.audience == Audience.PARENTS else "person"
    latest = (Signature.objects.filter(aup=aup, **{signer: OuterRef("pk")})
              .order_by("-signed_at", "-pk"))
    return rows.annotate(
        last_signed_at=Subquery(latest.values("signed_at")[:1]),
        last_method=Subquery(latest.values("method")[:1]),
        last_number=Subquery(latest.values("aup_version__number")[:1]),
        last_signature_id=Subquery(latest.values("public_id")[:1]),
    ).order_by("name_key", "pk")


def signer_figures_of(aups: list[Aup], *, today: date) -> dict[int, tuple[int, int | None]]:
    """{AUP pk: (signed, not signed)} for the published ``aups`` (a page of a list), in one
    query whatever their number: a UNION ALL of one row of counts an AUP, for a listed AUP
    its signers and those of them who have signed (one pass over the signers, the signed
    ones those IN the counting signatures, read once), for visitors and pupils the
    signatures that count (not signed is then None: they have no list). Unpublished AUPs
    are left out.

    The same figures as ``duties.signer_figures``, whose annotations count through
    subqueries correlated two levels out."""
    parts = []
    listed = set()
    for aup in aups:
        if aup.sign_from == 0:  # not yet published: no requirement to count against
            continue
        if aup.audience in LISTED_AUDIENCES:
            listed.add(aup.pk)
            parts.append(_counted(who.signers_to_count(aup=aup, today=today), aup,
                                  signed=who.has_signed_q(aup)))
        else:
            parts.append(_counted(who.counting_signatures(aup), aup, signed=None))
    if not parts:
        return {}
    return {pk: (signed, total - signed if pk in listed else None)
            for pk, total, signed in parts[0].union(*parts[1:], all=True)}


def _counted(rows: QuerySet[Any], aup: Aup, *, signed: Q | None) -> QuerySet[Any]:
    """(AUP pk, how many ``rows``, how many of them match ``signed``, or all without it):
    grouped by a constant, so always one row, even when there are none."""
    return (rows.order_by().annotate(aup_key=Value(aup.pk, IntegerField()))
            .values("aup_key")
            .annotate(total=Count("pk"), signed=Count("pk", filter=signed))
            .values_list("aup_key", "total", "signed"))


def signer_counts(*, aup: Aup, today: date) -> tuple[int, int]:
    """(signed, not signed) for a listed audience, in one aggregate."""
    signed, unsigned = _counts(aup, today)
    return signed or 0, unsigned or 0


def signature_log(*, aup: Aup) -> QuerySet[Signature]:
    """Every signature of the policy, newest first, with its version."""
    return (Signature.objects.filter(aup=aup).select_related("aup_version")
            .defer("aup_version__text").order_by("-signed_at", "-pk"))


# ---------------------------------------------------------------------------- members


@dataclass(frozen=True)
class MemberAup:
    """The policy that applies to a member, and whether they are up to date with it."""

    audience: str | None  # None: no policy applies (auditors, trust administrators)
    person: Person | None
    aup: Aup | None  # None also while the school has not set it up
    up_to_date: bool


def member_audience(*, school: School, user: Any) -> tuple[str | None, Person | None]:
    """Which audience a member signs for: their person record's kind, else their roles."""
    person = person_for_user(school=school, user=user)
    if person is not None:
        return who.audience_of_kind(person.kind), person
    roles = set(MembershipRole.objects.filter(
        membership__school=school, membership__user=user, membership__is_active=True,
    ).values_list("role", flat=True))
    return who.audience_of_roles(roles), None


def member_aup(*, school: School, user: Any) -> MemberAup:
    audience, person = member_audience(school=school, user=user)
    aup = None
    if audience is not None:
        aup = _with_current(Aup.objects.filter(school=school, audience=audience)).first()
    up_to_date = bool(aup and aup.is_published and who.signer_has_signed(
        aup=aup, person=person, user=None if person else user))
    return MemberAup(audience=audience, person=person, aup=aup, up_to_date=up_to_date)


def member_signatures(*, school: School, user: Any, person: Person | None,
                      limit: int = 50) -> list[Signature]:
    """The member's own signatures (as their person record or their account), newest first."""
    mine = Q(user=user) | Q(person=person) if person is not None else Q(user=user)
    return list(Signature.objects.filter(mine, school=school)
                .select_related("aup", "aup_version").defer("aup_version__text")
                .order_by("-signed_at", "-pk")[:limit])


def person_signatures(*, person: Person, limit: int = 50) -> list[Signature]:
    """A person's signatures of any policy, newest first, for their page."""
    return list(Signature.objects.filter(person=person)
                .select_related("aup", "aup_version").defer("aup_version__text")
                .order_by("-signed_at", "-pk")[:limit])


# ---------------------------------------------------------------------------- signatures


def signature_for_page(*, school: School, public_id: UUID | str) -> Signature:
    queryset = Signature.objects.select_related("aup", "aup_version", "person", "parent",
                                                "user")
    return get_for_school_or_404(queryset, school=school, public_id=public_id)


def is_own_signature(signature: Signature, user: Any) -> bool:
    """True when the user is the signer (by account, or as the signer's person record)."""
    user_id = getattr(user, "pk", None)
    if user_id is None:
        return False
    if signature.user_id == user_id:
        return True
    return signature.person is not None and signature.person.user_id == user_id


def signer_label(signature: Signature) -> str:
    """Who signed, as the records name them."""
    if signature.person is not None:
        return signature.person.full_name
    if signature.parent is not None:
        return f"{signature.parent.full_name} (parent or carer)"
    if signature.user is not None:
        return str(signature.user)
    return f"{signature.typed_name} ({Audience(signature.aup.audience).label.lower()})"


def signature_pdf_html(signature: Signature) -> str:
    """The HTML the signature's PDF is made from (what tests read)."""
    return render_to_string("agreements/pdf/signature.html", {
        "signature": signature, "aup": signature.aup, "version": signature.aup_version,
        "text": render_markdown(signature.aup_version.text, heading_level=2),
        "signer": signer_label(signature), "school": signature.aup.school,
        "printed_at": timezone.now(),
    })


def signature_pdf_bytes(signature: Signature) -> bytes:
    return pdf_from_html(signature_pdf_html(signature),
                         render_to_string("agreements/pdf/signature.css"))
