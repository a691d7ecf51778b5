"""Counts from compiled SQL kept between calls (``duties.compiled``) equal counts compiled
afresh: at another moment (the instants put in), for another viewer and after writes; a
query whose instants cannot all be found is not kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from schoolkeep.duties import compiled
from schoolkeep.duties.selectors import owners_for
from schoolkeep.tenancy.duties import INVITATION, provider
from schoolkeep.tenancy.models import Invitation
from schoolkeep.tenancy.selectors import user_ids_by_role

from .conftest import make_invitation

NOW = datetime(2026, 11, 4, 10, tzinfo=UTC)
HORIZON = timedelta(days=14)


def _fresh(school_id: int, now: datetime, owners: object) -> object:
    compiled.forget()
    return provider.kind_counts(school_id, now=now, horizon=now + HORIZON,
                                owners=owners)  # type: ignore[arg-type]


def test_kept_sql_answers_as_fresh_sql_at_each_moment_and_viewer(personas):
    school = personas.school
    make_invitation(school, expires_at=NOW + timedelta(hours=1))
    holders = user_ids_by_role([school.pk])
    viewers = [owners_for(holders, school.pk, user.pk)
               for user in (personas.siro, personas.staff)]
    moments = [NOW, NOW + timedelta(hours=2), NOW - timedelta(days=20)]
    expected = {(n, m): _fresh(school.pk, moment, owners)
                for n, owners in enumerate(viewers) for m, moment in enumerate(moments)}
    # The invitation is due at NOW and overdue two hours later: the instants count.
    assert expected[(0, 0)][INVITATION] != expected[(0, 1)][INVITATION]
    compiled.forget()
    for (n, m), answer in expected.items():  # each moment read from SQL kept at the first
        assert provider.kind_counts(school.pk, now=moments[m], horizon=moments[m] + HORIZON,
                                    owners=viewers[n]) == answer


def test_kept_sql_sees_writes(personas):
    school = personas.school
    owners = owners_for(user_ids_by_role([school.pk]), school.pk, personas.siro.pk)
    before = provider.kind_counts(school.pk, now=NOW, horizon=NOW + HORIZON, owners=owners)
    make_invitation(school, expires_at=NOW - timedelta(days=1))
    after = provider.kind_counts(school.pk, now=NOW, horizon=NOW + HORIZON, owners=owners)
    assert after == _fresh(school.pk, NOW, owners)
    assert after.get(INVITATION) != before.get(INVITATION)


def test_a_query_with_an_instant_not_given_is_not_kept(db):
    compiled.forget()
    moment = datetime(2026, 1, 1, tzinfo=UTC)

    def build():  # compares with an instant the caller does not hand over
        return Invitation.objects.filter(expires_at__lt=moment).values_list("pk")

    assert compiled.rows("test.hidden-instant", build) == []
    assert ("test.hidden-instant" not in
            {key[2] for key in compiled._kept})  # compiled again next time
    assert compiled.rows("test.given-instant", build, instants=[moment]) == []
    assert "test.given-instant" in {key[2] for key in compiled._kept}


def test_asset_counts_are_kept_and_see_writes(personas):
    from schoolkeep.assets.duties import OWNER_MISSING
    from schoolkeep.assets.duties import provider as assets
    from schoolkeep.assets.tests.test_duties import asset

    school = personas.school
    compiled.forget()
    owners = owners_for(user_ids_by_role([school.pk]), school.pk, personas.siro.pk)
    before = assets.kind_counts(school.pk, now=NOW, horizon=NOW + HORIZON, owners=owners)
    assert any(key[2][0] == "assets.counts" for key in compiled._kept)  # kept, not refused
    asset(school, added=-40, owner_unmatched="")  # no owner since before NOW
    after = assets.kind_counts(school.pk, now=NOW, horizon=NOW + HORIZON, owners=owners)
    compiled.forget()
    assert after == assets.kind_counts(school.pk, now=NOW, horizon=NOW + HORIZON,
                                       owners=owners)
    assert after != before and OWNER_MISSING in after


def test_dates_given_are_put_in_and_a_date_not_given_is_refused(personas):
    from datetime import date

    compiled.forget()
    first, second = date(2026, 1, 1), date(2026, 3, 1)
    made = make_invitation(personas.school, expires_at=datetime(2026, 2, 1, 10, tzinfo=UTC))

    def midnight(day):
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

    def build(day):  # compares with a day's midnight and with the day itself
        return (Invitation.objects.filter(expires_at__gte=midnight(day),
                                          expires_at__date__gt=day).values_list("pk"))

    def kept(day):
        return compiled.rows("test.dates", lambda: build(day), dates=[day],
                             instants=[midnight(day)])

    assert kept(first) == [(made.pk,)]
    assert "test.dates" in {key[2] for key in compiled._kept}  # kept, not refused
    assert kept(second) == list(build(second)) == []  # the second day's values put in
    assert kept(first) == [(made.pk,)]

    def hidden():  # a date the caller does not hand over
        return Invitation.objects.filter(expires_at__date__gt=second).values_list("pk")

    assert compiled.rows("test.hidden-date", hidden, dates=[first]) == []
    assert "test.hidden-date" not in {key[2] for key in compiled._kept}
