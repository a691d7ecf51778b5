"""Words for a running legal clock (``Duty.legal_clock``), as the dashboard's banner says
them: the whole hours left, with the minutes once under two hours, or how long ago the
deadline passed, in the incident page's words ("41 hours left", "overdue by 3 hours").
Hours are elapsed hours between two instants, so a change of the clocks in between changes
nothing."""

from __future__ import annotations

from datetime import date, datetime

from schoolkeep.duties.types import LONDON

MINUTES_UNDER = 2 * 60  # below two hours, the minutes count too


def _plural(number: int, unit: str) -> str:
    return f"{number} {unit}{'' if number == 1 else 's'}"


def _span(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not minutes:
        return "less than a minute"
    if minutes >= MINUTES_UNDER:
        return _plural(hours, "hour")
    if not hours:
        return _plural(rest, "minute")
    return f"{_plural(hours, 'hour')} {_plural(rest, 'minute')}"


def time_left(due_at: datetime | date, now: datetime) -> str:
    """"41 hours left", "1 hour 20 minutes left", "overdue by 3 hours"; an all-day duty (no
    clock runs on a day) counts to the start of that day in Europe/London."""
    if not isinstance(due_at, datetime):
        due_at = datetime(due_at.year, due_at.month, due_at.day, tzinfo=LONDON)
    seconds = int((due_at - now).total_seconds())
    if seconds >= 0:
        return f"{_span(seconds // 60)} left"
    return f"overdue by {_span(-seconds // 60)}"
