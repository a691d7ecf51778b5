"""A school's one-off bank holidays: a day proclaimed after the holidays library was
released (a state funeral, a coronation), added by the DPO so that the school's clocks skip
it. Adding or removing one works out again the deadline of every open request of the school,
in the same transaction, and writes one audit event (a bank holiday names no one, so its day
and name are recorded as they are)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from schoolkeep.audit.services import audit_record
from schoolkeep.inforequests.clocks.calendar import england_bank_holidays, uk_bank_holidays
from schoolkeep.inforequests.clocks.deadline import clocks_refresh_open, long_date, long_day
from schoolkeep.inforequests.models import ExtraBankHoliday
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.values import as_date
from schoolkeep.tenancy.guards import require_permission

ACTION_LABELS = {
    "requests.bank-holiday.added": "One-off bank holiday added for the request deadlines",
    "requests.bank-holiday.removed": "One-off bank holiday removed from the request deadlines",
}

NAME_MAX = ExtraBankHoliday._meta.get_field("name").max_length or 100
FIRST_YEAR, LAST_YEAR = 2000, 2199
SATURDAY = 5


def _allowed(*, school: Any, actor: Any) -> None:
    require_permission(school=school, actor=actor, permission="requests.holidays",
                       message="Only the data protection officer can change the school's "
                               "bank holidays.")


def _check(*, school: Any, day: date | None, name: str, nations: str) -> None:
    if day is None:
        raise DomainError("Enter the day of the bank holiday.", field="day")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError(f"The day must be between {FIRST_YEAR} and {LAST_YEAR}.",
                          field="day")
    if day.weekday() >= SATURDAY:
        raise DomainError(f"{long_day(day)} is a weekend day, which never counts as a "
                          "working day: there is nothing to add.", field="day")
    if not name:
        raise DomainError("Enter the name of the bank holiday, such as \"State funeral\".",
                          field="name")
    if len(name) > NAME_MAX:
        raise DomainError(f"The name must be {NAME_MAX} characters or fewer.", field="name")
    if nations not in ExtraBankHoliday.Nations.values:
        raise DomainError("Choose where the bank holiday is.", field="nations")
    known = (england_bank_holidays([day.year]) if nations == ExtraBankHoliday.Nations.ENGLAND
             else uk_bank_holidays([day.year]))
    if day in known:
        raise DomainError(f"{long_date(day)} is already a bank holiday ({known[day]}).",
                          field="day")
    if ExtraBankHoliday.objects.filter(school=school, day=day).exists():
        raise DomainError(f"{long_date(day)} is already one of the school's extra bank "
                          "holidays.", field="day")


def extra_bank_holiday_add(*, school: Any, actor: Any, day: Any, name: str,
                           nations: str = ExtraBankHoliday.Nations.ENGLAND
                           ) -> ExtraBankHoliday:
    """Add a one-off bank holiday and work out again the deadlines of the open requests."""
    _allowed(school=school, actor=actor)
    day = as_date("day", day)
    name = str(name or "").strip()
    nations = str(nations or "")
    _check(school=school, day=day, name=name, nations=nations)
    holiday = ExtraBankHoliday(school=school, day=day, name=name, nations=nations,
                               created_by=actor if getattr(actor, "pk", None) else None)
    holiday.full_clean()
    try:
        with transaction.atomic():
            holiday.save()
            moved = clocks_refresh_open(schools=[school])
            audit_record(action="requests.bank-holiday.added", school=school, actor=actor,
                         target=holiday,
                         target_label=f"{holiday.name}, {long_date(holiday.day)}",
                         changes={"day": {"before": None, "after": holiday.day.isoformat()},
                                  "name": {"before": None, "after": holiday.name},
                                  "nations": {"before": None, "after": holiday.nations},
                                  "deadlines_moved": {"before": None, "after": moved}})
    except IntegrityError as exc:  # another DPO added the same day at the same moment
        raise DomainError(f"{long_date(holiday.day)} is already one of the school's extra "
                          "bank holidays.", field="day") from exc
    return holiday


def extra_bank_holiday_remove(*, school: Any, actor: Any, holiday: ExtraBankHoliday) -> int:
    """Remove a one-off bank holiday of this school and work out the deadlines again; the
    number of open requests whose deadline moved."""
    _allowed(school=school, actor=actor)
    if holiday.school_id != getattr(school, "pk", school):
        raise DomainError("This bank holiday belongs to another school.")
    with transaction.atomic():
        audit_record(action="requests.bank-holiday.removed", school=school, actor=actor,
                     target=holiday,
                     target_label=f"{holiday.name}, {long_date(holiday.day)}",
                     changes={"day": {"before": holiday.day.isoformat(), "after": None},
                              "name": {"before": holiday.name, "after": None}})
        ExtraBankHoliday.objects.filter(pk=holiday.pk).delete()
        return clocks_refresh_open(schools=[school])
