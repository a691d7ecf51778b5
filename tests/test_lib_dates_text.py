"""The dates and times written in Python are what Django's date filter writes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template

from schoolkeep.lib.dates_text import day_month_year, london_date_time, month_names

FILTERS = Template("{% load tz %}{{ d|date:'j M Y' }}|"
                   "{{ t|timezone:'Europe/London'|date:'j M Y, H:i' }}|"
                   "{{ t|timezone:'Europe/London'|date:'j M Y, H:i:s' }}")


# A day each month; 23:30 UTC is the next day in London in summer, and 31 December the next year.
@pytest.mark.parametrize("moment", [datetime(2026, month, 3 + month, 23, 30, 5, 999999, tzinfo=UTC)
                                    for month in range(1, 13)]
                         + [datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)])
def test_same_text_as_the_date_filter(moment: datetime) -> None:
    months = month_names()
    ours = "|".join((day_month_year(moment.date(), months), london_date_time(moment, months),
                     london_date_time(moment, months, seconds=True)))
    assert ours == FILTERS.render(Context({"d": moment.date(), "t": moment}))


def test_no_date_is_empty() -> None:
    assert day_month_year(None, month_names()) == ""
    assert day_month_year(date(2024, 9, 2), month_names()) == "2 Sep 2024"
