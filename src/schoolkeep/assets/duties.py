"""Duties of the information asset register and of the systems that hold it, computed when
read. Archived assets and archived systems raise nothing.

Five kinds:

- ``review-due``: every asset is reviewed by its owner once every
  ``AssetSettings.review_interval_months`` (12 when the school has no settings). It falls due
  on its ``next_review_on`` when one is set; otherwise on its last review plus the interval;
  never reviewed, on the day it was added plus the interval. Months are calendar months, the
  day clamped to the month's end (31 January plus one month is 28 or 29 February). That date
  is stored on the asset (``review_due_on``, kept by ``assets.review_due``), so that reviews
  are counted and listed by plain comparisons on an index.
- ``owner-missing``: an asset with no owner, or with a name not yet matched to a person or
  an outside organisation. Owner: the SIRO. Due the day the asset was added, overdue from
  the next day. An asset whose owner has LEFT is not counted here: the leaver's checklist
  asks for its hand-over (``leavers.hand-over-asset``; one fact, one duty).
- ``unclassified``: an asset not yet classified. Due the day it was added.
- ``lawful-basis-missing``: an OFFICIAL-SENSITIVE asset without an Article 6 lawful basis.
  Owner: the DPO. Due the day it was added.
- ``system-logoff-unchecked``: a system whose automatic log-off was never checked, or was last
  checked more than ``LOGOFF_CHECK_EVERY`` (365 days) ago. "Checked this year" is read as a
  rolling year rather than the academic year, so that checks spread over the year instead of
  all falling due on 1 September. It applies to every current system that people sign in to
  interactively (``System.signs_in_interactively``), whatever it holds: the policy asks that
  staff are logged off when unattended; a backup service used by software has no one to log
  off. Owner: the IT lead. Due 365 days after the last check; never checked, on the day the
  system was added.

Two-factor on systems is not here: the access module's duties (``access.duties``:
``access.remote-access-two-factor`` and ``access.system-two-factor``) hold that fact, the
OFFICIAL-SENSITIVE rule included.

Who owns a review or a classification: the owner person's account. The duty falls to the SIRO
when the owner is an outside organisation, a name not yet matched, nobody, a person without an
account, or a person who has left (and, through ``duties.selectors.resolve_owners``, when the
account is no longer an active member of the school).

Titles leave the school in reminders and calendar feeds: they name no asset, system, child or
special-category detail. The asset's or system's name is the duty's ``subject``.

``counts`` is ONE query for any number of schools, totals grouped by school alone: the
assets' kinds counted in one pass over the current assets (conditional counts), UNION ALL
the systems' log-off kind in one pass over the systems; no count looks at a school's
assets once per kind. No
date is computed per asset: reviews compare the stored ``review_due_on``, the other kinds
the instant added with the local days' midnights. ``kind_counts`` (one school, for a
viewer) is grouped by school and owner person instead (with the owner's account and leaving
date): each group's counts go to the viewer or to the others by the owner rule applied in
Python, once per group (``OWNED_BY`` and ``duties.types.Owners.owns``; an owner who has
left counts as none). ``for_kind`` is one query, in order of urgency (``Duty.sort_key``:
due date, then the record's public id), sliced in SQL; systems (tens per school) are sorted
and sliced after the query. ``for_school`` is ``for_kind`` for each of the five kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, NamedTuple
from uuid import UUID

from django.db.models import (
    BigIntegerField,
    Case,
    DateField,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.urls import NoReverseMatch, reverse

from schoolkeep.assets.models import Asset, Classification
from schoolkeep.duties import compiled
from schoolkeep.duties.registry import register
from schoolkeep.duties.types import (
    LONDON,
    Duty,
    DutyCounts,
    KindAction,
    OwnedCounts,
    Owners,
    kept_by_owner,
    local_date,
    status_for,
)
from schoolkeep.systems.models import System
from schoolkeep.tenancy.roles import Role

MODULE = "assets"
LOGOFF_CHECK_EVERY = timedelta(days=365)


# --- dates ---------------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    """Midnight in Europe/London at the start of ``day``, as an aware instant."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _added_before(day: date) -> Q:
    return Q(created_at__lt=_day_start(day))


def _days(today: date, until: date) -> dict[str, Any]:
    """What the kept SQL (``duties.compiled``) puts in at each call rather than keys by: the
    two local days, the days a year before them (log-off) and the days' midnights. No key
    holds a day, so no process compiles its SQL again each morning."""
    return {"dates": (today, until, today - LOGOFF_CHECK_EVERY, until - LOGOFF_CHECK_EVERY),
            "instants": (_day_start(today), _day_start(until))}


def _added_between(start: date, end: date) -> Q:
    """Added on ``start`` or later, before ``end``."""
    return Q(created_at__gte=_day_start(start), created_at__lt=_day_start(end))


# --- what each kind selects ---------------------------------------------------------------


def _current_assets() -> QuerySet[Asset]:
    return Asset.objects.filter(archived_at__isnull=True)


def _current_systems() -> QuerySet[System]:
    return System.objects.filter(archived_at__isnull=True)


NO_OWNER = Q(owner_person__isnull=True, owner_organisation__isnull=True)


UNCLASSIFIED = Q(classification=Classification.UNCLASSIFIED)
NO_LAWFUL_BASIS = Q(classification=Classification.OFFICIAL_SENSITIVE, lawful_basis="")


def _logoff(today: date, until: date) -> tuple[Q, Q]:
    """(overdue, due) for the check of automatic log-off (systems people sign in to)."""
    never = Q(auto_logoff_checked_on__isnull=True)
    overdue = (never & _added_before(today)) | Q(
        auto_logoff_checked_on__lt=today - LOGOFF_CHECK_EVERY
    )
    due = (never & _added_between(today, until)) | Q(
        auto_logoff_checked_on__gte=today - LOGOFF_CHECK_EVERY,
        auto_logoff_checked_on__lt=until - LOGOFF_CHECK_EVERY,
    )
    interactive = Q(signs_in_interactively=True)
    return overdue & interactive, due & interactive


# --- duties --------------------------------------------------------------------------------


# Builds the current assets of a kind's list (called only when its SQL is not kept yet).
Assets = Callable[[], QuerySet[Any]]


class AssetRow(NamedTuple):
    """The columns of an asset a duty is made from (``ROW_FIELDS``, read as rows)."""

    public_id: UUID
    name: str
    created_at: datetime
    user_id: int | None  # the owner person's account
    full_name: str | None  # the owner person's name
    leaving_date: date | None  # the owner person's leaving date
    review_due_on: date | None


ROW_FIELDS = ("public_id", "name", "created_at", "owner_person__user_id",
              "owner_person__full_name", "owner_person__leaving_date", "review_due_on")


def _asset_url(public_id: UUID) -> str:
    return reverse("assets:asset-detail", args=[public_id])


def _system_url(public_id: UUID) -> str:
    return reverse("systems:system-detail", args=[public_id])


def _owner(asset: AssetRow, today: date) -> dict[str, Any]:
    """Who owns the asset's own duties: the owner person's account while they are at the
    school, else the SIRO."""
    if asset.user_id is not None and (asset.leaving_date is None or asset.leaving_date > today):
        return {"owner_user_id": asset.user_id, "owner_label": asset.full_name}
    return {"owner_role": Role.SIRO}


def _duty(kind: str, record: AssetRow | System, *, due_at: date, now: datetime, title: str,
          action: str, order_at: datetime | None = None, **owner: Any) -> Duty:
    is_asset = isinstance(record, AssetRow)
    url = _asset_url(record.public_id) if is_asset else _system_url(record.public_id)
    return Duty(
        key=f"{MODULE}.{kind}:{record.public_id}",
        module=MODULE,
        title=title,
        subject=record.name,
        due_at=due_at,
        status=status_for(due_at, now),
        url=url,
        permission="assets.view" if is_asset else "systems.view",
        action=action,
        order_at=order_at,
        **owner,
    )


REVIEW = f"{MODULE}.review-due"
OWNER_MISSING = f"{MODULE}.owner-missing"
UNCLASSIFIED_KIND = f"{MODULE}.unclassified"
LAWFUL_BASIS = f"{MODULE}.lawful-basis-missing"
LOGOFF = f"{MODULE}.system-logoff-unchecked"
ASSET_ROW, SYSTEM_ROW = 1, 2  # which table a row of ``AssetDuties._counted`` counts
ASSET_KINDS = (REVIEW, OWNER_MISSING, UNCLASSIFIED_KIND, LAWFUL_BASIS)
SYSTEM_KINDS = (LOGOFF,)

# Whom each kind falls to: (the annotation holding the named owner's user id, or None when
# the kind never names one; the role it falls to without one). See ``duties.types.Owners``.
OWNED_BY = {
    REVIEW: ("duty_owner", Role.SIRO),
    OWNER_MISSING: (None, Role.SIRO),
    UNCLASSIFIED_KIND: ("duty_owner", Role.SIRO),
    LAWFUL_BASIS: (None, Role.DPO),
    LOGOFF: (None, Role.IT_LEAD),
}


def _with_owner(assets: QuerySet[Any], today: date) -> QuerySet[Any]:
    """Aliased ``duty_owner``: the owner person's account while they are at the school
    (``_owner``'s rule in SQL), else NULL."""
    staying = Q(owner_person__leaving_date__isnull=True) | Q(owner_person__leaving_date__gt=today)
    return assets.alias(duty_owner=Case(When(staying, then=F("owner_person__user_id")),
                                        default=Value(None), output_field=IntegerField()))


class AssetDuties:
    module = MODULE
    label = "Information assets and systems"
    kind_labels = {
        REVIEW: "Information assets due for review",
        OWNER_MISSING: "Information assets without an owner",
        UNCLASSIFIED_KIND: "Information assets not yet classified",
        LAWFUL_BASIS: "OFFICIAL-SENSITIVE information assets without a lawful basis",
        LOGOFF: "Systems whose automatic log-off needs checking",
    }

    # --- counts: one aggregate for any number of schools -------------------------------

    def counts(
        self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
    ) -> dict[int, DutyCounts]:
        """Each school's total, grouped by school alone in SQL (``_totals``): with no viewer
        there is no owner to split by, so no row per owner person comes back to Python (at
        a trust of 200 schools, 27,000 of them took most of the schools overview's time)."""
        ids = list(school_ids)
        if not ids:
            return {}
        today, until = local_date(now), local_date(horizon)
        rows = compiled.rows((f"{MODULE}.totals", tuple(ids)),
                             lambda: self._totals(ids, now=now, horizon=horizon),
                             **_days(today, until))
        result: dict[int, DutyCounts] = {}
        for school_id, *figures in rows:
            result[school_id] = sum(map(_decoded, figures), result.get(school_id, DutyCounts()))
        return result

    def kind_counts(self, school_id: int, *, now: datetime, horizon: datetime,
                    owners: Owners | None = None) -> dict[str, OwnedCounts]:
        return self._owned([school_id], now=now, horizon=horizon,
                           owners=owners).get(school_id, {})

    def _owned(self, ids: list[int], *, now: datetime, horizon: datetime,
               owners: Owners | None) -> dict[int, dict[str, OwnedCounts]]:
        """{school: {kind: counts}} from ``_counted``'s rows, each group of assets (one owner
        person) given to the viewer or the others by the owner rule in Python, once per
        group (``Owners.owns``), not once per asset in SQL."""
        today = local_date(now)
        until = local_date(horizon)
        key = (f"{MODULE}.counts", tuple(ids))
        rows = compiled.rows(key, lambda: self._counted(ids, now=now, horizon=horizon),
                             **_days(today, until))
        result: dict[int, dict[str, OwnedCounts]] = {}
        for school_id, marker, user_id, leaving, *figures in rows:
            per_kind = result.setdefault(school_id, {})
            if marker == SYSTEM_ROW:
                found = dict(zip(SYSTEM_KINDS, map(_decoded, figures), strict=False))
            else:
                found = dict(zip(ASSET_KINDS, map(_decoded, figures), strict=False))
                left_on = _as_date(leaving)
                user_id = user_id if left_on is None or left_on > today else None
            for kind, counts in found.items():
                mine = owners is not None and owners.owns(user_id if OWNED_BY[kind][0] else None,
                                                          OWNED_BY[kind][1])
                owned = OwnedCounts(mine=counts) if mine else OwnedCounts(others=counts)
                per_kind[kind] = per_kind.get(kind, OwnedCounts()) + owned
        return result

    def _counted(self, ids: list[int], *, now: datetime, horizon: datetime) -> QuerySet[Any]:
        """The schools' current assets grouped by school and owner person (their account and
        leaving date), UNION ALL the systems grouped by school: the school, ``ASSET_ROW`` or
        ``SYSTEM_ROW``, the owner's account and leaving date (NULL for systems) and each
        kind's ``_statuses`` (assets: review, no owner since added, unclassified, no lawful
        basis; systems: log-off). No condition depends on the
        viewer, so every viewer of a school shares the compiled SQL; the assets' columns are
        all in ``asset_duty_counts``, which is read without the table."""
        today, until = local_date(now), local_date(horizon)
        asset_columns = _asset_columns(today, until)
        # Grouped in the index's own order (school, owner person): the person's columns are
        # the same on each row of a group, so taken as MAX, not grouped by (which made
        # SQLite sort every asset in a temporary tree).
        per_asset = (_current_assets().filter(school_id__in=ids).order_by()
                     .values("school_id", "owner_person_id")
                     .annotate(marker=Value(ASSET_ROW), user=Max("owner_person__user_id"),
                               leaving=Max("owner_person__leaving_date"), **asset_columns)
                     .values_list("school_id", "marker", "user", "leaving", *asset_columns))
        width = len(asset_columns)
        per_system = _system_counts(ids, today, until, width=width, first={
            "marker": Value(SYSTEM_ROW), "no_user": Value(None, output_field=IntegerField()),
            "no_leaving": Value(None, output_field=DateField())}).values_list(
            "school_id", "marker", "no_user", "no_leaving", *_system_columns(width=width))
        return per_asset.union(per_system, all=True)

    def _totals(self, ids: list[int], *, now: datetime, horizon: datetime) -> QuerySet[Any]:
        """Each kind's ``_statuses`` per school, in two parts put together with UNION ALL:
        the current assets grouped by school (read from ``asset_duty_counts`` alone, no
        join) and the systems grouped by school, each with as many columns of figures
        after the school (zeros where it has none)."""
        today, until = local_date(now), local_date(horizon)
        asset_columns = _asset_columns(today, until)
        per_asset = (_current_assets().filter(school_id__in=ids).order_by()
                     .values("school_id").annotate(**asset_columns)
                     .values_list("school_id", *asset_columns))
        per_system = _system_counts(ids, today, until, width=len(asset_columns)).values_list(
            "school_id", *_system_columns(width=len(asset_columns)))
        return per_asset.union(per_system, all=True)

    # --- lists: one query per kind -------------------------------------------------------

    def kind_action(self, kind: str, count: int) -> KindAction | None:
        """Assets without an owner are chosen together, on one page (built by the asset
        register; None until it exists)."""
        if kind != OWNER_MISSING or not count:
            return None
        try:
            url = reverse("assets:choose-owners")
        except NoReverseMatch:
            return None
        words = ("Choose an owner for 1 information asset" if count == 1
                 else f"Choose owners for {count:,} information assets")
        return KindAction(words, url, "assets.manage")

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime,
                   limit: int | None = None) -> list[Duty]:
        """The school's duties; with ``limit``, the most urgent ``limit`` of each kind."""
        return [duty for kind in self.kind_labels
                for duty in self.for_kind(school_id, kind, now=now, horizon=horizon,
                                          limit=limit)]

    def for_kind(self, school_id: int, kind: str, *, now: datetime, horizon: datetime,
                 owners: Owners | None = None, mine: bool = True, limit: int | None = None,
                 offset: int = 0) -> list[Duty]:
        if kind not in self.kind_labels:
            raise ValueError(f"The assets module has no kind of duty {kind!r}.")
        today, until = local_date(now), local_date(horizon)
        user, role = OWNED_BY[kind]
        end = None if limit is None else offset + limit
        if kind in SYSTEM_KINDS:
            # A school has tens of systems, not thousands: read them, sort, slice.
            kept = kept_by_owner(owners, user, role, mine=mine)
            return sorted(self._logoff_unchecked(school_id, today=today, until=until, now=now,
                                                 kept=kept),
                          key=Duty.sort_key)[offset:end]

        def assets() -> QuerySet[Any]:  # built only when its SQL is not kept yet
            return _with_owner(_current_assets().filter(school_id=school_id).order_by(),
                               today).filter(kept_by_owner(owners, user, role, mine=mine))

        # What each list's SQL is built from, to keep it (``duties.compiled``), but the
        # days: they and their midnights are put in at each call (``_days``).
        key = (MODULE, kind, school_id, owners, mine, offset, end)
        rows = slice(offset, end)
        if kind == REVIEW:
            return self._reviews(assets, key, today=today, until=until, now=now, rows=rows)
        make = {OWNER_MISSING: self._owners_missing, UNCLASSIFIED_KIND: self._unclassified,
                LAWFUL_BASIS: self._without_lawful_basis}
        return make[kind](assets, key, today=today, until=until, now=now, rows=rows)

    def _rows(self, key: Hashable, found: Assets, rows: slice, *, today: date,
              until: date) -> list[AssetRow]:
        """The ``rows`` of ``found()`` (ordered) as ``AssetRow``s, from SQL kept per ``key``
        (``found`` is called only to compile it)."""
        return [AssetRow(*row) for row in compiled.rows(
            key, lambda: found().values_list(*ROW_FIELDS)[rows], **_days(today, until))]

    def _reviews(self, assets: Assets, key: Hashable, *, today: date, until: date,
                 now: datetime, rows: slice) -> list[Duty]:
        duties = []
        for asset in self._rows(key, lambda: assets().filter(review_due_on__lt=until).order_by(
                "review_due_on", "public_id"), rows, today=today, until=until):
            assert asset.review_due_on is not None  # filtered above
            duties.append(_duty(
                "review-due", asset, due_at=asset.review_due_on, now=now,
                title="Review an information asset",
                action="Review the asset and record the date",
                **_owner(asset, today),
            ))
        return duties

    def _owners_missing(self, assets: Assets, key: Hashable, *, today: date,
                        until: date, now: datetime, rows: slice) -> list[Duty]:
        """The assets with no owner (or an owner's name not yet matched), due the day
        added, in the order they were added (an owner who has left is the leaver's
        checklist's hand-over step, not this kind's)."""
        return [
            _duty(
                "owner-missing", asset, due_at=local_date(asset.created_at), now=now,
                title="Choose an owner for an information asset",
                action="Choose the asset's owner", owner_role=Role.SIRO,
                order_at=asset.created_at,
            )
            for asset in self._added(assets, key, NO_OWNER & _added_before(until), rows,
                                     today=today, until=until)
        ]

    def _added(self, assets: Assets, key: Hashable, condition: Q, rows: slice, *,
               today: date, until: date) -> list[AssetRow]:
        """The assets meeting ``condition`` in the order they were added, the rows wanted
        (their duties are due the day added, and ordered by the instant: ``order_at``)."""
        return self._rows(key, lambda: assets().filter(condition).order_by(
            "created_at", "public_id"), rows, today=today, until=until)

    def _unclassified(self, assets: Assets, key: Hashable, *, today: date, until: date,
                      now: datetime, rows: slice) -> list[Duty]:
        return [
            _duty(
                "unclassified", asset, due_at=local_date(asset.created_at), now=now,
                title="Classify an information asset",
                action="Mark it OFFICIAL or OFFICIAL-SENSITIVE", order_at=asset.created_at,
                **_owner(asset, today),
            )
            for asset in self._added(assets, key, UNCLASSIFIED & _added_before(until), rows,
                                     today=today, until=until)
        ]

    def _without_lawful_basis(self, assets: Assets, key: Hashable, *, today: date,
                              until: date, now: datetime, rows: slice) -> list[Duty]:
        return [
            _duty(
                "lawful-basis-missing", asset, due_at=local_date(asset.created_at), now=now,
                title="Record the lawful basis of an OFFICIAL-SENSITIVE information asset",
                action="Record the lawful basis (Article 6)", order_at=asset.created_at,
                owner_role=Role.DPO,
            )
            for asset in self._added(assets, key, NO_LAWFUL_BASIS & _added_before(until),
                                     rows, today=today, until=until)
        ]

    def _systems(self, systems: QuerySet[System], school_id: int) -> QuerySet[System]:
        return (
            systems.filter(school_id=school_id)
            .only("pk", "public_id", "name", "created_at", "auto_logoff_checked_on")
            .order_by()
        )

    def _logoff_unchecked(self, school_id: int, *, today: date, until: date,
                          now: datetime, kept: Q) -> list[Duty]:
        overdue, due = _logoff(today, until)
        systems = self._systems(_current_systems(), school_id).filter(overdue | due).filter(kept)
        duties = []
        for system in systems:
            checked = system.auto_logoff_checked_on
            due_on = (checked + LOGOFF_CHECK_EVERY if checked is not None
                      else local_date(system.created_at))
            duties.append(_duty(
                "system-logoff-unchecked", system, due_at=due_on, now=now,
                title=("Check a system's automatic log-off" if checked is None
                       else "Check a system's automatic log-off again (a year has passed)"),
                action="Check that idle users are logged off and record the date",
                owner_role=Role.IT_LEAD,
            ))
        return duties


def _asset_columns(today: date, until: date) -> dict[str, Any]:
    """The four asset kinds' ``_statuses`` (an owner who has left is counted apart)."""
    added_overdue, added_due = _added_before(today), _added_between(today, until)
    return {
        "review": _statuses(Q(review_due_on__lt=today), Q(review_due_on__lt=until)),
        "no_owner": _statuses(NO_OWNER & added_overdue, NO_OWNER & added_due),
        "unclassified": _statuses(UNCLASSIFIED & added_overdue, UNCLASSIFIED & added_due),
        "lawful_basis": _statuses(NO_LAWFUL_BASIS & added_overdue, NO_LAWFUL_BASIS & added_due),
    }


def _system_columns(*, width: int) -> list[str]:
    """The names of ``_system_counts``' columns: the log-off kind, then zeros up to
    ``width``."""
    return ["logoff", *(f"none_{n}" for n in range(width - 1))]


def _system_counts(ids: list[int], today: date, until: date, *, width: int,
                   first: dict[str, Any] | None = None) -> QuerySet[Any]:
    """The schools' current systems grouped by school: the ``first`` columns, then the
    log-off kind's ``_statuses`` and zeros, ``width`` in all, to stand beside the assets' in
    a UNION ALL (annotated in that order, the order they are selected in)."""
    logoff_overdue, logoff_due = _logoff(today, until)
    columns = {**(first or {}), "logoff": _statuses(logoff_overdue, logoff_due),
               **{f"none_{n}": Value(0) for n in range(width - 1)}}
    return (_current_systems().filter(school_id__in=ids).order_by()
            .values("school_id").annotate(**columns))


# A kind's overdue and due duties counted in one column as ``overdue * SPLIT + due``: each
# asset's conditions are then tested once (due only when not overdue), not once per figure.
SPLIT = 1 << 32


def _statuses(overdue: Q, due: Q) -> Any:
    """SUM of ``SPLIT`` per row overdue and 1 per row due (and not overdue)."""
    return Sum(Case(When(overdue, then=Value(SPLIT)), When(due, then=Value(1)),
                    default=Value(0), output_field=BigIntegerField()))


def _decoded(figure: Any) -> DutyCounts:
    """A ``_statuses`` column as counts (PostgreSQL sums a bigint as a numeric)."""
    overdue, due = divmod(int(figure), SPLIT)
    return DutyCounts(due=due, overdue=overdue)


def _as_date(value: date | str | None) -> date | None:
    """A date from the database: SQLite hands back a date of a UNION as text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


provider = register(AssetDuties())
