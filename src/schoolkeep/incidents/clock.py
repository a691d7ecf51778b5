"""The 72-hour ICO clock, on UTC instants.

UK GDPR Article 33: a personal data breach that is a risk to people is reported to the ICO
within 72 hours of the school becoming aware of it. The deadline is the instant of awareness
plus 72 elapsed hours: added to the UTC instant, so that a change to or from British Summer
Time in between neither adds nor takes away an hour. It is shown in Europe/London time.

Every report runs the clock from ``aware_at`` until triage records that no personal data is
involved (a security incident or a near miss), until the school decides not to report it, or
until the report is sent to the ICO: a decision to report, not yet sent, leaves it running
(models.ico_settled).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from schoolkeep.incidents.models import NO_PERSONAL_DATA_KINDS
from schoolkeep.lib.risk import risk_result as risk_result  # re-exported: the one scale

LONDON = ZoneInfo("Europe/London")
ICO_HOURS = 72
# Reminders to the DPO and SIRO, hours after awareness, each sent once.
REMINDER_HOURS = (24, 48, 66)
# The ICO's page for reporting a personal data breach (by telephone or online).
ICO_REPORT_URL = "https://ico.org.uk/for-organisations/report-a-breach/personal-data-breach/"
ICO_HELPLINE = "0303 123 1113"


def ico_deadline(aware_at: datetime) -> datetime:
    """The ICO deadline, as a UTC instant. ``aware_at`` must carry its offset."""
    if aware_at.tzinfo is None or aware_at.utcoffset() is None:
        raise ValueError("The moment of awareness needs its time zone.")
    return aware_at.astimezone(UTC) + timedelta(hours=ICO_HOURS)


def reminder_due_at(aware_at: datetime, hours: int) -> datetime:
    """When the reminder of ``hours`` after awareness is due (a UTC instant)."""
    return aware_at.astimezone(UTC) + timedelta(hours=hours)


def in_london(moment: datetime) -> datetime:
    return moment.astimezone(LONDON)


def clock_runs(*, kind: str, ico_settled: bool) -> bool:
    """True while the school still has to decide about the ICO, or to send its report."""
    return kind not in NO_PERSONAL_DATA_KINDS and not ico_settled


@dataclass(frozen=True)
class TimeLeft:
    deadline: datetime  # UTC
    seconds: int  # negative once the deadline has passed

    @property
    def overdue(self) -> bool:
        return self.seconds < 0

    @property
    def deadline_london(self) -> datetime:
        return in_london(self.deadline)

    def words(self) -> str:
        """"41 hours 5 minutes left" or "overdue by 3 hours 20 minutes"."""
        total = abs(self.seconds) // 60
        days, minutes = divmod(total, 24 * 60)
        hours, minutes = divmod(minutes, 60)
        hours += 24 * days
        parts = []
        if hours:
            parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
        text = " ".join(parts)
        return f"overdue by {text}" if self.overdue else f"{text} left"


def time_left(aware_at: datetime, now: datetime) -> TimeLeft:
    deadline = ico_deadline(aware_at)
    return TimeLeft(deadline=deadline, seconds=int((deadline - now).total_seconds()))


def effective_risk(incident: Any) -> str:
    """The DPO's override when there is one, else the product's result."""
    return incident.risk_override or risk_result(incident.likelihood, incident.severity)
