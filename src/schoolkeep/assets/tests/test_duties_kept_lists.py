"""The asset duties' lists (``for_kind``) run from SQL kept between calls
(``duties.compiled``, keyed by the school, the viewer and the page; the local days put in)
and answer as SQL compiled afresh: on other days, for each viewer and page, and after
writes; one compilation serves every day."""

from __future__ import annotations

from datetime import timedelta

from schoolkeep.assets.duties import ASSET_KINDS, provider
from schoolkeep.assets.models import Classification
from schoolkeep.duties import compiled
from schoolkeep.duties.selectors import owners_for
from schoolkeep.duties.tests.per_kind import lists_of
from schoolkeep.people.services import person_mark_leaver
from schoolkeep.tenancy.selectors import user_ids_by_role

from .test_duties import HORIZON, NOW, OS, asset, days, frozen, owner  # noqa: F401

UNCLASSIFIED = Classification.UNCLASSIFIED


def _lists(school_id, now, owners, mine, limit):
    return lists_of(provider, ASSET_KINDS, school_id, now, owners, mine, limit)


def _fresh(*args):
    compiled.forget()
    return _lists(*args)


def test_kept_lists_answer_as_fresh_sql_on_each_day_viewer_and_page(personas):
    school = personas.school
    iao = owner(school, user=personas.iao)
    leaver = owner(school)
    person_mark_leaver(person=leaver, actor=None, leaving_date=days(1))
    asset(school, owner_person=iao, classification=UNCLASSIFIED, added=-3)
    asset(school, owner_person=leaver, last_reviewed_on=days(-370))
    asset(school, owner_unmatched="", added=10)
    asset(school, classification=OS, lawful_basis="", added=-1)
    asset(school, owner_person=iao, last_reviewed_on=days(-360))
    asset(school, classification=UNCLASSIFIED)  # due today, overdue two days on
    holders = user_ids_by_role([school.pk])
    viewers = [None] + [owners_for(holders, school.pk, user.pk)
                        for user in (personas.siro, personas.iao, personas.dpo)]
    # Two days on, the leaver has left, the asset added in ten days nears and a review is due.
    moments = [NOW, NOW + timedelta(days=2), NOW + timedelta(days=9)]
    calls = [(school.pk, moment, owners, mine, limit) for moment in moments
             for owners in viewers for mine in (True, False) for limit in (None, 1)]
    expected = [_fresh(*call) for call in calls]
    assert expected[0] != expected[len(calls) // 3]  # the days differ
    compiled.forget()
    assert [_lists(*call) for call in calls] == expected
    assert any(key[2][1] in ASSET_KINDS for key in compiled._kept)  # kept, not refused


def test_kept_lists_see_writes(personas):
    school = personas.school
    before = _lists(school.pk, NOW, None, True, None)
    asset(school, owner_unmatched="", classification=UNCLASSIFIED, added=-2)
    after = _lists(school.pk, NOW, None, True, None)
    assert before != after
    assert after == _fresh(school.pk, NOW, None, True, None)


def test_one_compilation_serves_every_day(personas):
    """The days are put in, not keyed (``assets.duties._days``): later days and a new
    month compile nothing more, for the lists and the counts."""
    school = personas.school
    asset(school, owner_unmatched="", classification=UNCLASSIFIED, added=-2)
    owners = owners_for(user_ids_by_role([school.pk]), school.pk, personas.siro.pk)
    compiled.forget()
    for step, moment in enumerate([NOW, NOW + timedelta(days=1), NOW + timedelta(days=40)]):
        _lists(school.pk, moment, owners, True, 5)
        provider.kind_counts(school.pk, now=moment, horizon=moment + HORIZON, owners=owners)
        if step == 0:
            kept = set(compiled._kept)
            assert any(key[2][0] == "assets.counts" for key in kept)  # kept, not refused
            assert any(key[2][1] in ASSET_KINDS for key in kept)
        assert set(compiled._kept) == kept
