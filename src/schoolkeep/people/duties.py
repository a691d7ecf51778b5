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

Which checks a person needs comes from ``people.rules`` (``rule_sets_for`` and
``missing_q``); schools with different rule sets are counted in one query by combining each
set's condition with the ids of the schools that follow it.

Owner: the HR administrator; the duties layer falls back to the SIRO when nobody holds it.
Titles name no one (they leave the school in reminders and calendar feeds); the person's
name is in ``subject``.

``counts`` runs three queries for any number of schools (the schools with their settings,
their rules, then ONE aggregate); ``for_school`` runs two for the school and its rules,
then one per kind.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse

from schoolkeep.duties.registry import register
from schoolkeep.duties.types import (
    LONDON,
    Duty,
    DutyCounts,
    count_subquery,
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
from schoolkeep.people.rules import RuleSet, missing_q, rule_sets_for
from schoolkeep.people.selectors import current_q
from schoolkeep.people.services import copies_delete_due
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role

MODULE = "people"
RIGHT_TO_WORK_NOTICE = timedelta(days=60)
DEFAULT_UPDATE_SERVICE_INTERVAL = PeopleSettings._meta.get_field(
    "update_service_interval_days"
).get_default()

# The agency's confirmation has a duty of its own; "missing checks" covers the others.
CHECKS_OF_MISSING_DUTY = [ct for ct in CheckType.values if ct != CheckType.AGENCY_CONFIRMATION]


# --- helpers -------------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    """Midnight in Europe/London at the start of ``day``, as an aware instant."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _by_rule_set(rule_sets: dict[int, RuleSet], condition: Any) -> Q:
    """``condition(rule_set)`` for the people of each school, schools grouped by rule set."""
    groups: dict[RuleSet, list[int]] = defaultdict(list)
    for school_id, rule_set in rule_sets.items():
        groups[rule_set].append(school_id)
    q = Q(pk__in=[])
    for rule_set, school_ids in groups.items():
        q |= Q(school_id__in=school_ids) & condition(rule_set)
    return q


def _missing_any(rule_set: RuleSet) -> Q:
    q = Q(pk__in=[])
    for check_type in CHECKS_OF_MISSING_DUTY:
        q |= missing_q(rule_set, check_type)
    return q


def _agency_missing(rule_set: RuleSet) -> Q:
    return Q(kind=PersonKind.AGENCY) & missing_q(rule_set, CheckType.AGENCY_CONFIRMATION)


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
    overdue, due = Q(pk__in=[]), Q(pk__in=[])
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


def _check_url(person: Person, check_type: str) -> str:
    return reverse("people:check-edit", args=[person.public_id, check_type])


def _person_url(person: Person) -> str:
    return reverse("people:person-detail", args=[person.public_id])


def _hr_duty(kind: str, record_id: object, person: Person, *, due_at: datetime | date,
             now: datetime, title: str, url: str, action: str, oversight_url: str = "") -> Duty:
    """A duty of this module about ``person``, for the HR administrator, due at ``due_at``.

    ``kind`` and ``record_id`` (the public id of the person, check or copy) make its key."""
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
        oversight_url=oversight_url,
    )


class PeopleDuties:
    module = MODULE
    label = "People and the Single Central Record"
    # Others' people duties name people and their record: only for who may see the record.
    view_permission = "scr.view"

    # --- counts: one aggregate for any number of schools -------------------------------

    def counts(
        self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
    ) -> dict[int, DutyCounts]:
        ids = list(dict.fromkeys(school_ids))
        if not ids:
            return {}
        schools = _schools(ids)
        if not schools:
            return {}
        rule_sets = rule_sets_for(schools)
        intervals = {school.pk: _interval(school) for school in schools}
        today, until = local_date(now), local_date(horizon)
        school = OuterRef("pk")

        people = Person.objects.filter(school_id=school).filter(current_q(today))
        start_overdue, start_due = _from_start(today, until)
        missing = people.filter(_by_rule_set(rule_sets, _missing_any))
        agency = people.filter(_by_rule_set(rule_sets, _agency_missing))

        right_to_work = Check.objects.filter(
            school_id=school,
            check_type=CheckType.RIGHT_TO_WORK,
            right_to_work_expires_on__lte=today + RIGHT_TO_WORK_NOTICE,
        ).filter(current_q(today, "person__"))
        update_overdue, update_due = _update_service(today, until, intervals)
        update_service = _update_service_checks().filter(school_id=school).filter(
            current_q(today, "person__")
        )
        copies = CertificateCopy.objects.filter(
            school_id=school, deleted_at__isnull=True, delete_after__lt=now
        )
        annotations: dict[str, Any] = {
            "missing_overdue": count_subquery(missing.filter(start_overdue)),
            "missing_due": count_subquery(missing.filter(start_due)),
            "agency_overdue": count_subquery(agency.filter(start_overdue)),
            "agency_due": count_subquery(agency.filter(start_due)),
            "rtw_overdue": count_subquery(right_to_work.filter(right_to_work_expires_on__lt=today)),
            "rtw_due": count_subquery(right_to_work.filter(right_to_work_expires_on__gte=today)),
            "update_overdue": count_subquery(update_service.filter(update_overdue)),
            "update_due": count_subquery(update_service.filter(update_due)),
            "copies_overdue": count_subquery(copies),
        }
        rows = (
            School.objects.filter(pk__in=ids)
            .order_by()
            .annotate(**annotations)
            .values("pk", *annotations)
        )
        result: dict[int, DutyCounts] = {}
        for row in rows:
            due = row["missing_due"] + row["agency_due"] + row["rtw_due"] + row["update_due"]
            overdue = (row["missing_overdue"] + row["agency_overdue"] + row["rtw_overdue"]
                       + row["update_overdue"] + row["copies_overdue"])
            result[row["pk"]] = DutyCounts(due=due, overdue=overdue)
        return result

    # --- lists: one query per kind -------------------------------------------------------

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        schools = _schools([school_id])
        if not schools:
            return []
        school = schools[0]
        rule_set = rule_sets_for(schools)[school.pk]
        today, until = local_date(now), local_date(horizon)
        return [
            *self._missing(school, rule_set, today=today, until=until, now=now),
            *self._right_to_work(school, today=today, now=now),
            *self._update_service(school, today=today, until=until, now=now),
            *self._agency(school, rule_set, today=today, until=until, now=now),
            *self._copies(school, now=now),
        ]

    def _people_due_from_start(
        self, school: School, condition: Q, *, today: date, until: date
    ) -> QuerySet[Person]:
        overdue, due = _from_start(today, until)
        return (
            Person.objects.filter(school=school)
            .filter(current_q(today))
            .filter(condition)
            .filter(overdue | due)
            .only("pk", "public_id", "full_name", "start_date", "created_at", "school_id")
        )

    def _missing(self, school: School, rule_set: RuleSet, *, today: date, until: date,
                 now: datetime) -> list[Duty]:
        people = self._people_due_from_start(
            school, _missing_any(rule_set), today=today, until=until
        )
        return [
            _hr_duty(
                "check-missing", person.public_id, person,
                due_at=_start_due_date(person),
                now=now,
                title="Complete the Single Central Record checks",
                url=_person_url(person),
                action="Record the missing checks",
                oversight_url=reverse("people:record"),
            )
            for person in people
        ]

    def _agency(self, school: School, rule_set: RuleSet, *, today: date, until: date,
                now: datetime) -> list[Duty]:
        people = self._people_due_from_start(
            school, _agency_missing(rule_set), today=today, until=until
        )
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

    def _right_to_work(self, school: School, *, today: date, now: datetime) -> list[Duty]:
        checks = (
            Check.objects.filter(
                school=school,
                check_type=CheckType.RIGHT_TO_WORK,
                right_to_work_expires_on__lte=today + RIGHT_TO_WORK_NOTICE,
            )
            .filter(current_q(today, "person__"))
            .select_related("person")
            .only("pk", "public_id", "right_to_work_expires_on", "person__public_id",
                  "person__full_name")
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

    def _update_service(self, school: School, *, today: date, until: date,
                        now: datetime) -> list[Duty]:
        days = _interval(school)
        overdue, due = _update_service(today, until, {school.pk: days})
        checks = (
            _update_service_checks()
            .filter(school=school)
            .filter(current_q(today, "person__"))
            .filter(overdue | due)
            .annotate(last_known=_last_status_check())
            .select_related("person")
            .only("pk", "public_id", "person__public_id", "person__full_name")
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

    def _copies(self, school: School, *, now: datetime) -> list[Duty]:
        copies = (
            CertificateCopy.objects.filter(
                school=school, deleted_at__isnull=True, delete_after__lt=now
            )
            .select_related("check_record__person")
            .only("pk", "public_id", "delete_after", "check_record__check_type",
                  "check_record__person__public_id", "check_record__person__full_name")
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
