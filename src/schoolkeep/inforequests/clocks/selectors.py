"""What the bank holidays page shows: the coming bank holidays of England and the rest of
the UK from the holidays library (this year and next), and the school's one-off days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from schoolkeep.inforequests.clocks.calendar import UK_NATIONS, library_year
from schoolkeep.inforequests.models import ExtraBankHoliday

NATION_NAMES = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland",
                "NIR": "Northern Ireland"}


@dataclass(frozen=True)
class BankHolidayRow:
    day: date
    name: str
    where: str  # "The whole UK", "England and Wales", "Scotland"...
    england: bool  # counts for the rights (one month) as well as for FOI

    @property
    def weekend(self) -> bool:
        return self.day.weekday() >= 5


def coming_bank_holidays(today: date) -> list[BankHolidayRow]:
    """The library's bank holidays from today to the end of next year, each once, with the
    nations that keep it (weekend days the library lists, such as Boxing Day on a Saturday,
    are left out: a weekend never counts anyway)."""
    years = [today.year, today.year + 1]
    found: dict[date, dict[str, str]] = {}
    for nation in UK_NATIONS:
        for year in years:
            for day, name in library_year(nation, year):
                if day >= today and day.weekday() < 5:
                    found.setdefault(day, {})[nation] = name
    rows = []
    for day in sorted(found):
        nations = found[day]
        name = nations.get("ENG") or next(iter(nations.values()))
        if len(nations) == len(UK_NATIONS):
            where = "The whole UK"
        else:
            names = [NATION_NAMES[n] for n in UK_NATIONS if n in nations]
            where = names[0] if len(names) == 1 else (", ".join(names[:-1])
                                                      + f" and {names[-1]}")
        rows.append(BankHolidayRow(day=day, name=name, where=where, england="ENG" in nations))
    return rows


def extra_bank_holidays(school: Any) -> list[ExtraBankHoliday]:
    """The school's one-off bank holidays, oldest first (one query)."""
    return list(ExtraBankHoliday.objects.filter(school=school).order_by("day"))
