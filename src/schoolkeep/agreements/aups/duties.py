"""Duties of the acceptable use policies, computed when read.

Two kinds, for the published AUPs of the listed audiences (staff, governors, parents):

- ``unsigned``: one duty per audience whose current requirement still has people who have
  not signed. Owner: the business manager (the duties layer falls back to the SIRO). The
  title gives only a number ("12 staff have not signed the acceptable use policy").
- ``member-unsigned``: one duty per active member with an account who has not signed the
  AUP that applies to them. Owner: that member, who signs it in Schoolkeep. Which AUP applies
  is decided as on the pages: the member's person record in the school by its kind (and the
  person must be on the audience's list: current, and for staff using the school's network),
  else, with no person record, the member's roles (``audience.audience_of_roles``).

Both are due 14 days after the version that set the current requirement (the one numbered
``Aup.sign_from``) was published, and overdue after that. A minor version ("new signers
only") does not move the date.

The SQL mirrors ``audience.signers`` (``signers_of_outer_aup``) and ``signer_has_signed``;
the tests check that they agree. ``counts`` runs ONE query for any number of schools: the
AUPs with someone unsigned, UNION ALL the members who have not signed, each grouped by school
and by when the requirement was published (due or overdue is decided from that date after
the query, so each condition is written once); no figure is a subquery per school.
``kind_counts`` is the same query for one school, the members also grouped by their account,
whose duty is the viewer's or not by the owner rule in Python (``OWNED_BY``,
``duties.types.Owners.owns``), so every viewer of a school shares its compiled SQL.
``for_kind`` runs at most two queries (the school's AUPs with their figures, then, for
members, the members in order of urgency sliced in SQL); ``for_school`` runs two for both
kinds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
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
from django.urls import reverse

from schoolkeep.agreements.aups.audience import GOVERNOR_KINDS, STAFF_KINDS
from schoolkeep.agreements.aups.models import (
    LISTED_AUDIENCES,
    Audience,
    Aup,
    AupVersion,
    Parent,
    Signature,
)
from schoolkeep.duties import compiled, registry
from schoolkeep.duties.types import (
    CountsFromKinds,
    Duty,
    DutyCounts,
    OwnedCounts,
    Owners,
    count_subquery,
    kept_by_owner,
    local_date,
    status_for,
)
from schoolkeep.people.models import Person
from schoolkeep.people.selectors import current_q
from schoolkeep.tenancy.models import Membership, MembershipRole
from schoolkeep.tenancy.roles import Role

# Not "agreements": the policy register has duties of its own, and the registry keeps one
# provider per module name.
MODULE = "aups"
SIGNING_PERIOD = timedelta(days=14)
# The audiences of members with accounts: parents have none.
MEMBER_AUDIENCES = (Audience.STAFF, Audience.GOVERNORS)
# Roles that sign nothing (audience.audience_of_roles); the trust administrator's role is
# held at trust level and never appears among a membership's roles.
NON_SIGNING_ROLES = (Role.AUDITOR, Role.TRUST_ADMIN)

# "12 staff have not signed": the words for one and for many, per audience.
_WHO = {
    Audience.STAFF: ("member of staff has", "staff have"),
    Audience.GOVERNORS: ("governor has", "governors have"),
    Audience.PARENTS: ("parent or carer has", "parents and carers have"),
}


def unsigned_title(audience: str, number: int) -> str:
    one, many = _WHO[Audience(audience)]
    return f"{number} {one if number == 1 else many} not signed the acceptable use policy"


# --- SQL shared with the API ---------------------------------------------------------------


def _counting_signature(signer_field: str) -> Exists:
    """A signature that keeps the signer (the query one level out) up to date with the AUP
    two levels out: of a version numbered at least its ``sign_from``."""
    return Exists(Signature.objects.filter(
        aup_id=OuterRef(OuterRef("pk")),
        aup_version__number__gte=OuterRef(OuterRef("sign_from")),
        **{signer_field: OuterRef("pk")},
    ))


def signers_of_outer_aup(audience: str, *, today: date) -> QuerySet[Any]:
    """Who must sign the AUP of the enclosing query (of this audience), aliased
    ``has_signed``: ``audience.signers`` as a correlated subquery."""
    if audience == Audience.PARENTS:
        return Parent.objects.filter(
            school_id=OuterRef("school_id"), archived_at__isnull=True,
        ).alias(has_signed=_counting_signature("parent_id"))
    people = Person.objects.filter(current_q(today), school_id=OuterRef("school_id"))
    if audience == Audience.STAFF:
        people = people.filter(kind__in=list(STAFF_KINDS), uses_school_network=True)
    else:
        people = people.filter(kind__in=list(GOVERNOR_KINDS))
    return people.alias(has_signed=_counting_signature("person_id"))


def signer_figures(*, today: date) -> dict[str, Case]:
    """Annotations of an Aup queryset: ``signed_count`` and ``not_signed_count`` for the
    current requirement. Listed audiences count their signers; visitors and pupils count the
    signatures that count (``not_signed_count`` is NULL: they have no list). Both are NULL
    until a version is published."""
    published = Q(sign_from__gt=0)
    signed: list[When] = []
    not_signed: list[When] = []
    for audience in sorted(LISTED_AUDIENCES):
        signers = signers_of_outer_aup(audience, today=today)
        signed.append(When(published & Q(audience=audience),
                           then=count_subquery(signers.filter(has_signed=True))))
        not_signed.append(When(published & Q(audience=audience),
                               then=count_subquery(signers.filter(has_signed=False))))
    kiosk_signatures = Signature.objects.filter(
        aup_id=OuterRef("pk"), aup_version__number__gte=OuterRef("sign_from"))
    signed.append(When(published, then=count_subquery(kiosk_signatures)))
    return {
        "signed_count": Case(*signed, default=Value(None), output_field=IntegerField()),
        "not_signed_count": Case(*not_signed, default=Value(None),
                                 output_field=IntegerField()),
    }


def _requirement_published_at() -> Subquery:
    """When the version that set the current requirement was published."""
    return Subquery(AupVersion.objects.filter(
        aup_id=OuterRef("pk"), number=OuterRef("sign_from"),
    ).values("published_at")[:1])


def _has_unsigned(*, today: date) -> Q:
    """On Aup rows: someone on the audience's list has not signed."""
    q = Q(pk__in=[])
    for audience in sorted(LISTED_AUDIENCES):
        unsigned = signers_of_outer_aup(audience, today=today).filter(has_signed=False)
        q |= Q(audience=audience) & Q(Exists(unsigned))
    return q


# --- members: which AUP applies, and have they signed it -------------------------------------


def _user_signed(audience: str) -> Exists:
    """On Membership rows: the member's account signed the school's AUP of this audience
    (a version counting for it). Used only for members with no person record."""
    return Exists(Signature.objects.filter(
        user_id=OuterRef("user_id"), aup__school_id=OuterRef("school_id"),
        aup__audience=audience, aup_version__number__gte=F("aup__sign_from"),
    ))


def _person_unsigned(audience: str, *, today: date) -> Exists:
    """On Membership rows: the member's person record is on this audience's list and has
    not signed."""
    people = Person.objects.filter(
        current_q(today), school_id=OuterRef("school_id"), user_id=OuterRef("user_id"),
    )
    if audience == Audience.STAFF:
        people = people.filter(kind__in=list(STAFF_KINDS), uses_school_network=True)
    else:
        people = people.filter(kind__in=list(GOVERNOR_KINDS))
    signed = Signature.objects.filter(
        person_id=OuterRef("pk"), aup__audience=audience,
        aup_version__number__gte=F("aup__sign_from"),
    )
    return Exists(people.filter(~Exists(signed)))


def _roles_choose(audience: str) -> Q:
    """On Membership rows: ``audience.audience_of_roles`` gives this audience."""
    other_roles = Exists(MembershipRole.objects.filter(membership_id=OuterRef("pk")).exclude(
        role__in=[Role.GOVERNOR, *NON_SIGNING_ROLES]))
    if audience == Audience.STAFF:
        return Q(other_roles)
    governor = Exists(MembershipRole.objects.filter(membership_id=OuterRef("pk"),
                                                    role=Role.GOVERNOR))
    return Q(governor) & ~Q(other_roles)


def _member_unsigned(audience: str, *, today: date) -> Q:
    """On Membership rows: the AUP of this audience applies to the member, who has not
    signed it (whether it is published is checked by the caller)."""
    has_person = Exists(Person.objects.filter(school_id=OuterRef("school_id"),
                                              user_id=OuterRef("user_id")))
    by_roles = ~Q(has_person) & _roles_choose(audience) & ~Q(_user_signed(audience))
    return Q(_person_unsigned(audience, today=today)) | by_roles


def _published_aup(audience: str) -> Exists:
    """On Membership rows: the school's AUP of this audience is published."""
    return Exists(Aup.objects.filter(
        school_id=OuterRef("school_id"), audience=audience, sign_from__gt=0))


def _members() -> QuerySet[Membership]:
    return Membership.objects.filter(is_active=True, user__is_active=True)


# --- dates ---------------------------------------------------------------------------------


def due_at(published_at: datetime) -> datetime:
    """When signatures are due: 14 days after the publication, to the minute. (An instant,
    not a day: a duty due on the 14th day would fall exactly on the dashboard's 14-day
    horizon and show only from the next day.)"""
    return published_at + SIGNING_PERIOD


# --- the provider --------------------------------------------------------------------------


UNSIGNED = f"{MODULE}.unsigned"
MEMBER_UNSIGNED = f"{MODULE}.member-unsigned"
AUPS_ROW, MEMBERS_ROW = 1, 2  # which part of ``AupDuties._counted`` a row counts

# Whom each kind falls to: (the column holding the named owner's user id, or None; the role
# it falls to without one). See ``duties.types.Owners``.
OWNED_BY = {
    UNSIGNED: (None, Role.BUSINESS_MANAGER),
    MEMBER_UNSIGNED: ("user_id", Role.SIRO),
}


class AupDuties(CountsFromKinds):
    module = MODULE
    label = "Acceptable use policies"
    # Others' AUP duties say who has not signed: only for who may see the records.
    view_permission = "aups.records"
    kind_labels = {
        UNSIGNED: "Acceptable use policies not yet signed by everyone",
        MEMBER_UNSIGNED: "Acceptable use policies to sign",
    }

    def _counted(self, ids: list[int], *, now: datetime, horizon: datetime,
                 owners: Owners | None) -> dict[int, dict[str, OwnedCounts]]:
        """{school id: {kind: counts}}: one UNION ALL of two grouped queries, each row a
        school, which part it is, when the requirement was published (``since``), for a
        viewer the member's account (whose duty it is), and how many. Due or overdue is
        decided from ``since`` here, and whose each duty is by the owner rule in Python
        (``Owners.owns``), so each condition is written (and compiled) once."""
        if not ids:
            return {}
        today = local_date(now)
        per_member = owners is not None
        # The query depends only on the schools, the local day and whether it is read for a
        # viewer (every viewer shares it): its SQL is compiled once for them
        # (``duties.compiled``), the day put in at each call.
        rows = compiled.rows((f"{MODULE}.counts", tuple(ids), per_member),
                             lambda: self._count_query(ids, today=today,
                                                       per_member=per_member),
                             dates=(today,))
        result: dict[int, dict[str, OwnedCounts]] = {}
        for school_id, marker, since, user_id, number in rows:
            due = due_at(_as_instant(since))
            if due >= horizon:
                continue
            counts = DutyCounts(**{"overdue" if due < now else "due": number})
            kind = UNSIGNED if marker == AUPS_ROW else MEMBER_UNSIGNED
            user = user_id if kind == MEMBER_UNSIGNED else None
            mine = owners is not None and owners.owns(user, OWNED_BY[kind][1])
            owned = OwnedCounts(mine=counts) if mine else OwnedCounts(others=counts)
            per_kind = result.setdefault(school_id, {})
            per_kind[kind] = per_kind.get(kind, OwnedCounts()) + owned
        return result

    def _count_query(self, ids: list[int], *, today: date, per_member: bool) -> QuerySet[Any]:
        """``_counted``'s UNION ALL: per school, part and publication (and, ``per_member``,
        the member's account: one row per member of one school), how many."""
        no_user = Value(None, output_field=IntegerField())
        aups = (Aup.objects.filter(school_id__in=ids, audience__in=LISTED_AUDIENCES,
                                   sign_from__gt=0)
                .filter(_has_unsigned(today=today))
                .annotate(marker=Value(AUPS_ROW), since=_requirement_published_at(),
                          account=no_user))
        # The audience whose AUP applies to the member, who has not signed it (published).
        whens = [When(Q(_published_aup(audience)) & _member_unsigned(audience, today=today),
                      then=Value(audience)) for audience in MEMBER_AUDIENCES]
        members = (_members().filter(school_id__in=ids)
                   .alias(unsigned_audience=Case(*whens, default=Value(""),
                                                 output_field=CharField()))
                   .exclude(unsigned_audience="")
                   .annotate(marker=Value(MEMBERS_ROW),
                             since=Subquery(Aup.objects.filter(
                                 school_id=OuterRef("school_id"),
                                 audience=OuterRef("unsigned_audience"), sign_from__gt=0,
                             ).annotate(at=_requirement_published_at()).values("at")[:1]),
                             account=F("user_id") if per_member else no_user))
        return (aups.order_by().values("school_id", "marker", "since", "account")
                .annotate(n=Count("pk")).values_list("school_id", "marker", "since", "account", "n")
                .union(members.order_by().values("school_id", "marker", "since", "account")
                       .annotate(n=Count("pk"))
                       .values_list("school_id", "marker", "since", "account", "n"), all=True))

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        """Both kinds in two queries: the AUPs with their figures, then the members."""
        today = local_date(now)
        aups = _published_aups(school_id, horizon=horizon, today=today, figures=True)
        return [*self._audiences(aups, now=now),
                *self._members(school_id, aups, now=now, today=today,
                               kept=kept_by_owner(None, None, Role.SIRO, mine=True),
                               rows=slice(None))]

    def for_kind(self, school_id: int, kind: str, *, now: datetime, horizon: datetime,
                 owners: Owners | None = None, mine: bool = True, limit: int | None = None,
                 offset: int = 0) -> list[Duty]:
        if kind not in self.kind_labels:
            raise ValueError(f"The acceptable use policies have no kind of duty {kind!r}.")
        user, role = OWNED_BY[kind]
        kept = kept_by_owner(owners, user, role, mine=mine)
        rows = slice(offset, None if limit is None else offset + limit)
        if kind == UNSIGNED and owners is not None and owners.owns(None, role) != mine:
            return []
        today = local_date(now)
        aups = _published_aups(school_id, horizon=horizon, today=today,
                               figures=kind == UNSIGNED)
        if kind == UNSIGNED:
            return sorted(self._audiences(aups, now=now), key=Duty.sort_key)[rows]
        return self._members(school_id, aups, now=now, today=today, kept=kept, rows=rows)

    def _audiences(self, aups: dict[str, Aup], *, now: datetime) -> list[Duty]:
        duties = []
        for audience in sorted(aups):
            aup = aups[audience]
            number = aup.not_signed_count  # type: ignore[attr-defined]
            if not number:
                continue
            due = due_at(aup.required_since)  # type: ignore[attr-defined]
            url = reverse("agreements:aup-detail", args=[aup.public_id])
            duties.append(Duty(
                key=f"{MODULE}.unsigned:{aup.public_id}",
                module=MODULE,
                title=unsigned_title(audience, number),
                subject=aup.title,
                due_at=due,
                status=status_for(due, now),
                url=url,
                permission="aups.records",
                owner_role=Role.BUSINESS_MANAGER,
                action="See who has not signed and send reminders",
            ))
        return duties

    def _members(self, school_id: int, aups: dict[str, Aup], *, now: datetime,
                 today: date, kept: Q, rows: slice) -> list[Duty]:
        audiences = [audience for audience in MEMBER_AUDIENCES if audience in aups]
        if not audiences:
            return []
        whens = [When(_member_unsigned(audience, today=today), then=Value(audience))
                 for audience in audiences]
        # Due when the member's AUP's requirement was published (plus the signing period).
        since = Case(*[When(unsigned_audience=audience,
                            then=Value(aups[audience].required_since))  # type: ignore[attr-defined]
                       for audience in audiences], output_field=DateTimeField())
        members = (_members().filter(school_id=school_id).filter(kept)
                   .annotate(unsigned_audience=Case(*whens, default=Value(""),
                                                    output_field=CharField()))
                   .exclude(unsigned_audience="")
                   .alias(since=since)
                   .select_related("user").order_by("since", "public_id"))
        duties = []
        for membership in members[rows]:
            aup = aups[membership.unsigned_audience]  # type: ignore[attr-defined]
            due = due_at(aup.required_since)  # type: ignore[attr-defined]
            user = membership.user
            duties.append(Duty(
                key=f"{MODULE}.member-unsigned:{membership.public_id}:{aup.public_id}",
                module=MODULE,
                title="Sign the acceptable use policy",
                subject=aup.title,
                due_at=due,
                status=status_for(due, now),
                url=reverse("agreements:aup-sign", args=[aup.public_id]),
                owner_user_id=user.pk,
                owner_label=user.full_name or user.email,
                action="Read it and sign",
                permission="aups.sign",
                oversight_url=reverse("agreements:aup-detail", args=[aup.public_id]),
                oversight_permission="aups.records",
            ))
        return duties


def register() -> None:
    """Called by the app's ready(): adds (or replaces) the provider in the registry."""
    registry.register(AupDuties())


def _published_aups(school_id: int, *, horizon: datetime, today: date,
                    figures: bool) -> dict[str, Any]:
    """{audience: AUP} of the school's published AUPs whose signatures fall due before the
    horizon, with ``required_since`` (and, with ``figures``, ``signer_figures``): one query."""
    return {
        aup.audience: aup
        for aup in Aup.objects.filter(school_id=school_id, audience__in=LISTED_AUDIENCES,
                                      sign_from__gt=0)
        .annotate(required_since=_requirement_published_at(),
                  **(signer_figures(today=today) if figures else {}))
        .only("pk", "public_id", "school_id", "audience", "title", "sign_from")
        .order_by()
        if due_at(aup.required_since) < horizon
    }


def _as_instant(value: datetime | str) -> datetime:
    """An instant from the database: SQLite may hand back an annotated one as text."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
