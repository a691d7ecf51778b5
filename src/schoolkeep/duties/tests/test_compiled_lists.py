"""The foundation's lists (``for_kind`` of two-factor, locked accounts and invitations) run
from SQL kept between calls (``duties.compiled``) and answer as SQL compiled afresh: at
other moments (the instants put in), for each viewer and page, and after writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schoolkeep.duties import compiled
from schoolkeep.duties.selectors import owners_for
from schoolkeep.duties.tests.per_kind import lists_of
from schoolkeep.tenancy.duties import INVITATION, LOCKED, MFA, provider
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.selectors import user_ids_by_role

from .conftest import lock_account, make_invitation, make_member

NOW = datetime(2026, 11, 4, 10, tzinfo=UTC)
HORIZON = timedelta(days=14)
KINDS = (MFA, LOCKED, INVITATION)


def _lists(school_id, now, owners, mine, limit):
    return lists_of(provider, KINDS, school_id, now, owners, mine, limit)


def _fresh(*args):
    compiled.forget()
    return _lists(*args)


def test_kept_lists_answer_as_fresh_sql_at_each_moment_viewer_and_page(personas):
    school = personas.school
    make_member(school, [Role.IAO], created_at=NOW - timedelta(days=6, hours=23))
    locked = make_member(school, ["staff"])
    lock_account(locked.email, when=NOW - timedelta(minutes=10))
    make_invitation(school, expires_at=NOW + timedelta(hours=1))
    holders = user_ids_by_role([school.pk])
    viewers = [None] + [owners_for(holders, school.pk, user.pk)
                        for user in (personas.siro, personas.iao)]
    # An hour on, the member's two-factor is overdue and the invitation expired; a day on,
    # the lock has lifted.
    moments = [NOW, NOW + timedelta(hours=2), NOW + timedelta(days=1)]
    calls = [(school.pk, moment, owners, mine, limit) for moment in moments
             for owners in viewers for mine in (True, False) for limit in (None, 1)]
    expected = [_fresh(*call) for call in calls]
    assert expected[0] != expected[len(calls) // 3]  # the moments differ
    assert any(answer[LOCKED] for answer in expected) and not all(
        answer[LOCKED] for answer in expected)
    compiled.forget()
    assert [_lists(*call) for call in calls] == expected
    assert any(key[2][0] == LOCKED for key in compiled._kept)  # kept, not refused


def test_kept_lists_see_writes(personas):
    school = personas.school
    before = _lists(school.pk, NOW, None, True, None)
    make_invitation(school, expires_at=NOW - timedelta(days=1))
    after = _lists(school.pk, NOW, None, True, None)
    assert after == _fresh(school.pk, NOW, None, True, None)
    assert len(after[INVITATION]) == len(before[INVITATION]) + 1
