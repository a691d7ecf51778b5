"""Duties of the Single Central Record, computed when read.

Five kinds, for the current people of a school (a leaver, from their leaving date, raises
nothing, except a certificate copy that is still held):

- ``check-missing``: a person lacks a check the school's rules (or an override) require,
  other than the agency's confirmation, which is its own duty. One duty per person. Due on
  their start date (their record's creation date when none is recorded), overdue after.
- ``right-to-work-expiring``: time-limited permission to work in the UK ends within
  ``RIGHT_TO_WORK_NOTICE`` (60 days) or has ended. Due on the day it ends. This duty has its
  own notice period: it is listed as soon as the end is 60 days away, whatever the horizon
  of the list (the dashboard's 14 days would be too late to arrange a follow-up check).
- ``update-service-due``: a person on the DBS Update Service whose status was last checked
  (or, never checked, whose certificate was issued) longer ago than the school's interval
  (``PeopleSettings.update_service_interval_days``). Due on the last check plus the interval.
- ``agency-confirmation``: an agency or supply worker without the agency's written
  confirmation that it did the checks. Due on their start date (or creation date).
- ``certificate-copy-due``: an uploaded copy of a DBS certificate past its deletion date and
  still held. The scheduler's tick deletes such copies every ten minutes, so this appears
  only when that has not happened; it is overdue from its deletion instant.

Which checks a person needs comes from ``people.rules``; the missing-check and agency
duties read the facts each person keeps of it (``checks_missing``,
``agency_confirmation_missing``, kept in step by ``people.missing_checks`` in the same
transaction as every write that changes them, and proved by ``recount-duty-facts``), so
neither counting nor listing applies the rules per person.

Owner: the HR administrator; the duties layer falls back to the SIRO when nobody holds it.
Titles name no one (they leave the school in reminders and calendar feeds); the person's
name is in ``subject``.

``counts`` runs two queries for any number of schools: the schools with their settings,
then one UNION ALL of three ``GROUP BY school_id`` aggregates (people, checks, certificate
copies), none of which looks at a person more than once. ``for_school`` runs one for the
school, then one per kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse

from schoolkeep.duties import compiled
from schoolkeep.duties.registry import register
from schoolkeep.duties.types import (
    EVERY_ROW,
    LONDON,
    NO_ROW,
    Duty,
    DutyCounts,
    OwnedCounts,
    Owners,
    local_date,
    status_for,
)
from schoolkeep.people.models import (
    CertificateCopy,
    Check,
    CheckType,
    PeopleSettings,
    Person,
    PersonKind,
)
from schoolkeep.people.selectors import current_q
from schoolkeep.people.services import copies_delete_due
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role

MODULE = "people"
RIGHT_TO_WORK_NOTICE = timedelta(days=60)
DEFAULT_UPDATE_SERVICE_INTERVAL = PeopleSettings._meta.get_field(
    "update_service_interval_days"
).get_default()

# From the people's stored facts (people.missing_checks keeps them in step with the rules).
_CHECKS_MISSING = Q(checks_missing=True)
_AGENCY_MISSING = Q(kind=PersonKind.AGENCY, agency_confirmation_missing=True)


# --- helpers -------------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    """Midnight in Europe/London at the start of ``day``, as an aware instant."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _from_start(today: date, until: date) -> tuple[Q, Q]:
    """(overdue, due) for duties due on a person's start date, or creation date when none."""
    overdue = Q(start_date__lt=today) | Q(
        start_date__isnull=True, created_at__lt=_day_start(today)
    )
    due = Q(start_date__gte=today, start_date__lt=until) | Q(
        start_date__isnull=True,
        created_at__gte=_day_start(today),
        created_at__lt=_day_start(until),
    )
    return overdue, due


def _start_due_date(person: Person) -> date:
    return person.start_date or local_date(person.created_at)


def _last_status_check() -> Coalesce:
    """The date of the last known Update Service status: checked, else issued, else done."""
    return Coalesce("update_service_checked_on", "dbs_issued_on", "done_on")


def _update_service(today: date, until: date, intervals: dict[int, int]) -> tuple[Q, Q]:
    """(overdue, due) for Update Service checks, each school with its own interval."""
    groups: dict[int, list[int]] = defaultdict(list)
    for school_id, days in intervals.items():
        groups[days].append(school_id)
    overdue, due = NO_ROW, NO_ROW
    for days, school_ids in groups.items():
        interval = timedelta(days=days)
        in_schools = Q(school_id__in=school_ids)
        overdue |= in_schools & Q(last_status__lt=today - interval)
        due |= in_schools & Q(last_status__gte=today - interval,
                              last_status__lt=until - interval)
    return overdue, due


def _update_service_checks() -> QuerySet[Check]:
    return Check.objects.filter(
        check_type=CheckType.ENHANCED_DBS, on_update_service=True
    ).alias(last_status=_last_status_check()).filter(last_status__isnull=False)


def _schools(school_ids: Iterable[int]) -> list[School]:
    return list(
        School.objects.filter(pk__in=list(school_ids))
        .select_related("people_settings")
        .only("pk", "kind", "organisation_id", "people_settings__update_service_interval_days")
    )


def _interval(school: School) -> int:
    try:
        return school.people_settings.update_service_interval_days
    except PeopleSettings.DoesNotExist:
        return DEFAULT_UPDATE_SERVICE_INTERVAL


# The permission each kind of page needs (``Duty.permission``): a check is recorded on a page
# for who manages people; a person's page and the Single Central Record are for who views them.
CHECK_PAGE, RECORD_PAGE = "people.manage", "scr.view"


def _check_url(person: Person, check_type: str) -> str:
    return reverse("people:check-edit", args=[person.public_id, check_type])


def _person_url(person: Person) -> str:
    return reverse("people:person-detail", args=[person.public_id])


def _hr_duty(kind: str, record_id: object, person: Person, *, due_at: datetime | date,
             now: datetime, title: str, url: str, action: str, oversight_url: str = "",
             permission: str = CHECK_PAGE) -> Duty:
    """A duty of this module about ``person``, for the HR administrator, due at ``due_at``.

    ``kind`` and ``record_id`` (the public id of the person, check or copy) make its key;
    ``permission`` is what the page at ``url`` needs."""
    return Duty(
        key=f"people.{kind}:{record_id}",
        module=MODULE,
        title=title,
        subject=person.full_name,
        due_at=due_at,
        status=status_for(due_at, now),
        url=url,
        owner_role=Role.HR_ADMIN,
        action=action,
        permission=permission,
        oversight_url=oversight_url,
        oversight_permission=RECORD_PAGE if oversight_url else "",
    )


# --- counts: one GROUP BY school_id per table, all three in one UNION ALL ------------

MISSING = f"{MODULE}.check-missing"
RIGHT_TO_WORK = f"{MODULE}.right-to-work-expiring"
UPDATE_SERVICE = f"{MODULE}.update-service-due"
AGENCY = f"{MODULE}.agency-confirmation"
COPIES = f"{MODULE}.certificate-copy-due"
KINDS = (MISSING, RIGHT_TO_WORK, UPDATE_SERVICE, AGENCY, COPIES)
# Every kind falls to the HR administrator (no duty names a user): see duties.types.Owners.
OWNER_ROLE = Role.HR_ADMIN


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


def _per_kind(queryset: QuerySet[Any], conditions: dict[str, tuple[Q, Q]]) -> QuerySet[Any]:
    """Per school, every kind's overdue and due counts (columns ``k<i>_overdue``,
    ``k<i>_due`` in ``KINDS`` order; zero for kinds of other tables). Ordering is cleared
    for the union."""
    columns = {}
    for index, kind in enumerate(KINDS):
        overdue, due = conditions.get(kind, (NO_ROW, NO_ROW))
        columns[f"k{index}_overdue"] = _count(overdue)
        columns[f"k{index}_due"] = _count(due)
    return (queryset.order_by().values("school_id").annotate(**columns)
            .values_list("school_id", *columns))


def _people_counted(ids: list[int], today: date, until: date) -> QuerySet[Any]:
    """Missing checks and agencies' confirmations, from the people's stored facts."""
    overdue, due = _from_start(today, until)
    people = Person.objects.filter(school_id__in=ids).filter(current_q(today)).filter(
        _CHECKS_MISSING | _AGENCY_MISSING)
    return _per_kind(people, {
        MISSING: (_CHECKS_MISSING & overdue, _CHECKS_MISSING & due),
        AGENCY: (_AGENCY_MISSING & overdue, _AGENCY_MISSING & due),
    })


def _checks_counted(ids: list[int], today: date, until: date,
                    intervals: dict[int, int]) -> QuerySet[Any]:
    """Right to work ending and Update Service checks due, over the checks."""
    update_overdue, update_due = _update_service(today, until, intervals)
    right_to_work = Q(check_type=CheckType.RIGHT_TO_WORK,
                      right_to_work_expires_on__lte=today + RIGHT_TO_WORK_NOTICE)
    update_service = Q(check_type=CheckType.ENHANCED_DBS, on_update_service=True,
                       last_status__isnull=False)
    checks = (Check.objects.filter(school_id__in=ids).filter(current_q(today, "person__"))
              .alias(last_status=_last_status_check()).filter(right_to_work | update_service))
    return _per_kind(checks, {
        RIGHT_TO_WORK: (right_to_work & Q(right_to_work_expires_on__lt=today),
                        right_to_work & Q(right_to_work_expires_on__gte=today)),
        UPDATE_SERVICE: (update_service & update_overdue, update_service & update_due),
    })


def _copies_counted(ids: list[int], now: datetime) -> QuerySet[Any]:
    """Certificate copies held past their deletion date: overdue, never merely due."""
    copies = CertificateCopy.objects.filter(school_id__in=ids, deleted_at__isnull=True,
                                            delete_after__lt=now)
    return _per_kind(copies, {COPIES: (EVERY_ROW, NO_ROW)})


def _count_dates(today: date, until: date, intervals: dict[int, int]) -> tuple[date, ...]:
    """Every date the counts compare with: the two days, the end of the right to work's
    notice, and each Update Service interval's days before the two days."""
    before = [day - timedelta(days=days) for days in sorted(set(intervals.values()))
              for day in (today, until)]
    return (today, until, today + RIGHT_TO_WORK_NOTICE, *before)


def _counted(school_ids: Sequence[int], *, now: datetime, horizon: datetime
             ) -> dict[int, dict[str, DutyCounts]]:
    """{school id: {kind: counts}}: the schools with their settings, then ONE query.

    Its SQL is compiled once per schools and their intervals (``duties.compiled``);
    building it took longer than running it. The instants it compares with (now, for the
    copies; the midnights of the two days) and its dates (``_count_dates``) are put in at
    each call, so a new day compiles nothing."""
    schools = _schools(dict.fromkeys(school_ids))
    if not schools:
        return {}
    ids = [school.pk for school in schools]
    intervals = {school.pk: _interval(school) for school in schools}
    today, until = local_date(now), local_date(horizon)
    rows = compiled.rows(
        (f"{MODULE}.counts", tuple(ids), tuple(sorted(intervals.items()))),
        lambda: _people_counted(ids, today, until).union(
            _checks_counted(ids, today, until, intervals), _copies_counted(ids, now),
            all=True),
        instants=(now, _day_start(today), _day_start(until)),
        dates=_count_dates(today, until, intervals))
    result: dict[int, dict[str, DutyCounts]] = defaultdict(dict)
    for school_id, *figures in rows:
        per_kind = result[school_id]
        for index, kind in enumerate(KINDS):
            overdue, due = figures[2 * index], figures[2 * index + 1]
            counts = DutyCounts(due=due, overdue=overdue)
            per_kind[kind] = per_kind.get(kind, DutyCounts()) + counts
    return result


# --- lists, most urgent first ----------------------------------------------------------
# Each kind's duties are all-day (due on a date) but the copies'; a duty is overdue exactly
# when its date is before today. So ordering by that date, then the public id, is
# ``Duty.sort_key``'s order (overdue first, soonest due, then the key).


def _start_order() -> Coalesce:
    """A person's start date, else the day (in Europe/London) their record was created."""
    return Coalesce("start_date", TruncDate("created_at", tzinfo=LONDON))


class PeopleDuties:
    module = MODULE
    label = "People and the Single Central Record"
    # Others' people duties name people and their record: only for who may see the record.
    view_permission = "scr.view"
    kind_labels = {
        MISSING: "People with Single Central Record checks missing",
        RIGHT_TO_WORK: "Permission to work in the UK ending or ended",
        UPDATE_SERVICE: "DBS certificates to check on the Update Service",
        AGENCY: "Agency workers without the agency's written confirmation",
        COPIES: "Copies of DBS certificates past their deletion date",
    }

    # --- counts: one aggregate for any number of schools -------------------------------

    def counts(
        self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
    ) -> dict[int, DutyCounts]:
        if not school_ids:
            return {}
        return {school_id: sum(per_kind.values(), DutyCounts())
                for school_id, per_kind in _counted(school_ids, now=now,
                                                    horizon=horizon).items()}

    def kind_counts(self, school_id: int, *, now: datetime, horizon: datetime,
                    owners: Owners | None = None) -> dict[str, OwnedCounts]:
        """Every kind's counts; all the viewer's or all the others' (one role owns them)."""
        per_kind = _counted([school_id], now=now, horizon=horizon).get(school_id, {})
        mine = owners is not None and owners.owns(None, OWNER_ROLE)
        return {kind: OwnedCounts(mine=counts) if mine else OwnedCounts(others=counts)
                for kind, counts in per_kind.items()}

    # --- lists: one query per kind -------------------------------------------------------

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        return [duty for kind in KINDS
                for duty in self.for_kind(school_id, kind, now=now, horizon=horizon)]

    def for_kind(self, school_id: int, kind: str, *, now: datetime, horizon: datetime,
                 owners: Owners | None = None, mine: bool = True, limit: int | None = None,
                 offset: int = 0) -> list[Duty]:
        if kind not in self.kind_labels:
            raise ValueError(f"The people module has no kind of duty {kind!r}.")
        if owners is not None and owners.owns(None, OWNER_ROLE) != mine:
            return []  # the whole kind falls to someone else
        today, until = local_date(now), local_date(horizon)
        rows = slice(offset, None if limit is None else offset + limit)
        if kind == MISSING:
            return self._missing(school_id, today=today, until=until, now=now, rows=rows)
        if kind == AGENCY:
            return self._agency(school_id, today=today, until=until, now=now, rows=rows)
        if kind == RIGHT_TO_WORK:
            return self._right_to_work(school_id, today=today, now=now, rows=rows)
        if kind == UPDATE_SERVICE:
            return self._update_service(school_id, today=today, until=until, now=now,
                                        rows=rows)
        return self._copies(school_id, now=now, rows=rows)

    def _people_due_from_start(
        self, school_id: int, condition: Q, *, today: date, until: date, rows: slice
    ) -> QuerySet[Person]:
        overdue, due = _from_start(today, until)
        return (
            Person.objects.filter(school_id=school_id)
            .filter(current_q(today))
            .filter(condition)
            .filter(overdue | due)
            .only("pk", "public_id", "full_name", "start_date", "created_at", "school_id")
            .order_by(_start_order(), "public_id")[rows]
        )

    def _missing(self, school_id: int, *, today: date, until: date, now: datetime,
                 rows: slice) -> list[Duty]:
        people = self._people_due_from_start(school_id, _CHECKS_MISSING, today=today,
                                             until=until, rows=rows)
        return [
            _hr_duty(
                "check-missing", person.public_id, person,
                due_at=_start_due_date(person),
                now=now,
                title="Complete the Single Central Record checks",
                url=_person_url(person),
                permission="",  # every member may open a person's page
                action="Record the missing checks",
                oversight_url=reverse("people:record"),
            )
            for person in people
        ]

    def _agency(self, school_id: int, *, today: date, until: date, now: datetime,
                rows: slice) -> list[Duty]:
        people = self._people_due_from_start(school_id, _AGENCY_MISSING, today=today,
                                             until=until, rows=rows)
        return [
            _hr_duty(
                "agency-confirmation", person.public_id, person,
                due_at=_start_due_date(person),
                now=now,
                title="Get an agency's written confirmation of its checks",
                url=_check_url(person, CheckType.AGENCY_CONFIRMATION),
                action="Record the agency's confirmation",
            )
            for person in people
        ]

    def _right_to_work(self, school_id: int, *, today: date, now: datetime,
                       rows: slice) -> list[Duty]:
        checks = (
            Check.objects.filter(
                school_id=school_id,
                check_type=CheckType.RIGHT_TO_WORK,
                right_to_work_expires_on__lte=today + RIGHT_TO_WORK_NOTICE,
            )
            .filter(current_q(today, "person__"))
            .select_related("person")
            .only("pk", "public_id", "right_to_work_expires_on", "person__public_id",
                  "person__full_name")
            .order_by("right_to_work_expires_on", "public_id")[rows]
        )
        duties = []
        for check in checks:
            expires_on = check.right_to_work_expires_on
            assert expires_on is not None  # filtered above
            duties.append(
                _hr_duty(
                    "right-to-work-expiring", check.public_id, check.person,
                    due_at=expires_on,
                    now=now,
                    title=("Permission to work in the UK has ended: follow it up"
                           if expires_on < today
                           else "Permission to work in the UK ends soon: check it again"),
                    url=_check_url(check.person, CheckType.RIGHT_TO_WORK),
                    action="Record the follow-up right to work check",
                )
            )
        return duties

    def _update_service(self, school_id: int, *, today: date, until: date, now: datetime,
                        rows: slice) -> list[Duty]:
        schools = _schools([school_id])
        if not schools:
            return []
        days = _interval(schools[0])
        overdue, due = _update_service(today, until, {school_id: days})
        checks = (
            _update_service_checks()
            .filter(school_id=school_id)
            .filter(current_q(today, "person__"))
            .filter(overdue | due)
            .annotate(last_known=_last_status_check())
            .select_related("person")
            .only("pk", "public_id", "person__public_id", "person__full_name")
            .order_by("last_known", "public_id")[rows]
        )
        return [
            _hr_duty(
                "update-service-due", check.public_id, check.person,
                due_at=check.last_known + timedelta(days=days),
                now=now,
                title="Check a DBS certificate's status on the Update Service",
                url=_check_url(check.person, CheckType.ENHANCED_DBS),
                action="Check the status and record the date",
            )
            for check in checks
        ]

    def _copies(self, school_id: int, *, now: datetime, rows: slice) -> list[Duty]:
        copies = (
            CertificateCopy.objects.filter(
                school_id=school_id, deleted_at__isnull=True, delete_after__lt=now
            )
            .select_related("check_record__person")
            .only("pk", "public_id", "delete_after", "check_record__check_type",
                  "check_record__person__public_id", "check_record__person__full_name")
            .order_by("delete_after", "public_id")[rows]
        )
        return [
            _hr_duty(
                "certificate-copy-due", copy.public_id, copy.check_record.person,
                due_at=copy.delete_after,
                now=now,
                title="Delete a copy of a certificate past its deletion date",
                url=_check_url(copy.check_record.person, copy.check_record.check_type),
                action="Delete the copy",
            )
            for copy in copies
        ]


provider = register(PeopleDuties())


def delete_due_copies(now: datetime) -> int:
    """The scheduler's tick: delete every certificate copy whose period has ended, in every
    school (the row stays, marked deleted, and the deletion is audited)."""
    return copies_delete_due(now=now)
