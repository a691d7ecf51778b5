"""Dates and times written as the pages show them ("6 Dec 2026", "6 Dec 2026, 13:04"),
without Django's date filter (a general formatter, slow for a page of rows)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils.dates import MONTHS_3
from django.utils.translation import get_language

LONDON = ZoneInfo("Europe/London")  # the schools' time, for every date a page writes


@lru_cache(maxsize=16)
def _month_names(language: str | None) -> tuple[str, ...]:
    # The key is the language: the names are translated.
    return ("", *(str(MONTHS_3[month]).title() for month in range(1, 13)))


def month_names() -> tuple[str, ...]:
    """The date filter's "M" for each month (index 1 to 12) in the active language; a page
    asks once and passes them to each date it writes."""
    return _month_names(get_language())


def day_month_year(value: date | None, months: tuple[str, ...]) -> str:
    """``value|date:"j M Y"`` ("2 Sep 2024"); "" for no date."""
    if value is None:
        return ""
    return f"{value.day} {months[value.month]} {value.year}"


def london_date_time(moment: datetime, months: tuple[str, ...], *,
                     seconds: bool = False) -> str:
    """An aware moment in Europe/London as ``date:"j M Y, H:i"`` ("j M Y, H:i:s" with
    ``seconds``)."""
    london = moment.astimezone(LONDON)
    clock = f"{london:%H:%M:%S}" if seconds else f"{london:%H:%M}"
    return f"{london.day} {months[london.month]} {london.year}, {clock}"
