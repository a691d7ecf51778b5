"""At-a-glance states of a system for its tags: two-factor and automatic log-off. Pure
functions of a System (and what was read with it) and today's date (no queries)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from schoolkeep.systems.models import System

# An automatic log-off check older than this is shown as due again.
LOGOFF_CHECK_DAYS = 365


@dataclass(frozen=True)
class Tag:
    text: str
    colour: str  # a tag-<colour> class of the stylesheet
    need: str = ""  # the two-factor tag only: whether and why it is needed, in words


def mfa_tag(system: System) -> Tag:
    """The two-factor tag, by the coverage rules (``access.coverage.rules``, the duties'
    own): remote access without two-factor is a high risk; a system that needs it (required,
    or holding OFFICIAL-SENSITIVE data, when its assets were read with it) without it is
    red. No query: the data's classification comes from what was read with the system."""
    from schoolkeep.access.coverage import rules  # access stands above systems

    reasons = rules.why_needed(system)
    need = f"Needed ({'; '.join(reasons)})" if reasons else "Not required"
    if system.mfa_enabled:
        return Tag("Two-factor on", "green", need)
    if rules.is_remote(system):
        return Tag("High risk: no two-factor", "red", need)
    if system.mfa_required:
        return Tag("Two-factor required but not on", "red", need)
    if reasons:
        return Tag("Two-factor needed, not on", "red", need)
    return Tag("No two-factor", "grey", need)


def logoff_check_due(system: System, today: date) -> bool:
    checked = system.auto_logoff_checked_on
    return checked is None or checked <= today - timedelta(days=LOGOFF_CHECK_DAYS)


def logoff_tag(system: System, today: date) -> Tag:
    if not system.signs_in_interactively:
        return Tag("Used by software: log-off not checked", "grey")
    minutes = system.auto_logoff_minutes
    if minutes is None:
        return Tag("No automatic log-off recorded", "grey")
    text = f"Log-off after {minutes} minute{'s' if minutes != 1 else ''}"
    if system.auto_logoff_checked_on is None:
        return Tag(f"{text}, never checked", "yellow")
    if logoff_check_due(system, today):
        return Tag(f"{text}, check due", "yellow")
    return Tag(f"{text}, checked", "green")
