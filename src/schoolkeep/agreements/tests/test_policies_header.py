"""Reading a policy's header: dates and terms as written, every unreadable value reported
with its line and value, a missing title reported, nothing guessed."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schoolkeep.agreements.policies.header import (
    NextReview,
    ordinal_suffix,
    read_date,
    read_header,
    read_next_review,
)

GOOD = (
    " \n"
    "\tName of School\tBrookfield Primary School\n"
    "\tPolicy Review Date\t3rd March 2023\n"
    "\tNext Review Date\tAutumn 2024\n"
    "\tReviewed by\tGovernor Name: Priya Shah Governor Signature: P Shah\n"
    "\n"
    "Mobile Phones Policy\n"
    "\n"
    "Staff keep personal phones away during lessons.\n"
)

FULL_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                "Dec"]


# --- dates ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("18th November 2020", date(2020, 11, 18)),
    ("18 November 2020", date(2020, 11, 18)),
    ("1st September 2021", date(2021, 9, 1)),
    ("2nd Feb 2022", date(2022, 2, 2)),
    ("3rd March 2023", date(2023, 3, 3)),
    ("22nd Sept 2024", date(2024, 9, 22)),
    ("11th June 2021", date(2021, 6, 11)),
    ("  31st  december   2021 ", date(2021, 12, 31)),
    ("Wednesday 18th November 2020", date(2020, 11, 18)),
    ("18/11/2020", date(2020, 11, 18)),
    ("2020-11-18", date(2020, 11, 18)),
])
def test_dates_are_read_as_written(text, expected):
    assert read_date(text) == expected


@pytest.mark.parametrize("text", [
    "18th Novembr 2020",  # no such month
    "2th March 2023",  # not how 2 is written
    "11st June 2021",
    "31st February 2021",  # February has no 31st
    "18th November",  # no year
    "November 2020",
    "Spring 2022",  # a term, not a date
    "soon",
    "",
    "13/13/2020",
])
def test_anything_else_is_not_a_date(text):
    with pytest.raises(ValueError):
        read_date(text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
       st.booleans(), st.booleans())
def test_every_date_written_any_usual_way_reads_back(day, with_suffix, short):
    month = (SHORT_MONTHS if short else FULL_MONTHS)[day.month - 1]
    suffix = ordinal_suffix(day.day) if with_suffix else ""
    assert read_date(f"{day.day}{suffix} {month} {day.year}") == day
    assert read_date(f"{day.day}/{day.month}/{day.year}") == day


@given(st.text(max_size=40))
def test_the_reader_only_ever_answers_a_date_or_value_error(text):
    try:
        result = read_date(text)
    except ValueError:
        return
    assert isinstance(result, date)


@given(st.integers(min_value=1, max_value=31))
def test_a_wrong_suffix_is_never_accepted(day):
    for suffix in {"st", "nd", "rd", "th"} - {ordinal_suffix(day)}:
        with pytest.raises(ValueError):
            read_date(f"{day}{suffix} January 2022")


@pytest.mark.parametrize(("text", "expected"), [
    ("Spring 2022", NextReview(term="Spring 2022")),
    ("spring term 2022", NextReview(term="Spring 2022")),
    ("Autumn 2024", NextReview(term="Autumn 2024")),
    ("18th November 2022", NextReview(on=date(2022, 11, 18))),
])
def test_a_next_review_is_a_term_or_a_date(text, expected):
    assert read_next_review(text) == expected


def test_a_next_review_that_is_neither_is_refused():
    with pytest.raises(ValueError, match="neither a date nor a term"):
        read_next_review("Next year")


# --- the header -----------------------------------------------------------------------------

def test_a_good_header_is_read_whole():
    header = read_header(GOOD)
    assert header.ok, header.problems
    assert header.title == "Mobile Phones Policy"
    assert header.title_line == 7
    assert header.school_name == "Brookfield Primary School"
    assert header.review_date == date(2023, 3, 3)
    assert header.next_review == NextReview(term="Autumn 2024")
    assert header.governor_name == "Priya Shah"
    assert header.governor_signature == "P Shah"
    assert header.reviewer == "Governor Name: Priya Shah Governor Signature: P Shah"


def test_labels_with_colons_and_a_bare_reviewer_are_read():
    header = read_header("Name of School: Brookfield\nPolicy Review Date: 5 May 2023\n"
                         "Reviewed by: Sam Ode\n\nCCTV Policy\n")
    assert header.ok
    assert (header.school_name, header.review_date, header.governor_name, header.title) == (
        "Brookfield", date(2023, 5, 5), "Sam Ode", "CCTV Policy")


def test_a_text_without_a_header_is_just_its_title():
    header = read_header("Charging Policy\n\nWe do not charge for lessons.\n")
    assert header.ok
    assert header.title == "Charging Policy"
    assert header.review_date is None and header.next_review is None


def test_an_unreadable_date_is_reported_with_its_line_and_value():
    text = GOOD.replace("3rd March 2023", "3rd Marhc 2023")
    header = read_header(text)
    assert not header.ok
    [problem] = header.problems
    assert problem.line == 3
    assert str(problem) == ('Line 3: Policy Review Date: "3rd Marhc 2023" is not a date '
                            'Schoolkeep can read. Write it like "18 November 2020".')
    assert header.review_date is None  # not guessed


def test_an_unreadable_next_review_is_reported():
    header = read_header(GOOD.replace("Autumn 2024", "after the summer"))
    [problem] = header.problems
    assert problem.line == 4
    assert '"after the summer"' in problem.message and "Next Review Date" in problem.message


def test_every_problem_is_reported_at_once():
    text = GOOD.replace("3rd March 2023", "soon").replace("Autumn 2024", "later")
    assert [p.line for p in read_header(text).problems] == [3, 4]


def test_a_missing_title_is_reported():
    header = read_header("\tName of School\tBrookfield\n\tPolicy Review Date\t1 May 2023\n\n")
    [problem] = header.problems
    assert "no title" in problem.message


def test_a_paragraph_where_the_title_should_be_is_reported():
    header = read_header("\tName of School\tBrookfield\n\n" + "Long words " * 40 + "\n")
    [problem] = header.problems
    assert problem.line == 3 and "title is missing" in problem.message


def test_an_unknown_header_line_is_a_note_not_a_problem():
    header = read_header("\tApproved at\tFull governing body\n\nCharging Policy\n")
    assert header.ok and header.title == "Charging Policy"
    assert [str(note) for note in header.ignored] == [
        'Line 1: "Approved at" is not a header line Schoolkeep reads; it was left out.']


def test_a_blank_value_states_nothing():
    header = read_header("\tNext Review Date\t\n\tReviewed by\t\nCharging Policy\n")
    assert header.ok and header.title == "Charging Policy"
    assert header.next_review is None and header.governor_name == ""
