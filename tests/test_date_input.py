"""The GOV.UK date input (lib/date_input.py): Day, Month, Year boxes read in British order,
errors naming the part, the boxes of the parts in error marked, values kept round trip; and
the date-time input's UK clock time, over both of the year's clocks-change days."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from schoolkeep.lib.date_input import (
    DATE_HINT,
    DATE_TIME_HINT,
    UKDateField,
    UKDateTimeField,
    date_notes,
)
from schoolkeep.lib.dates_text import LONDON


class DateForm(forms.Form):
    signed_on = UKDateField(label="Date signed", past=True)
    review_on = UKDateField(label="Next review", required=False,
                            help_text="Leave it empty for a year from today.")


class TimeForm(forms.Form):
    happened_at = UKDateTimeField(label="When it happened", what="when it happened",
                                  required=False)


def boxes(name: str, *parts: str) -> dict[str, str]:
    return {f"{name}_{index}": part for index, part in enumerate(parts)}


def cleaned(form: forms.Form, name: str) -> object:
    assert form.is_valid(), form.errors
    return form.cleaned_data[name]


def errors_of(form: forms.Form, name: str) -> list[str]:
    assert not form.is_valid()
    return list(form.errors[name])


def invalid_boxes(form: forms.Form, name: str) -> list[str]:
    html = str(form[name])
    return re.findall(rf'id="id_{name}_(\d)" aria-invalid="true"', html)


# ------------------------------------------------------------------------------ dates

def test_the_boxes_are_read_day_month_year():
    form = DateForm(boxes("signed_on", "3", "4", "2026"))
    assert cleaned(form, "signed_on") == date(2026, 4, 3)
    assert cleaned(form, "review_on") is None


@pytest.mark.parametrize("typed", ["03", " 3 ", "3"])
def test_leading_zeros_and_spaces_are_fine(typed):
    assert cleaned(DateForm(boxes("signed_on", typed, typed, "2026")), "signed_on") == \
        date(2026, 3, 3)


@pytest.mark.parametrize("month", ["March", "mar", "MAR.", "3"])
def test_a_month_may_be_typed_as_its_name(month):
    assert cleaned(DateForm(boxes("signed_on", "27", month, "2025")), "signed_on") == \
        date(2025, 3, 27)


@pytest.mark.parametrize(("posted", "expected"), [
    ("2026-04-03", date(2026, 4, 3)),  # what the old date inputs and API clients send
    ("3/4/2026", date(2026, 4, 3)),  # British order, never American
    ("03/04/2026", date(2026, 4, 3)),
])
def test_one_posted_value_is_read_as_well(posted, expected):
    assert cleaned(DateForm({"signed_on": posted}), "signed_on") == expected


def test_one_posted_value_that_is_not_a_date_is_refused():
    assert errors_of(DateForm({"signed_on": "04/03/26"}), "signed_on") == [
        "Date signed must be a real date"]


@pytest.mark.parametrize(("parts", "message", "marked"), [
    (("", "", ""), "Enter date signed", ["0", "1", "2"]),
    (("27", "", "2026"), "Date signed must include a month", ["1"]),
    (("", "3", ""), "Date signed must include a day and year", ["0", "2"]),
    (("x", "3", "2026"), "Date signed must be a real date", ["0"]),
    (("27", "13", "2026"), "Date signed must be a real date", ["1"]),
    (("27", "Smarch", "2026"), "Date signed must be a real date", ["1"]),
    (("30", "2", "2026"), "Date signed must be a real date", ["0"]),
    (("27", "3", "26"), "Date signed must include a year with 4 numbers, such as 2026", ["2"]),
    (("-1", "3", "2026"), "Date signed must be a real date", ["0"]),
    (("27", "3", "2999"), "Date signed must be today or in the past", ["0", "1", "2"]),
])
def test_each_error_names_the_field_and_marks_its_parts(parts, message, marked):
    form = DateForm(boxes("signed_on", *parts))
    assert errors_of(form, "signed_on") == [message]
    assert invalid_boxes(form, "signed_on") == marked
    # The error summary links to the first box in error.
    assert form.fields["signed_on"].first_error_part == int(marked[0])


def test_the_typed_parts_are_shown_again_after_an_error():
    form = DateForm(boxes("signed_on", "27", "", "20x6"))
    assert not form.is_valid()
    html = str(form["signed_on"])
    assert 'name="signed_on_0" value="27"' in html
    assert 'name="signed_on_2" value="20x6"' in html


def test_an_error_the_form_adds_marks_every_box():
    form = DateForm(boxes("signed_on", "1", "1", "2026"))
    assert form.is_valid()
    form.add_error("signed_on", "The school had not opened yet.")
    assert invalid_boxes(form, "signed_on") == ["0", "1", "2"]


def test_initial_dates_fill_the_boxes():
    html = str(DateForm(initial={"signed_on": date(2026, 3, 7)})["signed_on"])
    assert 'name="signed_on_0" value="7"' in html
    assert 'name="signed_on_1" value="3"' in html
    assert 'name="signed_on_2" value="2026"' in html


def test_the_field_renders_the_gov_uk_pattern():
    html = DateForm().as_div()
    assert 'type="date"' not in html
    fieldset = re.search(r"<fieldset[^>]*>\s*<legend>Date signed</legend>", html)
    assert fieldset, html
    assert html.count('inputmode="numeric"') == 6
    for index, part in enumerate(("Day", "Month", "Year")):
        assert f'<label class="date-input-label" for="id_signed_on_{index}">{part}</label>' \
            in html
    assert "date-input-width-2" in html and "date-input-width-4" in html
    assert f'<div class="hint" id="id_signed_on_helptext">{DATE_HINT}</div>' in html
    # A form's own hint comes first, then the one example.
    assert f"Leave it empty for a year from today. {DATE_HINT}</div>" in html


def test_has_changed_compares_dates_not_text():
    form = DateForm(boxes("signed_on", "07", "03", "2026"),
                    initial={"signed_on": date(2026, 3, 7)})
    assert "signed_on" not in form.changed_data
    form = DateForm(boxes("signed_on", "8", "3", "2026"),
                    initial={"signed_on": date(2026, 3, 7)})
    assert "signed_on" in form.changed_data


def test_date_of_birth_boxes_let_the_browser_fill_them():
    class BirthForm(forms.Form):
        date_of_birth = UKDateField(label="Date of birth", birthday=True)

    html = str(BirthForm()["date_of_birth"])
    for part in ("day", "month", "year"):
        assert f'autocomplete="bday-{part}"' in html


# ------------------------------------------------------------------------ date-times

def test_a_date_and_time_is_uk_clock_time():
    winter = TimeForm(boxes("happened_at", "15", "1", "2026", "14", "30"))
    summer = TimeForm(boxes("happened_at", "1", "7", "2026", "14", "30"))
    assert cleaned(winter, "happened_at") == datetime(2026, 1, 15, 14, 30, tzinfo=UTC)
    assert cleaned(summer, "happened_at") == datetime(2026, 7, 1, 13, 30, tzinfo=UTC)


def test_an_instant_fills_the_boxes_in_uk_time():
    form = TimeForm(initial={"happened_at": datetime(2026, 7, 1, 13, 5, tzinfo=UTC)})
    html = str(form["happened_at"])
    values = re.findall(r'name="happened_at_\d" value="([^"]*)"', html)
    assert values == ["1", "7", "2026", "14", "05"]
    assert DATE_TIME_HINT == "For example, 27 3 2026 14 05"


@pytest.mark.parametrize(("parts", "message", "marked"), [
    (("1", "7", "2026", "", ""), "When it happened must include an hour and minute",
     ["3", "4"]),
    (("1", "7", "2026", "14", ""), "When it happened must include a minute", ["4"]),
    (("1", "7", "2026", "24", "00"), "When it happened must have an hour from 0 to 23", ["3"]),
    (("1", "7", "2026", "23", "60"), "When it happened must have a minute from 0 to 59",
     ["4"]),
    (("31", "6", "2026", "10", "00"), "When it happened must be a real date and time", ["0"]),
])
def test_each_date_time_error_names_the_part(parts, message, marked):
    form = TimeForm(boxes("happened_at", *parts))
    assert errors_of(form, "happened_at") == [message]
    assert invalid_boxes(form, "happened_at") == marked


def test_a_time_the_clocks_skipped_is_refused_naming_the_field():
    form = TimeForm(boxes("happened_at", "29", "3", "2026", "1", "30"))
    assert errors_of(form, "happened_at") == [
        "There was no 01:30 on Sunday 29 March 2026 in UK time: the clocks went forward from "
        "01:00 to 02:00. Enter when it happened as a time before 01:00 or from 02:00."]
    assert invalid_boxes(form, "happened_at") == ["3", "4"]


def test_a_time_that_happened_twice_is_read_as_the_first_and_said():
    form = TimeForm(boxes("happened_at", "25", "10", "2026", "01", "30"))
    assert cleaned(form, "happened_at") == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert date_notes(form) == [
        "01:30 on Sunday 25 October 2026 happened twice in UK time, because the clocks went "
        "back an hour. We recorded when it happened as the first 01:30 (BST, 00:30 UTC)."]


def test_one_posted_date_and_time_is_read_as_well():
    assert cleaned(TimeForm({"happened_at": "2026-07-01T14:30"}), "happened_at") == \
        datetime(2026, 7, 1, 13, 30, tzinfo=UTC)
    assert cleaned(TimeForm({"happened_at": "1/7/2026 14:30"}), "happened_at") == \
        datetime(2026, 7, 1, 13, 30, tzinfo=UTC)


def test_a_future_time_is_refused_where_the_form_says_so():
    class PastForm(forms.Form):
        happened_at = UKDateTimeField(label="When it happened", past=True)

    later = datetime.now(UTC) + timedelta(days=2)
    local = later.astimezone(LONDON)
    form = PastForm(boxes("happened_at", str(local.day), str(local.month), str(local.year),
                          "12", "00"))
    assert errors_of(form, "happened_at") == ["When it happened must be in the past"]


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


@settings(max_examples=60, deadline=None)
@given(year=st.integers(2000, 2037), october=st.booleans(),
       minute=st.integers(0, 24 * 60 - 1))
def test_every_minute_of_both_clocks_change_days(year, october, minute):
    """On the day the clocks go forward, the hour from 01:00 is refused and every other
    minute reads back as typed; on the day they go back, every minute reads back as typed,
    and the hour from 01:00 is its first (BST) instant."""
    day = _last_sunday(year, 10 if october else 3)
    hour, minute = divmod(minute, 60)
    form = TimeForm(boxes("happened_at", str(day.day), str(day.month), str(day.year),
                          str(hour), str(minute)))
    if not october and hour == 1:
        assert not form.is_valid()
        assert form.errors["happened_at"][0].startswith(
            f"There was no 01:{minute:02d} on Sunday {day.day} March {year} in UK time")
        return
    instant = cleaned(form, "happened_at")
    assert isinstance(instant, datetime) and instant.tzinfo == UTC
    local = instant.astimezone(LONDON)
    assert (local.date(), local.hour, local.minute) == (day, hour, minute)
    repeated = october and hour == 1
    assert local.tzname() == ("BST" if repeated else local.tzname())
    assert bool(date_notes(form)) == repeated
    if repeated:
        # The earlier of the two instants that read so.
        assert (instant - timedelta(hours=1)).astimezone(LONDON).hour == 0


def test_an_encrypted_date_column_is_entered_with_the_date_boxes():
    from schoolkeep.people.models import Person

    field = Person._meta.get_field("date_of_birth").formfield()
    assert isinstance(field, UKDateField) and not field.required
    assert field.label == "Date of birth"
    assert field.clean(["14", "2", "1985"]) == date(1985, 2, 14)
