"""Deadlines that count school days follow the term dates: when a school's (or its trust's)
dates for a year are saved, tenancy's term services call ``deadlines_follow_terms`` in the
same transaction, and the open freedom of information and educational record requests of
the schools concerned are worked out again (an estimated deadline becomes a firm one)."""

from __future__ import annotations

from typing import Any

from schoolkeep.inforequests.clocks.deadline import clocks_refresh_open
from schoolkeep.inforequests.models import Kind, Request, Status
from schoolkeep.tenancy.models import School

# The kinds whose clock counts school days.
SCHOOL_DAY_KINDS = (Kind.FOI, Kind.EDUCATIONAL_RECORD)


def deadlines_follow_terms(*, school: Any = None, organisation: Any = None,
                           academic_year: int, actor: Any = None) -> int:
    """Work out again the open requests counting school days of the school (or of every
    school of the trust, or of every school for the default pattern); how many moved."""
    if school is not None:
        schools = [school]
    else:
        with_open = School.objects.filter(pk__in=Request.objects.filter(
            status=Status.OPEN, kind__in=SCHOOL_DAY_KINDS).values("school_id"))
        if organisation is not None:
            with_open = with_open.filter(organisation=organisation)
        schools = list(with_open)
    return clocks_refresh_open(schools=schools, kinds=SCHOOL_DAY_KINDS)
