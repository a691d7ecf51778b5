"""Duties of DPIAs (module ``dpias``), computed when read. Archived DPIAs and archived
assets raise nothing.

Three kinds:

- ``dpias.required-not-done``: a DPIA is owed and not signed off. Two cases:

  * a current DPIA (of an asset, a system or a project) whose screening says one is
    required and which is not signed off (nor waiting for the ICO's answer to a prior
    consultation already made, nor with a high residual risk not yet taken to the ICO: that
    is the SIRO's ``ico-due`` and nobody can finish it first). Due the day it
    was screened (a legacy DPIA made from the register's old "DPIA needed" has no
    screening: the day it was recorded), so
    overdue from the next day: UK GDPR asks for the assessment *before* the processing,
    and these assets are already being processed.
  * a current asset holding special category data or children's data that has not been
    screened (no current DPIA, or one whose screening is not finished). Due the day the
    asset was added. Either alone does not make a DPIA required (children's data is one of
    the nine criteria, and two are needed), but both are signs that the screening must be
    done, so we ask for it; a screening that says "not required" ends the duty. It links to
    the screening of the DPIA already started, else to the start page for the asset.

  Owner: the asset's owner person's account while they are at the school, else the DPO (a
  system or a project has no owner in Schoolkeep: the DPO).
  Days are London days (a record made at 00:30 in summer is that day's).
  A DPIA of an archived asset or system raises nothing.
- ``dpias.review-due``: a signed-off DPIA whose review date has come. Due on the review
  date. Owner: the DPO (the ICO's template asks the DPO to keep it under review).
- ``dpias.ico-due``: a current DPIA not signed off with a risk whose *residual* result is
  high (likelihood x severity of 6 or 9, ``lib.risk``) and no prior consultation of the ICO
  recorded (UK GDPR Article 36(1)). Owner: the SIRO, who cannot sign off until then. Due the
  day the DPO's advice was recorded (else the day of the screening, else the day recorded).
  The duty's action says that the ICO aims to respond within 8 weeks, extendable by 6
  (Article 36(2)).

Titles leave the school in reminders and calendar feeds: they name no asset, system or
project; the name is the duty's ``subject``.

Queries: ``counts`` and ``kind_counts`` are ONE query for any number of schools (the DPIAs
grouped by school with conditional counts per kind, UNION ALL the unscreened assets grouped
by school); ``for_kind`` is one query, ordered and sliced in SQL.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

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
from django.db.models.functions import Coalesce, TruncDate
from django.urls import NoReverseMatch, reverse

from schoolkeep.assets.models import Asset
from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import (
    LONDON,
    CountsFromKinds,
    Duty,
    DutyCounts,
    OwnedCounts,
    Owners,
    count_owned,
    kept_by_owner,
    local_date,
    split_by_owner,
    status_for,
)
from schoolkeep.privacy.dpias.models import Dpia, DpiaRisk
from schoolkeep.tenancy.roles import Role

MODULE = "dpias"
REQUIRED = f"{MODULE}.required-not-done"
REVIEW = f"{MODULE}.review-due"
ICO = f"{MODULE}.ico-due"

HIGH_PRODUCT = 6  # likelihood x severity of 6 or 9 is a high risk (lib.risk)
ICO_RESPONSE = ("the ICO aims to respond within 8 weeks of receiving the consultation, and "
                "may extend that by 6 weeks for complex processing")

# Whom each kind falls to: (the annotation holding the named owner's user id, or None when
# the kind never names one; the role it falls to without one). See ``duties.types.Owners``.
OWNED_BY: dict[str, tuple[str | None, str]] = {
    REQUIRED: ("duty_owner", Role.DPO),
    REVIEW: (None, Role.DPO),
    ICO: (None, Role.SIRO),
}
DPIA_ROW, ASSET_ROW = 1, 2
DPIA_KINDS = (REQUIRED, REVIEW, ICO)
ASSET_KINDS = (REQUIRED,)
ROW_KINDS = {DPIA_ROW: DPIA_KINDS, ASSET_ROW: ASSET_KINDS}
COLUMNS = 4 * len(DPIA_KINDS)  # (mine, others) x (overdue, due) per kind


# --- what each kind selects ----------------------------------------------------------------


def _staying_owner(prefix: str, today: date) -> Case:
    """The owner person's account while they are at the school, else NULL (the DPO)."""
    staying = (Q(**{f"{prefix}owner_person__leaving_date__isnull": True})
               | Q(**{f"{prefix}owner_person__leaving_date__gt": today}))
    return Case(When(staying, then=F(f"{prefix}owner_person__user_id")),
                default=Value(None), output_field=IntegerField())


def _high_residual() -> Exists:
    """A risk of the DPIA whose residual likelihood x severity is high (6 or 9)."""
    product = F("residual_likelihood") * F("residual_severity")
    return Exists(DpiaRisk.objects.alias(product=product)
                  .filter(dpia_id=OuterRef("pk"), product__gte=HIGH_PRODUCT))


# A DPIA of an archived asset or system is over with the processing it assessed.
CURRENT_DPIA = (Q(archived_at__isnull=True)
                & (Q(asset__isnull=True) | Q(asset__archived_at__isnull=True))
                & (Q(system__isnull=True) | Q(system__archived_at__isnull=True)))
# Waiting for the ICO's answer to a prior consultation, nobody at the school can finish it.
WAITING_FOR_ICO = Q(ico_consulted_on__isnull=False, ico_response_on__isnull=True)
# A high residual risk not yet taken to the ICO: the SIRO's duty (ICO_Q), and nothing the
# owner can finish before it, so it is not also the owner's "required and not done".
ICO_OWED = Q(ico_consulted_on__isnull=True, high_residual=True)
REQUIRED_Q = (Q(screening_required=True, signed_off_on__isnull=True) & ~WAITING_FOR_ICO
              & ~ICO_OWED)
REVIEW_Q = Q(signed_off_on__isnull=False, review_on__isnull=False)
ICO_Q = Q(signed_off_on__isnull=True) & ICO_OWED


def _london_day(field: str) -> TruncDate:
    """The calendar day in Europe/London of a timestamp (a record made at 00:30 in a London
    summer is that day's, not the day before's in UTC)."""
    return TruncDate(field, tzinfo=LONDON)


def _dpias(ids: list[int], today: date) -> QuerySet[Dpia]:
    """Current DPIAs of the schools, with the columns every kind reads: ``duty_owner`` (the
    asset owner's account), ``started`` (the day recorded), ``high_residual``."""
    started = _london_day("created_at")
    return (Dpia.objects.filter(CURRENT_DPIA, school_id__in=ids)
            .alias(duty_owner=_staying_owner("asset__", today),
                   started=started, high_residual=_high_residual())
            .alias(required_due=Coalesce("screened_on", "started"),
                   ico_due=Coalesce("dpo_advice_on", "screened_on", "started")))


def _screened_dpia() -> Exists:
    return Exists(Dpia.objects.filter(asset_id=OuterRef("pk"), archived_at__isnull=True,
                                      screening_required__isnull=False))


def _unscreened_dpia() -> Subquery:
    """The asset's current DPIA whose screening is not finished, if it has one."""
    return Subquery(Dpia.objects.filter(asset_id=OuterRef("pk"), archived_at__isnull=True)
                    .values("public_id")[:1])


SENSITIVE = Q(special_category_data=True) | Q(children_data=True)


def _unscreened_assets(ids: list[int], today: date) -> QuerySet[Asset]:
    """Current assets with special category or children's data not yet screened."""
    return (Asset.objects.filter(SENSITIVE, school_id__in=ids, archived_at__isnull=True)
            .filter(~_screened_dpia())
            .alias(duty_owner=_staying_owner("", today),
                   added=_london_day("created_at")))


def _windows(field: str, today: date, until: date) -> tuple[Q, Q]:
    """(overdue, due before the horizon) on a date column."""
    return Q(**{f"{field}__lt": today}), Q(**{f"{field}__gte": today, f"{field}__lt": until})


def _dpia_windows(today: date, until: date) -> dict[str, tuple[Q, Q]]:
    windows = {}
    for kind, condition, field in ((REQUIRED, REQUIRED_Q, "required_due"),
                                   (REVIEW, REVIEW_Q, "review_on"),
                                   (ICO, ICO_Q, "ico_due")):
        overdue, due = _windows(field, today, until)
        windows[kind] = (condition & overdue, condition & due)
    return windows


def _url(name: str, *args: Any, query: str = "") -> str:
    try:
        url = reverse(name, args=list(args))
    except NoReverseMatch:  # that page not mounted yet: the duty is still counted
        return ""
    return f"{url}?{query}" if query else url


def _subject(asset: str | None, system: str | None, project: str) -> str:
    if asset:
        return f"DPIA: {asset}"
    if system:
        return f"DPIA: {system}"
    return f"DPIA: {project}"


# --- the provider ----------------------------------------------------------------------------


class DpiaDuties(CountsFromKinds):
    module = MODULE
    label = "DPIAs"
    view_permission = "dpias.view"
    kind_labels = {
        REQUIRED: "DPIAs required and not yet done",
        REVIEW: "DPIAs due for review",
        ICO: "DPIAs waiting for the ICO's prior consultation",
    }

    def _counted(self, ids: list[int], *, now: datetime, horizon: datetime,
                 owners: Owners | None) -> dict[int, dict[str, OwnedCounts]]:
        today, until = local_date(now), local_date(horizon)
        windows = _dpia_windows(today, until)
        dpias = self._grouped(_dpias(ids, today), DPIA_ROW, [
            (*windows[kind], split_by_owner(owners, *OWNED_BY[kind])) for kind in DPIA_KINDS])
        assets = self._grouped(_unscreened_assets(ids, today), ASSET_ROW, [
            (*_windows("added", today, until), split_by_owner(owners, *OWNED_BY[REQUIRED]))])
        result: dict[int, dict[str, OwnedCounts]] = {}
        for school_id, marker, *figures in dpias.union(assets, all=True):
            per_kind = result.setdefault(school_id, {})
            for n, kind in enumerate(ROW_KINDS[marker]):
                mine_overdue, mine_due, others_overdue, others_due = figures[4 * n:4 * n + 4]
                owned = OwnedCounts(
                    mine=DutyCounts(due=int(mine_due), overdue=int(mine_overdue)),
                    others=DutyCounts(due=int(others_due), overdue=int(others_overdue)))
                per_kind[kind] = per_kind.get(kind, OwnedCounts()) + owned
        return result

    @staticmethod
    def _grouped(rows: QuerySet[Any], marker: int,
                 windows: list[tuple[Q, Q, tuple[Q, Q]]]) -> QuerySet[Any]:
        columns: dict[str, Any] = {}
        for n, (overdue, due, (mine, others)) in enumerate(windows):
            columns[f"mine_overdue_{n}"] = count_owned(overdue, mine)
            columns[f"mine_due_{n}"] = count_owned(due, mine)
            columns[f"others_overdue_{n}"] = count_owned(overdue, others)
            columns[f"others_due_{n}"] = count_owned(due, others)
        padding = {f"none_{n}": Value(0) for n in range(len(columns), COLUMNS)}
        return (rows.order_by().values("school_id")
                .annotate(marker=Value(marker), **columns, **padding)
                .values_list("school_id", "marker", *columns, *padding))

    # --- lists ------------------------------------------------------------------------------

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        return [duty for kind in self.kind_labels
                for duty in self.for_kind(school_id, kind, now=now, horizon=horizon)]

    def for_kind(self, school_id: int, kind: str, *, now: datetime, horizon: datetime,
                 owners: Owners | None = None, mine: bool = True, limit: int | None = None,
                 offset: int = 0) -> list[Duty]:
        if kind not in self.kind_labels:
            raise ValueError(f"The dpias module has no kind of duty {kind!r}.")
        today, until = local_date(now), local_date(horizon)
        rows = slice(offset, None if limit is None else offset + limit)
        kept = kept_by_owner(owners, *OWNED_BY[kind], mine=mine)
        if kind == REQUIRED:
            return self._required(school_id, now, today, until, kept, rows)
        overdue, due = _dpia_windows(today, until)[kind]
        field = "review_on" if kind == REVIEW else "ico_due"
        found = (_dpias([school_id], today).filter(overdue | due).filter(kept)
                 .annotate(due_day=F(field))
                 .order_by("due_day", "public_id")
                 .values_list("public_id", "due_day", "asset__name", "system__name",
                              "project_name"))[rows]
        duties = []
        for public_id, due_day, asset, system, project in found:
            if kind == REVIEW:
                title, permission = "Review a DPIA", "dpias.manage"
                action = ("Review the DPIA: is the processing, and its risks, still as "
                          "assessed?")
            else:
                title, permission = "Consult the ICO before signing off a DPIA", "dpias.view"
                action = (f"Consult the ICO on the high residual risk and record it "
                          f"({ICO_RESPONSE})")
            duties.append(Duty(
                key=f"{kind}:{public_id}", module=MODULE, title=title,
                subject=_subject(asset, system, project), due_at=due_day,
                status=status_for(due_day, now), url=_url("dpias:dpia-detail", public_id),
                permission=permission, action=action, owner_role=OWNED_BY[kind][1]))
        return duties

    def _required(self, school_id: int, now: datetime, today: date, until: date, kept: Q,
                  rows: slice) -> list[Duty]:
        """The DPIAs required and not signed off, then the unscreened assets: both lists
        come from one query (UNION ALL), ordered by due day and sliced in SQL."""
        overdue, due = _dpia_windows(today, until)[REQUIRED]
        dpias = (_dpias([school_id], today).filter(overdue | due).filter(kept).order_by()
                 .annotate(due_day=F("required_due"), owner=F("duty_owner"),
                           owner_name=F("asset__owner_person__full_name"),
                           marker=Value(DPIA_ROW), name=Coalesce("asset__name",
                                                                 "system__name",
                                                                 "project_name"),
                           current=F("public_id"))
                 .values_list("marker", "public_id", "due_day", "name", "owner",
                              "owner_name", "current"))
        a_overdue, a_due = _windows("added", today, until)
        assets = (_unscreened_assets([school_id], today).filter(a_overdue | a_due).filter(kept)
                  .order_by()
                  .annotate(due_day=F("added"), owner=F("duty_owner"),
                            owner_name=F("owner_person__full_name"),
                            marker=Value(ASSET_ROW), dpia_name=F("name"),
                            current=_unscreened_dpia())
                  .values_list("marker", "public_id", "due_day", "dpia_name", "owner",
                               "owner_name", "current"))
        found = dpias.union(assets, all=True).order_by("due_day", "public_id")[rows]
        duties = []
        for marker, public_id, due_day, name, owner, owner_name, current in found:
            due_day = _as_date(due_day)
            owner_fields: dict[str, Any] = (
                {"owner_user_id": owner, "owner_label": owner_name or ""}
                if owner is not None else {"owner_role": Role.DPO})
            if marker == DPIA_ROW:
                duty = Duty(key=f"{REQUIRED}:{public_id}", module=MODULE,
                            title="Complete a DPIA that is required",
                            subject=f"DPIA: {name}", due_at=due_day,
                            status=status_for(due_day, now),
                            url=_url("dpias:dpia-detail", public_id),
                            permission="dpias.manage",
                            action="Write the assessment, get the DPO's advice and the "
                                   "SIRO's sign-off", **owner_fields)
            else:
                duty = Duty(key=f"{REQUIRED}:asset:{public_id}", module=MODULE,
                            title="Screen an information asset for a DPIA",
                            subject=str(name), due_at=due_day,
                            status=status_for(due_day, now),
                            url=_screening_url(public_id, current),
                            permission="dpias.manage",
                            action="Answer the screening questions: it holds special "
                                   "category or children's data", **owner_fields)
            duties.append(duty)
        return duties


def _screening_url(asset_id: Any, current: Any) -> str:
    """The screening of the asset's DPIA already started (the start page does not offer an
    asset that has one), else the start page for the asset."""
    if current:
        return _url("dpias:dpia-screening", _as_uuid(current))
    return _url("dpias:dpia-start", query=f"asset={asset_id}")


def _as_uuid(value: Any) -> UUID:
    """A UUID from the database: SQLite hands back a UUID of a UNION as hex text."""
    return value if isinstance(value, UUID) else UUID(str(value))


def _as_date(value: date | str) -> date:
    """A date from the database: SQLite hands back a date of a UNION as text."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


provider = DpiaDuties()


def register() -> None:
    register_provider(provider)
