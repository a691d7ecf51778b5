"""The people duty counts run from SQL kept between calls (``duties.compiled``) and answer
as SQL compiled afresh: at another moment of the same day (the copies compare with the
instant), on another day and after writes."""

from __future__ import annotations

from datetime import timedelta

from schoolkeep.duties import compiled
from schoolkeep.people.duties import COPIES, MISSING, provider

from .test_duties import (
    HORIZON,
    NOW,
    backdate,
    complete,
    days,
    dbs_check,
    on_update_service,
    person,
    upload_copy,
)


def _kind_counts(school_id: int, now=NOW):
    return provider.kind_counts(school_id, now=now, horizon=now + HORIZON)


def _fresh(school_id: int, now=NOW):
    compiled.forget()
    return _kind_counts(school_id, now)


def test_people_counts_are_kept(personas):
    compiled.forget()
    _kind_counts(personas.school.pk)
    assert any(key[2][0] == "people.counts" for key in compiled._kept)  # kept, not refused


def test_kept_counts_put_in_the_moment(personas):
    school = personas.school
    copy = upload_copy(dbs_check(school))
    backdate(copy, NOW + timedelta(hours=1))  # past its date an hour after NOW
    moments = [NOW, NOW + timedelta(hours=2), NOW + timedelta(days=3)]
    expected = [_fresh(school.pk, moment) for moment in moments]
    assert COPIES not in expected[0]
    assert expected[1][COPIES].others.overdue == 1
    compiled.forget()
    assert [_kind_counts(school.pk, moment) for moment in moments] == expected


def test_kept_counts_see_writes(personas):
    school = personas.school
    before = _kind_counts(school.pk)
    person(school, start=-3)  # no checks at all: missing since three days ago
    after = _kind_counts(school.pk)
    assert after == _fresh(school.pk)
    assert after.get(MISSING) != before.get(MISSING)


def test_one_compilation_serves_every_day(personas):
    """The days (and the dates drawn from them: the right to work's notice, the Update
    Service interval) are put in, not keyed: on each of several days the kept counts equal
    fresh ones, and the later days compile nothing more."""
    school = personas.school
    complete(person(school), right_to_work={"right_to_work_expires_on": days(30)})
    on_update_service(school, checked=-360)  # due in five days, overdue in six
    person(school, start=3)  # checks missing from its start, three days on
    moments = [NOW, NOW + timedelta(days=4), NOW + timedelta(days=21), NOW + timedelta(days=50)]
    expected = [_fresh(school.pk, moment) for moment in moments]
    assert len({repr(answer) for answer in expected}) == len(moments)  # every day differs
    compiled.forget()
    _kind_counts(school.pk, moments[0])
    kept = set(compiled._kept)
    assert any(key[2][0] == "people.counts" for key in kept)  # kept, not refused
    assert [_kind_counts(school.pk, moment) for moment in moments] == expected
    assert set(compiled._kept) == kept
