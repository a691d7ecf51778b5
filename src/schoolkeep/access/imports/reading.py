"""Reading a system's user list: its headings (``columns``) and its rows, one account each.

Formats, encodings and the bounds of every import come from ``schoolkeep.lib.tabular``. A
fact the file does not give (no column, or a blank cell) is None: unknown, never "no".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from schoolkeep.access.imports.columns import BY_HEADING, SAME_FACT, Fact, is_secret_heading
from schoolkeep.access.keys import username_key
from schoolkeep.lib.import_bounds import LongCell, Problem, ProblemList, quoted
from schoolkeep.lib.tabular import ImportFileError, Source, cell_text, column_letter, heading_key
from schoolkeep.people.imports import parse_date

MAX_ROWS = 20_000
MAX_LENGTHS = {"username": 254, "email": 254, "display_name": 200, "first_name": 200,
               "last_name": 200}

_TRUE = {"yes", "y", "true", "1", "on"}
_FALSE = {"no", "n", "false", "0", "off"}
_ENABLED = _TRUE | {"active", "enabled", "allowed", "live", "current"}
_DISABLED = _FALSE | {"suspended", "disabled", "inactive", "blocked", "locked", "archived",
                      "deleted", "deactivated", "left", "expired"}
_MFA_ON = _TRUE | {"enabled", "enforced", "enrolled", "registered", "active", "capable",
                   "configured", "set up"}
_MFA_OFF = _FALSE | {"disabled", "not enrolled", "not registered", "none", "not set up",
                     "not configured", "inactive", "not enabled"}
_NEVER = {"never", "never signed in", "never logged in", "never logged on", "not yet",
          "none"}
_ADMIN_WORDS = ("admin", "system manager")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:\s*([ap]m))?$")
_WITH_TIME = re.compile(r"^(.*?),?[ T](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]m)?)$",
                        re.IGNORECASE)
_SLASHED_ISO = re.compile(r"^\d{4}/\d{1,2}/\d{1,2}")


class BadValue(Exception):
    pass


@dataclass(slots=True)
class AccountRow:
    """One row of the list: the account as the system's list gives it."""

    number: int
    username: str
    key: str
    display_name: str = ""
    email: str = ""
    enabled: bool | None = None
    is_admin: bool | None = None
    mfa_on: bool | None = None
    last_sign_in_at: datetime | None = None
    never_signed_in: bool = False


def _words(value: Any) -> str:
    return " ".join(cell_text(value).replace("_", " ").split()).casefold()


def _yes_no(value: Any, yes: set[str], no: set[str], what: str) -> bool:
    if isinstance(value, bool):
        return value
    text = _words(value)
    if text in yes:
        return True
    if text in no:
        return False
    raise BadValue(f"{quoted(cell_text(value))} is not {what}.")


def _time_of(text: str, written: str) -> time:
    match = _TIME.match(text.casefold())
    if not match:
        raise BadValue(f"{quoted(written)} is not a date and time. Write it as "
                       "03/09/2024 08:15 or 2024-09-03T08:15:00Z.")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            raise BadValue(f"{quoted(written)} has no hour {hour} {match[4].upper()}.")
        hour = hour % 12 + (12 if match[4] == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise BadValue(f"{quoted(written)} is not a possible time.")
    return time(hour, minute, second)


def parse_sign_in(value: Any, zone: ZoneInfo) -> tuple[datetime | None, bool]:
    """(when, never): a date and time (an instant with its offset, or the school's time), a
    date (its start), or a word saying the account never signed in."""
    if isinstance(value, datetime):
        return (value if timezone.is_aware(value) else value.replace(tzinfo=zone)), False
    if isinstance(value, date):
        return datetime.combine(value, time(), zone), False
    if isinstance(value, (int, float)):
        raise BadValue("This is a number, not a date. Format the cell as a date, or type it "
                       "as 03/09/2024 08:15.")
    text = " ".join(cell_text(value).split())
    if text.casefold() in _NEVER:
        return None, True
    iso = text.replace("/", "-", 2) if _SLASHED_ISO.match(text) else text
    if re.match(r"^\d{4}-\d{1,2}-\d{1,2}[ T]", iso):
        try:
            found = datetime.fromisoformat(iso.replace(" UTC", "+00:00"))
        except ValueError:
            raise BadValue(f"{quoted(text)} is not a possible date and time.") from None
        return (found if timezone.is_aware(found) else found.replace(tzinfo=zone)), False
    timed = _WITH_TIME.match(text)
    day_text, time_text = (timed[1], timed[2]) if timed else (text, "")
    try:
        day = parse_date(day_text)
    except Exception as exc:  # people's BadValue: its message says what is wrong
        raise BadValue(str(exc)) from None
    moment = _time_of(time_text, text) if time_text else time()
    return datetime.combine(day, moment, zone), False


def _mentions_admin(value: Any) -> bool:
    text = _words(value)
    return any(word in text for word in _ADMIN_WORDS)


def parse_cell(fact: Fact, raw: Any, zone: ZoneInfo) -> Any:
    """The value of one non-blank cell, or BadValue."""
    parser = fact.parser
    if parser == "enabled":
        return _yes_no(raw, _ENABLED, _DISABLED, "a status Schoolkeep knows (active, "
                       "enabled, suspended, disabled, inactive, blocked; or yes or no)")
    if parser == "disabled":
        return not _yes_no(raw, _TRUE | {"blocked", "disabled", "suspended", "locked"},
                           _FALSE | {"active", "enabled", "allowed"}, "yes or no")
    if parser == "bool":
        return _yes_no(raw, _TRUE, _FALSE, "yes or no")
    if parser == "mfa":
        return _yes_no(raw, _MFA_ON, _MFA_OFF, "a two-factor status Schoolkeep knows "
                       "(yes, enabled, enforced, enrolled; no, disabled, not enrolled)")
    if parser == "role":
        return _mentions_admin(raw)
    if parser == "licence":
        return True if _mentions_admin(raw) else None
    if parser == "sign_in":
        return parse_sign_in(raw, zone)
    text = " ".join(cell_text(raw).split())
    limit = MAX_LENGTHS.get(fact.field, 0)
    if limit and len(text) > limit:
        raise BadValue(f"This has {len(text)} characters; at most {limit} fit.")
    return text


@dataclass
class Layout:
    """What each column of the file is: a fact, or None (ignored)."""

    facts: list[Fact | None]
    ignored: list[str]
    secret: list[str]

    def has(self, field: str) -> bool:
        return any(fact is not None and fact.field == field for fact in self.facts)


def layout_of(headings: list[Any], problems: ProblemList) -> Layout:
    """Each heading's fact; problems for a missing username column and a fact given twice."""
    facts: list[Fact | None] = []
    ignored: list[str] = []
    secret: list[str] = []
    seen: dict[str, str] = {}
    for position, cell in enumerate(headings):
        text = cell_text(cell)
        key = heading_key(text)
        fact = BY_HEADING.get(key)
        if not text:
            facts.append(None)
            continue
        if fact is None:
            (secret if is_secret_heading(key) else ignored).append(text)
            facts.append(None)
            continue
        group = SAME_FACT.get(fact.field, fact.field) if fact.field in (
            "enabled", "disabled") else fact.field
        if group in seen:
            problems.append(Problem(1, text, f"This column gives the same fact as "
                                    f"{quoted(seen[group])}. Keep one of them."))
            facts.append(None)
            continue
        seen[group] = f"{text} (column {column_letter(position + 1)})"
        facts.append(fact)
    if not any(fact is not None and fact.field == "username" for fact in facts):
        problems.append(Problem(1, "Username", "The file has no username column (headed "
                                "Username, User name, User principal name or Email Address "
                                "[Required], for example); every row needs one."))
    return Layout(facts, ignored, secret)


def parse_row(number: int, cells: list[Any], layout: Layout, zone: ZoneInfo,
              problems: ProblemList) -> AccountRow | None:
    """One data row as an account (None when its username is missing), its problems added."""
    values: dict[str, Any] = {}
    width = len(layout.facts)
    for position, raw in enumerate(cells):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        fact = layout.facts[position] if position < width else None
        if fact is None:
            continue
        if isinstance(raw, LongCell):
            problems.append(Problem(number, fact.heading, raw.message))
            continue
        try:
            values[fact.field] = parse_cell(fact, raw, zone)
        except BadValue as exc:
            problems.append(Problem(number, _heading(layout, fact), str(exc)))
    username = values.get("username", "")
    if not username:
        problems.append(Problem(number, _heading(layout, "username"),
                                "Every row needs the account's username."))
        return None
    name = values.get("display_name") or " ".join(
        part for part in (values.get("first_name", ""), values.get("last_name", "")) if part)
    enabled = values.get("enabled", values.get("disabled"))
    admin = [values[f] for f in ("is_admin", "role", "licence") if values.get(f) is not None]
    sign_in, never = values.get("last_sign_in", (None, False))
    return AccountRow(
        number=number, username=username, key=username_key(username),
        display_name=name[:200], email=values.get("email", ""), enabled=enabled,
        is_admin=(True in admin) if admin else None, mfa_on=values.get("mfa_on"),
        last_sign_in_at=sign_in, never_signed_in=never)


def _heading(layout: Layout, fact: Fact | str) -> str:
    field = fact if isinstance(fact, str) else fact.field
    return next((f.heading for f in layout.facts if f is not None and f.field == field),
                field.replace("_", " ").capitalize())


def rows_of(source: Source, problems: ProblemList, notes: list[str]) -> Iterator[AccountRow]:
    """Every account of the file (rows whose username is missing are problems instead)."""
    rows = iter(source.rows())
    headings = next(rows, None)
    if headings is None or not any(cell_text(c) for c in headings):
        raise ImportFileError("The file has no headings in its first row. Start from the "
                              "template, or export the list again with its headings.")
    layout = layout_of(headings, problems)
    if not layout.has("username"):
        return  # the heading's problem says it all: each row would repeat it
    if layout.secret:
        notes.append("Not read: " + ", ".join(quoted(h) for h in layout.secret[:10]) +
                     ". Schoolkeep never stores, asks for or shows a password.")
    if layout.ignored:
        shown = ", ".join(quoted(h) for h in layout.ignored[:12])
        more = len(layout.ignored) - 12
        notes.append(f"Columns Schoolkeep does not use, ignored: {shown}"
                     + (f" and {more} more." if more > 0 else "."))
    zone = timezone.get_current_timezone()
    assert isinstance(zone, ZoneInfo)
    count = 0
    for number, cells in enumerate(rows, start=2):
        if not any(cell_text(c) for c in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise ImportFileError(f"The file has more than {MAX_ROWS:,} rows. Split it.")
        row = parse_row(number, cells, layout, zone, problems)
        if row is not None:
            yield row
